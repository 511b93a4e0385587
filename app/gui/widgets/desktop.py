"""Handing a folder to the desktop (the file manager), and copying text: the two ways the app reaches out.

Evidence is never opened by another program from here (a spam message or an attachment
could run); only folders are shown, in the system's file manager. Tests replace
:func:`show_folder` so nothing is started."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication


def show_folder(folder: Path) -> bool:
    """Open ``folder`` in the file manager; False when there is none to ask or it refused."""
    return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))))


def copy_text(text: str) -> None:
    """Put ``text`` on the clipboard (a hash, a name, a path)."""
    clipboard = QGuiApplication.clipboard()
    if clipboard is not None:
        clipboard.setText(text)
