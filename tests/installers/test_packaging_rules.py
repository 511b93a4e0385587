"""The packaging rules that can be checked without building: metadata, trimming, desktop files.

The build itself (PyInstaller, the .deb, the frozen self-test) is checked by `packaging/build`
and tests/installers/test_linux_package.sh, run by .ci/run.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import REPO

sys.path.insert(0, str(REPO / "packaging"))

import linux  # noqa: E402
import metadata  # noqa: E402
import trim  # noqa: E402

import app  # noqa: E402
from app.store import schema  # noqa: E402


def test_metadata_matches_the_app() -> None:
    meta = metadata.load(REPO)
    assert (meta.version, meta.app_id) == (app.__version__, app.APP_ID)
    assert meta.windows_version.count(".") == 3


def test_metadata_refuses_a_version_the_app_does_not_report(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    (tmp_path / "app" / "__init__.py").write_text('__version__ = "9.9.9"\nAPP_ID = "x"\n')
    with pytest.raises(SystemExit, match="9.9.9"):
        metadata.load(tmp_path)


def test_patterns_drop_unused_plugins_and_keep_the_ones_the_app_needs() -> None:
    qt = trim.qt_dir()
    for kept in ("platforms/libqxcb.so", "platforms/libqoffscreen.so", "platforms/libqwayland.so",
                 "imageformats/libqjpeg.so", "platformthemes/libqxdgdesktopportal.so"):
        assert trim.dropped_by_pattern(f"{qt}/plugins/{kept}") is None, kept
    for dropped in ("platforminputcontexts/libqtvirtualkeyboardplugin.so", "platforms/libqeglfs.so",
                    "tls/libqopensslbackend.so", "platformthemes/libqgtk3.so"):
        assert trim.dropped_by_pattern(f"{qt}/plugins/{dropped}"), dropped
    assert trim.dropped_by_pattern(f"{qt}/translations/qtbase_de.qm")
    assert trim.unused_qt_modules(["QtCore", "QtQuick", "QtPdf"], trim.QT_MODULES_USED) == ["PySide6.QtQuick"]


def test_every_qt_module_the_app_imports_is_kept_in_the_app_or_the_capture_engine() -> None:
    """A Qt module trimmed away shows only in a frozen build (the capture program's QtWebSockets once was):
    the app's must be in QT_MODULES_USED, the capture program's there or in QT_MODULES_ENGINE."""
    import re

    def imported(folder: Path) -> set[str]:
        return {m for path in folder.rglob("*.py")
                for m in re.findall(r"^\s*from PySide6\.(Qt\w+)", path.read_text(encoding="utf-8"), re.M)}

    assert imported(REPO / "app" / "gui") <= set(trim.QT_MODULES_USED)
    assert imported(REPO / "app" / "capture") <= set(trim.QT_MODULES_USED + trim.QT_MODULES_ENGINE)


def test_libraries_nothing_links_to_are_dropped_and_the_rest_kept() -> None:
    toc = [
        ("evbundle", "/src/evbundle", "EXECUTABLE"),
        ("libpython3.11.so.1.0", "/src/libpython", "BINARY"),  # loaded by name by the bootloader
        ("PySide6/QtGui.abi3.so", "/src/QtGui", "EXTENSION"),
        ("PySide6/Qt/lib/libQt6Gui.so.6", "/src/Gui", "BINARY"),
        ("PySide6/Qt/lib/libQt6Core.so.6", "/src/Core", "BINARY"),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/src/xcb", "BINARY"),
        ("PySide6/Qt/lib/libQt6XcbQpa.so.6", "/src/XcbQpa", "BINARY"),
        ("PySide6/Qt/lib/libQt6Quick.so.6", "/src/Quick", "BINARY"),  # only a dropped plugin used it
        ("libcairo.so.2", "/src/cairo", "BINARY"),
    ]
    links = {"/src/QtGui": ["libQt6Gui.so.6"], "/src/Gui": ["libQt6Core.so.6"],
             "/src/xcb": ["libQt6XcbQpa.so.6"], "/src/XcbQpa": ["libQt6Gui.so.6"]}
    unused = trim.unreachable_libraries(toc, lambda source: links.get(source, []))
    assert unused == {"PySide6/Qt/lib/libQt6Quick.so.6", "libcairo.so.2"}


def test_an_unreadable_binary_keeps_everything() -> None:
    toc = [("PySide6/QtGui.abi3.so", "/src/QtGui", "EXTENSION"), ("libx.so.1", "/src/x", "BINARY")]

    def broken(source: str) -> list[str]:
        raise OSError("cannot read")

    assert trim.unreachable_libraries(toc, broken) == set()


def test_the_mime_type_matches_case_files_by_suffix_and_by_their_application_id() -> None:
    meta = metadata.load(REPO)
    root = ET.fromstring(linux.mime_xml(meta))
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    mime = root.find("m:mime-type", ns)
    assert mime is not None and mime.get("type") == meta.case_mime_type
    assert mime.find("m:glob", ns).get("pattern") == f"*.{meta.case_suffix}"
    inner = mime.find("m:magic/m:match/m:match", ns)
    assert int(inner.get("value"), 16) == schema.APPLICATION_ID and inner.get("offset") == "68"


def test_the_desktop_entry_opens_case_files(tmp_path: Path) -> None:
    meta = metadata.load(REPO)
    text = linux.desktop_entry(meta)
    assert f"MimeType={meta.case_mime_type};" in text and "%f" in text and f"Icon={meta.app_id}" in text
    if shutil.which("desktop-file-validate") is None:
        pytest.skip("desktop-file-validate not installed")
    path = tmp_path / f"{meta.app_id}.desktop"
    path.write_text(text, encoding="utf-8")
    result = subprocess.run(["desktop-file-validate", str(path)], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout == "", result.stdout
