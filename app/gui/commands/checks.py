"""The pre-filing check and the compliance watch from the window: run in the background, write the papers.

Nothing is looked up unless the user presses the page's button (or ticks the
scheduled re-check). The work runs through :class:`Operations` on the write
lane (every reply becomes an exhibit), with progress and Cancel; replies
received before a cancel are kept. ``servers`` and ``pace`` let tests use
127.0.0.1 servers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QWidget

from app.core.changes import Changes
from app.core.reporting import Reporter
from app.gui import messages
from app.gui.background import Operation, Operations
from app.ops.case import CaseFile
from app.ops.check_reports import write_compliance_papers, write_precheck_report
from app.ops.checks import CheckRun
from app.ops.compliance import latest_compliance, run_compliance
from app.ops.lookups import LookupServers
from app.ops.precheck import latest_precheck, run_precheck
from app.ops.watch import Pace

WROTE = Changes(custody=True)


class CheckCommand:
    """Starts checks and loads the latest results for the Compliance page."""

    def __init__(self, window: QWidget, case: Callable[[], CaseFile | None], operations: Operations,
                 servers: LookupServers | None = None) -> None:
        self._window = window
        self._case = case
        self._operations = operations
        self.servers = servers or LookupServers()

    def run(self, kind: str, *, since: str, hearing: date | None, sinkholes: Sequence[str], rate: float,
            on_done: Callable[[CheckRun], None], progress: bool = True) -> Operation[CheckRun] | None:
        """Look up every domain of the case (a precheck or a compliance run); each reply is kept."""
        case = self._case()
        if case is None:
            return None
        servers, pace, wanted = self.servers, Pace(rate=rate), list(sinkholes)

        def work(reporter: Reporter) -> CheckRun:
            if kind == "precheck":
                return run_precheck(case, servers=servers, pace=pace, hearing=hearing, sinkholes=wanted or None,
                                    reporter=reporter)
            return run_compliance(case, since=since, sinkholes=wanted, servers=servers, pace=pace, reporter=reporter)

        title = "Checking the domains before filing" if kind == "precheck" else "Checking the registries' compliance"
        return self._operations.run(
            self._window, work, on_done, progress_title=title if progress else None, cancellable=True,
            writes_case=True, may_change=Changes.to_case(items=True, exhibits=True, case=True),
            error_title="The check stopped",
        )

    def load_latest(self, kind: str, *, since: str, hearing: date | None, on_done: Callable[[CheckRun], None],
                    on_failure: Callable[[BaseException], None]) -> Operation[CheckRun] | None:
        """What the case's newest records say, without any lookup (quietly, off the window's thread)."""
        case = self._case()
        if case is None:
            return None

        def work(_reporter: Reporter) -> CheckRun:
            if kind == "precheck":
                return latest_precheck(case, hearing=hearing)
            return latest_compliance(case, since=since)

        return self._operations.run(self._window, work, on_done, quiet=True, on_failure=on_failure)

    def write_papers(self, run: CheckRun, folder: Path, on_done: Callable[[list[Path]], None],
                     ) -> Operation[list[Path]] | None:
        """The run's report (PDF, CSV) and, after the order, the follow-up letters and the status report."""
        case = self._case()
        if case is None:
            return None

        def work(_reporter: Reporter) -> list[Path]:
            if run.kind == "precheck":
                return write_precheck_report(case, run, folder)
            return write_compliance_papers(case, run, folder)

        def done(paths: list[Path]) -> None:
            on_done(paths)
            messages.show_message(self._window, "Papers written",
                                  f"{len(paths)} file(s) written to {folder}:\n" + "\n".join(p.name for p in paths))

        return self._operations.run(self._window, work, done, progress_title="Writing the papers",
                                    cancellable=False, writes_case=True, changes=WROTE,
                                    error_title="The papers were not written")
