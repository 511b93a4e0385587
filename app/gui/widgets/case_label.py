"""The status bar's case: its title and number, then its path, shortened in the middle to fit.

A case path can be longer than a small laptop's status bar; shown whole, it ran into the
item counts. The title always shows; the path keeps its start (the folder) and its end
(the file name) with an ellipsis between, and its tooltip holds the whole path."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

GAP = "   "


class CaseLabel(QLabel):
    """A plain-text label that takes the width it is given and elides the case path to fit it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        # Ignored: the status bar gives it what the counts leave, instead of growing to the full path
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._title = ""
        self._path = ""

    def show_case(self, title: str, path: str = "") -> None:
        """Show this title, then this path (elided in the middle when the label is too narrow)."""
        self._title, self._path = title, path
        self.setToolTip(path)
        self._fit()


    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        if not self._path:
            self.setText(self._title)
            return
        metrics = self.fontMetrics()
        room = self.contentsRect().width() - metrics.horizontalAdvance(self._title + GAP)
        path = metrics.elidedText(self._path, Qt.TextElideMode.ElideMiddle, max(0, room))
        self.setText(f"{self._title}{GAP}{path}" if path else self._title)
