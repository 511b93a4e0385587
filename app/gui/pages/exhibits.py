"""The Exhibits & custody page: the exhibits in filing order above the custody log.

A right-click on an exhibit offers what it offers wherever evidence is listed (preview,
copy the hash, leave out of the exhibits…); on a custody entry, copying its hash or the
entry itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import (
    QLabel,
    QMenu,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.gui.commands.item_menu import ItemMenus
from app.gui.models.items import RowIdRole
from app.gui.widgets import desktop
from app.gui.widgets.context_menu import add, attach
from app.gui.widgets.labels import heading
from app.gui.widgets.tables import make_table

if TYPE_CHECKING:
    from app.ops.case import CaseFile

EXHIBITS_HINT = ("No exhibits yet. Each screenshot, email and domain record added to the case becomes an "
                 "exhibit, numbered in the order added; the Documents page can change the order.")


class ExhibitsPage(QWidget):
    """Every exhibit in filing order above the custody log that proves how each was handled."""

    def __init__(self, exhibits: QAbstractItemModel, custody: QAbstractItemModel,
                 case: Callable[[], CaseFile | None] | None = None, menus: ItemMenus | None = None) -> None:
        super().__init__()
        self._case = case or (lambda: None)
        self._menus = menus
        self.exhibits_view = make_table(exhibits, sortable=True, stretch_column=2)
        self.custody_view = make_table(custody, sortable=True, stretch_column=5)
        for column, width in enumerate((90, 130, 0, 160, 130)):
            if width:
                self.exhibits_view.setColumnWidth(column, width)
        for column, width in enumerate((50, 160, 140, 170, 50)):
            self.custody_view.setColumnWidth(column, width)
        for view in (self.exhibits_view, self.custody_view):
            view.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # a hash shows its start and its end
        attach(self.exhibits_view, self.fill_exhibit_menu)
        attach(self.custody_view, self.fill_custody_menu)
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

    def select_item(self, item_id: int) -> bool:
        """Select the exhibit of this item (search and review "go there"); False when it is not an exhibit."""
        proxy = self.exhibits_view.model()
        for row in range(proxy.rowCount()):
            index = proxy.index(row, 0)
            if index.data(RowIdRole) == item_id:
                self.exhibits_view.selectRow(row)
                self.exhibits_view.scrollTo(index)
                return True
        return False

    def fill_exhibit_menu(self, menu: QMenu) -> None:
        case = self._case()
        if case is None or self._menus is None:
            return
        rows = sorted({i.row() for i in self.exhibits_view.selectionModel().selectedRows()})
        proxy = self.exhibits_view.model()
        ids = [proxy.index(row, 0).data(RowIdRole) for row in rows]
        self._menus.fill(menu, [case.item(int(i)) for i in ids if i is not None])

    def fill_custody_menu(self, menu: QMenu) -> None:
        rows = sorted({i.row() for i in self.custody_view.selectionModel().selectedRows()})
        proxy = self.custody_view.model()
        if not rows:
            return
        lines = ["\t".join(str(proxy.index(row, column).data() or "") for column in range(proxy.columnCount()))
                 for row in rows]
        hashes = [str(proxy.index(row, 5).data() or "") for row in rows]
        add(menu, "Copy entry hash", lambda: desktop.copy_text("\n".join(hashes)))
        entries = f"{len(rows)} entr{'ies' if len(rows) != 1 else 'y'}"
        add(menu, f"Copy {entries}", lambda: desktop.copy_text("\n".join(lines)))
