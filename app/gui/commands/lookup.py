"""Live lookups from the window: ask which kinds, say that the internet will be contacted, run with progress and cancel.

Nothing is looked up unless the user presses "Look up" in this dialog. The
work runs through :class:`Operations` (background, progress dialog with a
Cancel button); replies already received when the user cancels are kept as
evidence, each with its custody entry."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QWidget,
)

from app.core.changes import Changes
from app.core.reporting import Reporter
from app.gui import messages
from app.gui.background import Operation, Operations
from app.gui.dialogs.lookup import LookupDialog

if TYPE_CHECKING:
    from app.ops.case import CaseFile
    from app.ops.lookups import LookupReport, LookupServers


def lookup_summary(report: LookupReport) -> str:
    lines = [f"{len(report.stored)} repl{'y' if len(report.stored) == 1 else 'ies'} kept as evidence."]
    lines += [f"No reply: {kind} {name}: {reason}" for name, kind, reason in report.failed[:20]]
    if len(report.failed) > 20:
        lines.append(f"… and {len(report.failed) - 20} more")
    return "\n".join(lines)


class LookupCommand:
    """``ask_and_lookup(names)`` for the domains page; ``servers`` lets tests use 127.0.0.1."""

    def __init__(self, window: QWidget, case: Callable[[], CaseFile | None], operations: Operations,
                 servers: LookupServers | None = None) -> None:
        self._window = window
        self._case = case
        self._operations = operations
        self.servers = servers  # None: the real servers (app.ops.lookups' defaults)

    def ask_and_lookup(self, names: Sequence[str]) -> Operation[LookupReport] | None:
        if not names:
            return None
        dialog = LookupDialog(len(names), self._window)
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.kinds():
            return None
        return self.start(names, dialog.kinds(), dialog.rate.value())

    def start(self, names: Sequence[str], kinds: Sequence[str], rate: float) -> Operation[LookupReport] | None:
        case = self._case()
        if case is None:
            return None
        wanted, servers = list(names), self.servers

        def work(reporter: Reporter) -> LookupReport:
            from app.ops.lookups import LookupServers, lookup_domains

            return lookup_domains(case, wanted, kinds, rate_limit=rate, servers=servers or LookupServers(),
                                  reporter=reporter)

        def done(report: LookupReport) -> None:
            if report.failed:
                messages.show_message(self._window, "Some lookups got no reply", lookup_summary(report))

        return self._operations.run(
            self._window, work, done, progress_title="Looking up domains", cancellable=True, writes_case=True,
            may_change=Changes.to_case(items=True, exhibits=True),  # the replies received before a cancel
            error_title="The lookups stopped",
        )
