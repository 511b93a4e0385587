"""The Exhibits & custody page: the exhibits in filing order above the custody log."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import (
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.gui.widgets.labels import heading
from app.gui.widgets.tables import make_table

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
        self.exhibits_heading = heading()
        self.custody_heading = heading()
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
        self._layout = QVBoxLayout(self)
        self._layout.addWidget(splitter)
        self._exhibits, self._custody = exhibits, custody
        for model in (exhibits, custody):
            model.modelReset.connect(self.refresh_heading)
        self.refresh_heading()

    def add_banner(self, banner: QWidget) -> None:
        """Put a line above the exhibits (the signer banner)."""
        self._layout.insertWidget(0, banner)

    def refresh_heading(self) -> None:
        count = self._exhibits.rowCount()
        self.exhibits_heading.setText(f"{count} exhibit{'s' if count != 1 else ''}, in filing order")
        self.hint.setVisible(count == 0)
        entries = self._custody.rowCount()
        self.custody_heading.setText(f"Custody log: {entries} entr{'ies' if entries != 1 else 'y'}")
