"""The few colours the app adds to the system's palette, each readable on a light and on a dark one.

The window follows the system's light or dark appearance (Qt's palette and style do); the app
itself only marks things: a problem (red), a warning (amber), a good verdict (green), and a
cell that wants attention (counsel's words in the paragraphs, a Rule 5.2 candidate still to
decide). Each is chosen from the palette in use when it is drawn, never hard-coded for white."""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

LIGHT = {"bad": "#a00000", "warning": "#8a5a00", "good": "#1b6e20", "attention": "#fff3cd"}
DARK = {"bad": "#ff8a80", "warning": "#ffcc66", "good": "#8fd694", "attention": "#5a4a1a"}


def is_dark(palette: QPalette | None = None) -> bool:
    """Whether the palette (the application's, by default) is a dark one."""
    palette = palette or QApplication.palette()
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def colour(role: str, palette: QPalette | None = None) -> QColor:
    """The app's colour for ``role`` ("bad", "warning", "good", "attention") on this palette."""
    return QColor((DARK if is_dark(palette) else LIGHT)[role])


def attention() -> QBrush:
    """The background of a cell that wants attention."""
    return QBrush(colour("attention"))


def paint_text(widget: QWidget, role: str) -> None:
    """Draw ``widget``'s text in the app's colour for ``role`` (a label saying what is wrong, or good)."""
    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.WindowText, colour(role, palette))
    widget.setPalette(palette)
