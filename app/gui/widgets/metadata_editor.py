"""The selected screenshot's metadata, editable: URL, capture time (UTC), who, tool and version, screen, notes."""

from __future__ import annotations

from PySide6.QtCore import (
    Qt,
)
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.model import Item
from app.ops.capture_meta import FIELD_LABELS, SCREENSHOT_FIELDS


class MetadataEditor(QWidget):
    """URL, capture time (UTC), who, tool and version, screen and notes of one screenshot."""

    def __init__(self) -> None:
        super().__init__()
        self.info = QLabel()
        self.info.setTextFormat(Qt.TextFormat.PlainText)
        self.info.setWordWrap(True)
        self.fields: dict[str, QLineEdit | QPlainTextEdit] = {}
        form = QFormLayout()
        for name in SCREENSHOT_FIELDS:
            widget: QLineEdit | QPlainTextEdit = QPlainTextEdit() if name == "notes" else QLineEdit()
            if name == "captured_at":
                widget.setPlaceholderText("YYYY-MM-DDThh:mm:ssZ")  # a format, never a date that looks real
            if name == "url":
                widget.setPlaceholderText("https://…")
            if isinstance(widget, QPlainTextEdit):
                widget.setTabChangesFocus(True)  # Tab moves on to Save metadata
            widget.textChanged.connect(self.update_save)
            self.fields[name] = widget
            form.addRow(FIELD_LABELS[name] + ":", widget)
        self.save = QPushButton("Save metadata")
        self.save.setToolTip("Save the changed fields; each change is recorded in the custody log")
        self._saved: dict[str, str] = {}  # the shown screenshot's stored values, to tell what was edited
        layout = QVBoxLayout(self)
        layout.addWidget(self.info)
        layout.addLayout(form)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.save)
        layout.addLayout(row)
        layout.addStretch(1)
        self.show_item(None)

    def show_item(self, item: Item | None) -> None:
        self.setEnabled(item is not None)
        metadata = item.metadata if item is not None else {}
        self._saved = {name: str(metadata.get(name) or "") for name in self.fields}
        for name, widget in self.fields.items():
            value = str(metadata.get(name) or "")
            if isinstance(widget, QPlainTextEdit):
                widget.setPlainText(value)
            else:
                widget.setText(value)
                widget.setCursorPosition(0)  # a long URL shows its start (scheme and host), not its tail
        self.update_save()
        if item is None:
            self.info.setText("Select a screenshot to see and edit what is known about it.")
            return
        record = item.record or {}
        self.info.setText(
            f"{item.exhibit_label or 'Item ' + str(item.id)}: {item.original_name}\n"
            f"{record.get('format', '?')} {record.get('width', '?')} × {record.get('height', '?')} pixels, "
            f"{item.size:,} bytes\nSHA-256 {item.sha256}"
        )

    def values(self) -> dict[str, str]:
        return {
            name: widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()
            for name, widget in self.fields.items()
        }

    def changes(self) -> dict[str, str]:
        """The fields whose words differ from the stored ones."""
        return {name: value for name, value in self.values().items() if value != self._saved.get(name, "")}

    def update_save(self) -> None:
        """Save metadata is there to click only when a field was edited."""
        self.save.setEnabled(bool(self.changes()))

    def mark_saved(self, values: dict[str, str]) -> None:
        """These values are stored now: they no longer count as edits."""
        self._saved.update(values)
        self.update_save()
