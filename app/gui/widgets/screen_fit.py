"""Sizes that fit the screen: a window or dialog never opens larger than the screen it is on.

Laptops in court rooms and law offices still run at 1024×768 or 1366×768;
a dialog wider than the screen hides its buttons off the edge."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

FRAME = 48  # room for the title bar and the window frame, which the geometry does not include


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """Resize to width × height, or to what the widget's screen has room for, whichever is smaller."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        area = screen.availableGeometry()
        width = min(width, area.width() - FRAME // 2)
        height = min(height, area.height() - FRAME)
    widget.resize(max(width, widget.minimumWidth()), max(height, widget.minimumHeight()))
