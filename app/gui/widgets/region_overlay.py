"""Drag to select a region of the screen, on a frozen picture of it.

The screen is grabbed first and shown, still, on a frameless full-screen
window: what the investigator selects is exactly what is kept, even if a
page animates or a pop-up closes meanwhile. Dragging draws the rectangle;
releasing the mouse (or Enter) accepts it, Esc cancels. The rectangle is
reported in the screen's logical coordinates; :func:`crop` cuts the frozen
picture at its device pixels, so a 2x screen gives a 2x image."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QGuiApplication,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
    QScreen,
)
from PySide6.QtWidgets import QWidget

HINT = "Drag to select the region to capture. Release or Enter accepts, Esc cancels."


MIN_SIDE = 3  # a click, or a slip of the mouse, selects nothing


def freeze(screen: QScreen) -> QPixmap:
    """The whole screen as it is now, at its device pixels (null when the screen cannot be read)."""
    pixmap = screen.grabWindow(0)
    if not pixmap.isNull():
        pixmap.setDevicePixelRatio(screen.devicePixelRatio())
    return pixmap


def crop(frozen: QPixmap, region: QRect) -> QImage:
    """The part of the frozen screen under a logical rectangle, at full device resolution."""
    ratio = frozen.devicePixelRatio()
    pixels = QRect(round(region.x() * ratio), round(region.y() * ratio),
                   round(region.width() * ratio), round(region.height() * ratio))
    image = frozen.toImage().copy(pixels.intersected(QRect(QPoint(0, 0), frozen.size())))
    image.setDevicePixelRatio(1.0)  # the evidence is the pixels; the ratio is recorded in the metadata
    return image


class RegionOverlay(QWidget):
    """A full-screen, frameless picture of the screen on which the user drags a rectangle."""

    selected = Signal(QRect)  # logical coordinates, relative to the screen's top-left corner
    cancelled = Signal()

    def __init__(self, frozen: QPixmap, screen: QScreen) -> None:
        super().__init__(None, Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle("Select a region to capture")
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.frozen = frozen
        self._origin: QPoint | None = None
        self._selection = QRect()
        self._done = False
        self.setScreen(screen)
        self.setGeometry(screen.geometry())

    def open(self) -> None:
        """Cover the whole screen and take the keyboard."""
        self.showFullScreen()
        if QGuiApplication.platformName() not in ("offscreen", "minimal"):  # these cannot raise a window
            self.raise_()
            self.activateWindow()
        self.setFocus()

    def selection(self) -> QRect:
        return QRect(self._selection)

    # -- the user's hand ------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() is Qt.MouseButton.LeftButton:
            self._origin = self._clamp(event.position().toPoint())
            self._set_selection(QRect(self._origin, QSize()))
        elif event.button() is Qt.MouseButton.RightButton:
            self._cancel()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._origin is not None:
            self._set_selection(_between(self._origin, self._clamp(event.position().toPoint())))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._origin is None or event.button() is not Qt.MouseButton.LeftButton:
            return
        self._set_selection(_between(self._origin, self._clamp(event.position().toPoint())))
        self._origin = None
        self._accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self._cancel()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._accept()
        else:
            super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # closed by the window manager: nothing is captured
        if not self._done:
            self._done = True
            self.cancelled.emit()
        super().closeEvent(event)

    # -- drawing ----------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.drawPixmap(self.rect(), self.frozen)
        painter.fillRect(self.rect(), QColor(0, 0, 0, 110))  # the screen dimmed, the selection bright
        if not self._selection.isEmpty():
            ratio = self.frozen.devicePixelRatio()
            source = QRect(round(self._selection.x() * ratio), round(self._selection.y() * ratio),
                           round(self._selection.width() * ratio), round(self._selection.height() * ratio))
            painter.drawPixmap(self._selection, self.frozen, source)
            # The outline sits just outside the selection, so every selected pixel stays visible as it is.
            painter.setPen(QPen(QColor(0, 150, 255), 1))
            painter.drawRect(self._selection.adjusted(-1, -1, 0, 0))
        self._draw_label(painter)
        painter.end()

    def _draw_label(self, painter: QPainter) -> None:
        text = HINT
        if not self._selection.isEmpty():
            ratio = self.frozen.devicePixelRatio()
            text = (f"{round(self._selection.width() * ratio)} × {round(self._selection.height() * ratio)} pixels"
                    f" at ({self._selection.x()}, {self._selection.y()}) — {HINT}")
        metrics = painter.fontMetrics()
        box = metrics.boundingRect(text).adjusted(-10, -6, 10, 6)
        box.moveTopLeft(QPoint(16, 16))
        if box.intersects(self._selection):  # never cover what is being selected
            box.moveBottomLeft(QPoint(16, self.height() - 16))
        painter.fillRect(box, QColor(20, 20, 20, 220))
        painter.setPen(QColor("white"))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    # -- outcome ----------------------------------------------------------------------

    def _set_selection(self, rect: QRect) -> None:
        self._selection = rect
        self.update()

    def _clamp(self, point: QPoint) -> QPoint:
        return QPoint(min(max(point.x(), 0), self.width()), min(max(point.y(), 0), self.height()))

    def _accept(self) -> None:
        rect = self._selection.intersected(self.rect())
        if rect.width() < MIN_SIDE or rect.height() < MIN_SIDE or self._done:
            self._set_selection(QRect())  # nothing selected yet: keep waiting for a drag
            return
        self._done = True
        self.selected.emit(rect)
        self.close()

    def _cancel(self) -> None:
        if not self._done:
            self._done = True
            self.cancelled.emit()
        self.close()


def _between(a: QPoint, b: QPoint) -> QRect:
    """The rectangle dragged from one point to another: a drag of 100 pixels selects 100 pixels."""
    return QRect(min(a.x(), b.x()), min(a.y(), b.y()), abs(b.x() - a.x()), abs(b.y() - a.y()))


def screen_available(screen: QScreen | None) -> bool:
    """Whether there is a screen to show the overlay on (a headless session has none worth covering)."""
    return screen is not None and not screen.geometry().isEmpty() and QGuiApplication.primaryScreen() is not None
