"""Table views configured the one way the app shows data: read-only rows, sortable where it makes sense."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableView,
)

from app.gui.models.items import SortRole


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


def fit_columns(view: QTableView, widest: dict[int, int], rows: int = 200) -> None:
    """Columns as wide as their heading and their text in the first ``rows`` rows, each at most ``widest``
    pixels (column -> pixels): a sender or a category shown whole, a long list still elided."""
    model = view.model()
    metrics = view.fontMetrics()
    count = min(model.rowCount(), rows)
    for column, most in widest.items():
        texts = [str(model.index(row, column).data() or "") for row in range(count)]
        texts.append(str(model.headerData(column, Qt.Orientation.Horizontal) or ""))
        view.setColumnWidth(column, min(most, max(metrics.horizontalAdvance(t) for t in texts) + 24))
