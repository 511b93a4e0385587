"""What the one-folder build leaves out, and why: the rules evbundle.spec applies to PyInstaller's lists.

PyInstaller collects every Qt plugin of each module it sees, and every library those
plugins link to. The app draws widgets on X11, Wayland, Windows, macOS and offscreen (the
self-test), reads PNG and JPEG, shows PDFs with QtPdf, and speaks English: the rest is
weight. Three steps:

1. :data:`DROP` names files by pattern (plugins, translations, QML) with the reason;
2. :func:`unreachable_libraries` then drops each bundled shared library that nothing left
   links to (the virtual-keyboard plugin alone pulled in QtQuick and QtQml, ~20 MB), by
   following the import tables of what remains;
3. ``packaging/linux.py`` strips debug information from the Linux binaries that carry it.

The frozen ``--self-test`` is what proves nothing needed was dropped.
"""

from __future__ import annotations

import fnmatch
import os
import sys
from collections.abc import Callable, Iterable, Sequence

# (pattern on the destination path, with "/" separators, reason). "QTDIR" is PySide6/Qt on
# Linux and macOS and PySide6 on Windows: see :func:`qt_patterns`.
DROP: tuple[tuple[str, str], ...] = (
    ("QTDIR/translations/*", "Qt's own translations: the app's interface is English only"),
    ("QTDIR/qml/*", "QML: the app is QtWidgets only"),
    ("QTDIR/plugins/platforminputcontexts/*virtualkeyboard*", "on-screen keyboard: pulls QtQuick and QtQml"),
    ("QTDIR/plugins/platforms/*eglfs*", "full-screen embedded platform"),
    ("QTDIR/plugins/platforms/*linuxfb*", "framebuffer platform"),
    ("QTDIR/plugins/platforms/*minimalegl*", "embedded platform"),
    ("QTDIR/plugins/platforms/*vnc*", "VNC server platform"),
    ("QTDIR/plugins/platforms/*vkkhrdisplay*", "Vulkan display platform"),
    ("QTDIR/plugins/platforms/*direct2d*", "Direct2D platform (the default Windows platform stays)"),
    ("QTDIR/plugins/egldeviceintegrations/*", "embedded EGL devices"),
    ("QTDIR/plugins/generic/*", "evdev and TUIO input for embedded platforms"),
    ("QTDIR/plugins/networkinformation/*", "network-state plugins: the app never asks Qt about the network"),
    ("QTDIR/plugins/tls/*", "Qt TLS backends: lookups use Python's own ssl, not QtNetwork"),
    ("QTDIR/plugins/platformthemes/*gtk3*", "GTK theme: loads the system's GTK over the bundled glib; "
     "the portal theme stays"),
    ("QTDIR/plugins/imageformats/*qtiff*", "image formats the app does not read (PNG and JPEG stay)"),
    ("QTDIR/plugins/imageformats/*qwebp*", "image formats the app does not read"),
    ("QTDIR/plugins/imageformats/*qtga*", "image formats the app does not read"),
    ("QTDIR/plugins/imageformats/*qwbmp*", "image formats the app does not read"),
    ("QTDIR/plugins/imageformats/*qicns*", "image formats the app does not read"),
    ("QTDIR/plugins/imageformats/*qpdf*", "PDF as an image format: the preview uses QtPdf itself"),
    ("QTDIR/plugins/imageformats/*qgif*", "image formats the app does not read"),
    ("QTDIR/plugins/multimedia/*", "multimedia"),
    ("QTDIR/plugins/sqldrivers/*", "Qt SQL drivers: the case file is read by Python's sqlite3"),
)

# Python modules of dependencies that the app never imports (given to PyInstaller as excludes).
EXCLUDED_MODULES: tuple[str, ...] = (
    "tkinter", "_tkinter", "PIL.ImageTk", "PIL._imagingtk",  # no Tk
    "PIL._avif", "PIL._webp",  # screenshots are PNG or JPEG; AVIF alone brings a 5 MB library
    "pytest", "_pytest", "pytestqt", "hypothesis",  # test tools, if present in the build environment
    "IPython", "matplotlib", "numpy",  # optional extras some libraries try to import
)

# The Qt modules the app uses (app/gui); every other PySide6 module is excluded.
QT_MODULES_USED: tuple[str, ...] = ("QtCore", "QtGui", "QtWidgets", "QtPdf", "QtPdfWidgets")
# The capture engine (issue 16): QtWebEngine and what it needs, built as a separate component.
QT_MODULES_ENGINE: tuple[str, ...] = ("QtWebEngineCore", "QtWebEngineWidgets", "QtWebChannel", "QtNetwork",
                                      "QtWebSockets",  # the capture program's DevTools connection
                                      "QtPrintSupport", "QtPositioning", "QtQml", "QtQuick",
                                      "QtQuickWidgets", "QtOpenGL", "QtOpenGLWidgets")


def qt_dir() -> str:
    return "PySide6" if sys.platform == "win32" else "PySide6/Qt"


def qt_patterns() -> list[tuple[str, str]]:
    return [(pattern.replace("QTDIR", qt_dir()), reason) for pattern, reason in DROP]


def unused_qt_modules(available: Iterable[str], keep: Iterable[str]) -> list[str]:
    """``PySide6.X`` for each module in ``available`` not in ``keep`` (PyInstaller ``excludes``)."""
    kept = set(keep)
    return sorted(f"PySide6.{name}" for name in available if name not in kept)


def dropped_by_pattern(dest: str) -> str | None:
    """The reason ``dest`` is left out, or None to keep it."""
    path = dest.replace(os.sep, "/")
    for pattern, reason in qt_patterns():
        if fnmatch.fnmatchcase(path, pattern):
            return reason
    return None


def _is_shared_library(dest: str) -> bool:
    name = os.path.basename(dest).lower()
    return name.endswith(".dll") or ".so" in name or name.endswith(".dylib")


def unreachable_libraries(
    binaries: Sequence[tuple[str, str, str]],
    imports_of: Callable[[str], Iterable[str]],
) -> set[str]:
    """Destinations of bundled shared libraries that nothing kept links to, directly or not.

    ``binaries`` is PyInstaller's TOC (dest, source, typecode). The roots are everything that
    is not a plain shared library: executables, Python extension modules, Qt plugins and the
    Python library itself (the bootloader loads it by name). Libraries are matched by file
    name, which is how the loader finds them in the folder. Used on Linux.
    """
    by_name: dict[str, list[str]] = {}
    candidates = set()
    for dest, _source, typecode in binaries:
        by_name.setdefault(os.path.basename(dest).lower(), []).append(dest)
        base = os.path.basename(dest).lower()
        if (typecode == "BINARY" and _is_shared_library(dest) and "/plugins/" not in "/" + dest.replace(os.sep, "/")
                and not base.startswith(("libpython", "python3"))):
            candidates.add(dest)
    sources = {dest: source for dest, source, _ in binaries}
    reached = {dest for dest, _s, _t in binaries if dest not in candidates}
    queue = list(reached)
    while queue:
        dest = queue.pop()
        try:
            names = list(imports_of(sources[dest]))
        except Exception:
            return set()
        for name in names:
            for target in by_name.get(os.path.basename(name).lower(), ()):
                if target not in reached:
                    reached.add(target)
                    queue.append(target)
    return candidates - reached
