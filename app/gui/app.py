"""Start the desktop app: the QApplication, the services, the main window, the event loop.

This is the GUI's composition root. Services (the background operations,
the registry names, change notifications) are built here once and passed to
the window; nothing is looked up globally. The user's settings are the one
settings module's (``app.ops.settings``), read and written where needed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from app import APP_ID, APP_NAME, __version__
from app.core.paths import resource, user_config_dir
from app.gui.background import Operations
from app.gui.events import CaseEvents
from app.gui.window import MainWindow

ORGANISATION = "evbundle"


def configure_application(app: QApplication) -> None:
    """Names Qt uses for dialogs (the settings are ours: ``app.ops.settings``)."""
    app.setApplicationName(APP_NAME)
    # No display name: on X11 Qt appends it to every window's title ("Some lines were not ad…vidence Bundle
    # Builder", guiwalk C1), so message boxes' titles were cut by the window manager. The main window names
    # the app in its own title.
    app.setOrganizationName(ORGANISATION)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)  # Wayland and the taskbar match the window to the installed .desktop file
    app.setWindowIcon(QIcon(str(resource("icons", "evbundle-256.png"))))


EARLIER_SETTINGS = "evbundle.ini"  # where versions before 0.1.0's settings.json kept the window's memories


def import_earlier_settings() -> None:
    """Once: carry recent cases, last folders and the window layout over from the QSettings file an
    earlier version wrote, then rename it so it is never read again."""
    earlier = user_config_dir() / EARLIER_SETTINGS
    if not earlier.is_file():
        return
    store = QSettings(str(earlier), QSettings.Format.IniFormat)
    recent = store.value("cases/recent", [])
    recent_list = [recent] if isinstance(recent, str) else [str(r) for r in recent] if isinstance(recent, list) else []
    store.beginGroup("folders")
    folders = {key: str(store.value(key, "")) for key in store.childKeys()}
    store.endGroup()
    geometry = store.value("window/geometry")
    text = bytes(geometry.toBase64().data()).decode("ascii") if isinstance(geometry, QByteArray) else ""
    del store
    from app.ops import settings

    settings.import_window_memories(recent_list, folders, text)
    earlier.replace(earlier.with_name(EARLIER_SETTINGS + ".imported"))


def build_window(case_path: Path | None = None, *, pages_now: bool = True) -> MainWindow:
    """The window with its services, optionally with a case open (tests and scripts use this too).
    ``pages_now``: make the case's pages at once (else when first needed, or when asked for)."""
    events = CaseEvents()
    operations = Operations(events=events)
    window = MainWindow(operations, events)
    operations.setParent(window)
    events.setParent(window)
    if pages_now:
        window.case_pages()
    if case_path is not None:
        window.open_case(Path(case_path))
    return window


def run_gui(argv: list[str], case_path: Path | None = None) -> int:
    """Open the desktop app (with ``case_path`` open, if given) and run until the window closes.

    The window is shown first and the case opened from the event loop a moment later, so the
    window is on screen before the case's pages are filled; everything the first page does not
    need (signing, PDF and Word rendering, mail parsing) loads when first used."""
    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    assert isinstance(app, QApplication)
    configure_application(app)
    import_earlier_settings()
    window = build_window(pages_now=False)
    window.show()
    # The start screen is up; the case's pages are made (and the case opened) from the event loop.
    QTimer.singleShot(0, window.case_pages)
    if case_path is not None:
        QTimer.singleShot(0, lambda: window.open_case(Path(case_path)))
    return int(app.exec())
