"""What a right-click on evidence offers, wherever it is listed (screenshots, spam, exhibits).

Preview the exhibit as it will be filed, view a screenshot's image, show the folder the
original came from, copy the SHA-256 or the name, and leave the item out of the exhibits
or make it one again (an undoable, logged edit). Evidence itself is never handed to
another program: a message or an attachment could run."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMenu, QWidget

from app.core.model import Item, ItemKind
from app.gui.background import Operations
from app.gui.commands import edits as recipes
from app.gui.undo import CaseEdits
from app.gui.widgets import desktop
from app.gui.widgets.context_menu import add

if TYPE_CHECKING:
    from app.ops.case import CaseFile


class ItemMenus:
    """Fills a menu for the items a view has selected."""

    def __init__(self, window: QWidget, case: Callable[[], CaseFile | None], operations: Operations,
                 edits: CaseEdits, preview_exhibit: Callable[[int], object]) -> None:
        self._window = window
        self._case = case
        self._operations = operations
        self._edits = edits
        self._preview = preview_exhibit

    def fill(self, menu: QMenu, items: Sequence[Item]) -> None:
        """The entries for ``items`` (the selection, first the current one)."""
        if not items:
            return
        one = items[0] if len(items) == 1 else None
        if one is not None:
            add(menu, "Preview exhibit", lambda: self._preview(one.id), enabled=one.exhibit_number is not None,
                tip="Show it as it will be filed, with its Bates numbers" if one.exhibit_number is not None
                else "Left out of the exhibits: not filed")
            if one.kind is ItemKind.SCREENSHOT:
                add(menu, "View image…", lambda: self.view_image(one))
            folder = Path(one.source_path).parent if one.source_path else None
            there = folder is not None and folder.is_dir()
            add(menu, "Show original's folder", lambda: desktop.show_folder(folder) if folder else None, enabled=there,
                tip=f"Where it was added from: {folder}" if there else
                "The folder it was added from is no longer there; the case holds the original")
        menu.addSeparator()
        add(menu, "Copy SHA-256", lambda: desktop.copy_text("\n".join(i.sha256 for i in items)))
        add(menu, "Copy name", lambda: desktop.copy_text("\n".join(i.name for i in items)))
        menu.addSeparator()
        numbered = [i.id for i in items if i.exhibit_number is not None]
        left_out = [i.id for i in items if i.exhibit_number is None and i.kind.is_exhibit_kind]
        if numbered:
            add(menu, "Leave out of exhibits", lambda: self.leave_out(numbered),
                tip="Stays evidence, sealed in the bundle with its custody record; no longer numbered or filed")
        if left_out:
            add(menu, "Make an exhibit again", lambda: self.leave_out(left_out, out=False),
                tip="Numbered after the last exhibit; move it in the Documents page")

    def leave_out(self, item_ids: Sequence[int], *, out: bool = True) -> None:
        count = len(item_ids)
        what = f"{count} item{'s' if count != 1 else ''}"
        self._edits.run(self._window, f"Leave {what} out of the exhibits" if out else f"Make {what} exhibits again",
                        recipes.leave_out(list(item_ids), out=out), error_title="The exhibits were not changed")

    def view_image(self, item: Item) -> None:
        from app.gui.dialogs.image_view import ImageViewDialog

        ImageViewDialog.open_for(self._window, self._case, self._operations, item)
