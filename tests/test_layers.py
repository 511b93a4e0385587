"""The CLI and everything outside app/gui (and the capture program in app/capture/browser) runs without Qt."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

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


def _lint_imports(root: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    lint = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    return subprocess.run([lint, "--no-cache", "--config", str(root / "pyproject.toml")], cwd=root,
                          capture_output=True, text=True, env=env, timeout=300)


def test_import_contracts_hold() -> None:
    """The layer contracts in pyproject.toml (import-linter) hold for the code as it is."""
    result = _lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr


FORBIDDEN = {  # a file added to a copy of the app -> the contract it must break
    "app/gui/pages/sneaky.py": ("from app.store import schema\n", "app.gui is not allowed to import app.store"),
    "app/cli/sneaky.py": ("import app.documents.pdf_writer\n", "app.cli is not allowed to import app.documents"),
    "app/core/sneaky.py": ("import PySide6.QtCore\n", "app.core is not allowed to import PySide6"),
    "app/store/sneaky.py": ("import app.ops.build\n", "app.store.sneaky -> app.ops.build"),
}


def test_a_forbidden_import_breaks_the_contracts(tmp_path: Path) -> None:
    """Each contract fails when an import it forbids is added (checked on a copy of the app)."""
    shutil.copytree(REPO / "app", tmp_path / "app", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    for name, (line, _) in FORBIDDEN.items():
        (tmp_path / name).write_text(line)
    result = _lint_imports(tmp_path, env={**os.environ, "PYTHONPATH": str(tmp_path)})
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0
    for name, (_, complaint) in FORBIDDEN.items():
        assert complaint in output, f"{name}: {output[-2000:]}"
