"""The domains table: a lazy model over the case's domains, fetched a page at a time.

A DGA list can hold millions of names, so the model never loads them all:
it knows the count, holds the rows fetched so far, and asks the store for
the next page when the view scrolls near the end (``canFetchMore`` /
``fetchMore``). Rows come in the store's order (registry, registrable
domain, name), which is Appendix A's order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from app.core.model import Domain
from app.store import CaseFile

Index = QModelIndex | QPersistentModelIndex

COLUMNS = ("Domain", "Unicode", "Registry", "Registrable domain")
DomainIdRole = Qt.ItemDataRole.UserRole


class DomainsModel(QAbstractTableModel):
    """Domains of the open case; ``registry_name`` turns a registry id into the name shown."""

    PAGE = 2000

    def __init__(self, registry_name: Callable[[str], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._registry_name = registry_name
        self._case: CaseFile | None = None
        self._rows: list[Domain] = []
        self._total = 0

    # -- the case ----------------------------------------------------------------

    def set_case(self, case: CaseFile | None) -> None:
        self._case = case
        self.reload()

    def reload(self) -> None:
        """Start again from the first page (after domains were added)."""
        self.beginResetModel()
        self._rows = []
        self._total = self._case.count_domains() if self._case is not None else 0
        self.endResetModel()

    def total(self) -> int:
        """How many domains the case holds (not only those fetched so far)."""
        return self._total

    def domain(self, row: int) -> Domain:
        return self._rows[row]

    # -- Qt model ----------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and self._case is not None and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if not self.canFetchMore(parent):
            return
        assert self._case is not None
        start = len(self._rows)
        page = self._case.domains(offset=start, limit=min(self.PAGE, self._total - start))
        if not page:  # the case shrank under us: stop asking
            self._total = start
            return
        self.beginInsertRows(QModelIndex(), start, start + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return str(section + 1)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        domain = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(domain, index.column())
        if role == DomainIdRole:
            return domain.id
        return None

    def _text(self, domain: Domain, column: int) -> str | None:
        if column == 0:
            return domain.ascii
        if column == 1:
            return domain.unicode
        if column == 2:
            return self._registry_name(domain.registry_id)
        if column == 3:
            return domain.registrable
        return None
