"""The CLI and everything outside app/gui (and the capture program in app/capture/browser) runs without Qt."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap

from conftest import REPO

BLOCK_QT_AND_IMPORT_ALL = textwrap.dedent(
    """
    import importlib, pkgutil, sys

    class NoQt:
        def find_spec(self, name, path=None, target=None):
            if name == "PySide6" or name.startswith("PySide6.") or name.startswith("shiboken6"):
                raise ImportError(f"Qt imported outside app.gui: {name}")
            return None

    sys.meta_path.insert(0, NoQt())
    import app
    names = []
    # The exceptions by name: the GUI, and the capture browser, a program of its own (python -m app.capture).
    exempt = ("app.gui", "app.capture.browser")
    for info in pkgutil.walk_packages(app.__path__, "app."):
        if info.name in exempt or info.name.startswith(tuple(f"{name}." for name in exempt)):
            continue
        importlib.import_module(info.name)
        names.append(info.name)
    from app import cli
    cli.build_parser()
    assert not [m for m in sys.modules if m.startswith("PySide6")]
    print(len(names))
    """
)


def test_no_module_outside_gui_imports_qt() -> None:
    result = subprocess.run(
        [sys.executable, "-c", BLOCK_QT_AND_IMPORT_ALL],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) > 10


def test_cli_help_runs_without_qt() -> None:
    code = "import sys; sys.modules['PySide6'] = None; from app.__main__ import main; sys.argv=['evbundle']; raise SystemExit(main(['--help']))"
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "demo" in result.stdout


def test_import_contracts_hold() -> None:
    """The layer contracts in pyproject.toml (import-linter), where the tool is installed."""
    lint = shutil.which("lint-imports") or str(REPO / ".venv" / "bin" / "lint-imports")
    if not shutil.os.path.exists(lint):
        import pytest

        pytest.skip("import-linter not installed")
    result = subprocess.run([lint, "--no-cache"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
