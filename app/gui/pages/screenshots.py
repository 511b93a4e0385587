"""The Screenshots page: a thumbnail grid over the screenshots model, and the selected one's metadata editor.

Thumbnails are derived data: made in the background by
``app.ops.capture_meta.thumbnail`` (cached in the user data folder, never in
the case) and shown through a proxy that adds them as icons to the
screenshots table model. Saving the editor records each changed field in
the custody log (an undoable edit); moving to another screenshot saves what
was typed, as the paragraph editor does, and closing the case or quitting
asks first (:meth:`ScreenshotsPage.unsaved`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QModelIndex,
    QSize,
    Qt,
)
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core.model import Item, ItemKind
from app.core.reporting import Reporter
from app.gui.background import Operation, Operations
from app.gui.commands import edits as recipes
from app.gui.commands.item_menu import ItemMenus
from app.gui.events import CaseEvents
from app.gui.messages import show_error
from app.gui.models.items import RowIdRole, ScreenshotsModel
from app.gui.models.thumbnails import FILE_COLUMN, ThumbnailModel
from app.gui.undo import CaseEdits
from app.gui.widgets.context_menu import add, attach
from app.gui.widgets.labels import heading
from app.gui.widgets.metadata_editor import MetadataEditor
from app.ops.capture_meta import thumbnail

if TYPE_CHECKING:
    from app.ops.case import CaseFile

THUMB = 160


class ScreenshotsPage(QWidget):
    """A grid of thumbnails (QListView in icon mode over the model) beside the metadata editor."""

    def __init__(
        self,
        model: ScreenshotsModel,
        case: Callable[[], CaseFile | None],
        operations: Operations,
        events: CaseEvents,
        edits: CaseEdits,
        menus: ItemMenus,
        capture: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.model = model
        self._case = case
        self._operations = operations
        self._events = events
        self._edits = edits
        self._menus = menus
        self._capture = capture
        self.current: Item | None = None
        self.thumbnails = ThumbnailModel(model, self)
        self._making: Operation[dict[str, Path]] | None = None  # the thumbnails being made
        self._thumbnails_wanted = False
        self.heading = heading()
        self.hint = QLabel("No screenshots yet. Drop PNG or JPEG captures here, use Add evidence… or Capture…, "
                           "or Capture web pages… (its pages are listed here too).")
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
        attach(self.view, self.fill_menu)
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
        splitter.setSizes([650, 420])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        # connected before the window closes the case, which waits for quiet work to stop before it does:
        # no thumbnail is read from a closed case file
        events.caseClosed.connect(self.stop_thumbnails)
        model.modelReset.connect(self._reloaded)
        self._reloaded()

    def refresh_heading(self) -> None:
        count = self.model.rowCount()
        pages = sum(1 for row in range(count) if self.model.row_value(row).kind is ItemKind.WEB_CAPTURE)
        shots = count - pages
        text = f"{shots:,} screenshot{'' if shots == 1 else 's'}"
        if pages:
            text += f" and {pages:,} captured web page{'' if pages == 1 else 's'}"
        self.heading.setText(text)
        self.hint.setVisible(count == 0)

    def _reloaded(self) -> None:
        self.refresh_heading()
        self._reselect()
        if self.isVisible():
            self.make_thumbnails()
        else:
            self._thumbnails_wanted = True  # made when the page is shown (the image library loads then)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._thumbnails_wanted:
            self._thumbnails_wanted = False
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
        if not items:
            return
        self.stop_thumbnails()

        def work(reporter: Reporter) -> dict[str, Path]:
            made: dict[str, Path] = {}
            for item in items:
                if reporter.cancelled():
                    break  # the case is closing, or newer thumbnails were asked for
                try:
                    made[item.sha256] = thumbnail(case, item)
                except Exception:  # noqa: BLE001, S112 - a thumbnail that cannot be made leaves the icon blank
                    continue
            return made

        # Derived, read-only data: neither blocking the window nor marking it busy (Build and Close stay on).
        self._making = self._operations.run(None, work, self.thumbnails.set_thumbnails, quiet=True)

    def stop_thumbnails(self) -> None:
        """Skip the thumbnails not yet made (the case is closing, or the list changed)."""
        if self._making is not None:
            self._making.cancel()
            self._making = None

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        """Another screenshot: what was typed for the one left is saved first (as the paragraphs are)."""
        self.save_metadata()
        case = self._case()
        item_id = current.data(RowIdRole) if current.isValid() else None
        self.current = case.item(int(item_id)) if case is not None and item_id is not None else None
        self.editor.show_item(self.current)

    def _reselect(self) -> None:
        """After a reload, the same screenshot again, its stored values fresh and the typing kept."""
        case = self._case()
        if self.current is None or case is None:
            self.current = None
            self.editor.show_item(None)
            return
        for row in range(self.model.rowCount()):
            if self.model.row_value(row).id == self.current.id:
                self.current = self.model.row_value(row)
                self.view.selectionModel().blockSignals(True)  # the same item: nothing to save or re-show
                self.view.setCurrentIndex(self.thumbnails.index(row, FILE_COLUMN))
                self.view.selectionModel().blockSignals(False)
                self.editor.refresh(self.current)
                return
        self.current = None
        self.editor.show_item(None)

    def select_row(self, row: int) -> None:
        self.view.setCurrentIndex(self.thumbnails.index(row, FILE_COLUMN))

    def select_item(self, item_id: int) -> bool:
        """Show the screenshot with this id (search and review "go there"); False when it is not listed."""
        for row in range(self.model.rowCount()):
            if self.model.row_value(row).id == item_id:
                self.select_row(row)
                self.view.scrollTo(self.thumbnails.index(row, FILE_COLUMN))
                return True
        return False

    def fill_menu(self, menu: QMenu) -> None:
        if self.current is not None:
            self._menus.fill(menu, [self.current])
        if self._capture is not None:
            menu.addSeparator()
            add(menu, "Capture…", self._capture, tip="Capture a screen, a window or a region and add it")

    # -- saving what was typed -----------------------------------------------------------

    def unsaved(self) -> str:
        """What is typed and not saved, in one line ("" when nothing)."""
        if self.current is None or not self.editor.changes():
            return ""
        return f"Screenshot metadata of {self.current.exhibit_label or self.current.original_name}"

    def discard_unsaved(self) -> None:
        self.editor.show_item(self.current)

    def save_unsaved(self) -> None:
        self.save_metadata()

    def save_metadata(self) -> None:
        """Save the edited fields in the background (an undoable edit); each change goes to the custody log."""
        case, item = self._case(), self.current
        if case is None or item is None or item.kind is not ItemKind.SCREENSHOT or self.editor.item_id != item.id:
            return
        changes = self.editor.changes()
        if not changes:
            return
        item_id = item.id
        self.editor.save.setEnabled(False)  # one save at a time; it comes back if the save fails
        stored = self.editor.mark_saved(changes)  # sent: the editor no longer holds them unsaved

        def failed(error: BaseException) -> None:
            if self.editor.item_id == item_id:
                self.editor.mark_saved(stored)  # not stored after all: what was typed is unsaved again
            show_error(self, "The metadata was not saved", error)

        self._edits.run(self, f"Edit metadata of {item.exhibit_label or item.original_name}",
                        recipes.metadata(item_id, changes), on_failure=failed,
                        error_title="The metadata was not saved")
