"""Correct a registry's name and postal address for this case, from the domains page (an undoable edit)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QWidget,
)

from app.gui.background import Operation
from app.gui.commands import edits as recipes
from app.gui.commands.edits import Done
from app.gui.dialogs.registry import RegistryDialog
from app.gui.undo import CaseEdits

if TYPE_CHECKING:
    from app.ops.case import CaseFile


class RegistryCommand:
    """``ask_and_correct(registry_id)`` for the domains page."""

    def __init__(self, window: QWidget | None, case: Callable[[], CaseFile | None], edits: CaseEdits) -> None:
        self._window = window
        self._case = case
        self._edits = edits

    def ask_and_correct(self, registry_id: str) -> Operation[Done] | None:
        case = self._case()
        if case is None:
            return None
        from app.ops.domains import registry_table

        table = registry_table(case)
        dialog = RegistryDialog(table.get(registry_id), table.is_confirmed(registry_id), self._window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return self.start(registry_id, dialog.name.text(), dialog.address_lines(), dialog.note.text())

    def start(self, registry_id: str, name: str, address: list[str], note: str) -> Operation[Done] | None:
        return self._edits.run(self._window, f"Correct the registry {name.strip()}",
                               recipes.registry(registry_id, name, address, note.strip()),
                               error_title="The registry was not changed")
