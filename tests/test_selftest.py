"""``evbundle --self-test`` from source: every step passes, a failure is reported, no Qt without the GUI.

The frozen build runs the same self-test (packaging/build, tests/installers/test_linux_package.sh).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from app import selftest


def _run(*args: str, block_qt: bool = False) -> subprocess.CompletedProcess[str]:
    prelude = "import sys; sys.modules['PySide6'] = None; " if block_qt else "import sys; "
    code = prelude + "from app.__main__ import main; raise SystemExit(main(sys.argv[1:]))"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-c", code, *args], cwd=REPO, capture_output=True, text=True,
                          timeout=180, env=env)


def test_the_whole_self_test_passes_and_leaves_the_home_alone(isolated_home: Path) -> None:
    result = _run("--self-test")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    steps = [line for line in lines if line.startswith(("ok ", "FAILED"))]
    assert len(steps) == len(selftest.STEPS) and all(line.startswith("ok ") for line in steps)
    assert any("document preview (QtPdf)" in line and "pages" in line for line in steps)
    assert any("filing set rendered" in line and " DOCX " in line for line in steps)
    assert lines[-1].startswith("self-test passed")
    assert list(isolated_home.iterdir()) == []  # the self-test made its own home, and removed it


def test_without_the_window_no_qt_is_imported() -> None:
    result = _run("--self-test", "--no-gui", block_qt=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "main window" not in result.stdout


def test_a_failing_step_is_reported_and_the_next_ones_still_run(tmp_path: Path) -> None:
    def broken(test: selftest.SelfTest) -> str:
        raise OSError("a data file is missing from the build")

    steps = (selftest.Step("broken", broken), selftest.Step("needs it", lambda t: "x", needs="nothing"),
             selftest.Step("fine", lambda t: "all right"))
    out = io.StringIO()
    results = selftest.run_steps(selftest.SelfTest(tmp_path, tmp_path), steps, out=out)
    assert [r.ok for r in results] == [False, False, True]
    text = out.getvalue()
    assert "FAILED" in text and "a data file is missing from the build" in text
    assert "an earlier step did not make the nothing" in text and "all right" in text


def test_without_the_capture_engine_the_step_says_so_and_require_capture_fails(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import app.capture.launch

    monkeypatch.setattr(app.capture.launch, "engine_available", lambda: False)
    step = [s for s in selftest.STEPS if s.name == "web capture"]
    out = io.StringIO()
    relaxed = selftest.run_steps(selftest.SelfTest(tmp_path, tmp_path), step, out=out)
    strict = selftest.run_steps(selftest.SelfTest(tmp_path, tmp_path, made={"require_capture": True}), step,
                                out=out)
    assert [r.ok for r in relaxed + strict] == [True, False]
    assert "skipped: the capture engine" in relaxed[0].detail and "not installed" in strict[0].detail
