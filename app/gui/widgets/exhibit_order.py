"""The exhibits in filing order, with Move up and Move down (undoable, logged renumberings).

A right-click offers what it offers wherever evidence is listed (preview, copy the hash,
leave out of the exhibits…); a double-click previews the exhibit."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import QHBoxLayout, QMenu, QPushButton, QVBoxLayout, QWidget

from app.core.model import Item
from app.gui.commands import edits as recipes
from app.gui.commands.item_menu import ItemMenus
from app.gui.models.items import RowIdRole
from app.gui.undo import CaseEdits
from app.gui.widgets.context_menu import add, attach
from app.gui.widgets.labels import heading
from app.gui.widgets.tables import make_table

if TYPE_CHECKING:
    from app.ops.case import CaseFile


class ExhibitOrder(QWidget):
    """The exhibits model as a short list: number, kind, name; moved one place at a time."""

    def __init__(self, exhibits: QAbstractItemModel, case: Callable[[], CaseFile | None], edits: CaseEdits,
                 menus: ItemMenus, preview: Callable[[int], object]) -> None:
        super().__init__()
        self._case = case
        self._edits = edits
        self._menus = menus
        self._preview = preview
        self.exhibits = exhibits
        self.heading = heading("Exhibit order")
        self.view = make_table(exhibits, sortable=False, stretch_column=2)
        for column in range(3, exhibits.columnCount()):
            self.view.hideColumn(column)
        self.view.setColumnWidth(0, 90)
        self.view.setColumnWidth(1, 120)
        self.view.doubleClicked.connect(lambda index: self._preview_row(index.row()))
        attach(self.view, self.fill_menu)
        self.up = QPushButton("Move up")
        self.up.clicked.connect(lambda: self.move_selected(-1))
        self.down = QPushButton("Move down")
        self.down.clicked.connect(lambda: self.move_selected(+1))
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self.update_buttons())
        exhibits.modelReset.connect(self.update_buttons)
        buttons = QHBoxLayout()
        buttons.addWidget(self.up)
        buttons.addWidget(self.down)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.update_buttons()

    def update_buttons(self) -> None:
        index = self.view.selectionModel().currentIndex()
        self.up.setEnabled(index.isValid() and index.row() > 0)
        self.down.setEnabled(index.isValid() and index.row() < self.exhibits.rowCount() - 1)

    def _item(self, row: int) -> Item | None:
        case = self._case()
        item_id = self.exhibits.index(row, 0).data(RowIdRole)
        return case.item(int(item_id)) if case is not None and item_id is not None else None

    def _preview_row(self, row: int) -> None:
        item = self._item(row)
        if item is not None:
            self._preview(item.id)

    def fill_menu(self, menu: QMenu) -> None:
        index = self.view.selectionModel().currentIndex()
        item = self._item(index.row()) if index.isValid() else None
        if item is None:
            return
        add(menu, "Move up", lambda: self.move_selected(-1), enabled=self.up.isEnabled())
        add(menu, "Move down", lambda: self.move_selected(+1), enabled=self.down.isEnabled())
        menu.addSeparator()
        self._menus.fill(menu, [item])

    def move_selected(self, step: int) -> Any:
        """Move the selected exhibit one place up or down; the others renumber after it."""
        index = self.view.selectionModel().currentIndex()
        if not index.isValid():
            return None
        item_id = index.siblingAtColumn(0).data(RowIdRole)
        to_row = index.row() + step
        if not 0 <= to_row < self.exhibits.rowCount():
            return None

        def change(case: CaseFile) -> Any:
            from app.ops.exhibit_order import move_exhibit

            numbers = {item.id: number for number, item, _ in case.exhibits()}
            return move_exhibit(case, numbers[item_id], to_row + 1)

        return self._edits.run(self, f"Move Exhibit {index.row() + 1} {'up' if step < 0 else 'down'}",
                               recipes.exhibits(change), on_done=lambda _r: self.view.selectRow(to_row),
                               error_title="The exhibits were not renumbered")
