"""Renew a bundle…: choose a bundle, add an archive timestamp in the background, say what was written.

The work is ``app.ops.renewal.renew`` (the same function as ``evbundle renew``), with the
settings' timestamp authorities. A zip is renewed into a new zip beside it
(``NAME-renewed-DATE.zip``); the original is never changed from the window. When a case is
open the renewal is recorded in its custody log, so the case stops asking for it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from app.core.reporting import Reporter
from app.gui import messages
from app.gui.background import Operation, Operations
from app.ops import settings
from app.ops.case import CaseFile
from app.ops.renewal import RenewResult, renew
from app.ops.verify import shown


def renewal_summary(result: RenewResult) -> str:
    """What was written and what the new timestamp says, as plain text (bundle text escaped)."""
    renewed, stamp = result.renewed, result.renewed.timestamp
    lines = [f"Archive timestamp {renewed.number} was added; the renewed bundle is:", f"  {renewed.path}", "",
             f"Timestamp: {stamp.time:%Y-%m-%d %H:%M:%S} UTC by {shown(stamp.authority)}",
             f"Its certificate is valid until {stamp.authority_not_valid_after:%Y-%m-%d}.", "", "Files added:"]
    lines += [f"  {name}" for name in renewed.added]
    lines += [f"Note: {shown(note)}" for note in renewed.notes]
    return "\n".join(lines)


class RenewCommand:
    """Renew a bundle… (needs no case; the open one, if any, records the renewal)."""

    def __init__(self, window: QWidget, case: Callable[[], CaseFile | None], operations: Operations,
                 status: Callable[[str], None]) -> None:
        self._window = window
        self._case = case
        self._operations = operations
        self._status = status

    def ask_and_renew(self) -> None:
        """Ask for the bundle, then renew it."""
        chosen, _ = QFileDialog.getOpenFileName(self._window, "Renew which bundle?",
                                                str(settings.last_folder("bundle")), "Bundles (*.zip)")
        if chosen:
            settings.set_last_folder("bundle", Path(chosen).parent)
            self.start_renew(Path(chosen))

    def start_renew(self, bundle: Path) -> Operation[RenewResult]:
        """Renew ``bundle`` in the background, with progress and Cancel."""
        case = self._case()

        def work(reporter: Reporter) -> RenewResult:
            return renew(bundle, case=case, reporter=reporter)

        def done(result: RenewResult) -> None:
            self._status(f"Bundle renewed: {result.renewed.path}")
            messages.show_message(self._window, "Bundle renewed", renewal_summary(result))

        self._status(f"Renewing {bundle}…")
        return self._operations.run(
            self._window, work, done, progress_title="Renewing the bundle", writes_case=case is not None,
            error_title="The bundle was not renewed",
            on_cancelled=lambda: self._status("Renewal cancelled; nothing was written"),
        )
