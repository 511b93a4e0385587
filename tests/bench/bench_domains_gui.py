"""Benchmark: the domains page with 1,000,000 rows: the longest stall of the GUI thread while scrolling and filtering.

    .venv/bin/python tests/bench/bench_domains_gui.py [CASE_FILE] [--count N]

Builds (or reuses) a case with N synthetic domains, shows the page offscreen
and measures, with a 5 ms heartbeat timer, the longest time the event loop
could not run (a stall) during: opening, jumping through the whole list,
scrolling page by page, filtering by text, registry, record status and problem,
and sorting. Beside it, the same for a naive model (DomainsModel below, the
app's first: fetchMore paging over OFFSET): reaching the end of the list page by page.
Goal: no stall over 100 ms.
"""

from __future__ import annotations

import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QAbstractTableModel, QElapsedTimer, QModelIndex, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QTableView  # noqa: E402

from app.core.model import CaseInfo, Domain  # noqa: E402
from app.gui.background import Operations  # noqa: E402
from app.gui.models.domains import LazyDomainsModel  # noqa: E402
from app.gui.pages.domains import DomainsPage  # noqa: E402
from app.sources.registries import RegistryTable  # noqa: E402
from app.store import CaseFile  # noqa: E402


class DomainsModel(QAbstractTableModel):
    """The baseline: the app's first domains model, fetching pages of rows with OFFSET as the view scrolls."""

    PAGE = 2000

    def __init__(self, registry_name: Callable[[str], str]) -> None:
        super().__init__()
        self._registry_name = registry_name
        self._case: CaseFile | None = None
        self._rows: list[Domain] = []
        self._total = 0

    def set_case(self, case: CaseFile | None) -> None:
        self.beginResetModel()
        self._case, self._rows = case, []
        self._total = case.count_domains() if case is not None else 0
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # type: ignore[override]
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # type: ignore[override]
        return 0 if parent.isValid() else 4

    def canFetchMore(self, parent: QModelIndex = QModelIndex()) -> bool:  # type: ignore[override]
        return not parent.isValid() and self._case is not None and len(self._rows) < self._total

    def fetchMore(self, parent: QModelIndex = QModelIndex()) -> None:  # type: ignore[override]
        if not self.canFetchMore(parent):
            return
        assert self._case is not None
        start = len(self._rows)
        page = self._case.domains(offset=start, limit=min(self.PAGE, self._total - start))
        self.beginInsertRows(QModelIndex(), start, start + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:  # type: ignore[override]
        if role != Qt.ItemDataRole.DisplayRole or not index.isValid():
            return None
        domain = self._rows[index.row()]
        return (domain.ascii, domain.unicode, self._registry_name(domain.registry_id),
                domain.registrable)[index.column()]


def build_case(path: Path, count: int) -> None:
    table = RegistryTable.load()
    rng = random.Random(1)
    letters = "abcdefghijklmnopqrstuvwxyz0123456789"
    tlds = ["com", "net", "cc", "tv", "org", "info", "io", "app", "xyz", "ru"]
    with CaseFile.create(path, CaseInfo(case_id="", title="bench")) as case:
        domains = []
        for i in range(count):
            tld = tlds[i % len(tlds)]
            name = "".join(rng.choice(letters) for _ in range(12)) + f"{i}.{tld}"
            flags = ("mixed-script: synthetic",) if i % 97 == 0 else ()
            domains.append(Domain(0, name, name, tld, name, table.for_tld(tld).id, "", "bench", flags))
        with case.transaction() as tx:
            tx.add_domains(domains, source="bench")


class Heartbeat:
    """Measures the longest gap between 5 ms timer ticks: how long the GUI thread was busy."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.clock = QElapsedTimer()
        self.worst = 0.0
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        gap = self.clock.restart()
        self.worst = max(self.worst, float(gap))

    def start(self) -> None:
        self.worst = 0.0
        self.clock.start()
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        return self.worst


def run(app: QApplication, step: Callable[[], None], until: Callable[[], bool], beat: Heartbeat,
        timeout: float = 60.0) -> tuple[float, float]:
    """Do `step` inside a running event loop, spin until `until()`; (worst stall ms, total s)."""
    beat.start()
    start = time.perf_counter()
    QTimer.singleShot(0, step)
    while True:
        app.processEvents()
        time.sleep(0.001)
        if until() or time.perf_counter() - start > timeout:
            break
    total = time.perf_counter() - start
    return max(beat.stop(), 0.0), total


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    count = int(sys.argv[sys.argv.index("--count") + 1]) if "--count" in sys.argv else 1_000_000
    path = Path(args[0]) if args else Path("/tmp/evbundle-bench-domains.evcase")
    if not path.exists():
        print(f"building {path} with {count:,} domains…", flush=True)
        build_case(path, count)
    app = QApplication.instance() or QApplication([])
    beat = Heartbeat()
    table = RegistryTable.load()
    names = lambda rid: table.get(rid).name  # noqa: E731
    with CaseFile.open(path) as case:
        total = case.count_domains()
        print(f"domains page, {total:,} domains (stall = longest time the window could not repaint)")
        model = LazyDomainsModel(names, Operations())
        page = DomainsPage(model)
        page.resize(1200, 800)
        page.show()
        done = {"flag": False}
        model.filtering.connect(lambda running: done.update(flag=not running))

        def measure(label: str, step: Callable[[], None], wait_for_query: bool) -> None:
            done["flag"] = False
            ready = (lambda: done["flag"]) if wait_for_query else (lambda: True)
            stall, seconds = run(app, step, ready, beat)
            print(f"  {label:<46} worst stall {stall:6.0f} ms   done in {seconds:6.2f} s")

        measure("open the case (query on a worker)", lambda: model.set_case(case), True)
        bar = page.view.verticalScrollBar()

        rows_seen: list[int] = []

        def jumps() -> None:
            app.processEvents()  # let the view lay out the new row count first
            for fraction in (0.25, 0.5, 0.999, 0.1, 0.75):
                bar.setValue(int(bar.maximum() * fraction))
                app.processEvents()
                rows_seen.append(page.view.rowAt(0))

        measure("jump to 5 places across the list", jumps, False)
        print(f"    (top rows shown after each jump: {', '.join(f'{r:,}' for r in rows_seen)})")

        def pages() -> None:
            bar.setValue(0)
            for _ in range(40):
                bar.setValue(bar.value() + bar.pageStep())
                app.processEvents()

        measure("scroll 40 screens down", pages, False)
        print(f"    (top row after scrolling: {page.view.rowAt(0):,})")
        measure("filter: text 'abc'", lambda: page.search.setText("abc"), True)
        measure("filter: clear text", lambda: page.search.setText(""), True)
        measure("filter: one registry (Verisign)",
                lambda: page.registry.setCurrentIndex(page.registry.findData("verisign")), True)
        measure("filter: look-alikes only", lambda: page.problem.setCurrentIndex(page.problem.findData("lookalike")),
                True)
        measure("filter: any problem", lambda: page.problem.setCurrentIndex(page.problem.findData("any")), True)
        measure("filter: domains with no record", lambda: (page.problem.setCurrentIndex(0),
                page.status.setCurrentIndex(page.status.findData("no-record"))), True)
        measure("filter: all again", lambda: (page.status.setCurrentIndex(0),
                                              page.registry.setCurrentIndex(0)), True)
        measure("sort by record status", lambda: page.view.sortByColumn(4, Qt.SortOrder.AscendingOrder), True)
        measure("sort by domain name", lambda: page.view.sortByColumn(0, Qt.SortOrder.AscendingOrder), True)
        model.wait()
        page.close()

        print("baseline: the first model (DomainsModel: fetchMore pages over OFFSET)")
        old = DomainsModel(names)
        view = QTableView()
        view.setModel(old)
        view.resize(1200, 800)
        view.show()
        stall, seconds = run(app, lambda: old.set_case(case), lambda: True, beat)
        print(f"  {'open the case':<46} worst stall {stall:6.0f} ms   done in {seconds:6.2f} s")
        steps = 40
        beat.start()
        start = time.perf_counter()
        for _ in range(steps):
            view.scrollToBottom()
            app.processEvents()
        stall, seconds = beat.stop(), time.perf_counter() - start
        fetched = old.rowCount()
        print(f"  {'scroll to the end of what is fetched, x' + str(steps):<46} worst stall {stall:6.0f} ms   "
              f"done in {seconds:6.2f} s ({fetched:,} of {total:,} rows fetched)")
        beat.start()
        start = time.perf_counter()
        old.fetchMore()
        app.processEvents()
        far = time.perf_counter() - start
        print(f"  one more page at row {fetched:,}: {far * 1000:.0f} ms; reaching row {total:,} takes "
              f"{total // DomainsModel.PAGE:,} such pages (OFFSET grows: quadratic); it has no filter")
        view.close()


if __name__ == "__main__":
    main()
