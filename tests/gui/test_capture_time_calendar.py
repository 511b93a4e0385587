"""The "Captured at" calendar opens at the file's arrival in the case, or today, never at January 1970
(guiwalk A2)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.gui.widgets.capture_time import CaptureTimeEdit

POPUP = pytest.mark.qt_log_ignore("does not support propagateSizeHints", "does not support raise",
                                  "does not support grabbing the keyboard")  # the calendar popup, offscreen


def _open_calendar(qtbot: QtBot, edit: CaptureTimeEdit) -> tuple[int, int]:
    picker = edit.picker
    QTest.mouseClick(picker, Qt.MouseButton.LeftButton, pos=QPoint(picker.width() - 6, picker.height() // 2))
    calendar = picker.calendarWidget()
    qtbot.waitUntil(calendar.isVisible, timeout=3000)
    page = (calendar.yearShown(), calendar.monthShown())
    calendar.window().close()
    return page


@POPUP
def test_not_recorded_opens_at_the_suggested_month_or_today(qtbot: QtBot) -> None:
    edit = CaptureTimeEdit()
    qtbot.addWidget(edit)
    edit.show()
    qtbot.waitExposed(edit)
    edit.setText("")
    today = datetime.now(UTC)
    assert _open_calendar(qtbot, edit) == (today.year, today.month)
    edit.suggest("2025-03-14T09:26:53Z")  # when the file came into the case
    assert _open_calendar(qtbot, edit) == (2025, 3)
    assert edit.text() == ""  # opening the calendar chooses nothing
    edit.setText("2024-11-02T10:00:00Z")  # a recorded time: the calendar shows it
    assert _open_calendar(qtbot, edit) == (2024, 11)
