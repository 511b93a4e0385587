"""Correct a registry's name and postal address for this case, from the domains page.

Appendix A addresses each group of domains to its registry by name and
address. The bundled table can be stale or lack a ccTLD manager's address;
counsel correct it here. The correction is kept in the case with a custody
entry (who, when, old and new values) and Appendix A prints it from then on."""

from __future__ import annotations

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
        unchecked = "" if confirmed else "Not checked: no confirmed postal address. "
        source = QLabel(f"{unchecked}Source: {registry.source}")
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
