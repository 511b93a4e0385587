"""Start the desktop app: the QApplication, the services, the main window, the event loop.

This is the GUI's composition root. Services (settings, the background
operations, the registry table, change notifications) are built here once
and passed to the window; nothing is looked up globally.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from app import APP_ID, APP_NAME, __version__
from app.core.paths import resource
from app.gui.background import Operations
from app.gui.events import CaseEvents
from app.gui.window import MainWindow
from app.ops.domains import registry_namer

ORGANISATION = "evbundle"


def configure_application(app: QApplication) -> None:
    """Names Qt uses for dialogs (the settings are ours: ``app.ops.settings``)."""
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName("Evidence Bundle Builder")
    app.setOrganizationName(ORGANISATION)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)  # Wayland and the taskbar match the window to the installed .desktop file
    app.setWindowIcon(QIcon(str(resource("icons", "evbundle-256.png"))))


def build_window(case_path: Path | None = None) -> MainWindow:
    """The window with its services, optionally with a case open (tests and scripts use this too)."""
    events = CaseEvents()
    operations = Operations(events=events)
    window = MainWindow(operations, registry_namer(), events)
    operations.setParent(window)
    events.setParent(window)
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
