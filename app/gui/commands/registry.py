"""Correct a registry's name and postal address for this case, from the domains page."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QWidget,
)

from app.core.reporting import Reporter
from app.gui.background import Operation, Operations
from app.gui.dialogs.registry import RegistryDialog
from app.ops.case import CaseFile
from app.ops.domains import RegistryCorrected, registry_table, set_registry


class RegistryCommand:
    """``ask_and_correct(registry_id)`` for the domains page."""

    def __init__(self, window: QWidget | None, case: Callable[[], CaseFile | None], operations: Operations) -> None:
        self._window = window
        self._case = case
        self._operations = operations

    def ask_and_correct(self, registry_id: str) -> Operation[RegistryCorrected] | None:
        case = self._case()
        if case is None:
            return None
        table = registry_table(case)
        dialog = RegistryDialog(table.get(registry_id), table.is_confirmed(registry_id), self._window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return self.start(registry_id, dialog.name.text(), dialog.address_lines(), dialog.note.text())

    def start(self, registry_id: str, name: str, address: list[str], note: str) -> Operation[RegistryCorrected] | None:
        case = self._case()
        if case is None:
            return None

        def work(reporter: Reporter) -> RegistryCorrected:
            return set_registry(case, registry_id, name=name, address=address, note=note.strip())

        return self._operations.run(
            self._window, work, lambda _corrected: None,
            cancellable=False, writes_case=True, error_title="The registry was not changed",
        )
