"""The window's pages: a welcome page without a case, then one table page per kind of evidence.

A page is a view and a heading; it holds no case logic. Each page is told
which model to show; the models reload themselves on change notifications
and the page's heading follows the model's row count.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from .actions import Actions
from .item_models import SortRole


def _heading(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.15)
    font.setBold(True)
    label.setFont(font)
    return label


def make_table(model: QAbstractItemModel, *, sortable: bool, stretch_column: int | None = None) -> QTableView:
    """A read-only, row-selecting table; sortable tables sort through a proxy, never the model."""
    view = QTableView()
    if sortable:
        proxy = QSortFilterProxyModel(view)
        proxy.setSourceModel(model)
        proxy.setSortRole(SortRole)
        view.setModel(proxy)
        view.setSortingEnabled(True)
        view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    else:
        view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setDefaultSectionSize(150)
    header.setHighlightSections(False)
    if stretch_column is not None:
        header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
    return view


class TablePage(QWidget):
    """A heading that counts the rows, a hint when there are none, and the table."""

    def __init__(
        self,
        model: QAbstractItemModel,
        count: Callable[[], int],
        noun: tuple[str, str],
        empty_hint: str,
        *,
        sortable: bool = True,
        stretch_column: int | None = None,
        widths: tuple[int, ...] = (),
    ) -> None:
        super().__init__()
        self.model = model
        self._count = count
        self._noun = noun
        self.heading = _heading()
        self.hint = QLabel(empty_hint)
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setWordWrap(True)
        self.view = make_table(model, sortable=sortable, stretch_column=stretch_column)
        for column, width in enumerate(widths):
            self.view.setColumnWidth(column, width)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.hint)
        layout.addWidget(self.view, 1)
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved):
            signal.connect(self.refresh_heading)
        self.refresh_heading()

    def refresh_heading(self) -> None:
        count = self._count()  # the case's count: a lazy model may not have fetched every row yet
        self.heading.setText(f"{count:,} {self._noun[0] if count == 1 else self._noun[1]}")
        self.hint.setVisible(count == 0)


EXHIBITS_HINT = ("No exhibits yet. Each screenshot, email and domain record added to the case becomes an "
                 "exhibit, numbered in the order added; the Documents page can change the order.")


class ExhibitsPage(QWidget):
    """Every exhibit in filing order above the custody log that proves how each was handled."""

    def __init__(self, exhibits: QAbstractItemModel, custody: QAbstractItemModel) -> None:
        super().__init__()
        self.exhibits_view = make_table(exhibits, sortable=True, stretch_column=2)
        self.custody_view = make_table(custody, sortable=True, stretch_column=5)
        for column, width in enumerate((90, 130, 0, 170, 110)):
            if width:
                self.exhibits_view.setColumnWidth(column, width)
        for column, width in enumerate((50, 170, 110, 150, 60)):
            self.custody_view.setColumnWidth(column, width)
        self.exhibits_heading = _heading()
        self.custody_heading = _heading()
        self.hint = QLabel(EXHIBITS_HINT)
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setWordWrap(True)
        top, bottom = QWidget(), QWidget()
        top_layout, bottom_layout = QVBoxLayout(top), QVBoxLayout(bottom)
        top_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.exhibits_heading)
        top_layout.addWidget(self.hint)
        top_layout.addWidget(self.exhibits_view)
        bottom_layout.addWidget(self.custody_heading)
        bottom_layout.addWidget(self.custody_view)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self._exhibits, self._custody = exhibits, custody
        for model in (exhibits, custody):
            model.modelReset.connect(self.refresh_heading)
        self.refresh_heading()

    def refresh_heading(self) -> None:
        count = self._exhibits.rowCount()
        self.exhibits_heading.setText(f"{count} exhibit{'s' if count != 1 else ''}, in filing order")
        self.hint.setVisible(count == 0)
        entries = self._custody.rowCount()
        self.custody_heading.setText(f"Custody log: {entries} entr{'ies' if entries != 1 else 'y'}")


class WelcomePage(QWidget):
    """What the window shows before a case is open: the two ways to start."""

    def __init__(self, actions: Actions) -> None:
        super().__init__()
        title = _heading("No case is open")
        text = QLabel(
            "Create a case to start gathering domains, screenshots and spam samples, "
            "or open an existing case file (.evcase).\n\n"
            "Once a case is open, drop evidence files anywhere on this window to add them."
        )
        text.setTextFormat(Qt.TextFormat.PlainText)
        text.setWordWrap(True)
        buttons = QHBoxLayout()
        for action in (actions.new_case, actions.open_case):
            button = QPushButton(action.text().replace("&", ""))
            button.setIcon(action.icon())
            button.clicked.connect(action.trigger)
            button.setMinimumWidth(150)
            buttons.addWidget(button)
        buttons.addStretch(1)
        box = QWidget()
        box.setMaximumWidth(560)
        inner = QVBoxLayout(box)
        inner.addWidget(title)
        inner.addWidget(text)
        inner.addSpacing(12)
        inner.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box)
        row.addStretch(2)
        layout.addLayout(row)
        layout.addStretch(2)
