"""What the evidence commands do: add files, add domains (pasted, or read from a list file).

Each command asks what it needs (dialogs), then hands the work to
:class:`Operations`; the pages hear what changed from the operation's
result. The ``start_*`` methods take plain values, so tests and drag and
drop call them without any dialog. A file Add evidence refuses because it
is a list of domains is offered to Add domains instead."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from app.core.changes import Changes
from app.core.reporting import Reporter
from app.gui import messages
from app.gui.background import Operation, Operations
from app.ops import settings

if TYPE_CHECKING:
    from app.ops.case import CaseFile
    from app.ops.intake import DomainReport, ImportReport

@dataclass(frozen=True)
class Imported:
    """An import's report, and the refused files that read as lists of domains (path -> their text)."""

    report: ImportReport
    domain_lists: dict[str, str]

    @property
    def changes(self) -> Changes:
        return self.report.changes


EVIDENCE_FILTER = (
    "Evidence (*.png *.jpg *.jpeg *.eml *.mbox *.msg *.txt *.json);;All files (*)"
)


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def import_summary(report: ImportReport) -> tuple[str, str]:
    """What an import did, in plain text, and the refused files with their reasons (the details)."""
    text = f"{_plural(len(report.imported), 'item')} added."
    if report.refused:
        kept = "it was not stored" if len(report.refused) == 1 else "none of them was stored"
        text += f"\n\n{_plural(len(report.refused), 'file')} refused ({kept}):"
        text += "".join(f"\n  {Path(path).name}: {reason}" for path, reason in report.refused[:5])
        if len(report.refused) > 5:
            text += f"\n  … and {len(report.refused) - 5:,} more (under Show Details)"
    details = "\n".join(f"{path}\n    {reason}" for path, reason in report.refused)
    return text, details


def domains_summary(report: DomainReport) -> tuple[str, str]:
    text = f"{_plural(report.added, 'domain')} added; {report.duplicates:,} already in the case."
    if report.problems:
        text += f"\n\n{_plural(len(report.problems), 'line')} not added (the reasons are under Show Details)."
    return text, "\n".join(report.problems)


class CaseCommands:
    """The commands that add to the open case. ``case()`` gives the case open now (or None)."""

    def __init__(
        self,
        window: QWidget,
        case: Callable[[], CaseFile | None],
        operations: Operations,
        status: Callable[[str], None],
    ) -> None:
        self._window = window
        self._case = case
        self._operations = operations
        self._status = status

    def _folder(self, purpose: str) -> Path:
        case = self._case()
        return settings.last_folder(purpose, case.path if case is not None else None)

    def _remember(self, purpose: str, folder: Path) -> None:
        case = self._case()
        settings.set_last_folder(purpose, folder, case.path if case is not None else None)

    # -- evidence files ------------------------------------------------------------

    def add_evidence(self) -> None:
        """Ask for files and import them."""
        paths, _ = QFileDialog.getOpenFileNames(
            self._window, "Add evidence", str(self._folder("evidence")), EVIDENCE_FILTER
        )
        if paths:
            self._remember("evidence", Path(paths[0]).parent)
            self.start_import([Path(p) for p in paths])

    def start_import(self, paths: Sequence[Path]) -> Operation[Imported] | None:
        """Import files (or folders) in the background; report refusals when done."""
        case = self._case()
        if case is None or not paths:
            return None
        files = [Path(p) for p in paths]  # a snapshot: the worker never sees the caller's list

        def work(reporter: Reporter) -> Imported:
            from app.ops.intake import import_files, read_domain_list

            report = import_files(case, files, reporter=reporter)
            lists = {path: text for path, _reason in report.refused
                     if (text := read_domain_list(Path(path))) is not None}
            return Imported(report, lists)

        def done(result: Imported) -> None:
            report, lists = result.report, result.domain_lists
            self._status(f"{_plural(len(report.imported), 'item')} added, {len(report.refused):,} refused")
            if not report.refused:
                return
            text, details = import_summary(report)
            actions: list[tuple[str, Callable[[], object]]] = []
            if lists:
                names = ", ".join(Path(p).name for p in lists)
                text += (f"\n\n{names} {'reads' if len(lists) == 1 else 'read'} as a list of domains: "
                         "Add domains… adds the domains in it.")
                joined = "\n".join(lists.values())
                actions.append(("Add as domains…", lambda: self.add_domains(joined, names)))
            messages.show_message(self._window, "Some files were not added", text, details=details, actions=actions)

        def stopped() -> None:
            self._status("Import cancelled; the files imported before it are kept")

        def failed(error: BaseException) -> None:
            messages.show_error(self._window, "The import stopped", error)

        self._status(f"Importing {_plural(len(files), 'file')}…")
        return self._operations.run(
            self._window, work, done, on_failure=failed, on_cancelled=stopped,
            progress_title="Adding evidence", writes_case=True,
            may_change=Changes.to_case(items=True, exhibits=True),  # the files before a cancel or a failure
        )

    # -- domains ---------------------------------------------------------------------

    def add_domains(self, text: str = "", source: str = "") -> None:
        """Ask for a list of domains (pasted, or read from a file) and add them."""
        from app.gui.dialogs.add_domains import AddDomainsDialog

        dialog = AddDomainsDialog(self._window, folder=self._folder("domains"))
        if text:
            dialog.text.setPlainText(text)
            dialog.source.setText(source)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.domains_text().strip():
            if dialog.file is not None:
                self._remember("domains", dialog.file.parent)
            self.start_add_domains(dialog.domains_text(), dialog.source_text())

    def start_add_domains(self, text: str, source: str) -> Operation[DomainReport] | None:
        case = self._case()
        if case is None:
            return None

        def work(reporter: Reporter) -> DomainReport:
            from app.ops.intake import add_domains

            return add_domains(case, text, source=source)

        def done(report: DomainReport) -> None:
            self._status(f"{_plural(report.added, 'domain')} added")
            if report.problems:
                summary, details = domains_summary(report)
                messages.show_message(self._window, "Some lines were not added", summary, details=details)

        return self._operations.run(
            self._window, work, done, progress_title="Adding domains", cancellable=False,
            writes_case=True, error_title="The domains were not added",
        )
