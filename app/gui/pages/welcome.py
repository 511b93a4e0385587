"""The page shown when no case is open: what the app does, and how to start."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.gui.actions import Actions
from app.gui.widgets.labels import heading


class WelcomePage(QWidget):
    """What the window shows before a case is open: the two ways to start."""

    def __init__(self, actions: Actions) -> None:
        super().__init__()
        title = heading("No case is open")
        text = QLabel(
            "Create a case to start gathering domains, screenshots and spam samples, "
            "or open an existing case file (.evcase).\n\n"
            "Once a case is open, drop evidence files anywhere on this window to add them."
        )
        text.setTextFormat(Qt.TextFormat.PlainText)
        text.setWordWrap(True)
        buttons = QHBoxLayout()
        for action in (actions.new_case, actions.open_case):
            button = QPushButton(action.text().replace("&", ""))
            button.setIcon(action.icon())
            button.clicked.connect(action.trigger)
            button.setMinimumWidth(150)
            buttons.addWidget(button)
        buttons.addStretch(1)
        box = QWidget()
        box.setMaximumWidth(560)
        inner = QVBoxLayout(box)
        inner.addWidget(title)
        inner.addWidget(text)
        inner.addSpacing(12)
        inner.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box)
        row.addStretch(2)
        layout.addLayout(row)
        layout.addStretch(2)
