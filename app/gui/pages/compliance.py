"""The Compliance page: before filing, is each domain live and who else would be hurt; after the order, did each
registry comply. A table of the domains as the last run (or the case's newest records) left them, the chosen
domain's details below, and the buttons that run a check (only when pressed, or on the opt-in schedule) and
write the report, the follow-up letters and the status report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import explain
from app.gui.background import Operations
from app.gui.commands.checks import CheckCommand
from app.gui.events import CaseEvents
from app.gui.models.checks import CheckRowsModel, result_of
from app.gui.widgets.labels import heading, plain_label
from app.gui.widgets.tables import make_table
from app.ops import settings
from app.ops.case import CaseFile, edit_case
from app.ops.checks import CheckRun, DomainState

MODES = (("compliance", "After the order: did each registry comply?"),
         ("precheck", "Before filing: is each domain live, who else would be hurt?"))
SHOW = (("all", "All domains"), ("attention", "Only those that need attention"))


class CompliancePage(QWidget):
    """Mode, the order's facts, run and write buttons, the opt-in schedule; the table and the details."""

    def __init__(self, case: Callable[[], CaseFile | None], operations: Operations, events: CaseEvents,
                 command: CheckCommand) -> None:
        super().__init__()
        self._case = case
        self._operations = operations
        self.command = command
        self.run: CheckRun | None = None
        self.heading = heading("Compliance")
        self.mode = QComboBox()
        for key, label in MODES:
            self.mode.addItem(label, key)
        self.remedy = QComboBox()
        self.remedy.addItem("serverHold (out of the DNS)", "hold")
        self.remedy.addItem("Redirect to the sinkhole name servers", "redirect")
        self.remedy.setToolTip("What the order asks of each registry (kept with the case, logged)")
        self.sinkholes = QLineEdit()
        self.sinkholes.setPlaceholderText("ns1.sinkhole.example ns2.sinkhole.example")
        self.sinkholes.setToolTip("The sinkhole name servers the order names (kept with the case when a check runs)")
        self.since = QLineEdit()
        self.since.setPlaceholderText("YYYY-MM-DD")
        self.since.setToolTip("The date the order was entered: only records from then on count")
        self.hearing = QLineEdit()
        self.hearing.setPlaceholderText("YYYY-MM-DD")
        self.hearing.setToolTip('The expected hearing, for "expires before the hearing"')
        self.rate = QDoubleSpinBox()
        self.rate.setRange(0.1, 50.0)
        self.rate.setValue(1.0)
        self.rate.setSuffix(" per second per registry")
        left, right = QFormLayout(), QFormLayout()
        left.addRow("Check:", self.mode)
        left.addRow("The order asks for:", self.remedy)
        left.addRow("Sinkhole name servers:", self.sinkholes)
        right.addRow("Order entered on:", self.since)
        right.addRow("Hearing on:", self.hearing)
        right.addRow("At most:", self.rate)
        form = QHBoxLayout()
        form.addLayout(left, 3)
        form.addSpacing(16)
        form.addLayout(right, 2)
        self.warning = plain_label("Checking sends every domain name of the case to its registry's RDAP (or WHOIS) "
                                   "server and to the TLD's name servers on the internet, never to the domains' "
                                   "own servers. Each reply is kept as an exhibit with its hashes.")
        self.check_button = QPushButton("Check now")
        self.check_button.setToolTip("Ask every domain's registry and TLD now; each reply becomes an exhibit")
        self.write_button = QPushButton("Write report and letters…")
        self.write_button.setToolTip("The report (PDF, CSV) and, after the order, a follow-up letter to each "
                                     "registry that has not complied and the status report to the court")
        self.write_button.setEnabled(False)
        self.schedule = QCheckBox("Check again every")
        self.schedule.setToolTip("While the app is open, re-run the compliance check on its own (off by default)")
        self.minutes = QSpinBox()
        self.minutes.setRange(5, 24 * 60)
        self.minutes.setValue(60)
        self.minutes.setSuffix(" minutes")
        self.show_rows = QComboBox()
        for key, label in SHOW:
            self.show_rows.addItem(label, key)
        buttons = QHBoxLayout()
        for widget in (self.check_button, self.write_button, self.schedule, self.minutes):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        buttons.addWidget(self.show_rows)
        self.summary = plain_label("")
        self.model = CheckRowsModel(self)
        self.view = make_table(self.model, sortable=True)
        for column, width in enumerate((220, 170, 120, 130, 250, 240, 170, 90, 140, 200)):
            self.view.setColumnWidth(column, width)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setPlaceholderText("Choose a domain to see what the registry and the zone showed.")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.view)
        split.addWidget(self.details)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addWidget(self.warning)
        layout.addLayout(buttons)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)

        self.timer = QTimer(self)
        self.timer.timeout.connect(self.scheduled_check)
        self.mode.currentIndexChanged.connect(self._mode_changed)
        self.remedy.activated.connect(self._remedy_chosen)
        self.check_button.clicked.connect(self.check_now)
        self.write_button.clicked.connect(self.ask_and_write)
        self.schedule.toggled.connect(self._schedule_changed)
        self.minutes.valueChanged.connect(self._schedule_changed)
        self.show_rows.currentIndexChanged.connect(self._show)
        self.since.editingFinished.connect(self.reload)
        self.hearing.editingFinished.connect(self.reload)
        self.view.selectionModel().selectionChanged.connect(self._selected)
        self._running = False  # a check of ours is running: its own result, not a reload, will be shown
        operations.busyChanged.connect(self._idle)
        events.caseOpened.connect(lambda _case: self._case_opened())
        events.caseClosed.connect(self._case_closed)
        events.itemsChanged.connect(self.reload)
        events.infoChanged.connect(self._show_case_details)
        self._mode_changed()

    # -- state ---------------------------------------------------------------------------------

    @property
    def kind(self) -> str:
        return str(self.mode.currentData())

    def hearing_date(self) -> date | None:
        text = self.hearing.text().strip()
        try:
            return date.fromisoformat(text) if text else None
        except ValueError:
            return None

    def sinkhole_names(self) -> list[str]:
        return [n for n in self.sinkholes.text().replace(",", " ").split() if n]

    def _mode_changed(self) -> None:
        compliance = self.kind == "compliance"
        self.heading.setText("After the order: compliance" if compliance else "Before filing: pre-filing check")
        for widget in (self.remedy, self.since, self.schedule, self.minutes):
            widget.setEnabled(compliance)
        self.hearing.setEnabled(not compliance)
        self._schedule_changed()
        self.reload()

    def _case_opened(self) -> None:
        self._show_case_details()
        self.reload()

    def _case_closed(self) -> None:
        self.schedule.setChecked(False)
        self.run = None
        self.model.set_run(None)
        self.summary.setText("")
        self.details.clear()
        self.write_button.setEnabled(False)

    def _show_case_details(self) -> None:
        case = self._case()
        if case is None:
            return
        info = case.info()
        self.remedy.setCurrentIndex(max(0, self.remedy.findData(info.remedy)))
        if not self.sinkholes.text().strip() or self.sinkholes.text().split() != list(info.sinkhole_nameservers):
            self.sinkholes.setText(" ".join(info.sinkhole_nameservers))

    def _remedy_chosen(self) -> None:
        case = self._case()
        if case is None or case.info().remedy == self.remedy.currentData():
            return
        remedy = str(self.remedy.currentData())
        self._operations.run(self, lambda _r: edit_case(case, remedy=remedy), lambda _done: self.reload(),
                             writes_case=True, error_title="The remedy was not changed")

    # -- running -------------------------------------------------------------------------------

    def check_now(self, *, progress: bool = True) -> None:
        """Run the chosen check over every domain of the case (in the background)."""
        operation = self.command.run(self.kind, since=self.since.text().strip(), hearing=self.hearing_date(),
                                     sinkholes=self.sinkhole_names(), rate=self.rate.value(), on_done=self._finished,
                                     progress=progress)
        self._running = operation is not None

    def _finished(self, run: CheckRun) -> None:
        self._running = False
        self.show_run(run)

    def _idle(self, busy: bool) -> None:
        self.check_button.setEnabled(not busy)
        if not busy and self._running:  # the run failed or was cancelled: show what the case now holds
            self._running = False
            self.reload()

    def scheduled_check(self) -> None:
        """The opt-in schedule's tick: a compliance check, unless other work is running."""
        if self.kind == "compliance" and self._case() is not None and not self._operations.is_busy():
            self.check_now(progress=False)

    def _schedule_changed(self) -> None:
        if self.schedule.isChecked() and self.kind == "compliance":
            self.timer.start(self.minutes.value() * 60 * 1000)
        else:
            self.timer.stop()

    def reload(self) -> None:
        """Show what the case's newest records say (no lookup), quietly off the window's thread."""
        if self._case() is None or self._running:
            return
        wanted = self.kind
        self.command.load_latest(wanted, since=self.since.text().strip(), hearing=self.hearing_date(),
                                 on_done=lambda run: self.show_run(run) if self.kind == wanted else None,
                                 on_failure=lambda exc: self.summary.setText(
                                     f"The case's records could not be read: {explain(exc) or repr(exc)}"))

    def show_run(self, run: CheckRun) -> None:
        """Show a run's rows and summary (from a check just run, or from the case's records)."""
        if run.kind != self.kind:
            return
        self.run = run
        self.write_button.setEnabled(bool(run.states))
        self._show()
        counts = run.counts()
        when = f"observed up to {run.finished_at[:19].replace('T', ' ')} UTC" if run.finished_at else "not checked yet"
        if run.kind == "compliance":
            text = (f"{counts.get('complied', 0):,} complied, {counts.get('partly', 0):,} partly, "
                    f"{counts.get('not-yet', 0):,} not yet, of {len(run.states):,} domains; {when}.")
        else:
            blocking = sum(1 for f in run.collateral if f.severity == "blocking")
            text = (f"{counts.get('ready', 0):,} ready, {counts.get('not-ready', 0):,} to check, of "
                    f"{len(run.states):,} domains; {len(run.collateral)} collateral-damage flag(s)"
                    f"{f' ({blocking} blocking)' if blocking else ''}; {when}.")
        if run.failures:
            text += f" {len(run.failures):,} queries got no reply."
        self.summary.setText(text)

    def _show(self) -> None:
        attention = self.show_rows.currentData() == "attention"
        self.model.set_run(self.run, (lambda s: result_of(s) not in ("complied", "ready")) if attention
                           else (lambda _s: True))
        self.details.clear()

    def _selected(self) -> None:
        rows = self.view.selectionModel().selectedRows()
        proxy = self.view.model()
        state = None
        if rows:
            source = proxy.mapToSource(rows[0]) if hasattr(proxy, "mapToSource") else rows[0]
            state = self.model.state(source.row())
        self.details.setPlainText(describe(state, self.run) if state is not None else "")

    def ask_and_write(self) -> None:
        if self.run is None:
            return
        folder = QFileDialog.getExistingDirectory(self, "Write the papers into", str(settings.last_folder("export")))
        if folder:
            settings.set_last_folder("export", Path(folder))
            self.command.write_papers(self.run, Path(folder), lambda _paths: None)


def describe(state: DomainState, run: CheckRun | None) -> str:
    """The details pane's text for one domain."""
    yes = {True: "yes", False: "no", None: "unknown"}
    lines = [f"{state.domain}" + (f" ({state.unicode})" if state.unicode != state.domain else "")
             + f": {state.registry}"]
    if state.verdict:
        lines.append(f"Verdict: {state.verdict.replace('-', ' ')}" + (f" ({state.how})" if state.how else ""))
        lines += [f"  still missing: {m}" for m in state.missing]
    lines += [
        f"Registered: {yes[state.registered]}   resolving: {yes[state.resolving]}",
        f"Statuses: {', '.join(state.statuses) or 'none'}",
        f"Name servers (registry): {', '.join(state.name_servers) or 'none'}",
        f"Name servers (TLD zone): {', '.join(state.delegation) or 'none'}",
        f"Registrar: {state.registrar or 'unknown'}   created {state.created[:10] or '?'}   "
        f"expires {state.expires[:10] or '?'}",
        f"Observed: {state.observed_at[:19].replace('T', ' ') or 'never'} UTC",
    ]
    lines += [f"{f.severity}: {f.message}" + (f"\n  for the order: {f.hint}" if f.hint else "") for f in state.flags]
    if run is not None:
        exhibits = run.exhibit_labels(state)
        if exhibits:
            lines.append("Replies kept as Exhibit" + ("s " if len(exhibits) > 1 else " ")
                         + ", ".join(map(str, exhibits)))
    return "\n".join(lines)
