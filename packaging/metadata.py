"""What every installer says about the app, read from pyproject.toml in one place.

``[project]`` gives the name, version, summary and licence; ``[tool.evbundle]`` the
application id, display name, publisher and the ``.evcase`` file type (MIME type, macOS
UTI, Windows ProgID). The running app has its own copies (``app.__version__``,
``app.APP_ID``): :func:`load` refuses to go on when they differ, so an installer can
never carry a version the app does not report.

    python packaging/metadata.py          # prints the metadata as JSON
"""

from __future__ import annotations

import ast
import json
import sys
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Metadata:
    name: str  # the command and folder name: evbundle
    version: str
    summary: str
    licence: str
    app_id: str  # reverse DNS: the .desktop file's name, the macOS bundle id
    display_name: str
    publisher: str
    case_suffix: str  # without the dot
    case_mime_type: str
    case_type_name: str
    macos_case_uti: str
    windows_case_progid: str

    @property
    def windows_version(self) -> str:
        """Four numbers, as Windows version resources want them (0.1.0 -> 0.1.0.0)."""
        numbers = [part for part in self.version.split(".") if part.isdigit()][:4]
        return ".".join(numbers + ["0"] * (4 - len(numbers)))


def _app_constants(root: Path) -> dict[str, str]:
    """``__version__`` and ``APP_ID`` from app/__init__.py, read without importing the app."""
    tree = ast.parse((root / "app" / "__init__.py").read_text(encoding="utf-8"))
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = str(node.value.value)
    return found


def load(root: Path = ROOT) -> Metadata:
    data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    project, tool = data["project"], data["tool"]["evbundle"]
    meta = Metadata(
        name=project["name"], version=project["version"], summary=tool["summary"],
        licence=project["license"]["text"], app_id=tool["app-id"], display_name=tool["display-name"],
        publisher=tool["publisher"], case_suffix=tool["case-suffix"], case_mime_type=tool["case-mime-type"],
        case_type_name=tool["case-type-name"], macos_case_uti=tool["macos-case-uti"],
        windows_case_progid=tool["windows-case-progid"],
    )
    app = _app_constants(root)
    if app.get("__version__") != meta.version or app.get("APP_ID") != meta.app_id:
        raise SystemExit(
            f"pyproject.toml says version {meta.version}, app id {meta.app_id}; app/__init__.py says "
            f"{app.get('__version__')}, {app.get('APP_ID')}: make them the same before building"
        )
    return meta


if __name__ == "__main__":
    json.dump(asdict(load()), sys.stdout, indent=1)
    print()
