"""The screenshots model with each screenshot's thumbnail as its icon.

Thumbnails are derived data: made in the background by
``app.ops.capture_meta.thumbnail`` (cached in the user data folder, never in
the case), then handed to :meth:`ThumbnailModel.set_thumbnails`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QIdentityProxyModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QIcon, QPixmap

from app.gui.models.items import ScreenshotsModel

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

    def _left_out(self, index: QModelIndex | QPersistentModelIndex) -> bool:
        source = self.sourceModel()
        row = self.mapToSource(index).row()
        return isinstance(source, ScreenshotsModel) and 0 <= row < source.rowCount() \
            and source.row_value(row).exhibit_number is None

    def has_thumbnail(self, sha256: str) -> bool:
        return sha256 in self._icons

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.ToolTipRole) \
                and index.isValid() and index.column() == FILE_COLUMN:
            left_out = self._left_out(index)  # guiwalk C9: a left-out screenshot looked like an exhibit
            if left_out and role == Qt.ItemDataRole.DisplayRole:
                return f"(left out) {super().data(index, role)}"
            if left_out and role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor("#888888"))
            if left_out:
                return "Not an exhibit: left out (right-click → Make an exhibit again)"
        if role == Qt.ItemDataRole.DecorationRole and index.isValid() and index.column() == FILE_COLUMN:
            source = self.sourceModel()
            row = self.mapToSource(index).row()
            if isinstance(source, ScreenshotsModel) and 0 <= row < source.rowCount():
                return self._icons.get(source.row_value(row).sha256, self._placeholder)
            return None
        return super().data(index, role)
