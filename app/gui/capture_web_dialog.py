"""*Capture web pages…*: which URLs and how, then the capture in the background with progress and Cancel.

The dialog only collects the user's choice and says plainly that the sites
will be contacted from this computer; the capture itself is
:func:`app.ops.capture_web.capture_urls`, run through :class:`Operations`
(the capture browser is a program of its own, killed on Cancel). Pages stored
before a cancel stay in the case, each with its custody entry.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.capture.job import CaptureOptions
from app.ops.capture_web import CaptureReport, capture_urls, parse_url_list
from app.store import CaseFile

from . import messages
from .background import Operation, Operations, Progress
from .events import CaseEvents

WARNING = ("Each page is loaded from the internet by the app's own browser, over this computer's connection: "
           "the site sees this computer's IP address. Use the investigation network you would use for any "
           "visit. The screenshots, the page as MHTML and PDF, every request and response (WARC), the server's "
           "address and certificate and the DNS answers are kept in the case as evidence, with their hashes.")


class CaptureWebDialog(QDialog):
    """The URLs (one per line; defanged forms are fine) and the capture options."""

    def __init__(self, urls: Sequence[str] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Capture web pages")
        warning = QLabel(WARNING)
        warning.setWordWrap(True)
        self.urls = QPlainTextEdit("\n".join(urls))
        self.urls.setPlaceholderText("https://example.com/offer\nhxxp://bad[.]example/  (defanged is fine)")
        self.urls.setTabChangesFocus(True)
        self.count = QLabel()
        self.wait = QDoubleSpinBox()
        self.wait.setRange(0.0, 60.0)
        self.wait.setDecimals(1)
        self.wait.setValue(CaptureOptions.wait)
        self.wait.setSuffix(" s")
        self.wait.setToolTip("How long to let the page settle after it loaded and was scrolled through")
        self.javascript = QCheckBox("Run the page's JavaScript")
        self.javascript.setChecked(True)
        self.width = QSpinBox()
        self.height = QSpinBox()
        for box, value in ((self.width, CaptureOptions.viewport[0]), (self.height, CaptureOptions.viewport[1])):
            box.setRange(200, 8000)
            box.setValue(value)
            box.setSuffix(" px")
        viewport = QHBoxLayout()
        viewport.addWidget(self.width)
        viewport.addWidget(QLabel("×"))
        viewport.addWidget(self.height)
        viewport.addStretch(1)
        self.user_agent = QLineEdit()
        self.user_agent.setPlaceholderText("the browser's own")
        self.allow_private = QCheckBox("Allow loopback and private addresses (intranet, this computer)")
        settle = QHBoxLayout()
        settle.addWidget(self.wait)
        settle.addStretch(1)
        form = QFormLayout()
        form.addRow("Settle time:", settle)
        form.addRow("", self.javascript)
        form.addRow("Window size:", viewport)
        form.addRow("User agent:", self.user_agent)
        form.addRow("", self.allow_private)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.capture_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.capture_button.setText("Capture")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(warning)
        layout.addWidget(QLabel("Pages to capture, one per line:"))
        layout.addWidget(self.urls, 1)
        layout.addWidget(self.count)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.urls.textChanged.connect(self._count)
        self._count()
        self.resize(620, 520)

    def url_list(self) -> list[str]:
        return parse_url_list(self.urls.toPlainText())

    def options(self) -> CaptureOptions:
        return CaptureOptions(wait=self.wait.value(), javascript=self.javascript.isChecked(),
                              user_agent=self.user_agent.text().strip(),
                              viewport=(self.width.value(), self.height.value()),
                              allow_private=self.allow_private.isChecked())

    def _count(self) -> None:
        count = len(self.url_list())
        self.count.setText(f"{count} page{'' if count == 1 else 's'} to capture" if count else "No URL yet")
        self.capture_button.setEnabled(count > 0)


def capture_summary(report: CaptureReport) -> str:
    """What became of each page, in plain words (the failures are evidence too)."""
    lines = [f"{len(report.captured)} page(s) captured."]
    if report.failed:
        lines.append(f"{len(report.failed)} could not be captured; what happened is kept as evidence:")
        lines += [f"  {url}: {reason}" for url, reason, _ in report.failed[:15]]
    if report.refused:
        lines.append(f"{len(report.refused)} refused (not visited, nothing kept):")
        lines += [f"  {url}: {reason}" for url, reason in report.refused[:15]]
    return "\n".join(lines)


class _Reporter:
    """The background helper's two callables, as the Reporter an op takes."""

    def __init__(self, progress: Progress, cancelled: Callable[[], bool]) -> None:
        self._progress = progress
        self._cancelled = cancelled

    def progress(self, done: int, total: int, stage: str = "") -> None:
        self._progress(done, total, f"Page {min(done + 1, total)} of {total}: {stage}" if stage
                       else f"{done} of {total} pages done")

    def cancelled(self) -> bool:
        return self._cancelled()


class CaptureWebCommand:
    """``ask_and_capture(urls)`` for the window, the Domains page and the Spam page."""

    def __init__(self, window: QWidget, case: Callable[[], CaseFile | None], operations: Operations,
                 events: CaseEvents, show_status: Callable[[str], None]) -> None:
        self._window = window
        self._case = case
        self._operations = operations
        self._events = events
        self._show_status = show_status

    def ask_and_capture(self, urls: Sequence[str] = ()) -> Operation[CaptureReport] | None:
        if self._case() is None:
            return None
        dialog = CaptureWebDialog(urls, self._window)
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.url_list():
            return None
        return self.start(dialog.url_list(), dialog.options())

    def capture_domains(self, names: Sequence[str]) -> Operation[CaptureReport] | None:
        """The Domains page's selection: each domain's home page."""
        return self.ask_and_capture([f"http://{name}/" for name in names])

    def start(self, urls: Sequence[str], options: CaptureOptions) -> Operation[CaptureReport] | None:
        case = self._case()
        if case is None:
            return None
        wanted = list(urls)

        def work(progress: Progress, cancelled: Callable[[], bool]) -> CaptureReport:
            return capture_urls(case, wanted, options, _Reporter(progress, cancelled))

        def done(report: CaptureReport) -> None:
            self._events.itemsChanged.emit()
            self._show_status(f"{len(report.captured)} page(s) captured")
            if not report.ok:
                messages.show_message(self._window, "Some pages were not captured", capture_summary(report))

        return self._operations.run(
            self._window, work, done, on_cancelled=self._events.itemsChanged.emit,
            progress_title="Capturing web pages", cancellable=True, writes_case=True,
            error_title="The capture stopped",
        )
