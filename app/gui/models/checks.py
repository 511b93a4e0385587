"""The rows of a pre-filing check or a compliance watch: one domain each, as the last run (or the case's
newest records) left it. A snapshot: the page hands it a new run; it never reads the case."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QBrush, QColor

from app.ops.checks import CheckRun, DomainState

from .items import Column, Index, RowIdRole, SortRole

RESULT_COLOURS = {"complied": "#dff0d8", "partly": "#fcf8e3", "not-yet": "#f2dede", "ready": "#dff0d8",
                  "check": "#f2dede"}


def result_of(state: DomainState) -> str:
    """The result column: the verdict after the order, "ready" or "check" before filing."""
    if state.verdict:
        return state.verdict
    return "ready" if state.ok else "check"


def _yes(value: bool | None) -> str:
    return "?" if value is None else ("yes" if value else "no")


def _result_text(state: DomainState) -> str:
    result = result_of(state).replace("-", " ")
    return f"{result} ({state.how})" if state.how and state.verdict in ("complied", "partly") else result


COLUMNS: tuple[Column[DomainState], ...] = (
    Column("Domain", lambda s: s.domain if s.unicode == s.domain else f"{s.domain} ({s.unicode})",
           lambda s: (s.registrable, s.domain)),
    Column("Registry", lambda s: s.registry),
    Column("Result", _result_text, lambda s: (result_of(s), s.domain)),
    Column("Registered / resolving", lambda s: f"{_yes(s.registered)} / {_yes(s.resolving)}"),
    Column("Statuses", lambda s: ", ".join(s.statuses)),
    Column("Name servers in the zone", lambda s: ", ".join(s.delegation) or ("none" if s.resolving is False else "")),
    Column("Registrar", lambda s: s.registrar),
    Column("Expires", lambda s: s.expires[:10]),
    Column("Observed (UTC)", lambda s: s.observed_at[:19].replace("T", " ")),
    Column("Flags", lambda s: ", ".join(f.code for f in s.flags)),
)


class CheckRowsModel(QAbstractTableModel):
    """One row per domain of a :class:`CheckRun`; sorted through a proxy by SortRole."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.run: CheckRun | None = None
        self._rows: list[DomainState] = []

    def set_run(self, run: CheckRun | None, keep: Callable[[DomainState], bool] = lambda _s: True) -> None:
        self.beginResetModel()
        self.run = run
        self._rows = [s for s in run.states if keep(s)] if run is not None else []
        self.endResetModel()

    def state(self, row: int) -> DomainState | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section].title if 0 <= section < len(COLUMNS) else None
        return str(section + 1)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows) or not 0 <= index.column() < len(COLUMNS):
            return None
        state, column = self._rows[index.row()], COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(state)
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join([column.text(state), *state.missing, *(f.message for f in state.flags)])
        if role == SortRole:
            return str(column.sort_key(state) if column.sort_key is not None else column.text(state))
        if role == RowIdRole:
            return index.row()
        if role == Qt.ItemDataRole.BackgroundRole and index.column() == 2:
            return QBrush(QColor(RESULT_COLOURS[result_of(state)]))
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 2:
            return QBrush(QColor("#222222"))
        return None
