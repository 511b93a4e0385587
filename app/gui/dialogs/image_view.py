"""A screenshot at full size, read from the case (the original's bytes, not a thumbnail), with zoom."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from app.core.model import Item
from app.core.reporting import Reporter
from app.gui.background import Operations
from app.gui.widgets.screen_fit import fit_to_screen

if TYPE_CHECKING:
    from app.ops.case import CaseFile


class ImageViewDialog(QDialog):
    """The image, fitted to the window or at 100 %, and what it is."""

    def __init__(self, item: Item, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{item.exhibit_label or 'Screenshot'}: {item.original_name}")
        self.image = QLabel("Reading the original…")
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.area = QScrollArea()
        self.area.setWidget(self.image)
        self.area.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.fit = QPushButton("Fit to window")
        self.fit.setCheckable(True)
        self.fit.setChecked(True)
        self.fit.toggled.connect(lambda _on: self._show())
        caption = QLabel(f"SHA-256 {item.sha256}")
        caption.setTextFormat(Qt.TextFormat.PlainText)
        caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout()
        row.addWidget(caption, 1)
        row.addWidget(self.fit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.area, 1)
        layout.addLayout(row)
        self._pixmap = QPixmap()
        fit_to_screen(self, 1000, 720)

    @classmethod
    def open_for(cls, parent: QWidget, case: Callable[[], CaseFile | None], operations: Operations,
                 item: Item) -> ImageViewDialog | None:
        """Show the dialog now and the image when its bytes are read (off the window's thread)."""
        open_case = case()
        if open_case is None:
            return None
        dialog = cls(item, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

        def work(_reporter: Reporter) -> bytes:
            return open_case.read_object(item.sha256)

        operations.run(dialog, work, dialog.show_bytes, error_title="The image could not be read")
        return dialog

    def show_bytes(self, data: bytes) -> None:
        image = QImage.fromData(data)
        if image.isNull():
            self.image.setText("The image could not be shown.")
            return
        self._pixmap = QPixmap.fromImage(image)
        self._show()

    def _show(self) -> None:
        if self._pixmap.isNull():
            return
        if self.fit.isChecked():
            room = self.area.viewport().size()
            self.image.setPixmap(self._pixmap.scaled(room, Qt.AspectRatioMode.KeepAspectRatio,
                                                     Qt.TransformationMode.SmoothTransformation))
        else:
            self.image.setPixmap(self._pixmap)
        self.image.adjustSize()
