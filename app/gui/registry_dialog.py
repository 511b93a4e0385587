"""Correct a registry's name and postal address for this case, from the domains page.

Appendix A addresses each group of domains to its registry by name and
address. The bundled table can be stale or lack a ccTLD manager's address;
counsel correct it here. The correction is kept in the case with a custody
entry (who, when, old and new values) and Appendix A prints it from then on.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.model import Registry
from app.ops.domains import registry_table, set_registry
from app.store import CaseFile

from .background import Operation, Operations, Progress
from .events import CaseEvents


class RegistryDialog(QDialog):
    """The registry's name and address lines as Appendix A will print them, and why they changed."""

    def __init__(self, registry: Registry, confirmed: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Registry of .{', .'.join(registry.tlds[:3])}{'…' if len(registry.tlds) > 3 else ''}")
        self.name = QLineEdit(registry.name)
        self.name.setCursorPosition(0)  # a long legal name shows its start
        self.address = QPlainTextEdit("\n".join(registry.address))
        self.address.setPlaceholderText("One line of the postal address per line")
        self.address.setTabChangesFocus(True)
        self.note = QLineEdit()
        self.note.setPlaceholderText("Why, and where you checked: e.g. the registry's website, its ICANN agreement")
        tlds = ", ".join("." + t for t in registry.tlds[:12]) + (" …" if len(registry.tlds) > 12 else "")
        source = QLabel(("" if confirmed else "Not checked: no confirmed postal address. ") + f"Source: {registry.source}")
        source.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Top-level domains:", QLabel(tlds))
        form.addRow("Name:", self.name)
        form.addRow("Postal address:", self.address)
        form.addRow("Note:", self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.name.textChanged.connect(
            lambda text: buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(bool(text.strip())))
        layout = QVBoxLayout(self)
        layout.addWidget(source)
        layout.addLayout(form)
        layout.addWidget(QLabel("Kept with this case and logged; Appendix A prints it from now on."))
        layout.addWidget(buttons)
        self.resize(560, 360)

    def address_lines(self) -> list[str]:
        return [line.strip() for line in self.address.toPlainText().splitlines() if line.strip()]


class RegistryCommand:
    """``ask_and_correct(registry_id)`` for the domains page."""

    def __init__(self, window: QWidget | None, case: Callable[[], CaseFile | None], operations: Operations,
                 events: CaseEvents) -> None:
        self._window = window
        self._case = case
        self._operations = operations
        self._events = events

    def ask_and_correct(self, registry_id: str) -> Operation[Registry] | None:
        case = self._case()
        if case is None:
            return None
        table = registry_table(case)
        dialog = RegistryDialog(table.get(registry_id), table.is_confirmed(registry_id), self._window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return self.start(registry_id, dialog.name.text(), dialog.address_lines(), dialog.note.text())

    def start(self, registry_id: str, name: str, address: list[str], note: str) -> Operation[Registry] | None:
        case = self._case()
        if case is None:
            return None

        def work(progress: Progress, cancelled: Callable[[], bool]) -> Registry:
            return set_registry(case, registry_id, name=name, address=address, note=note.strip())

        return self._operations.run(
            self._window, work, lambda _registry: self._events.domainsChanged.emit(),
            cancellable=False, writes_case=True, error_title="The registry was not changed",
        )
