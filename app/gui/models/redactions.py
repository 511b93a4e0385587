"""The Rule 5.2 candidates found in the exhibits, as a table: exhibit, kind, text, filed as, decision, context."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from app.gui.palette import attention

if TYPE_CHECKING:
    from app.ops.redactions import Decision, RedactionRow

COLUMNS = ("Exhibit", "Kind", "Text", "Filed as", "Decision", "In context")


DECISION_WORDS = {"confirmed": "redact", "dismissed": "keep (not personal data)", "": "to decide"}


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

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
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
            return attention()  # still to decide
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

CandidateIdRole = Qt.ItemDataRole.UserRole + 1  # the candidate's id, for the ops functions

ItemIdRole = Qt.ItemDataRole.UserRole + 2  # the exhibit's item id, to preview it

Index = QModelIndex | QPersistentModelIndex
