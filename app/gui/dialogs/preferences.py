"""Preferences: the trusted-timestamp authorities, and whether this case asks one at each build.

The TSA URLs are kept in the user's settings (``app.ops.settings``,
``settings.json``), where ``evbundle build`` reads them too; the per-case
choice is a case fact (``CaseInfo.timestamp_when_building``), changed like
any other with its custody entry, and read by the CLI and the GUI build."""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.reporting import Reporter
from app.gui import messages
from app.gui.background import Operation, Operations
from app.gui.events import CaseEvents
from app.ops.case import CaseEdited, CaseFile, edit_case
from app.ops.settings import Settings, load_settings, update_settings

PRIVACY_NOTE = (
    "A trusted timestamp proves the bundle existed, as signed, at a given moment. At each build the app "
    "sends the timestamp authority only a SHA-256 hash of the bundle's signature: no evidence, no names, "
    "no case facts leave this computer. The authority's signed reply is kept inside the bundle and checked "
    "on verification. Authorities are asked in the order listed until one answers; with none listed, "
    "bundles are built without a timestamp and nothing goes over the network."
)


def url_problem(url: str) -> str:
    """Why ``url`` cannot be a timestamp authority's address, or "" when it can."""
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return "A timestamp authority's address starts with http:// or https://, e.g. http://timestamp.example.com/tsa"
    return ""


class PreferencesDialog(QDialog):
    """Edit the TSA list (add, remove, reorder) and the open case's timestamp choice; OK saves both."""

    def __init__(
        self,
        operations: Operations,
        case: Callable[[], CaseFile | None],
        events: CaseEvents,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self._operations = operations
        self._case = case
        self._events = events
        self._loaded: Settings = load_settings()  # SettingsError is the opener's to show

        self.urls = QStringListModel(list(self._loaded.tsa_urls), self)
        self.list = QListView()
        self.list.setModel(self.urls)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.new_url = QLineEdit()
        self.new_url.setPlaceholderText("https://timestamp.example.com/tsa")
        self.new_url.returnPressed.connect(self.add_url)
        self.add_button = QPushButton("Add")
        self.add_button.clicked.connect(self.add_url)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self.remove_url)
        self.up_button = QPushButton("Move up")
        self.up_button.clicked.connect(lambda: self.move_url(-1))
        self.down_button = QPushButton("Move down")
        self.down_button.clicked.connect(lambda: self.move_url(1))
        self.timeout = QDoubleSpinBox()
        self.timeout.setRange(1.0, 600.0)
        self.timeout.setDecimals(0)
        self.timeout.setSuffix(" s")
        self.timeout.setValue(self._loaded.tsa_timeout_seconds)
        self.timeout.setMaximumWidth(110)
        self.problem = QLabel()
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #a00")

        case_now = case()
        info = case_now.info() if case_now is not None else None
        self.timestamp_case = QCheckBox("Add a trusted timestamp when building this case")
        self.timestamp_case.setChecked(info.timestamp_when_building if info else True)
        self.timestamp_case.setEnabled(info is not None)
        self.case_note = QLabel(f"Case: {info.title}" if info else "Open a case to choose for it.")
        self.case_note.setTextFormat(Qt.TextFormat.PlainText)
        self.none_listed = QLabel("No authority is listed above, so bundles are built without a timestamp.")
        self.none_listed.setTextFormat(Qt.TextFormat.PlainText)
        self.none_listed.setStyleSheet("color: #a60")

        note = QLabel(PRIVACY_NOTE)
        note.setTextFormat(Qt.TextFormat.PlainText)
        note.setWordWrap(True)
        adding = QHBoxLayout()
        adding.addWidget(self.new_url, 1)
        adding.addWidget(self.add_button)
        side = QVBoxLayout()
        for button in (self.remove_button, self.up_button, self.down_button):
            side.addWidget(button)
        side.addStretch(1)
        listing = QHBoxLayout()
        listing.addWidget(self.list, 1)
        listing.addLayout(side)
        form = QFormLayout()
        form.addRow("Give up on an authority after:", self.timeout)
        tsa_box = QGroupBox("Trusted timestamp authorities (RFC 3161), for every case")
        tsa_layout = QVBoxLayout(tsa_box)
        tsa_layout.addWidget(note)
        tsa_layout.addLayout(listing)
        tsa_layout.addLayout(adding)
        tsa_layout.addWidget(self.problem)
        tsa_layout.addLayout(form)
        case_box = QGroupBox("This case")
        case_layout = QVBoxLayout(case_box)
        case_layout.addWidget(self.case_note)
        case_layout.addWidget(self.timestamp_case)
        case_layout.addWidget(self.none_listed)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(tsa_box, 1)
        layout.addWidget(case_box)
        layout.addWidget(buttons)
        self.list.selectionModel().selectionChanged.connect(self._follow_selection)
        self.urls.rowsInserted.connect(self._follow_selection)
        self.urls.rowsRemoved.connect(self._follow_selection)
        self._follow_selection()
        self.resize(640, 520)

    # -- the list ---------------------------------------------------------------------------

    def tsa_urls(self) -> list[str]:
        return self.urls.stringList()

    def add_url(self) -> bool:
        url = self.new_url.text().strip()
        problem = url_problem(url) if url else "Type the authority's address first."
        if not problem and url in self.tsa_urls():
            problem = "That authority is already listed."
        self.problem.setText(problem)
        if problem:
            return False
        row = self.urls.rowCount()
        self.urls.insertRows(row, 1)
        self.urls.setData(self.urls.index(row), url)
        self.list.setCurrentIndex(self.urls.index(row))
        self.new_url.clear()
        return True

    def remove_url(self) -> None:
        row = self._selected_row()
        if row >= 0:
            self.urls.removeRows(row, 1)

    def move_url(self, step: int) -> None:
        row = self._selected_row()
        target = row + step
        if row < 0 or not 0 <= target < self.urls.rowCount():
            return
        urls = self.tsa_urls()
        urls[row], urls[target] = urls[target], urls[row]
        self.urls.setStringList(urls)
        self.list.setCurrentIndex(self.urls.index(target))

    def _selected_row(self) -> int:
        rows = self.list.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def _follow_selection(self, *_args: object) -> None:
        row = self._selected_row()
        self.none_listed.setVisible(self.urls.rowCount() == 0)
        self.remove_button.setEnabled(row >= 0)
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < self.urls.rowCount() - 1)

    # -- saving -------------------------------------------------------------------------------

    def accept(self) -> None:
        """Save the TSA list where the CLI reads it, and the case's choice (in the background)."""
        if self.new_url.text().strip() and not self.add_url():
            return  # a typed but unadded address is what the user meant to keep
        try:
            update_settings(tsa_urls=tuple(self.tsa_urls()), tsa_timeout_seconds=float(self.timeout.value()))
        except Exception as exc:  # noqa: BLE001 - shown to the user, never swallowed
            messages.show_error(self, "The preferences were not saved", exc)
            return
        self.save_case_choice()
        super().accept()

    def save_case_choice(self) -> Operation[CaseEdited] | None:
        case = self._case()
        wanted = self.timestamp_case.isChecked()
        if case is None or not self.timestamp_case.isEnabled() or case.info().timestamp_when_building == wanted:
            return None

        def work(reporter: Reporter) -> CaseEdited:
            return edit_case(case, timestamp_when_building=wanted)  # logged as a case edit

        return self._operations.run(self.parentWidget(), work, lambda _edited: None,
                                    writes_case=True, cancellable=False,
                                    error_title="The case's timestamp choice was not saved")
