"""In-app capture: a screen, a window or a region becomes evidence in one step, with its metadata recorded by the app.

The app records what it knows itself (UTC time, tool and version, which
screen at what size) and asks only for what it cannot know: the URL shown
and notes. A region is dragged out on a frozen picture of the screen
(:mod:`app.gui.region_overlay`); typing its coordinates remains for when no
screen can be shown. The grab is written as a PNG to a fresh temporary folder
and imported through the normal import path (hashed, stored byte-exact,
logged), then the temporary copy is deleted."""

from __future__ import annotations

import enum

from PySide6.QtCore import QRect, qVersion
from PySide6.QtGui import QGuiApplication, QImage, QScreen
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app import __version__
from app.core.model import ItemKind
from app.ops.capture_meta import normalise_metadata, now_utc

TOOL = "evbundle in-app capture"


GRAB_DELAY_MS = 300


class CaptureMode(str, enum.Enum):
    SCREEN = "screen"
    WINDOW = "window"
    REGION = "region"


def screen_description(screen: QScreen) -> str:
    """'NAME 1920×1080 at 1x' : the screen a capture came from, for the record."""
    size = screen.geometry()
    return f"{screen.name() or 'screen'} {size.width()}×{size.height()} at {screen.devicePixelRatio():g}x"


def grab(mode: CaptureMode, screen: QScreen, *, window: QWidget | None = None, region: QRect | None = None) -> QImage:
    """Grab the whole screen, one window (by its id) or a region of the screen, as an image."""
    if mode is CaptureMode.WINDOW and window is not None:
        pixmap = screen.grabWindow(window.winId())
    elif mode is CaptureMode.REGION and region is not None and not region.isEmpty():
        pixmap = screen.grabWindow(0, region.x(), region.y(), region.width(), region.height())
    else:
        pixmap = screen.grabWindow(0)
    return pixmap.toImage()


def capture_metadata(screen: QScreen, mode: CaptureMode, *, url: str, notes: str, captured_by: str,
                     region: QRect | None = None, captured_at: str | None = None) -> dict[str, str]:
    """What the app records about a capture it made itself; only the URL and notes come from the user.

    ``captured_at`` is when the screen was grabbed, when that was before now (a frozen screen).
    """
    where = screen_description(screen)
    if mode is CaptureMode.REGION and region is not None:
        where += f", region {region.width()}×{region.height()} at ({region.x()}, {region.y()})"
    elif mode is CaptureMode.WINDOW:
        where += ", one window"
    return normalise_metadata(ItemKind.SCREENSHOT, {
        "url": url, "captured_at": captured_at or now_utc(), "captured_by": captured_by, "tool": TOOL,
        "tool_version": f"{__version__} (Qt {qVersion()})", "screen": where, "notes": notes,
    })


class CaptureDialog(QDialog):
    """What to capture, and the URL it shows (the one thing the app cannot know)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Capture a screenshot")
        self.modes = QButtonGroup(self)
        self.buttons: dict[CaptureMode, QRadioButton] = {}
        for mode, text in ((CaptureMode.SCREEN, "Whole screen"), (CaptureMode.WINDOW, "This app's window"),
                           (CaptureMode.REGION, "Region of the screen: drag to select it")):
            button = QRadioButton(text)
            self.modes.addButton(button)
            self.buttons[mode] = button
        self.buttons[CaptureMode.SCREEN].setChecked(True)
        self.screen_box = QComboBox()
        for screen in QGuiApplication.screens():
            self.screen_box.addItem(screen_description(screen), screen.name())
        self.region = [QSpinBox() for _ in range(4)]
        for spin, value in zip(self.region, (0, 0, 800, 600)):
            spin.setRange(0, 100_000)
            spin.setValue(value)
        self.typed = QCheckBox("Type the region instead (when the screen cannot be shown for dragging)")
        self.url = QLineEdit()
        self.url.setPlaceholderText("https://… the address shown in the browser")
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)  # Tab moves on to the buttons, as in every other field
        self.notes.setMaximumHeight(80)
        form = QFormLayout()
        for mode in CaptureMode:
            form.addRow("" if mode is not CaptureMode.SCREEN else "Capture:", self.buttons[mode])
        form.addRow("Screen:", self.screen_box)
        form.addRow("", self.typed)
        labels = ("Region x:", "y:", "width:", "height:")
        for label, spin in zip(labels, self.region):
            form.addRow(label, spin)
        form.addRow("URL shown:", self.url)
        form.addRow("Notes:", self.notes)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        box.button(QDialogButtonBox.StandardButton.Ok).setText("Capture and add")
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(box)
        self.buttons[CaptureMode.REGION].toggled.connect(self._enable_region)
        self.typed.toggled.connect(self._enable_region)
        self._enable_region()

    def _enable_region(self) -> None:
        region = self.buttons[CaptureMode.REGION].isChecked()
        self.typed.setEnabled(region)
        for spin in self.region:
            spin.setEnabled(region and self.typed.isChecked())

    def drag_region(self) -> bool:
        """Whether the region is to be dragged out on the screen (not typed)."""
        return self.mode() is CaptureMode.REGION and not self.typed.isChecked()

    def mode(self) -> CaptureMode:
        return next(mode for mode, button in self.buttons.items() if button.isChecked())

    def screen(self) -> QScreen:
        name = self.screen_box.currentData()
        return next((s for s in QGuiApplication.screens() if s.name() == name), QGuiApplication.primaryScreen())

    def region_rect(self) -> QRect:
        x, y, w, h = (spin.value() for spin in self.region)
        return QRect(x, y, w, h)
