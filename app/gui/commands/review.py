"""The gate before a build or an export: unsaved edits first, then the pre-filing review.

:meth:`ReviewGate.check` asks about words typed and not saved (the window's ``settle``),
runs ``app.ops.review.review_case`` off the window's thread, and, when it finds anything,
shows the problems (:class:`~app.gui.dialogs.review.ReviewDialog`). It then calls
``proceed(draft)`` (False for a final build or export, True for a draft), or navigates to
the place to fix the chosen problem (``go_to``), or does nothing (cancelled)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QDialog, QWidget

from app.core.reporting import Reporter, check_cancelled
from app.gui.background import Operation, Operations

if TYPE_CHECKING:
    from app.ops.case import CaseFile


class ReviewGate:
    """What stands before a build or an export."""

    def __init__(self, window: QWidget, case: Callable[[], CaseFile | None], operations: Operations,
                 settle: Callable[[str], bool], go_to: Callable[[str], object]) -> None:
        self._window = window
        self._case = case
        self._operations = operations
        self._settle = settle
        self._go_to = go_to

    def review(self) -> Operation[list[Any]] | None:
        """File → Review before filing…: the review's list alone, with Go there; nothing is built."""
        return self.check("", None)

    def check(self, doing: str, proceed: Callable[[bool], object] | None) -> Operation[list[Any]] | None:
        """Before ``doing`` ("building the bundle", "exporting the filing set"): settle, review, ask.
        With ``doing`` empty and no ``proceed``, the review is only shown (or said to be clear)."""
        case = self._case()
        if case is None or not self._settle(doing or "reviewing the case"):
            return None

        def work(reporter: Reporter) -> list[Any]:
            from app.ops.review import review_case

            reporter.progress(0, 0, "Checking the case before filing…")
            problems = review_case(case).problems
            check_cancelled(reporter)  # Cancel during the review: nothing is built or exported
            return problems

        def reviewed(problems: list[Any]) -> None:
            if self._case() is not case:
                return
            if not problems:
                if proceed is not None:
                    proceed(False)
                else:
                    from app.gui import messages

                    messages.show_message(self._window, "Review before filing",
                                          "The review found nothing to settle: the case can be built and "
                                          "exported as final.")
                return
            from app.gui.dialogs.review import ReviewDialog

            dialog = ReviewDialog(problems, doing, self._window)
            accepted = dialog.exec() == QDialog.DialogCode.Accepted
            choice, where = dialog.choice, dialog.where
            dialog.deleteLater()
            if not accepted:
                return
            if choice == "go":
                self._go_to(where)
            elif choice in ("final", "draft") and proceed is not None:
                proceed(choice == "draft")

        # On the write lane, though it only reads: behind the save of words just settled, never before it.
        return self._operations.run(self._window, work, reviewed, progress_title="Checking the case before filing",
                                    writes_case=True, error_title="The case could not be checked before filing")
