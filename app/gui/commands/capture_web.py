"""*Capture web pages…*: ask which URLs and how, then capture them in the background with progress and Cancel.

Each page is loaded by the capture program (``app.capture``, a child process) through
``app.ops.capture_web.capture_urls``; what was stored before a cancel is kept, each page's
files as one evidence group with its custody entry."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QWidget

from app.core.changes import Changes
from app.core.reporting import Reporter
from app.gui import messages
from app.gui.background import Operation, Operations

if TYPE_CHECKING:  # the dialog and the op load when a capture is first asked for
    from app.ops.capture_web import CaptureOptions, CaptureReport
    from app.ops.case import CaseFile


class CaptureWebCommand:
    """``ask_and_capture(urls)`` for the window, the Domains page and the Spam page."""

    def __init__(self, window: QWidget, case: Callable[[], CaseFile | None], operations: Operations,
                 show_status: Callable[[str], None]) -> None:
        self._window = window
        self._case = case
        self._operations = operations
        self._show_status = show_status
        self._unsettled: list[str] = []  # pages refused last time: offered again, not typed again
        self._options: CaptureOptions | None = None  # the choices made last time

    def ask_and_capture(self, urls: Sequence[str] = ()) -> Operation[CaptureReport] | None:
        """The dialog, with ``urls`` (else the pages refused last time), then the capture."""
        if self._case() is None:
            return None
        from app.gui.dialogs.capture_web import CaptureWebDialog

        dialog = CaptureWebDialog(list(urls) or self._unsettled, self._window)
        if self._options is not None:
            dialog.set_options(self._options)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        wanted, options = dialog.url_list(), dialog.options()
        dialog.deleteLater()
        if not accepted or not wanted:
            return None
        self._options = options
        return self.start(wanted, options)

    def capture_domains(self, names: Sequence[str]) -> Operation[CaptureReport] | None:
        """The Domains page's selection: each domain's home page."""
        return self.ask_and_capture([f"http://{name}/" for name in names])

    def start(self, urls: Sequence[str], options: CaptureOptions) -> Operation[CaptureReport] | None:
        case = self._case()
        if case is None:
            return None
        wanted = list(urls)

        from app.gui.dialogs.capture_web import capture_summary
        from app.ops.capture_web import capture_urls

        def work(reporter: Reporter) -> CaptureReport:
            return capture_urls(case, wanted, options, reporter)

        def done(report: CaptureReport) -> None:
            self._show_status(f"{len(report.captured)} page(s) captured")
            self._unsettled = [url for url, _reason in report.refused]
            if not report.ok:
                again = [("Capture again…", self.ask_and_capture)] if report.refused else []
                messages.show_message(self._window, "Some pages were not captured", capture_summary(report),
                                      actions=again)

        return self._operations.run(
            self._window, work, done, progress_title="Capturing web pages", cancellable=True, writes_case=True,
            may_change=Changes.to_case(items=True, exhibits=True),  # the pages captured before a cancel
            error_title="The capture stopped",
        )
