"""The Screenshots page: a thumbnail grid over the screenshots model, and the selected one's metadata editor.

Thumbnails are derived data: made in the background by
``app.ops.capture_meta.thumbnail`` (cached in the user data folder, never in
the case) and shown through a proxy that adds them as icons to the
screenshots table model. Saving the editor records each changed field in
the custody log.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QIdentityProxyModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    QThreadPool,
    Signal,
)
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core.model import Item, ItemKind
from app.ops.capture_meta import FIELD_LABELS, SCREENSHOT_FIELDS, edit_metadata, thumbnail
from app.store import CaseFile

from .background import Operations
from .events import CaseEvents
from .item_models import RowIdRole, ScreenshotsModel
from .messages import show_error
from .pages import _heading

THUMB = 160
FILE_COLUMN = 1


class ThumbnailModel(QIdentityProxyModel):
    """The screenshots model with each row's thumbnail as its icon (once made in the background)."""

    def __init__(self, source: ScreenshotsModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSourceModel(source)
        self._icons: dict[str, QIcon] = {}  # by SHA-256: the same image in any case has the same thumbnail
        self._placeholder = QIcon()

    def set_thumbnails(self, paths: dict[str, Path]) -> None:
        """Use these thumbnail files (image SHA-256 → PNG) and tell the views."""
        for sha256, path in paths.items():
            self._icons[sha256] = QIcon(QPixmap(str(path)))
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1),
                                  [Qt.ItemDataRole.DecorationRole])

    def has_thumbnail(self, sha256: str) -> bool:
        return sha256 in self._icons

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DecorationRole and index.isValid() and index.column() == FILE_COLUMN:
            source = self.sourceModel()
            row = self.mapToSource(index).row()
            if isinstance(source, ScreenshotsModel) and 0 <= row < source.rowCount():
                return self._icons.get(source.row_value(row).sha256, self._placeholder)
            return None
        return super().data(index, role)


class ThumbnailLoader(QObject):
    """Makes thumbnails on a one-thread pool of its own and hands the files back on the GUI thread.

    Thumbnails are derived, read-only data: making them must neither block
    the window nor mark it busy (which would disable Build and Close), so
    they do not go through :class:`Operations`, which is for work on the case.
    """

    ready = Signal(object)  # dict: SHA-256 → thumbnail path

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._generation = 0  # bumped by stop(): a worker of an older generation stops at its next item

    def load(self, case: CaseFile, items: list[Item]) -> None:
        ready = self.ready
        generation = self._generation

        def work() -> None:
            made: dict[str, Path] = {}
            for item in items:
                if generation != self._generation:
                    return  # the case is closing: read nothing more from it
                try:
                    made[item.sha256] = thumbnail(case, item)
                except Exception:  # noqa: BLE001 - a thumbnail that cannot be made leaves the icon blank
                    continue
            ready.emit(made)

        self._pool.start(work)

    def wait(self, msecs: int = -1) -> bool:
        return self._pool.waitForDone(msecs)

    def stop(self) -> None:
        """Before the case closes: skip the thumbnails not started, wait for the one being made (milliseconds)."""
        self._generation += 1
        self._pool.clear()
        self._pool.waitForDone()


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


class ScreenshotsPage(QWidget):
    """A grid of thumbnails (QListView in icon mode over the model) beside the metadata editor."""

    def __init__(
        self,
        model: ScreenshotsModel,
        case: Callable[[], CaseFile | None],
        operations: Operations,
        events: CaseEvents,
        capture: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.model = model
        self._case = case
        self._operations = operations
        self._events = events
        self.current: Item | None = None
        self.thumbnails = ThumbnailModel(model, self)
        self._loader = ThumbnailLoader(self)
        self._loader.ready.connect(self.thumbnails.set_thumbnails)
        self.heading = _heading()
        self.hint = QLabel("No screenshots yet. Drop PNG or JPEG captures here, use Add evidence…, or Capture….")
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.view = QListView()
        self.view.setViewMode(QListView.ViewMode.IconMode)
        self.view.setModel(self.thumbnails)
        self.view.setModelColumn(FILE_COLUMN)
        self.view.setIconSize(QSize(THUMB, THUMB))
        self.view.setGridSize(QSize(THUMB + 40, THUMB + 56))
        self.view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setMovement(QListView.Movement.Static)
        self.view.setWordWrap(False)
        self.view.setSelectionMode(QListView.SelectionMode.SingleSelection)
        self.editor = MetadataEditor()
        self.editor.save.clicked.connect(self.save_metadata)
        self.capture_button = QPushButton("Capture…")
        self.capture_button.setToolTip("Capture a screen, a window or a region and add it as evidence")
        if capture is not None:
            self.capture_button.clicked.connect(capture)
        else:
            self.capture_button.hide()

        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.capture_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(top)
        left_layout.addWidget(self.hint)
        left_layout.addWidget(self.view, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.editor)
        splitter.setSizes([650, 380])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        # connected before the window closes the case: no thumbnail is read from a closed case file
        events.caseClosed.connect(self._loader.stop)
        model.modelReset.connect(self._reloaded)
        self._reloaded()

    def refresh_heading(self) -> None:
        count = self.model.rowCount()
        self.heading.setText(f"{count:,} screenshot{'' if count == 1 else 's'}")
        self.hint.setVisible(count == 0)

    def _reloaded(self) -> None:
        self.refresh_heading()
        self._reselect()
        self.make_thumbnails()

    def make_thumbnails(self) -> None:
        """Make the missing thumbnails off the GUI thread; the grid shows them when they are ready."""
        case = self._case()
        if case is None:
            return
        items = [
            self.model.row_value(row) for row in range(self.model.rowCount())
            if not self.thumbnails.has_thumbnail(self.model.row_value(row).sha256)
        ]
        if items:
            self._loader.load(case, items)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        case = self._case()
        item_id = current.data(RowIdRole) if current.isValid() else None
        self.current = case.item(int(item_id)) if case is not None and item_id is not None else None
        self.editor.show_item(self.current)

    def _reselect(self) -> None:
        case = self._case()
        if self.current is None or case is None:
            self.current = None
            self.editor.show_item(None)
            return
        for row in range(self.model.rowCount()):
            if self.model.row_value(row).id == self.current.id:
                self.current = self.model.row_value(row)
                self.view.setCurrentIndex(self.thumbnails.index(row, FILE_COLUMN))
                self.editor.show_item(self.current)
                return
        self.current = None
        self.editor.show_item(None)

    def select_row(self, row: int) -> None:
        self.view.setCurrentIndex(self.thumbnails.index(row, FILE_COLUMN))

    def save_metadata(self) -> None:
        """Save the edited fields in the background; each change goes to the custody log."""
        case, item = self._case(), self.current
        if case is None or item is None or item.kind is not ItemKind.SCREENSHOT:
            return
        changes = self.editor.changes()
        if not changes:
            return
        item_id = item.id
        self.editor.save.setEnabled(False)  # one save at a time; it comes back if the save fails

        def work(_progress: Any, _cancelled: Callable[[], bool]) -> Item:
            return edit_metadata(case, item_id, changes)

        def done(_item: Item) -> None:
            if self.current is not None and self.current.id == item_id:
                self.editor.mark_saved(changes)
            self._events.itemsChanged.emit()

        def failed(error: BaseException) -> None:
            self.editor.update_save()
            show_error(self, "The metadata was not saved", error)

        self._operations.run(self, work, done, on_failure=failed, writes_case=True, cancellable=False,
                             error_title="The metadata was not saved")
