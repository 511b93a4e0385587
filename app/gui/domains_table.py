"""The domains table for a million rows: filtered and sorted in SQLite off the GUI thread, rows read a page at a time.

The model holds only the ids of the matching domains in display order (an
``array('q')``: 8 MB for a million) and a small cache of pages of rows. The
view asks for any row; the page holding it is read by id (one indexed query,
about a millisecond). Filtering and sorting run as one SQL query on a worker
thread with its own connection; the model keeps showing the previous result
until the new ids arrive, so the GUI thread never waits on a scan.
"""

from __future__ import annotations

import threading
from array import array
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal

from app.core.errors import OperationCancelled
from app.core.model import Domain
from app.ops.domains import (
    NOT_REGISTERED,
    domain_ids,
    domains_by_id,
    record_statuses,
    registry_choices,
    unconfirmed_registries,
)
from app.store import CaseFile

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
    names: dict[str, str] = field(init=False)  # registry id -> name as this case has it (corrected)

    def __post_init__(self) -> None:
        self.names = {registry_id: name for registry_id, name, _count in self.registries}


class _Relay(QObject):
    """Brings a worker's ids back to the GUI thread (a queued signal); lives as long as the model."""

    ready = Signal(int)  # generation; the ids wait in the model's inbox (no Python object crosses Qt)


class LazyDomainsModel(QAbstractTableModel):
    """All of the case's matching domains as rows; only the pages on screen are in memory."""

    PAGE = 256
    CACHED_PAGES = 64

    filtering = Signal(bool)  # True while a query runs, False when its result is shown

    def __init__(self, registry_name: Callable[[str], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._registry_name = registry_name
        self._case: CaseFile | None = None
        self._ids: array[int] = array("q")
        self._pages: OrderedDict[int, list[Domain | None]] = OrderedDict()
        self._filter = DomainFilter()
        self._generation = 0
        self._cancel = threading.Event()
        self._relay = _Relay(self)
        self._relay.ready.connect(self._arrived)
        # One worker thread, so one SQLite connection however many filters are typed.
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="domains-filter")
        self._pending: list[Future[None]] = []
        self._lock = threading.Lock()
        self._inbox: dict[int, object] = {}
        self.facts = CaseFacts()
        self._total = 0
        worker = self._worker
        self.destroyed.connect(lambda *_: worker.shutdown(wait=False, cancel_futures=True))

    # -- the case and the filter -------------------------------------------------

    def set_case(self, case: CaseFile | None) -> None:
        self._case = case
        self.reload()

    def reload(self) -> None:
        """Run the current filter again (after domains were added or the case changed)."""
        self._total = self._case.count_domains() if self._case is not None else 0
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
        self._cancel.set()
        self._cancel = threading.Event()
        self._generation += 1
        if self._case is None:
            self.facts = CaseFacts()
            self._swap(array("q"))
            return
        self.filtering.emit(True)
        generation, cancel, case, facts = self._generation, self._cancel, self._case, self.facts

        def work() -> None:
            nonlocal facts
            try:
                if refresh_facts:
                    facts = CaseFacts(registry_choices(case), record_statuses(case), unconfirmed_registries(case))
                ids: object = domain_ids(case, text=wanted.text, registry_id=wanted.registry_id,
                                         status=wanted.status, problem=wanted.problem, order=wanted.order,
                                         descending=wanted.descending, statuses=facts.statuses,
                                         unconfirmed=facts.unconfirmed, cancelled=cancel.is_set)
                if refresh_facts:
                    ids = (ids, facts)
            except OperationCancelled:
                return
            except Exception as exc:  # noqa: BLE001 - shown as an empty result, never a crash
                ids = exc
            if not cancel.is_set():
                with self._lock:
                    self._inbox[generation] = ids
                self._relay.ready.emit(generation)

        self._pending = [f for f in self._pending if not f.done()] + [self._worker.submit(work)]

    def wait(self, timeout: float = 30.0) -> None:
        """Wait for running queries to end (tests, benchmarks, closing the case)."""
        wait(list(self._pending), timeout)

    def _arrived(self, generation: int) -> None:
        with self._lock:
            ids = self._inbox.pop(generation, None)
            self._inbox = {g: v for g, v in self._inbox.items() if g > generation}
        if generation != self._generation or ids is None:
            return  # an older filter's answer
        if isinstance(ids, tuple):
            ids, self.facts = ids
        self._swap(ids if isinstance(ids, array) else array("q"))
        self.filtering.emit(False)

    def _swap(self, ids: array[int]) -> None:
        self.beginResetModel()
        self._ids = ids
        self._pages.clear()
        self.endResetModel()

    def total(self) -> int:
        """How many domains the case holds, whatever the filter (one COUNT: ~20 ms for a million)."""
        return self._total

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
        found = domains_by_id(self._case, ids) if self._case is not None else {}
        page = [found.get(i) for i in ids]
        self._pages[number] = page
        while len(self._pages) > self.CACHED_PAGES:
            self._pages.popitem(last=False)
        return page
