"""Every message box the app shows, in one place, always as plain text.

Text built from file names, email subjects or exception strings must never
be read as rich text (a subject line could otherwise inject markup), so each
box is created here with ``Qt.PlainText``.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from app.core.errors import explain

log = logging.getLogger(__name__)


MAX_LINES = 18  # a message longer than this keeps its start; the rest goes to the scrollable details
MAX_LINE = 220  # characters; a longer line (a path, a list run together) is cut, whole in the details


def fitted(text: str, details: str = "") -> tuple[str, str]:
    """The text a message box shows and its details: a message that would not fit a small screen
    (issue 15 saw an export result 1,318 pixels tall, its OK button off the screen) keeps its first
    lines and sends the whole text to the details, which scroll."""
    lines = text.splitlines()
    if len(lines) <= MAX_LINES and all(len(line) <= MAX_LINE for line in lines):
        return text, details
    head = [line if len(line) <= MAX_LINE else line[:MAX_LINE - 1] + "…" for line in lines[:MAX_LINES - 2]]
    head += ["", "(The whole list is under “Show Details”.)"]
    return "\n".join(head), text + ("\n\n" + details if details else "")


TITLE_BAR = 140  # pixels a window manager spends on a title bar's icon and buttons


def room_for_title(box: QMessageBox) -> None:
    """Make the box wide enough for its title: a narrow box had its title cut in the middle by the
    window manager ("Some li… added", guiwalk C1). A spacer across the box's grid sets its width."""
    from PySide6.QtWidgets import QGridLayout, QSizePolicy, QSpacerItem

    wanted = box.fontMetrics().horizontalAdvance(box.windowTitle()) * 12 // 10 + TITLE_BAR
    layout = box.layout()
    if isinstance(layout, QGridLayout):
        layout.addItem(QSpacerItem(wanted, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding),
                       layout.rowCount(), 0, 1, layout.columnCount())


def show_message(
    parent: QWidget | None,
    title: str,
    text: str,
    *,
    icon: QMessageBox.Icon = QMessageBox.Icon.Information,
    details: str = "",
    actions: Sequence[tuple[str, Callable[[], object]]] = (),
) -> None:
    """Show a modal plain-text message and wait until the user closes it.

    ``details`` (a long list: the files written, the files refused) goes in the box's scrollable
    details area; ``actions`` are buttons beside OK ("Open folder", "Verify now"), each run after
    the box has closed."""
    text, details = fitted(text, details)
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    if details:
        box.setDetailedText(details)  # detailed text is always shown as plain text
    buttons = {box.addButton(label, QMessageBox.ButtonRole.ActionRole): then for label, then in actions}
    box.setDefaultButton(QMessageBox.StandardButton.Ok)
    room_for_title(box)
    box.exec()
    then = buttons.get(box.clickedButton())  # type: ignore[call-overload]
    if then is not None:
        then()


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


def ask_unsaved(parent: QWidget | None, doing: str, unsaved: Sequence[str]) -> str:
    """"save", "discard" or "cancel": what to do with edits not yet saved before ``doing``
    ("closing the case", "quitting", "building the bundle"…). ``unsaved`` names each, one a line."""
    listed = "\n".join(f"  {line}" for line in unsaved)
    box = QMessageBox(QMessageBox.Icon.Warning, "Unsaved changes",
                      f"Save your changes before {doing}?\n\n{listed}",
                      QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                      | QMessageBox.StandardButton.Cancel, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    box.setEscapeButton(QMessageBox.StandardButton.Cancel)
    room_for_title(box)
    box.exec()
    answer = box.standardButton(box.clickedButton())
    if answer == QMessageBox.StandardButton.Save:
        return "save"
    return "discard" if answer == QMessageBox.StandardButton.Discard else "cancel"
