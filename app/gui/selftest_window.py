"""The window steps of ``evbundle --self-test`` (``app.selftest``): the GUI as a user first sees it.

Opens the real main window (``build_window``, the same services as ``run_gui``) on the
sample case the earlier steps built, shows each page and waits until it holds the case's
rows, then lets the Documents page render its preview with QtPdf and draws one page of it.
A picture of each page is saved in the self-test's work folder (``--keep`` keeps it).

A modal message box would wait for a click that never comes in an offscreen self-test: a
watchdog closes any that opens and the step fails with its text.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QCoreApplication, QEventLoop, QSize, QTimer
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication, QMessageBox

from app.gui.app import build_window, configure_application

if TYPE_CHECKING:
    from app.gui.window import MainWindow


class SelfTest(Protocol):
    """What the self-test (``app.selftest``) hands each window step: its work folder and what earlier steps made."""

    work: Path
    made: dict[str, Any]

TIMEOUT_S = 60.0


def wait_until(condition: Callable[[], bool], what: str, timeout: float = TIMEOUT_S) -> None:
    """Run the event loop until ``condition()`` holds; raise naming ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not done after {timeout:.0f} s")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.005)


class ModalWatchdog:
    """Closes any modal dialog that opens and keeps its text, so the step fails instead of hanging."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.timer = QTimer()
        self.timer.setInterval(200)
        self.timer.timeout.connect(self._check)
        self.timer.start()

    def _check(self) -> None:
        widget = QApplication.activeModalWidget()
        if widget is None:
            return
        text = widget.text() if isinstance(widget, QMessageBox) else widget.windowTitle()
        self.seen.append(f"{type(widget).__name__}: {text}")
        widget.close()

    def raise_if_seen(self) -> None:
        if self.seen:
            raise AssertionError("a dialog opened: " + " | ".join(self.seen))


def _has_rows(count: Callable[[], int]) -> bool:
    return count() > 0


def open_window_and_pages(test: SelfTest) -> str:
    """Open the main window on the sample case and show each page with its rows."""
    app = QApplication.instance() or QApplication(["evbundle"])
    assert isinstance(app, QApplication)
    configure_application(app)
    test.made["watchdog"] = watchdog = ModalWatchdog()
    window = build_window(test.made["demo"].case_path)
    test.made["window"] = window
    window.show()
    wait_until(window.isVisible, "the window to show")
    watchdog.raise_if_seen()
    if window.case is None:
        raise AssertionError("the window did not open the sample case")
    filled: dict[str, Callable[[], int]] = {
        "Domains": window.domains_model.total,
        "Screenshots": window.screenshots_model.rowCount,
        "Spam": window.spam_model.rowCount,
        "Exhibits": window.exhibits_model.rowCount,
    }
    pictures = test.work / "window"
    pictures.mkdir(exist_ok=True)
    shown = []
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        name = window.tabs.tabText(index).split(" (")[0].replace("&&", "&")
        rows = next((count for key, count in filled.items() if name.startswith(key)), None)
        if rows is not None:
            wait_until(functools.partial(_has_rows, rows), f"the {name} page to list the sample's rows")
        QCoreApplication.processEvents()
        picture = window.grab()
        if picture.isNull() or not picture.save(str(pictures / f"{index + 1}-{name.split()[0].lower()}.png")):
            raise AssertionError(f"the {name} page could not be drawn")
        shown.append(f"{name} ({rows()})" if rows is not None else name)
        watchdog.raise_if_seen()
    return f"{window.width()}×{window.height()}; pages: {', '.join(shown)}"


def render_preview(test: SelfTest) -> str:
    """The Documents page's preview: rendered in the background, loaded by QtPdf, one page drawn."""
    window: MainWindow = test.made["window"]
    window.tabs.setCurrentWidget(window.documents_page)
    preview = window.documents_page.preview
    wait_until(lambda: preview.page_count() > 0 and not preview.is_rendering(), "the preview to render")
    test.made["watchdog"].raise_if_seen()
    window.grab().save(str(test.work / "window" / "6-documents-with-preview.png"))
    image = preview.document.render(0, QSize(425, 550))
    if image.isNull():
        raise AssertionError("QtPdf drew nothing for page 1")
    dark = _dark_fraction(image, test.work / "window" / "preview-page-1.png")
    if dark < 0.002:  # a blank page: the PDF loaded but nothing was drawn on it
        raise AssertionError(f"page 1 of the preview is blank ({dark:.2%} dark pixels)")
    return f"{preview.current_key()}: {preview.page_count()} pages; page 1 drawn, {dark:.1%} ink"


def _dark_fraction(image: QImage, path: Path) -> float:
    """The share of dark pixels of the page laid on white paper (QtPdf leaves the paper transparent)."""
    paper = QImage(image.size(), QImage.Format.Format_RGB32)
    paper.fill(QColor("white"))
    painter = QPainter(paper)
    painter.drawImage(0, 0, image)
    painter.end()
    paper.save(str(path))
    small = paper.convertToFormat(QImage.Format.Format_Grayscale8).scaled(106, 137)
    dark = sum(1 for y in range(small.height()) for x in range(small.width())
               if small.pixelColor(x, y).value() < 128)
    return dark / (small.width() * small.height())


def close_window(test: SelfTest) -> None:
    """Close the window as a user would (background work stopped, case closed)."""
    window = test.made.pop("window", None)
    watchdog = test.made.pop("watchdog", None)
    if window is not None:
        window.close()
        QCoreApplication.processEvents()
    if watchdog is not None:
        watchdog.timer.stop()
