"""The domains table for a million rows: filtered and sorted in SQLite off the GUI thread, rows read a page at a time.

The model holds only the ids of the matching domains in display order (an
``array('q')``: 8 MB for a million) and a small cache of pages of rows. The
view asks for any row; the page holding it is read by id (one indexed query,
about a millisecond). Filtering and sorting run as one SQL query on a worker
thread (quiet background work: it never marks the window busy), counting the
case's domains with it; the model keeps showing the previous result until
the new ids arrive, so the GUI thread never waits on a scan."""

from __future__ import annotations

import logging
from array import array
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal

from app.core.errors import explain
from app.core.model import Domain
from app.core.reporting import Reporter
from app.gui.background import Operation, Operations
from app.ops.case import CaseFile
from app.ops.domains import (
    NOT_REGISTERED,
    domain_ids,
    record_statuses,
    registry_choices,
    unconfirmed_registries,
)

log = logging.getLogger(__name__)
Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Domain", "Unicode", "Registry", "Registrable domain", "Record status", "Problems")
ORDERS = ("domain", "domain", "registry", "registrable", "status", "problems")  # sort key per column
DomainIdRole = Qt.ItemDataRole.UserRole


@dataclass(frozen=True)
class DomainFilter:
    """What the page shows: text anywhere in the name, one registry, a record status, a problem."""

    text: str = ""
    registry_id: str | None = None
    status: str = ""  # a key of app.ops.domains.STATUS_FILTERS, or "" for all
    problem: str = ""  # one of app.ops.domains.PROBLEM_FILTERS, or "" for all
    order: str = "registry"
    descending: bool = False


@dataclass
class CaseFacts:
    """What the rows are read against, refreshed when the case's domains or records change."""

    registries: list[tuple[str, str, int]] = field(default_factory=list)  # (id, name, count)
    statuses: dict[str, str] = field(default_factory=dict)  # domain -> latest record's status
    unconfirmed: set[str] = field(default_factory=set)  # registry ids without a checked address
    total: int = 0  # domains in the case, whatever the filter
    names: dict[str, str] = field(init=False)  # registry id -> name as this case has it (corrected)

    def __post_init__(self) -> None:
        self.names = {registry_id: name for registry_id, name, _count in self.registries}


class LazyDomainsModel(QAbstractTableModel):
    """All of the case's matching domains as rows; only the pages on screen are in memory."""

    PAGE = 256
    CACHED_PAGES = 64

    filtering = Signal(bool)  # True while a query runs, False when its result is shown

    def __init__(self, registry_name: Callable[[str], str], operations: Operations,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._registry_name = registry_name
        self._operations = operations
        self._case: CaseFile | None = None
        self._ids: array[int] = array("q")
        self._pages: OrderedDict[int, list[Domain | None]] = OrderedDict()
        self._filter = DomainFilter()
        self._generation = 0
        self._query: Operation[tuple[array[int], CaseFacts | None]] | None = None
        self.failed = ""  # why the last filter could not run, for the page to say; "" when it ran
        self.facts = CaseFacts()

    # -- the case and the filter -------------------------------------------------

    def set_case(self, case: CaseFile | None) -> None:
        self._case = case
        self.reload()

    def reload(self) -> None:
        """Run the current filter again (after domains were added or the case changed)."""
        self.set_filter(self._filter, refresh_facts=True)

    def current_filter(self) -> DomainFilter:
        return self._filter

    @property
    def registries(self) -> list[tuple[str, str, int]]:
        """(registry id, name, domain count) for the registry filter."""
        return self.facts.registries

    def set_filter(self, wanted: DomainFilter, *, refresh_facts: bool = False) -> None:
        """Ask for another filter or order; the rows change when the worker's answer arrives."""
        self._filter = wanted
        self._generation += 1
        if self._query is not None:
            self._query.cancel()  # SQLite stops the older query within milliseconds
            self._query = None
        if self._case is None:
            self.facts = CaseFacts()
            self._swap(array("q"))
            return
        self.filtering.emit(True)
        generation, case, facts = self._generation, self._case, self.facts

        def work(reporter: Reporter) -> tuple[array[int], CaseFacts | None]:
            fresh = CaseFacts(registry_choices(case), record_statuses(case), unconfirmed_registries(case),
                              case.count_domains()) if refresh_facts else None
            known = fresh or facts
            ids = domain_ids(case, text=wanted.text, registry_id=wanted.registry_id, status=wanted.status,
                             problem=wanted.problem, order=wanted.order, descending=wanted.descending,
                             statuses=known.statuses, unconfirmed=known.unconfirmed, reporter=reporter)
            return ids, fresh

        def arrived(result: tuple[array[int], CaseFacts | None]) -> None:
            if generation != self._generation:
                return  # an older filter's answer
            ids, fresh = result
            self.failed = ""
            if fresh is not None:
                self.facts = fresh
            self._swap(ids)
            self.filtering.emit(False)

        def failed(error: BaseException) -> None:  # an empty result and a logged reason, never a crash
            log.error("the domains filter failed", exc_info=(type(error), error, error.__traceback__))
            if generation == self._generation:
                self.failed = explain(error) or f"{type(error).__name__}: {error}"
                self._swap(array("q"))
                self.filtering.emit(False)

        # Quiet: filtering never marks the window busy; the model keeps the previous rows until then.
        self._query = self._operations.run(None, work, arrived, on_failure=failed, quiet=True)

    def wait(self, msecs: int = 30_000) -> None:
        """Wait for running queries to end (tests, benchmarks)."""
        self._operations.wait(msecs)

    def _swap(self, ids: array[int]) -> None:
        self.beginResetModel()
        self._ids = ids
        self._pages.clear()
        self.endResetModel()

    def total(self) -> int:
        """How many domains the case holds, whatever the filter (counted with the filter's first run)."""
        return self.facts.total

    def shown(self) -> int:
        """How many domains match the current filter."""
        return len(self._ids)

    def domain(self, row: int) -> Domain | None:
        page = self._page(row // self.PAGE)
        return page[row % self.PAGE]

    # -- Qt model ----------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return str(section + 1)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if 0 <= column < len(ORDERS):
            descending = order == Qt.SortOrder.DescendingOrder
            if (ORDERS[column], descending) != (self._filter.order, self._filter.descending):
                self.set_filter(replace(self._filter, order=ORDERS[column], descending=descending))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, DomainIdRole):
            return None
        domain = self.domain(index.row())
        if domain is None:
            return None
        if role == DomainIdRole:
            return domain.id
        column = index.column()
        if column == 0:
            return domain.ascii
        if column == 1:
            return domain.unicode
        if column == 2:  # the case's corrected name where counsel corrected it
            return self.facts.names.get(domain.registry_id) or self._registry_name(domain.registry_id)
        if column == 3:
            return domain.registrable
        if column == 4:
            return self.facts.statuses.get(domain.ascii, "no record")
        if column == 5:
            problems = self.problems(domain)
            if role == Qt.ItemDataRole.ToolTipRole:
                return "\n".join(problems) or None
            return "; ".join(problem.split(":", 1)[0] for problem in problems)
        return None

    def problems(self, domain: Domain) -> list[str]:
        """What counsel should look at before this domain goes into Appendix A."""
        found = list(domain.flags)
        if domain.registry_id in self.facts.unconfirmed:
            found.append("registry unconfirmed: no checked name and postal address")
        if self.facts.statuses.get(domain.ascii) == NOT_REGISTERED:
            found.append("not registered: its latest record says so")
        return found

    def _page(self, number: int) -> list[Domain | None]:
        page = self._pages.get(number)
        if page is not None:
            self._pages.move_to_end(number)
            return page
        ids = self._ids[number * self.PAGE:(number + 1) * self.PAGE]
        found = self._case.domains_by_id(ids) if self._case is not None else {}
        page = [found.get(i) for i in ids]
        self._pages[number] = page
        while len(self._pages) > self.CACHED_PAGES:
            self._pages.popitem(last=False)
        return page
