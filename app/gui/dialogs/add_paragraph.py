"""Add a paragraph of counsel's own to a section of the declaration."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QPlainTextEdit,
    QWidget,
)

from app.gui.models.paragraphs import section_names


class AddParagraphDialog(QDialog):
    """Counsel's own paragraph: which section, and the words (plain text)."""

    def __init__(self, section: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a paragraph")
        from app.ops.paragraphs import SECTIONS

        self.section = QComboBox()
        for key in SECTIONS:
            self.section.addItem(section_names()[key], key)
        self.section.setCurrentIndex(max(0, self.section.findData(section)))
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)  # a filed paragraph has no tab characters; Tab moves on
        self.text.setPlaceholderText("The paragraph's words, as they should be filed.")
        self.text.setMinimumSize(480, 160)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        add = buttons.button(QDialogButtonBox.StandardButton.Ok)
        add.setText("Add")
        add.setEnabled(False)
        self.text.textChanged.connect(lambda: add.setEnabled(bool(self.text.toPlainText().strip())))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Section:", self.section)
        form.addRow("Paragraph:", self.text)
        form.addRow(buttons)

    def values(self) -> tuple[str, str]:
        return str(self.section.currentData()), self.text.toPlainText()
