"""Find in evidence… (Ctrl+F): one box over all the case's evidence, each hit one double-click from its page.

Names, subjects, senders, recipients, advertised domains and links, screenshot URLs and
notes, hashes and the case's domains are searched (``app.ops.search``), off the window's
thread, a moment after typing stops. The dialog stays open beside the window."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QLineEdit, QMenu, QPushButton, QVBoxLayout, QWidget

from app.core.reporting import Reporter
from app.gui.background import Operation, Operations
from app.gui.models.hits import HitsModel
from app.gui.widgets import desktop
from app.gui.widgets.context_menu import add, attach
from app.gui.widgets.screen_fit import fit_to_screen
from app.gui.widgets.tables import make_table

if TYPE_CHECKING:
    from app.ops.case import CaseFile

LIMIT = 500


class FindDialog(QDialog):
    """Type to search; double-click (or Enter, or Show) a hit to see it in its page."""

    def __init__(self, case: Callable[[], CaseFile | None], operations: Operations,
                 go_to: Callable[[str], object], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Find in evidence")
        self._case = case
        self._operations = operations
        self._go_to = go_to
        self._generation = 0
        self.text = QLineEdit()
        self.text.setPlaceholderText("A name, subject, sender, domain, URL or the start of a SHA-256")
        self.text.setClearButtonEnabled(True)
        self.model = HitsModel(self)
        self.view = make_table(self.model, sortable=False, stretch_column=4)
        for column, width in enumerate((110, 90, 240, 100)):
            self.view.setColumnWidth(column, width)
        self.view.doubleClicked.connect(lambda index: self.show_hit(index.row()))
        self.view.activated.connect(lambda index: self.show_hit(index.row()))
        attach(self.view, self._fill_menu)
        self.status = QLabel("")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.show_button = QPushButton("Show")
        self.show_button.clicked.connect(lambda: self.show_hit(self.view.currentIndex().row()))
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.search)
        self.text.textChanged.connect(self._timer.start)
        self.text.returnPressed.connect(self.search)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.show_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)
        fit_to_screen(self, 860, 480)

    def search(self) -> Operation[list[Any]] | None:
        """Search for what is typed, in the background; the older search's answer is dropped."""
        self._timer.stop()
        case, wanted = self._case(), self.text.text()
        self._generation += 1
        generation = self._generation
        if case is None or not wanted.strip():
            self.model.set_hits([])
            self.status.setText("" if case is not None else "No case is open.")
            return None
        self.status.setText("Searching…")

        def work(reporter: Reporter) -> list[Any]:
            from app.ops.search import search_evidence

            return search_evidence(case, wanted, limit=LIMIT, reporter=reporter)

        def found(hits: list[Any]) -> None:
            if generation != self._generation:
                return
            self.model.set_hits(hits)
            more = " (the first shown; type more to narrow it)" if len(hits) >= LIMIT else ""
            self.status.setText(f"{len(hits):,} found{more}" if hits else "Nothing found.")
            if hits:
                self.view.selectRow(0)

        return self._operations.run(self, work, found, error_title="The search failed")

    def _fill_menu(self, menu: QMenu) -> None:
        row = self.view.currentIndex().row()
        if 0 <= row < len(self.model.hits):
            hit = self.model.hits[row]
            add(menu, "Show", lambda: self.show_hit(row))
            add(menu, "Copy the text found", lambda: desktop.copy_text(hit.text))

    def show_hit(self, row: int) -> None:
        if 0 <= row < len(self.model.hits):
            self._go_to(self.model.hits[row].where)
