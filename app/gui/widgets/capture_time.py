"""A capture time picked, not typed: a date and time in UTC with a calendar, "Now", and "Clear".

Issue 15 found capture times had to be typed as ISO 8601. This field shows and edits the
time in UTC (what the custody log and the declaration use), says the same moment in the
computer's own time zone beside it, and reads and writes the ISO 8601 text the metadata
keeps (``2026-11-28T14:05:00Z``; "" when not recorded). A stored time it did not change is
handed back exactly as stored, so showing an item never looks like an edit."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QDate, QDateTime, QEvent, QObject, Qt, QTime, QTimeZone, Signal
from PySide6.QtWidgets import QDateTimeEdit, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

NOT_RECORDED = QDateTime(1970, 1, 1, 0, 0, 0, 0, QTimeZone.utc())  # shown as "not recorded"
ISO = "%Y-%m-%dT%H:%M:%SZ"


def parse_utc(text: str) -> datetime | None:
    """An ISO 8601 time with its zone, as UTC to the second; None when there is none or it has no zone."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(UTC).replace(microsecond=0) if moment.tzinfo is not None else None


def _qt(moment: datetime) -> QDateTime:
    """A UTC datetime as Qt's, to the second."""
    return QDateTime(QDate(moment.year, moment.month, moment.day), QTime(moment.hour, moment.minute, moment.second),
                     QTimeZone.utc())


class CaptureTimeEdit(QWidget):
    """A UTC date-time picker with Now and Clear; ``text()`` and ``setText()`` speak ISO 8601."""

    textChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.picker = QDateTimeEdit()
        self.picker.setTimeZone(QTimeZone.utc())
        self.picker.setDisplayFormat("yyyy-MM-dd HH:mm:ss 'UTC'")
        self.picker.setCalendarPopup(True)
        self.picker.setMinimumDateTime(NOT_RECORDED)
        self.picker.setSpecialValueText("not recorded")
        self.picker.setToolTip("When the page was captured, in UTC. Now sets this moment; Clear leaves it unrecorded.")
        self.now = QPushButton("Now")
        self.now.setToolTip("Set the capture time to this moment")
        self.now.clicked.connect(self.set_now)
        self.clear_button = QPushButton("Clear")
        self.clear_button.clicked.connect(lambda: self.setText(""))
        self.local = QLabel()
        self.local.setTextFormat(Qt.TextFormat.PlainText)
        self.local.setEnabled(False)  # a quiet, secondary line
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.picker, 1)
        row.addWidget(self.now)
        row.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.local)
        self._stored = ""  # the text last set from outside, handed back while the time is unchanged
        self._stored_time = NOT_RECORDED
        self._suggested: datetime | None = None  # where the calendar opens while no time is recorded
        self.picker.calendarWidget().installEventFilter(self)
        self.picker.dateTimeChanged.connect(self._changed)
        self._show_local()

    def text(self) -> str:
        shown = self.picker.dateTime()
        if shown == self._stored_time:
            return self._stored
        if shown == NOT_RECORDED:
            return ""
        return datetime.fromtimestamp(shown.toSecsSinceEpoch(), UTC).strftime(ISO)

    def setText(self, text: str) -> None:
        moment = parse_utc(text) if text.strip() else None
        self._stored = text if moment is not None else ""
        self._stored_time = _qt(moment) if moment is not None else NOT_RECORDED
        self.picker.setDateTime(self._stored_time)
        self._show_local()
        self.textChanged.emit(self.text())

    def suggest(self, text: str) -> None:
        """The moment the calendar opens at while no time is recorded (the file's arrival in the case,
        say); today when none is given. Guiwalk A2: it opened at January 1970."""
        self._suggested = parse_utc(text) if text.strip() else None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        calendar = self.picker.calendarWidget()
        if watched is calendar and event.type() == QEvent.Type.Show and self.picker.dateTime() == NOT_RECORDED:
            moment = self._suggested or datetime.now(UTC)
            calendar.setCurrentPage(moment.year, moment.month)  # the page opened at; nothing is chosen yet
        return super().eventFilter(watched, event)

    def set_now(self) -> None:
        self.picker.setDateTime(_qt(datetime.now(UTC).replace(microsecond=0)))

    def _changed(self) -> None:
        self._show_local()
        self.textChanged.emit(self.text())

    def _show_local(self) -> None:
        shown = self.picker.dateTime()
        if shown == NOT_RECORDED:
            self.local.setText("")
            return
        local = shown.toLocalTime()
        self.local.setText(f"{local.toString('yyyy-MM-dd HH:mm:ss')} on this computer's clock "
                           f"({local.timeZoneAbbreviation()})")
