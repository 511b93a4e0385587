"""Live lookups from the window: ask which kinds, say that the internet will be contacted, run with progress and cancel.

Nothing is looked up unless the user presses "Look up" in this dialog. The
work runs through :class:`Operations` (background, progress dialog with a
Cancel button); replies already received when the user cancels are kept as
evidence, each with its custody entry.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.ops.lookups import LookupReport, LookupServers, lookup_domains
from app.store import CaseFile

from . import messages
from .background import Operation, Operations, Progress
from .events import CaseEvents


class LookupDialog(QDialog):
    """Which lookups, how fast; plainly says that servers on the internet will be asked."""

    def __init__(self, count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Look up domains")
        self.rdap = QCheckBox("RDAP (registry, over HTTPS)")
        self.rdap.setChecked(True)
        self.whois = QCheckBox("WHOIS (port 43)")
        self.dns = QCheckBox("DNS (A, AAAA, NS, MX, TXT)")
        self.rate = QDoubleSpinBox()
        self.rate.setRange(0.1, 20.0)
        self.rate.setValue(1.0)
        self.rate.setSuffix(" per second")
        warning = QLabel(
            f"This sends {count:,} domain name{'' if count == 1 else 's'} to registry, WHOIS and DNS servers "
            "on the internet. Each reply is kept in the case as evidence, with its hashes."
        )
        warning.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.rdap)
        form.addRow(self.whois)
        form.addRow(self.dns)
        form.addRow("At most:", self.rate)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.look_up = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.look_up.setText("Look up")
        for box in (self.rdap, self.whois, self.dns):  # nothing ticked, nothing to look up
            box.toggled.connect(lambda _on: self.look_up.setEnabled(bool(self.kinds())))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(warning)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(440)  # the warning reads as two lines, not six

    def kinds(self) -> list[str]:
        return [kind for kind, box in (("rdap", self.rdap), ("whois", self.whois), ("dns", self.dns))
                if box.isChecked()]


def lookup_summary(report: LookupReport) -> str:
    lines = [f"{len(report.stored)} repl{'y' if len(report.stored) == 1 else 'ies'} kept as evidence."]
    lines += [f"No reply: {kind} {name}: {reason}" for name, kind, reason in report.failed[:20]]
    if len(report.failed) > 20:
        lines.append(f"… and {len(report.failed) - 20} more")
    return "\n".join(lines)


class LookupCommand:
    """``ask_and_lookup(names)`` for the domains page; ``servers`` lets tests use 127.0.0.1."""

    def __init__(self, window: QWidget, case: Callable[[], CaseFile | None], operations: Operations,
                 events: CaseEvents, servers: LookupServers | None = None) -> None:
        self._window = window
        self._case = case
        self._operations = operations
        self._events = events
        self.servers = servers or LookupServers()

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

        def work(progress: Progress, cancelled: Callable[[], bool]) -> LookupReport:
            return lookup_domains(case, wanted, kinds, rate_limit=rate, servers=servers, cancelled=cancelled,
                                  progress=lambda done, total: progress(done, total, f"{done} of {total} lookups"))

        def done(report: LookupReport) -> None:
            self._events.itemsChanged.emit()
            if report.failed:
                messages.show_message(self._window, "Some lookups got no reply", lookup_summary(report))

        return self._operations.run(
            self._window, work, done, on_cancelled=self._events.itemsChanged.emit,
            progress_title="Looking up domains", cancellable=True, writes_case=True,
            error_title="The lookups stopped",
        )
