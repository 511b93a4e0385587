"""The selected screenshot's metadata, editable: URL, capture time (UTC), who, tool and version, screen, notes.

The editor knows the values stored for the item it shows, so it can say what was edited
(:meth:`MetadataEditor.changes`): the page saves those when the user presses Save, moves
to another screenshot, or closes the case, and asks first when quitting. When the item is
read again while the user types (another change to the case arrived), :meth:`refresh`
takes the new stored values but keeps the fields the user has edited."""

from __future__ import annotations

from PySide6.QtCore import Qt
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

from app.core.model import Item, ItemKind
from app.gui.widgets.capture_time import CaptureTimeEdit
from app.ops.capture_meta import FIELD_LABELS, SCREENSHOT_FIELDS

Field = QLineEdit | QPlainTextEdit | CaptureTimeEdit


class MetadataEditor(QWidget):
    """URL, capture time (UTC), who, tool and version, screen and notes of one screenshot."""

    def __init__(self) -> None:
        super().__init__()
        self.info = QLabel()
        self.info.setTextFormat(Qt.TextFormat.PlainText)
        self.info.setWordWrap(True)
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # the hash can be copied
        self.fields: dict[str, Field] = {}
        form = QFormLayout()
        for name in SCREENSHOT_FIELDS:
            widget: Field
            if name == "notes":
                widget = QPlainTextEdit()
                widget.setTabChangesFocus(True)  # Tab moves on to Save metadata
                widget.textChanged.connect(self.update_save)
            elif name == "captured_at":
                widget = CaptureTimeEdit()
                widget.textChanged.connect(self.update_save)
            else:
                widget = QLineEdit()
                widget.textChanged.connect(self.update_save)
                if name == "url":
                    widget.setPlaceholderText("https://…, or defanged: hxxps://bad[.]example/…")
                    widget.setToolTip("Printed as typed: a defanged address stays defanged in the declaration")
            self.fields[name] = widget
            form.addRow(FIELD_LABELS[name] + ":", widget)
        self.save = QPushButton("Save metadata")
        self.save.setToolTip("Save the changed fields; each change is recorded in the custody log "
                             "(moving to another screenshot saves them too)")
        self._saved: dict[str, str] = {}  # the shown screenshot's stored values, to tell what was edited
        self.item_id: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)  # clear of the splitter's handle
        layout.addWidget(self.info)
        layout.addLayout(form)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.save)
        layout.addLayout(row)
        layout.addStretch(1)
        self.show_item(None)

    def show_item(self, item: Item | None) -> None:
        """Show this item's stored values (edits not saved are dropped: save them first). A web capture's
        facts were recorded by the capture itself: shown, not editable."""
        self.setEnabled(item is not None)
        self._set_editable(item is None or item.kind is not ItemKind.WEB_CAPTURE)
        self.item_id = item.id if item is not None else None
        metadata = item.metadata if item is not None else {}
        self._saved = {name: str(metadata.get(name) or "") for name in self.fields}
        for name in self.fields:
            self._set(name, self._saved[name])
        time = self.fields["captured_at"]
        if isinstance(time, CaptureTimeEdit):
            time.suggest(item.acquired_at if item is not None else "")
        self._describe(item)
        self.update_save()

    def refresh(self, item: Item) -> None:
        """The same item read again: new stored values; the fields being edited keep what was typed."""
        if item.id != self.item_id:
            self.show_item(item)
            return
        edited = self.changes()
        self._saved = {name: str(item.metadata.get(name) or "") for name in self.fields}
        for name in self.fields:
            if name not in edited:
                self._set(name, self._saved[name])
        self._describe(item)
        self.update_save()

    def _set_editable(self, editable: bool) -> None:
        for widget in self.fields.values():
            if isinstance(widget, CaptureTimeEdit):
                widget.setEnabled(editable)
            else:
                widget.setReadOnly(not editable)
        self.save.setVisible(editable)

    def _set(self, name: str, value: str) -> None:
        widget = self.fields[name]
        if isinstance(widget, QPlainTextEdit):
            widget.setPlainText(value)
        elif isinstance(widget, CaptureTimeEdit):
            widget.setText(value)
        else:
            widget.setText(value)
            widget.setCursorPosition(0)  # a long URL shows its start (scheme and host), not its tail

    def _describe(self, item: Item | None) -> None:
        if item is None:
            self.info.setText("Select a screenshot to see and edit what is known about it.")
            return
        record = item.record or {}
        exhibit = item.exhibit_label or "Not an exhibit (left out)"
        if item.kind is ItemKind.WEB_CAPTURE:
            self.info.setText(f"{exhibit}: a web page captured by the app's own browser (its facts were recorded "
                              f"by the capture and cannot be edited)\n{item.original_name}\nSHA-256 {item.sha256}")
            return
        self.info.setText(
            f"{exhibit}: {item.original_name}\n"
            f"{record.get('format', '?')} {record.get('width', '?')} × {record.get('height', '?')} pixels, "
            f"{item.size:,} bytes\nSHA-256 {item.sha256}"
        )

    def values(self) -> dict[str, str]:
        return {
            name: widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()
            for name, widget in self.fields.items()
        }

    def changes(self) -> dict[str, str]:
        """The fields whose words differ from the stored ones (nothing when no item is shown)."""
        if self.item_id is None:
            return {}
        return {name: value for name, value in self.values().items() if value != self._saved.get(name, "")}

    def update_save(self) -> None:
        """Save metadata is there to click only when a field was edited."""
        self.save.setEnabled(bool(self.changes()))

    def mark_saved(self, values: dict[str, str]) -> dict[str, str]:
        """These values are stored now: they no longer count as edits. Returns what was stored before."""
        before = {name: self._saved.get(name, "") for name in values}
        self._saved.update(values)
        self.update_save()
        return before
