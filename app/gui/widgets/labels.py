"""Plain-text labels: headings, and text that must never be read as rich text."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
)

from app.gui.palette import paint_text


def heading(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.15)
    font.setBold(True)
    label.setFont(font)
    return label


def plain_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


def problem_label() -> QLabel:
    """A plain-text line for what stops a form (empty until there is a problem), in a red that reads on a
    light or a dark palette."""
    label = plain_label("")
    label.setObjectName("problem")
    paint_text(label, "bad")
    return label
