"""A page that is one table over a model, with a heading that counts its rows."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import (
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.gui.widgets.labels import heading
from app.gui.widgets.tables import make_table


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
        self.heading = heading()
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
