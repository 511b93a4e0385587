"""Rule 5.2 review: the personal data the app found in the exhibits, for counsel to decide.

Fed. R. Civ. P. 5.2(a) lets a filing show only the last four digits of a social-security
or account number and only the year of a birth date; spam headers carry victims'
addresses. The table lists every candidate ``app.ops.redactions.list_redactions`` finds
(exhibit, kind, the text, the text in its line, what it becomes, counsel's decision).
Confirm removes the text from the rendered exhibit (never from the evidence); Dismiss
records that it is not personal data; Undo takes the decision back. Every decision is an
undoable edit (``app.gui.undo``): an ``app.ops.redactions`` call on the write pool, which
writes its custody entry; the list is re-read on the read pool, and
the change it announces re-renders the documents page's preview. A
right-click offers the same, and the exhibit's preview."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QEvent,
    QObject,
    Qt,
    Signal,
)
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.reporting import Reporter
from app.gui.background import Operation, Operations
from app.gui.commands import edits as recipes
from app.gui.models.redactions import RedactionsModel, review_summary
from app.gui.undo import CaseEdits
from app.gui.widgets.context_menu import add, attach
from app.gui.widgets.labels import heading
from app.gui.widgets.tables import make_table

if TYPE_CHECKING:
    from app.ops.case import CaseFile
    from app.ops.redactions import Decision, RedactionRow

COLUMN_WIDTHS = (72, 140, 150, 100, 64)  # every column but "In context", which takes the rest


CONTEXT_SHARE = 0.25  # of a narrow table's width kept for "In context": the others shrink to leave it


COLUMN_MINIMUMS = (70, 56, 64, 64, 64)  # "Exhibit 12" whole; the others may elide


def fitted_widths(budget: int) -> list[int]:
    """The columns' usual widths shrunk alike to fit ``budget``; a column at its minimum stays there and
    the others share what is left (so the minimums never push "In context" out of its share)."""
    fixed: set[int] = set()
    while True:
        spare = budget - sum(COLUMN_MINIMUMS[c] for c in fixed)
        free = sum(w for c, w in enumerate(COLUMN_WIDTHS) if c not in fixed)
        scale = min(1.0, max(0, spare) / free) if free else 1.0
        low = {c for c, w in enumerate(COLUMN_WIDTHS) if c not in fixed and w * scale < COLUMN_MINIMUMS[c]}
        if not low:
            return [COLUMN_MINIMUMS[c] if c in fixed else int(w * scale) for c, w in enumerate(COLUMN_WIDTHS)]
        fixed |= low


MIN_CONTEXT = 160




class RedactionPanel(QWidget):
    """The candidates of the open case, with Confirm, Dismiss and Undo for the selected rows."""

    showExhibit = Signal(int)  # the item id of the exhibit counsel want to see

    def __init__(self, case: Callable[[], CaseFile | None], operations: Operations, edits: CaseEdits,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._case = case
        self._operations = operations
        self._edits = edits
        self._stale = True
        self._generation = 0
        self._wanted = ""  # a candidate to select once the list is read ("go there")
        self.model = RedactionsModel(self)
        self.heading = heading("Rule 5.2 review")
        self.note = QLabel("Fed. R. Civ. P. 5.2(a): a filing may show only the last four digits of a "
                           "social-security or account number, the year of birth, and no victim's address. "
                           "Redact removes the text from the filed exhibit; the evidence itself is never changed.")
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setWordWrap(True)
        self.view = make_table(self.model, sortable=False, stretch_column=5)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.viewport().installEventFilter(self)  # fit the columns to the pane's width
        self.fit_columns()
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.view.doubleClicked.connect(lambda *_: self.show_selected_exhibit())
        attach(self.view, self.fill_menu)
        self.confirm_button = QPushButton("Redact")
        self.confirm_button.setToolTip("Confirm: remove the selected text from the filed exhibit")
        self.confirm_button.clicked.connect(lambda: self.decide_selected("confirm"))
        self.dismiss_button = QPushButton("Keep")
        self.dismiss_button.setToolTip("Dismiss: the selected text is not personal data; it stays in the exhibit")
        self.dismiss_button.clicked.connect(lambda: self.decide_selected("dismiss"))
        self.undo_button = QPushButton("Undo decision")
        self.undo_button.clicked.connect(lambda: self.decide_selected("withdraw"))
        self.show_button = QPushButton("Preview exhibit")
        self.show_button.setToolTip("Show the exhibit of the selected candidate in the preview (double-click)")
        self.show_button.clicked.connect(self.show_selected_exhibit)
        buttons = QHBoxLayout()
        for button in (self.confirm_button, self.dismiss_button, self.undo_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.show_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.note)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self._update_buttons()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view.viewport() and event.type() == QEvent.Type.Resize:
            self.fit_columns()
        return super().eventFilter(watched, event)

    def fit_columns(self) -> None:
        """The columns at their usual widths, shrunk alike when the pane is narrow so that
        "In context" (the stretching last column) keeps a readable share of it."""
        room = self.view.viewport().width()
        budget = room - max(MIN_CONTEXT, int(room * CONTEXT_SHARE))
        for column, width in enumerate(fitted_widths(budget)):
            self.view.setColumnWidth(column, width)

    # -- loading -----------------------------------------------------------------------

    def case_changed(self) -> None:
        """Another case (or none): forget the rows; read again when shown."""
        self._generation += 1
        self.model.set_rows([])
        self.heading.setText("Rule 5.2 review")
        self.mark_stale()

    def mark_stale(self) -> None:
        """The exhibits may have changed: read again now if shown, else when shown."""
        self._stale = True
        if self.isVisible():
            self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()

    def reload(self) -> Operation[list[RedactionRow]] | None:
        """Find the candidates again in the background (every exhibit's text is read)."""
        case = self._case()
        if case is None:
            return None
        self._stale = False
        generation = self._generation
        self.heading.setText("Rule 5.2 review: reading the exhibits…")

        def work(reporter: Reporter) -> list[RedactionRow]:
            from app.ops.redactions import list_redactions

            return list_redactions(case, reporter=reporter)

        def done(rows: list[RedactionRow]) -> None:
            if generation == self._generation:
                self._show_rows(rows)

        return self._operations.run(self, work, done, error_title="The exhibits could not be searched")

    def _show_rows(self, rows: list[RedactionRow]) -> None:
        selected = set(self.selected_ids())
        if self._wanted:
            selected, self._wanted = {self._wanted}, ""
        self.model.set_rows(rows)
        self.heading.setText(review_summary(rows))
        selection = self.view.selectionModel()
        for row, r in enumerate(rows):
            if r.candidate.id in selected:
                selection.select(self.model.index(row, 0), selection.SelectionFlag.Select
                                 | selection.SelectionFlag.Rows)
        self._update_buttons()

    # -- selection and decisions -----------------------------------------------------

    def selected_rows(self) -> list[RedactionRow]:
        rows = sorted({index.row() for index in self.view.selectionModel().selectedRows()})
        return [r for r in (self.model.row(i) for i in rows) if r is not None]

    def selected_ids(self) -> list[str]:
        return [r.candidate.id for r in self.selected_rows()]


    def _update_buttons(self) -> None:
        rows = self.selected_rows()
        self.confirm_button.setEnabled(any(not r.confirmed for r in rows))
        self.dismiss_button.setEnabled(any(not r.dismissed for r in rows))
        self.undo_button.setEnabled(any(r.decision for r in rows))
        self.show_button.setEnabled(len({r.candidate.item_id for r in rows}) == 1)

    def decide_selected(self, decision: Decision) -> Operation[Any] | None:
        """Store counsel's decision ("confirm", "dismiss" or "withdraw") for every selected row."""
        wanted: Callable[[RedactionRow], bool] = {
            "confirm": lambda r: not r.confirmed, "dismiss": lambda r: not r.dismissed,
            "withdraw": lambda r: bool(r.decision)}[decision]
        return self.decide([r for r in self.selected_rows() if wanted(r)], decision)

    def decide(self, rows: Sequence[RedactionRow], decision: Decision) -> Operation[Any] | None:
        """Store the decision for these rows on the write pool (one ops call, one custody entry
        per change); then show it and tell the page the exhibits changed."""
        case = self._case()
        if case is None or not rows:
            return None
        ids = [r.candidate.id for r in rows]
        items = {r.candidate.item_id for r in rows}  # search only these exhibits for the ids

        def done(_decided: Any) -> None:
            self.model.set_decision(ids, decision)
            self.heading.setText(review_summary(self.model.rows()))
            self._update_buttons()

        verb = {"confirm": "Redact", "dismiss": "Keep", "withdraw": "Undo the decision on"}[decision]
        count = f"{len(ids)} Rule 5.2 candidate{'s' if len(ids) != 1 else ''}"
        return self._edits.run(self, f"{verb} {count}", recipes.redactions(ids, decision, items), on_done=done,
                               error_title="The redaction decision was not stored")

    def select_candidate(self, candidate_id: str) -> bool:
        """Select the candidate with this id (review "go there"); False when the list does not have it yet."""
        row = self.model.row_of(candidate_id)
        if row < 0:
            self._wanted = candidate_id  # once the list is read
            if self._stale:
                self.reload()
            return False
        self.view.selectRow(row)
        self.view.scrollTo(self.model.index(row, 0))
        return True

    def fill_menu(self, menu: QMenu) -> None:
        rows = self.selected_rows()
        if not rows:
            return
        add(menu, "Redact", lambda: self.decide_selected("confirm"), enabled=self.confirm_button.isEnabled())
        add(menu, "Keep (not personal data)", lambda: self.decide_selected("dismiss"),
            enabled=self.dismiss_button.isEnabled())
        add(menu, "Undo decision", lambda: self.decide_selected("withdraw"), enabled=self.undo_button.isEnabled())
        menu.addSeparator()
        add(menu, "Preview exhibit", self.show_selected_exhibit, enabled=self.show_button.isEnabled())

    def show_selected_exhibit(self) -> None:
        items = {r.candidate.item_id for r in self.selected_rows()}
        if len(items) == 1:
            self.showExhibit.emit(items.pop())
