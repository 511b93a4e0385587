"""In-app capture: a screen, a window or a region becomes evidence in one step, with its metadata recorded by the app.

The app records what it knows itself (UTC time, tool and version, which
screen at what size) and asks only for what it cannot know: the URL shown
and notes. A region is dragged out on a frozen picture of the screen
(:mod:`app.gui.region_overlay`); typing its coordinates remains for when no
screen can be shown. The grab is written as a PNG to a fresh temporary folder
and imported through the normal import path (hashed, stored byte-exact,
logged), then the temporary copy is deleted.
"""

from __future__ import annotations

import enum
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRect, QTimer, qVersion
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
from app.ops.intake import ImportReport, import_files
from app.store import CaseFile

from . import messages
from .background import Operation, Operations
from .events import CaseEvents
from .region_overlay import RegionOverlay, crop, freeze, screen_available

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


class CaptureCommand:
    """Ask, grab, import: the Capture… command of the Screenshots page."""

    def __init__(self, window: QWidget, case: Callable[[], CaseFile | None], operations: Operations,
                 events: CaseEvents, status: Callable[[str], None]) -> None:
        self._window = window
        self._case = case
        self._operations = operations
        self._events = events
        self._status = status
        self._overlay: RegionOverlay | None = None  # the region being dragged, kept alive until the user is done

    def ask_and_capture(self) -> None:
        dialog = CaptureDialog(self._window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        mode, screen, url = dialog.mode(), dialog.screen(), dialog.url.text()
        notes, region = dialog.notes.toPlainText(), dialog.region_rect()
        # Grab a moment later, from the event loop, so the closed dialog is no longer on screen.
        # (Not processEvents(): in PySide6 6.12 each call drops a reference to None.)
        if dialog.drag_region():
            QTimer.singleShot(GRAB_DELAY_MS, lambda: self.select_region(screen, url=url, notes=notes,
                                                                        fallback=region))
        else:
            QTimer.singleShot(GRAB_DELAY_MS, lambda: self.capture(mode, screen, url=url, notes=notes,
                                                                  region=region))

    def select_region(self, screen: QScreen, *, url: str, notes: str = "",
                      fallback: QRect | None = None) -> RegionOverlay | None:
        """Freeze the screen and let the user drag the region on it; the selection is imported, Esc adds nothing.

        Without a screen to show (or read), the typed ``fallback`` region is captured instead.
        Returns the overlay, open and waiting for the user.
        """
        case = self._case()
        if case is None:
            return None
        try:  # a URL the app refuses is said now, not after the user has dragged
            capture_metadata(screen, CaptureMode.REGION, url=url, notes=notes, captured_by=case.actor)
        except Exception as exc:  # noqa: BLE001 - shown to the user as plain text
            messages.show_error(self._window, "Nothing was captured", exc)
            return None
        frozen = freeze(screen) if screen_available(screen) else None
        if frozen is None or frozen.isNull():
            if fallback is not None and not fallback.isEmpty():
                self.capture(CaptureMode.REGION, screen, url=url, notes=notes, region=fallback)
            else:
                messages.show_message(self._window, "Nothing was captured",
                                      "The screen could not be shown for selecting a region. "
                                      "Choose \u201cType the region instead\u201d and enter it.")
            return None
        frozen_at = now_utc()
        overlay = RegionOverlay(frozen, screen)

        def selected(region: QRect) -> None:
            self._overlay = None
            metadata = capture_metadata(screen, CaptureMode.REGION, url=url, notes=notes, captured_by=case.actor,
                                        region=region, captured_at=frozen_at)
            self._import(crop(frozen, region), metadata)

        def cancelled() -> None:
            self._overlay = None
            self._status("Capture cancelled; nothing was added")

        overlay.selected.connect(selected)
        overlay.cancelled.connect(cancelled)
        self._overlay = overlay
        overlay.open()
        return overlay

    def capture(self, mode: CaptureMode, screen: QScreen, *, url: str, notes: str = "",
                region: QRect | None = None) -> Operation[ImportReport] | None:
        """Grab now, then write and import in the background. Returns the running import."""
        case = self._case()
        if case is None:
            return None
        try:
            metadata = capture_metadata(screen, mode, url=url, notes=notes, captured_by=case.actor, region=region)
        except Exception as exc:  # noqa: BLE001 - shown to the user as plain text
            messages.show_error(self._window, "Nothing was captured", exc)
            return None
        image = grab(mode, screen, window=self._window.window(), region=region)
        return self._import(image, metadata)

    def _import(self, image: QImage, metadata: dict[str, str]) -> Operation[ImportReport] | None:
        """Write the grabbed image and import it, with its metadata, in the background."""
        case = self._case()
        if case is None:
            return None
        if image.isNull():
            messages.show_message(self._window, "Nothing was captured", "The screen could not be read.")
            return None
        stamp = metadata["captured_at"].replace(":", "").replace("-", "")

        def work(_progress: Any, _cancelled: Callable[[], bool]) -> ImportReport:
            folder = Path(tempfile.mkdtemp(prefix="evbundle-capture-"))
            try:
                path = folder / f"capture-{stamp}.png"
                if not image.save(str(path), "PNG"):
                    raise OSError(f"the capture could not be written to {path}")
                return import_files(case, [path], forced_kind=ItemKind.SCREENSHOT, metadata=metadata)
            finally:
                shutil.rmtree(folder, ignore_errors=True)

        def done(report: ImportReport) -> None:
            self._events.itemsChanged.emit()
            if report.refused:
                messages.show_message(self._window, "The capture was not added", report.refused[0][1])
            else:
                self._status("Screenshot captured and added as evidence")

        return self._operations.run(self._window, work, done, writes_case=True, cancellable=False,
                                    error_title="The capture was not added")
