"""In-app capture: a screen, a window or a region becomes evidence in one step, its metadata recorded by the app."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, QTimer
from PySide6.QtGui import QImage, QScreen
from PySide6.QtWidgets import (
    QDialog,
    QWidget,
)

from app.core.model import ItemKind
from app.core.reporting import Reporter
from app.gui import messages
from app.gui.background import Operation, Operations
from app.gui.dialogs.capture import GRAB_DELAY_MS, CaptureDialog, CaptureMode, capture_metadata, grab
from app.gui.widgets.region_overlay import RegionOverlay, crop, freeze, screen_available
from app.ops.capture_meta import now_utc

if TYPE_CHECKING:
    from app.ops.case import CaseFile
    from app.ops.intake import ImportReport


class CaptureCommand:
    """Ask, grab, import: the Capture… command of the Screenshots page."""

    def __init__(self, window: QWidget, case: Callable[[], CaseFile | None], operations: Operations,
                 status: Callable[[str], None]) -> None:
        self._window = window
        self._case = case
        self._operations = operations
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

        def work(_reporter: Reporter) -> ImportReport:
            from app.ops.intake import import_files

            folder = Path(tempfile.mkdtemp(prefix="evbundle-capture-"))
            try:
                path = folder / f"capture-{stamp}.png"
                if not image.save(str(path)):  # PNG, from the name
                    raise OSError(f"the capture could not be written to {path}")
                return import_files(case, [path], forced_kind=ItemKind.SCREENSHOT, metadata=metadata)
            finally:
                shutil.rmtree(folder, ignore_errors=True)

        def done(report: ImportReport) -> None:
            if report.refused:
                messages.show_message(self._window, "The capture was not added", report.refused[0][1])
            else:
                self._status("Screenshot captured and added as evidence")

        return self._operations.run(self._window, work, done, writes_case=True, cancellable=False,
                                    error_title="The capture was not added")
