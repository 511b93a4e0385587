"""Every message box the app shows, in one place, always as plain text.

Text built from file names, email subjects or exception strings must never
be read as rich text (a subject line could otherwise inject markup), so each
box is created here with ``Qt.PlainText``.
"""

from __future__ import annotations

import logging
import traceback

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from app.core.errors import explain

log = logging.getLogger(__name__)


def show_message(
    parent: QWidget | None,
    title: str,
    text: str,
    *,
    icon: QMessageBox.Icon = QMessageBox.Icon.Information,
    details: str = "",
) -> None:
    """Show a modal plain-text message and wait until the user closes it."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    if details:
        box.setDetailedText(details)  # detailed text is always shown as plain text
    box.exec()


def show_error(parent: QWidget | None, title: str, error: BaseException) -> None:
    """Tell the user what went wrong.

    What the user can act on (``explain`` in ``app.core.errors``: the app's
    own errors, a file the system would not read or write, a case file SQLite
    could not write) is the whole message, in the same words as the command
    line. Anything else is a bug: it is logged with its traceback and shown
    with the traceback under "Details", never swallowed.
    """
    message = explain(error)
    if message is not None:
        show_message(parent, title, message, icon=QMessageBox.Icon.Warning)
        return
    trace = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    log.error("unexpected error: %s", title, exc_info=(type(error), error, error.__traceback__))
    show_message(
        parent,
        title,
        f"An unexpected error stopped this operation:\n\n{type(error).__name__}: {error}\n\n"
        "Please report this, with the details below.",
        icon=QMessageBox.Icon.Critical,
        details=trace,
    )
