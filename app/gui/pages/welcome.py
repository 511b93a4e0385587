"""The page shown when no case is open: what the app does, how to start, and the recent cases.

Each recent case shows its title (as it was when last opened; else its file name) and, under
it, its file with the folder it is in (two cases are often both called "case.evcase"); a
double-click or Enter opens it. The list is read from
the settings each time the page is shown, so a case opened elsewhere is there too."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.gui.actions import Actions
from app.gui.widgets.labels import heading
from app.ops import settings

PathRole = Qt.ItemDataRole.UserRole


class WelcomePage(QWidget):
    """What the window shows before a case is open: the two ways to start, and the cases opened lately."""

    def __init__(self, actions: Actions, open_case: Callable[[Path], object] | None = None) -> None:
        super().__init__()
        self._open_case = open_case
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
        self.recent_heading = heading("Recent cases")
        self.recent = QListWidget()
        self.recent.setAlternatingRowColors(True)
        self.recent.setWordWrap(False)
        self.recent.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.recent.itemActivated.connect(self._open)
        self.recent.setToolTip("Double-click (or Enter) to open")
        box = QWidget()
        box.setMaximumWidth(640)
        inner = QVBoxLayout(box)
        inner.addWidget(title)
        inner.addWidget(text)
        inner.addSpacing(12)
        inner.addLayout(buttons)
        inner.addSpacing(18)
        inner.addWidget(self.recent_heading)
        inner.addWidget(self.recent)
        box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)  # its own height, no gaps
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box, 4)
        row.addStretch(2)
        layout.addLayout(row)
        layout.addStretch(2)
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        """The recent cases that still exist, most recent first."""
        self.recent.clear()
        titles = settings.case_titles()
        for path in settings.recent_cases():
            title = titles.get(str(path.resolve()), "")
            item = QListWidgetItem(f"{title}\n    {path}" if title else f"{path.name}\n    {path.parent}")
            item.setData(PathRole, str(path))
            item.setToolTip(str(path))
            self.recent.addItem(item)
        shown = self.recent.count() > 0
        self.recent_heading.setVisible(shown)
        self.recent.setVisible(shown)
        if shown:
            self.recent.setCurrentRow(0)
            rows = min(self.recent.count(), 6)
            self.recent.setFixedHeight(self.recent.sizeHintForRow(0) * rows + 2 * self.recent.frameWidth() + 2)

    def _open(self, item: QListWidgetItem) -> None:
        if self._open_case is not None:
            self._open_case(Path(str(item.data(PathRole))))
