"""The domains page: every domain of the case, filtered by text, registry, record status and problem, sortable.

Built on :class:`LazyDomainsModel`, so a million rows scroll and filter
without freezing the window: typing waits 200 ms for a pause, then the query
runs on a worker thread while the previous result stays on screen. A right-click
offers the lookups, the registry, linking the selected domains to an exhibit, taking them out
of the case (both undoable), and copying the selected names."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.gui.models.domains import DomainFilter, LazyDomainsModel
from app.gui.widgets import desktop
from app.gui.widgets.context_menu import add, attach

EMPTY_HINT = "No domains yet. Use Add domains… to paste a list."


NO_MATCH_HINT = "No domain matches these filters. Clear the filter text or choose \"All registries\", " \
    "\"Any record status\" and \"All domains\" to see every domain."


COLUMN_WIDTHS = (230, 230, 210, 200, 110)  # until the rows are read; then each name column fits its names
FIT_ROWS = 300  # the rows measured (the first pages: a million rows are never all measured)
MAX_NAME_WIDTH = 360


class DomainsPage(QWidget):
    """Heading with counts, the filter row, and the table."""

    def __init__(self, model: LazyDomainsModel, lookup: Callable[[list[str]], object] | None = None,
                 correct_registry: Callable[[str], object] | None = None,
                 capture: Callable[[list[str]], object] | None = None,
                 detail: Callable[[str, str], object] | None = None,
                 link: Callable[[list[str]], object] | None = None,
                 remove: Callable[[list[str]], object] | None = None) -> None:
        super().__init__()
        self._link = link
        self._remove = remove
        self.model = model
        self._lookup = lookup
        self._correct_registry = correct_registry
        self._detail = detail  # asked for the chosen domain's records; answers through show_detail()
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.hint = QLabel(EMPTY_HINT)
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setWordWrap(True)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter: part of a domain name")
        self.search.setClearButtonEnabled(True)
        self.registry = QComboBox()
        self.registry.addItem("All registries", None)
        self.status = QComboBox()
        self.status.setToolTip("What each domain's latest WHOIS, RDAP or DNS record in the case says")
        for label, key in (("Any record status", ""), ("With a record", "record"), ("No record", "no-record"),
                           ("Not registered", "not-registered"), ("On hold", "hold")):
            self.status.addItem(label, key)
        self.problem = QComboBox()
        self.problem.setToolTip("What the pre-filing checks would raise")
        for label, key in (("All domains", ""), ("Any problem", "any"), ("Look-alikes", "lookalike"),
                           ("Registry unconfirmed", "unconfirmed-registry"), ("Not registered", "not-registered")):
            self.problem.addItem(label, key)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        filters.addWidget(self.registry, 1)
        filters.addWidget(self.status)
        filters.addWidget(self.problem)
        self.lookup_button = QPushButton("Look up selected…")
        self.lookup_button.setToolTip("RDAP, WHOIS or DNS lookups of the selected domains, kept as evidence")
        self.lookup_button.setEnabled(False)
        self.lookup_button.setVisible(lookup is not None)
        self.lookup_button.clicked.connect(self.lookup_selected)
        filters.addWidget(self.lookup_button)
        self.registry_button = QPushButton("Registry…")
        self.registry_button.setToolTip("Check or correct the name and postal address Appendix A gives the "
                                        "selected domain's registry (kept with this case, logged)")
        self.registry_button.setEnabled(False)
        self.registry_button.setVisible(correct_registry is not None)
        self.registry_button.clicked.connect(self.correct_registry)
        filters.addWidget(self.registry_button)
        self.capture_button = QPushButton("Capture pages…")
        self.capture_button.setToolTip("Capture the selected domains' web pages (screenshot, WARC, certificate, DNS)")
        self.capture_button.setEnabled(False)
        self.capture_button.setVisible(capture is not None)
        self.capture_button.clicked.connect(lambda: capture(self.selected_names()) if capture else None)
        filters.addWidget(self.capture_button)

        self.link_button = QPushButton("Link to exhibit…")
        self.link_button.setToolTip("Say which exhibit shows that the selected domains belong in the order "
                                    "(what the review asks for when no exhibit does)")
        self.remove_button = QPushButton("Remove from case")
        self.remove_button.setToolTip("Take the selected domains out of the case and its appendices "
                                      "(Edit → Undo puts them back)")
        for button, action in ((self.link_button, link), (self.remove_button, remove)):
            button.setEnabled(False)
            button.setVisible(action is not None)
        self.link_button.clicked.connect(self.link_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.link_button)
        top.addWidget(self.remove_button)

        self.view = QTableView()
        self.view.setModel(model)
        self.view.setSortingEnabled(True)
        self.view.horizontalHeader().setSortIndicator(2, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        vertical = self.view.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no per-row measuring of a million rows
        vertical.setDefaultSectionSize(self.view.fontMetrics().height() + 8)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate(COLUMN_WIDTHS):
            self.view.setColumnWidth(column, width)
        attach(self.view, self.fill_menu)
        self._find: str | None = None  # a domain to select once the filter's rows arrive ("go there")

        self.detail = QPlainTextEdit()  # the chosen domain's records: statuses, name servers, registrant…
        self.detail.setReadOnly(True)
        self.detail.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))  # the fields line up
        self.detail.setPlaceholderText("Choose one domain to see its WHOIS, RDAP and DNS records.")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.view)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        self.detail.setVisible(detail is not None)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.hint)
        layout.addLayout(filters)
        layout.addWidget(split, 1)

        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(200)
        self._typing.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self._typing.start)
        self.registry.currentIndexChanged.connect(self.apply_filter)
        self.status.currentIndexChanged.connect(self.apply_filter)
        self.problem.currentIndexChanged.connect(self.apply_filter)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        model.modelReset.connect(self.refresh)
        model.modelReset.connect(self._select_found)
        model.rowsInserted.connect(lambda *_: self._select_found())  # rows fetched a page at a time
        model.modelReset.connect(self._selection_changed)  # a reset drops the selection without saying so
        model.modelReset.connect(self.fit_columns)
        model.filtering.connect(self._busy)
        self.refresh()

    def fill_menu(self, menu: QMenu) -> None:
        names = self.selected_names()
        if not names:
            return
        count = f"{len(names):,} domain{'s' if len(names) != 1 else ''}"
        if self._lookup is not None:
            add(menu, f"Look up {count}…", self.lookup_selected,
                tip="RDAP, WHOIS or DNS lookups, each reply kept as evidence (asks first)")
        if self._correct_registry is not None:
            add(menu, "Registry…", self.correct_registry, enabled=self.registry_button.isEnabled(),
                tip="Check or correct the name and address Appendix A gives this registry")
        if self._link is not None:
            add(menu, "Link to exhibit…", self.link_selected,
                tip="Which exhibit shows that it belongs in the order, in the declarant's words")
        menu.addSeparator()
        add(menu, f"Copy {count}", lambda: desktop.copy_text("\n".join(names)))
        if self._remove is not None:
            menu.addSeparator()
            add(menu, f"Remove {count} from case", self.remove_selected,
                tip="Out of the case and its appendices; Edit → Undo puts them back")

    def show_domain(self, name: str) -> None:
        """Filter to ``name`` and select it when its row arrives (search and review "go there")."""
        self.registry.setCurrentIndex(0)
        self.status.setCurrentIndex(0)
        self.problem.setCurrentIndex(0)
        self._find = name
        self.search.setText(name)
        self.apply_filter()
        self._select_found()  # the same filter again gives no new rows: select among those shown

    def show_problem(self, problem: str) -> None:
        """Filter to the domains with ``problem`` (a key of the Problem filter: "unconfirmed-registry"…)."""
        self.search.setText("")
        self.registry.setCurrentIndex(0)
        self.status.setCurrentIndex(0)
        self.problem.setCurrentIndex(max(0, self.problem.findData(problem)))
        self.apply_filter()

    def _select_found(self) -> None:
        if self._find is None:
            return
        for row in range(min(self.model.rowCount(), 1000)):
            domain = self.model.domain(row)
            if domain is not None and self._find in (domain.ascii, domain.unicode):
                self.view.selectRow(row)
                self.view.scrollTo(self.model.index(row, 0))
                self._find = None
                return

    def fit_columns(self) -> None:
        """Each name column as wide as the longest name in the first rows (within bounds); Problems takes the rest."""
        metrics = self.view.fontMetrics()
        rows = min(self.model.rowCount(), FIT_ROWS)
        if not rows:
            return
        for column in (0, 1, 2, 3, 4):
            texts = [str(self.model.index(row, column).data() or "") for row in range(rows)]
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal) or "")
            wanted = max(metrics.horizontalAdvance(t) for t in [*texts, title]) + 20
            self.view.setColumnWidth(column, max(90, min(wanted, MAX_NAME_WIDTH)))

    def selected_names(self) -> list[str]:
        """The ASCII names of the selected rows, in table order."""
        rows = sorted(index.row() for index in self.view.selectionModel().selectedRows())
        return [domain.ascii for domain in (self.model.domain(row) for row in rows) if domain is not None]

    def _selection_changed(self) -> None:
        rows = self.view.selectionModel().selectedRows()
        self.lookup_button.setEnabled(bool(rows))
        self.capture_button.setEnabled(bool(rows))
        self.link_button.setEnabled(bool(rows))
        self.remove_button.setEnabled(bool(rows))
        registries = {domain.registry_id for domain in (self.model.domain(i.row()) for i in rows) if domain}
        self.registry_button.setEnabled(len(registries) == 1)
        chosen = self.model.domain(rows[0].row()) if len(rows) == 1 else None
        if chosen is not None and self._detail is not None:
            self._detail(chosen.ascii, chosen.registrable)
        elif self._detail is not None:
            self.detail.clear()

    def show_detail(self, text: str) -> None:
        """Show a domain's records (the answer to the ``detail`` request)."""
        self.detail.setPlainText(text)

    def correct_registry(self) -> None:
        """Open the registry of the selected domains (all under one registry) for checking or correcting."""
        rows = self.view.selectionModel().selectedRows()
        registries = {domain.registry_id for domain in (self.model.domain(i.row()) for i in rows) if domain}
        if len(registries) == 1 and self._correct_registry is not None:
            self._correct_registry(registries.pop())

    def link_selected(self) -> None:
        names = self.selected_names()
        if names and self._link is not None:
            self._link(names)

    def remove_selected(self) -> None:
        names = self.selected_names()
        if names and self._remove is not None:
            self._remove(names)

    def lookup_selected(self) -> None:
        names = self.selected_names()
        if names and self._lookup is not None:
            self._lookup(names)

    def apply_filter(self) -> None:
        current = self.model.current_filter()
        self.model.set_filter(DomainFilter(self.search.text(), self.registry.currentData(), self.status.currentData(),
                                           self.problem.currentData(), current.order, current.descending))

    def refresh(self) -> None:
        """Counts in the heading; the registry list follows the case."""
        shown, total = self.model.shown(), self.model.total()
        heading = f"{total:,} domain{'' if total == 1 else 's'}"
        self.heading.setText(heading if shown == total else f"{shown:,} of {heading} shown")
        self.hint.setText(f"The domains could not be listed: {self.model.failed}" if self.model.failed
                          else EMPTY_HINT if total == 0 else NO_MATCH_HINT)
        self.hint.setVisible(shown == 0)  # an empty table always says why, and what to do
        wanted = self.registry.currentData()
        choices = self.model.registries
        if [self.registry.itemData(i) for i in range(1, self.registry.count())] != [c[0] for c in choices]:
            self.registry.blockSignals(True)
            self.registry.clear()
            self.registry.addItem("All registries", None)
            for registry_id, name, count in choices:
                self.registry.addItem(f"{name} ({count:,})", registry_id)
            index = self.registry.findData(wanted)
            self.registry.setCurrentIndex(max(index, 0))
            self.registry.blockSignals(False)

    def _busy(self, running: bool) -> None:
        if running:
            self.heading.setText(f"{self.model.shown():,} domains (filtering…)")
