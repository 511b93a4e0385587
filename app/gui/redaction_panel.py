"""Rule 5.2 review: the personal data the app found in the exhibits, for counsel to decide.

Fed. R. Civ. P. 5.2(a) lets a filing show only the last four digits of a social-security
or account number and only the year of a birth date; spam headers carry victims'
addresses. The table lists every candidate ``app.ops.redactions.list_redactions`` finds
(exhibit, kind, the text, the text in its line, what it becomes, counsel's decision).
Confirm removes the text from the rendered exhibit (never from the evidence); Dismiss
records that it is not personal data; Undo takes the decision back. Every decision is an
``app.ops.redactions`` call on the write pool, which writes its custody entry; the list
is re-read on the read pool, and :attr:`RedactionPanel.decided` tells the documents page
to re-render its preview.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ops.redactions import (
    Decision,
    RedactionRow,
    decide_redactions,
    list_redactions,
)
from app.store import CaseFile

from .background import Operation, Operations, Progress
from .pages import _heading, make_table

CandidateIdRole = Qt.ItemDataRole.UserRole + 1  # the candidate's id, for the ops functions
ItemIdRole = Qt.ItemDataRole.UserRole + 2  # the exhibit's item id, to preview it
COLUMNS = ("Exhibit", "Kind", "Text", "Filed as", "Decision", "In context")
COLUMN_WIDTHS = (70, 135, 140, 125, 90)  # every column but "In context", which takes the rest
CONTEXT_SHARE = 0.35  # of a narrow table's width kept for "In context": the others shrink to leave it
COLUMN_MINIMUMS = (70, 56, 64, 64, 64)  # "Exhibit 12" whole; the others may elide
MIN_CONTEXT = 160
DECISION_WORDS = {"confirmed": "redact", "dismissed": "keep (not personal data)", "": "to decide"}
Index = QModelIndex | QPersistentModelIndex


class RedactionsModel(QAbstractTableModel):
    """Read-only rows of Rule 5.2 candidates, in exhibit order; undecided ones stand out."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[RedactionRow] = []

    def set_rows(self, rows: Sequence[RedactionRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, row: int) -> RedactionRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rows(self) -> list[RedactionRow]:
        return list(self._rows)

    def set_decision(self, candidate_ids: Sequence[str], decision: Decision) -> None:
        """Show a decision just stored, without reading every exhibit again."""
        ids = set(candidate_ids)
        for row, r in enumerate(self._rows):
            if r.candidate.id in ids:
                self._rows[row] = replace(r, confirmed=decision == "confirm", dismissed=decision == "dismiss")
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def row_of(self, candidate_id: str) -> int:
        for row, r in enumerate(self._rows):
            if r.candidate.id == candidate_id:
                return row
        return -1

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r = self._rows[index.row()]
        c = r.candidate
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (f"Exhibit {r.exhibit_number}", c.kind or c.reason, c.text, c.replacement,
                    DECISION_WORDS[r.decision], c.context)[column] if 0 <= column < len(COLUMNS) else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 1:
                return c.reason
            if column in (2, 5):
                return c.context
        if role == CandidateIdRole:
            return c.id
        if role == ItemIdRole:
            return c.item_id
        if role == Qt.ItemDataRole.BackgroundRole and column == 4 and not r.decision:
            return QBrush(QColor(255, 243, 205))  # still to decide
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren


def review_summary(rows: Sequence[RedactionRow]) -> str:
    """The heading: how many candidates and how many are still to decide."""
    if not rows:
        return "Rule 5.2 review: no personal data found in the exhibits' text"
    confirmed = sum(r.confirmed for r in rows)
    dismissed = sum(r.dismissed for r in rows)
    undecided = len(rows) - confirmed - dismissed
    return (f"Rule 5.2 review: {len(rows)} candidate{'s' if len(rows) != 1 else ''}, {confirmed} redacted, "
            f"{dismissed} kept, {undecided} to decide")


class RedactionPanel(QWidget):
    """The candidates of the open case, with Confirm, Dismiss and Undo for the selected rows."""

    decided = Signal()  # a decision was stored: what the exhibits show changed
    showExhibit = Signal(int)  # the item id of the exhibit counsel want to see

    def __init__(self, case: Callable[[], CaseFile | None], operations: Operations,
                 custody_changed: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._case = case
        self._operations = operations
        self._custody_changed = custody_changed
        self._stale = True
        self._generation = 0
        self.model = RedactionsModel(self)
        self.heading = _heading("Rule 5.2 review")
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
        scale = min(1.0, max(0, budget) / sum(COLUMN_WIDTHS))
        for column, width in enumerate(COLUMN_WIDTHS):
            self.view.setColumnWidth(column, max(COLUMN_MINIMUMS[column], int(width * scale)))

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

        def work(progress: Progress, cancelled: Callable[[], bool]) -> list[RedactionRow]:
            return list_redactions(case)

        def done(rows: list[RedactionRow]) -> None:
            if generation == self._generation:
                self._show_rows(rows)

        return self._operations.run(self, work, done, error_title="The exhibits could not be searched")

    def _show_rows(self, rows: list[RedactionRow]) -> None:
        selected = set(self.selected_ids())
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

    def select_candidate(self, candidate_id: str) -> None:
        row = self.model.row_of(candidate_id)
        if row >= 0:
            self.view.selectRow(row)

    def _update_buttons(self) -> None:
        rows = self.selected_rows()
        self.confirm_button.setEnabled(any(not r.confirmed for r in rows))
        self.dismiss_button.setEnabled(any(not r.dismissed for r in rows))
        self.undo_button.setEnabled(any(r.decision for r in rows))
        self.show_button.setEnabled(len({r.candidate.item_id for r in rows}) == 1)

    def decide_selected(self, decision: Decision) -> Operation[Any] | None:
        """Store counsel's decision ("confirm", "dismiss" or "withdraw") for every selected row."""
        wanted = {"confirm": lambda r: not r.confirmed, "dismiss": lambda r: not r.dismissed,
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

        def work(progress: Progress, cancelled: Callable[[], bool]) -> int:
            return len(decide_redactions(case, ids, decision, item_ids=items))

        def done(_count: int) -> None:
            self._custody_changed()  # each decision is in the custody log
            self.model.set_decision(ids, decision)
            self.heading.setText(review_summary(self.model.rows()))
            self._update_buttons()
            self.decided.emit()

        return self._operations.run(self, work, done, writes_case=True, cancellable=False,
                                    error_title="The redaction decision was not stored")

    def show_selected_exhibit(self) -> None:
        items = {r.candidate.item_id for r in self.selected_rows()}
        if len(items) == 1:
            self.showExhibit.emit(items.pop())
