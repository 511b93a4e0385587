"""Help → About: what this copy is, and where it keeps the user's things.

The people who install the app on lawyers' laptops need to know which
version runs, what it is built on, and which folders hold the signing keys,
settings and cached thumbnails (the evidence itself is only ever in the case
files the user chose)."""

from __future__ import annotations

import platform

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QMessageBox, QWidget

from app import __version__
from app.core.paths import identities_dir, user_config_dir, user_data_dir

TEXT_LABEL = "qt_msgbox_label"  # QMessageBox's name for the label holding its text


ABOUT_TEXT_WIDTH = 560


def about_text() -> str:
    """Plain text: version, platform, licence, offline promise and the per-user folders."""
    return "\n".join([
        f"evbundle {__version__}",
        "Evidence bundles and declarations for domain takedown orders.",
        "",
        f"Python {platform.python_version()}, Qt {qVersion()}, PySide6 {PySide6.__version__}, "
        f"{platform.system()} {platform.machine()}",
        "Licensed under the Apache License 2.0; fonts under the SIL Open Font License.",
        "",
        "Offline by default: nothing is sent anywhere unless you ask for a lookup or a trusted timestamp.",
        "",
        f"Settings: {user_config_dir()}",
        f"Signing identities (passphrase-encrypted, owner-only): {identities_dir()}",
        f"Data and thumbnail cache: {user_data_dir()}",
        "Evidence is kept only in the case files you create.",
    ])


def about_box(parent: QWidget | None) -> QMessageBox:
    """The About box, its text selectable so a path can be copied into a support e-mail."""
    box = QMessageBox(QMessageBox.Icon.Information, "About evbundle", about_text(), QMessageBox.StandardButton.Ok,
                      parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    # wide enough that a folder's path stays on one line (QMessageBox alone wraps at about 400 pixels)
    box.setStyleSheet(f"QLabel#{TEXT_LABEL} {{ min-width: {ABOUT_TEXT_WIDTH}px; }}")
    return box
