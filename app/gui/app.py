"""Start the desktop app: the QApplication, the services, the main window, the event loop.

This is the GUI's composition root. Services (settings, the background
operations, the registry table, change notifications) are built here once
and passed to the window; nothing is looked up globally.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from app import APP_ID, APP_NAME, __version__
from app.core.paths import resource, user_config_dir
from app.sources.registries import RegistryTable

from .background import Operations
from .events import CaseEvents
from .settings import Settings
from .window import MainWindow

ORGANISATION = "evbundle"


def registry_namer(table: RegistryTable) -> Callable[[str], str]:
    """Turn a registry id into the name shown in the domains table (cached: a million rows repeat a few ids)."""

    @functools.lru_cache(maxsize=1024)
    def name(registry_id: str) -> str:
        try:
            return table.get(registry_id).name
        except KeyError:
            return registry_id

    return name


def configure_application(app: QApplication) -> None:
    """Names Qt uses for settings and dialogs; QSettings defaults to an INI file under our config folder."""
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName("Evidence Bundle Builder")
    app.setOrganizationName(ORGANISATION)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)  # Wayland and the taskbar match the window to the installed .desktop file
    app.setWindowIcon(QIcon(str(resource("icons", "evbundle-256.png"))))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(user_config_dir()))


def build_window(case_path: Path | None = None) -> MainWindow:
    """The window with its services, optionally with a case open (tests and scripts use this too)."""
    operations = Operations()
    window = MainWindow(operations, Settings(), registry_namer(RegistryTable.load()), CaseEvents())
    operations.setParent(window)
    window.events.setParent(window)
    if case_path is not None:
        window.open_case(Path(case_path))
    return window


def run_gui(argv: list[str], case_path: Path | None = None) -> int:
    """Open the desktop app (with ``case_path`` open, if given) and run until the window closes."""
    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    assert isinstance(app, QApplication)
    configure_application(app)
    window = build_window(case_path)
    window.show()
    return int(app.exec())
