"""Drag-to-select capture: a frozen screen, a dragged rectangle, the exact pixels imported; Esc adds nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPixmap
from pytestqt.qtbot import QtBot

from app.core.model import ItemKind
from app.gui.dialogs.capture import TOOL, CaptureDialog, CaptureMode
from app.gui.widgets.region_overlay import RegionOverlay, crop
from app.gui.window import MainWindow

from .conftest import Shown


def _wait_idle(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.operations.is_busy(), timeout=10_000)


def _drag(qtbot: QtBot, overlay: RegionOverlay, start: QPoint, end: QPoint) -> None:
    qtbot.mousePress(overlay, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(overlay, QPoint((start.x() + end.x()) // 2, (start.y() + end.y()) // 2))
    qtbot.mouseMove(overlay, end)
    qtbot.mouseRelease(overlay, Qt.MouseButton.LeftButton, pos=end)


def _screenshots(window: MainWindow) -> list:  # type: ignore[type-arg]
    assert window.case is not None
    return window.case.items(ItemKind.SCREENSHOT)


def test_the_dragged_rectangle_is_imported_at_device_pixels(
    window: MainWindow, case_path: Path, qtbot: QtBot
) -> None:
    assert window.open_case(case_path)
    before = len(_screenshots(window))
    screen = QGuiApplication.primaryScreen()
    overlay = window.capture.select_region(screen, url="hxxp://phish[.]example/login", notes="login form")
    assert overlay is not None and overlay.isVisible()
    assert overlay.geometry() == screen.geometry()
    received: list[QRect] = []
    overlay.selected.connect(received.append)
    _drag(qtbot, overlay, QPoint(130, 90), QPoint(30, 20))  # dragged up and left: the same rectangle
    assert received == [QRect(30, 20, 100, 70)]
    _wait_idle(qtbot, window)
    shots = _screenshots(window)
    assert len(shots) == before + 1
    ratio = screen.devicePixelRatio()
    shot = shots[-1]
    assert (shot.record["width"], shot.record["height"]) == (round(100 * ratio), round(70 * ratio))
    assert shot.metadata["url"] == "hxxp://phish[.]example/login" and shot.metadata["tool"] == TOOL
    assert "region 100×70 at (30, 20)" in shot.metadata["screen"]
    assert any(e.action == "acquired" and e.item_id == shot.id for e in window.case.custody())


def test_escape_imports_nothing(window: MainWindow, case_path: Path, qtbot: QtBot) -> None:
    assert window.open_case(case_path)
    before = len(_screenshots(window))
    overlay = window.capture.select_region(QGuiApplication.primaryScreen(), url="http://x.example/")
    assert overlay is not None
    qtbot.mousePress(overlay, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    qtbot.mouseMove(overlay, QPoint(200, 150))
    with qtbot.waitSignal(overlay.cancelled, timeout=2_000):
        qtbot.keyClick(overlay, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.capture._overlay is None, timeout=2_000)
    _wait_idle(qtbot, window)
    assert len(_screenshots(window)) == before
    assert window.statusBar().currentMessage().startswith("Capture cancelled")


def test_enter_accepts_while_dragging_and_a_click_selects_nothing(
    window: MainWindow, case_path: Path, qtbot: QtBot
) -> None:
    assert window.open_case(case_path)
    before = len(_screenshots(window))
    overlay = window.capture.select_region(QGuiApplication.primaryScreen(), url="http://x.example/")
    assert overlay is not None
    received: list[QRect] = []
    overlay.selected.connect(received.append)
    qtbot.mouseClick(overlay, Qt.MouseButton.LeftButton, pos=QPoint(50, 50))  # a click is not a region
    assert received == [] and overlay.isVisible()
    qtbot.mousePress(overlay, Qt.MouseButton.LeftButton, pos=QPoint(5, 6))
    qtbot.mouseMove(overlay, QPoint(45, 36))
    qtbot.keyClick(overlay, Qt.Key.Key_Return)
    assert received == [QRect(5, 6, 40, 30)]
    _wait_idle(qtbot, window)
    assert len(_screenshots(window)) == before + 1


def test_crop_takes_device_pixels_of_the_frozen_screen(qtbot: QtBot) -> None:
    frozen = QPixmap(400, 300)
    frozen.fill(QColor("white"))
    painter = QPainter(frozen)
    painter.fillRect(QRect(100, 60, 80, 40), QColor("red"))
    painter.end()
    frozen.setDevicePixelRatio(2.0)  # a 200 × 150 logical screen at 2x
    image = crop(frozen, QRect(50, 30, 40, 20))
    assert (image.width(), image.height()) == (80, 40)
    assert image.pixelColor(0, 0) == QColor("red") and image.pixelColor(79, 39) == QColor("red")


def test_without_a_screen_the_typed_region_is_captured(
    window: MainWindow, case_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("app.gui.commands.capture.screen_available", lambda screen: False)
    assert window.open_case(case_path)
    before = len(_screenshots(window))
    overlay = window.capture.select_region(QGuiApplication.primaryScreen(), url="http://x.example/",
                                           fallback=QRect(0, 0, 64, 48))
    assert overlay is None
    _wait_idle(qtbot, window)
    shots = _screenshots(window)
    assert len(shots) == before + 1 and shots[-1].record["width"] == 64


def test_without_a_screen_or_a_typed_region_the_user_is_told(
    window: MainWindow, case_path: Path, monkeypatch: pytest.MonkeyPatch, shown: list[Shown]
) -> None:
    monkeypatch.setattr("app.gui.commands.capture.screen_available", lambda screen: False)
    assert window.open_case(case_path)
    assert window.capture.select_region(QGuiApplication.primaryScreen(), url="http://x.example/") is None
    assert shown and "Type the region instead" in shown[-1].text


def test_the_dialog_drags_by_default_and_types_on_request(qtbot: QtBot) -> None:
    dialog = CaptureDialog()
    qtbot.addWidget(dialog)
    dialog.buttons[CaptureMode.REGION].setChecked(True)
    assert dialog.drag_region() and not dialog.region[0].isEnabled()
    dialog.typed.setChecked(True)
    assert not dialog.drag_region() and dialog.region[0].isEnabled()


def test_the_capture_command_opens_the_overlay_for_a_dragged_region(
    window: MainWindow, case_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    def accept(dialog: CaptureDialog) -> int:
        dialog.buttons[CaptureMode.REGION].setChecked(True)
        dialog.url.setText("http://x.example/")
        return int(CaptureDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(CaptureDialog, "exec", accept)
    assert window.open_case(case_path)
    before = len(_screenshots(window))
    window.capture.ask_and_capture()
    qtbot.waitUntil(lambda: window.capture._overlay is not None, timeout=3_000)
    overlay = window.capture._overlay
    assert overlay is not None and overlay.isVisible()
    _drag(qtbot, overlay, QPoint(0, 0), QPoint(32, 24))
    _wait_idle(qtbot, window)
    assert len(_screenshots(window)) == before + 1
