"""Undo and redo: every edit of the open case goes through :class:`CaseEdits`, which keeps a QUndoStack.

An edit is a recipe (:mod:`app.gui.commands.edits`) run on the write lane through the
window's one background helper. When it has changed something, a command holding its
``undo`` and ``redo`` is pushed on the stack, already done (Qt calls ``redo`` on push; the
first call is skipped). Undo and redo run the command's functions on the write lane too,
so they queue behind any write still running and are logged like any other change.

Edits are pushed when they finish, in the order they were asked for (writes run one at a
time). The Edit menu's Undo and Redo wait while a write is running (the window disables
them), so an undo never overtakes the edit it would undo. If an undo or a redo fails (the
case was changed from the command line meanwhile, say), the history is cleared with a
message: the stack would otherwise say something the case no longer matches.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QWidget

from app.core.changes import Changes
from app.core.reporting import Reporter
from app.gui import messages
from app.gui.background import Operation, Operations

if TYPE_CHECKING:
    from app.gui.commands.edits import Done, Recipe, Restore
    from app.ops.case import CaseFile


class _Edit(QUndoCommand):
    """One edit on the stack; it was made before it was pushed."""

    def __init__(self, edits: CaseEdits, text: str, done: Done) -> None:
        super().__init__(text)
        self._edits = edits
        self._done = done
        self._pushed = False

    def redo(self) -> None:
        if not self._pushed:  # QUndoStack.push calls redo(): the edit is already made
            self._pushed = True
            return
        self._edits.replay(self._done.redo, f"Redo {self.text().lower()}")

    def undo(self) -> None:
        self._edits.replay(self._done.undo, f"Undo {self.text().lower()}")


class CaseEdits(QObject):
    """The open case's edits and their history. Built once by the window; ``case()`` gives the case open."""

    replayed = Signal()  # an undo or redo finished (the pages have heard what it changed)

    def __init__(self, operations: Operations, case: Callable[[], CaseFile | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._operations = operations
        self._case = case
        self._window = parent
        self.stack = QUndoStack(self)

    def run(
        self,
        parent: QWidget | None,
        text: str,
        recipe: Recipe,
        *,
        on_done: Callable[[Any], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        error_title: str = "The change was not made",
    ) -> Operation[Done] | None:
        """Make an edit in the background; ``on_done(result)`` gets the op's result when it is made.
        Named ``text`` on the Edit menu ("Undo " + text)."""
        case = self._case()
        if case is None:
            return None

        def work(_reporter: Reporter) -> Done:
            return recipe(case)

        def made(done: Done) -> None:
            if done.changes.any and self._case() is case:
                self.stack.push(_Edit(self, text, done))
            if on_done is not None:
                on_done(done.result)

        return self._operations.run(parent or self._window, work, made, on_failure=on_failure, writes_case=True,
                                    cancellable=False, error_title=error_title)

    def replay(self, restore: Restore, what: str) -> Operation[Changes] | None:
        """Put a state back (an undo or a redo), on the write lane."""
        case = self._case()
        if case is None:
            return None

        def work(_reporter: Reporter) -> Changes:
            return restore(case)

        def failed(error: BaseException) -> None:
            self.stack.clear()
            messages.show_error(self._window, f"{what} failed; the undo history was cleared", error)

        return self._operations.run(self._window, work, lambda _changes: self.replayed.emit(), on_failure=failed,
                                    writes_case=True, cancellable=False)

    def clear(self) -> None:
        """Another case (or none): its history goes with it."""
        self.stack.clear()
