"""Paste a list of domains (one per line, CSV, URLs or defanged names) to add to the case."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.gui.widgets.labels import plain_label


class AddDomainsDialog(QDialog):
    """A box to paste a list of domains: one per line, CSV, URLs or defanged forms."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add domains")
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)  # Tab moves on (a pasted list keeps its tabs)
        self.text.setPlaceholderText("bad-example.com\nhxxp://c2[.]example.net/gate.php\nsub.free-subdomains.cc")
        self.source = QLineEdit("pasted list")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add domains")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Where the list came from:", self.source)
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(
            "Paste the domains to add: one per line, CSV columns, URLs and defanged forms "
            "(hxxp://, [.]) are all read. Names already in the case are not added twice."))
        layout.addWidget(self.text, 1)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(520, 420)

    def domains_text(self) -> str:
        return self.text.toPlainText()

    def source_text(self) -> str:
        return self.source.text().strip() or "pasted list"
