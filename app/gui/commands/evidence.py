"""What the evidence commands do: add files, add domains, build the bundle.

Each command asks what it needs (dialogs), then hands the work to
:class:`Operations`; the pages hear what changed from the operation's
result. The ``start_*`` methods take plain values, so tests and drag and
drop call them without any dialog."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

from app.core.changes import Changes
from app.core.reporting import Reporter
from app.gui import messages
from app.gui.background import Operation, Operations
from app.gui.dialogs.add_domains import AddDomainsDialog
from app.gui.dialogs.identities import signer_text
from app.gui.dialogs.passphrase import PassphraseDialog
from app.ops import settings
from app.ops.build import BuildRequest, BuildResult, build, needs_new_identity
from app.ops.case import CaseFile
from app.ops.identity import case_signer
from app.ops.intake import DomainReport, ImportReport, add_domains, import_files
from app.ops.verify import verify_command

EVIDENCE_FILTER = (
    "Evidence (*.png *.jpg *.jpeg *.eml *.mbox *.msg *.txt *.json);;All files (*)"
)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def import_summary(report: ImportReport) -> str:
    """What an import did, in plain text: each refused file with its reason."""
    lines = [f"{_plural(len(report.imported), 'item')} added."]
    if report.refused:
        lines += ["", f"{_plural(len(report.refused), 'file')} refused (nothing of them was stored):", ""]
        lines += [f"{path}\n    {reason}" for path, reason in report.refused]
    return "\n".join(lines)


def domains_summary(report: DomainReport) -> str:
    lines = [f"{_plural(report.added, 'domain')} added; {report.duplicates} already in the case."]
    if report.problems:
        lines += ["", f"{_plural(len(report.problems), 'line')} not added:", ""]
        lines += report.problems
    return "\n".join(lines)


class CaseCommands:
    """The commands that change the open case. ``case()`` gives the case open now (or None)."""

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

    # -- evidence files ------------------------------------------------------------

    def add_evidence(self) -> None:
        """Ask for files and import them."""
        paths, _ = QFileDialog.getOpenFileNames(
            self._window, "Add evidence", str(settings.last_folder("evidence")), EVIDENCE_FILTER
        )
        if paths:
            settings.set_last_folder("evidence", Path(paths[0]).parent)
            self.start_import([Path(p) for p in paths])

    def start_import(self, paths: Sequence[Path]) -> Operation[ImportReport] | None:
        """Import files (or folders) in the background; report refusals when done."""
        case = self._case()
        if case is None or not paths:
            return None
        files = [Path(p) for p in paths]  # a snapshot: the worker never sees the caller's list

        def work(reporter: Reporter) -> ImportReport:
            return import_files(case, files, reporter=reporter)

        def done(report: ImportReport) -> None:
            self._status(f"{_plural(len(report.imported), 'item')} added, {len(report.refused)} refused")
            if report.refused:
                messages.show_message(self._window, "Some files were not added", import_summary(report))

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

    def add_domains(self) -> None:
        """Ask for a pasted list of domains and add them."""
        dialog = AddDomainsDialog(self._window)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.domains_text().strip():
            self.start_add_domains(dialog.domains_text(), dialog.source_text())

    def start_add_domains(self, text: str, source: str) -> Operation[DomainReport] | None:
        case = self._case()
        if case is None:
            return None

        def work(reporter: Reporter) -> DomainReport:
            return add_domains(case, text, source=source)

        def done(report: DomainReport) -> None:
            self._status(f"{_plural(report.added, 'domain')} added")
            if report.problems:
                messages.show_message(self._window, "Some lines were not added", domains_summary(report))

        return self._operations.run(
            self._window, work, done, progress_title="Adding domains", cancellable=False,
            writes_case=True, error_title="The domains were not added",
        )

    # -- build ---------------------------------------------------------------------------

    def build_bundle(self, *, draft: bool = False) -> None:
        """Ask for the output folder and the passphrase, then build (``draft``: documents marked DRAFT,
        made even while the pre-filing review finds blocking problems)."""
        case = self._case()
        if case is None:
            return
        folder = QFileDialog.getExistingDirectory(
            self._window, "Build the bundle into", str(settings.last_folder("output"))
        )
        if not folder:
            return
        settings.set_last_folder("output", Path(folder))
        info = case.info()
        signer = case_signer(info)
        if signer is None and info.signer_fingerprint:
            messages.show_message(
                self._window, "The bundle was not built",
                "This case is to be signed by an identity that is not on this computer:\n"
                f"  {info.signer_fingerprint}\n\nImport it, or choose another in Tools → Signing identities.",
                icon=QMessageBox.Icon.Warning)
            return
        dialog = PassphraseDialog(first_use=needs_new_identity(), parent=self._window,
                                  signer=signer_text(signer) if signer is not None else "")
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        passphrase = dialog.value() if accepted else ""
        dialog.passphrase.clear()  # the passphrase lives no longer than the build needs it
        dialog.again.clear()
        dialog.deleteLater()
        if accepted:
            self.start_build(Path(folder), passphrase, draft=draft)

    def start_build(self, out_dir: Path, passphrase: str, *, draft: bool = False) -> Operation[BuildResult] | None:
        """Sign and build in the background; a cancel leaves the output folder as it was."""
        case = self._case()
        if case is None:
            return None
        request = BuildRequest(out_dir=out_dir, passphrase=passphrase, draft=draft)

        def work(reporter: Reporter) -> BuildResult:
            return build(case, request, reporter=reporter)

        def done(result: BuildResult) -> None:
            self._status(f"Bundle built: {result.bundle}")
            documents = "\n".join(f"  {p}" for p in result.documents) or "  (none)"
            messages.show_message(
                self._window, "Bundle built",
                f"The signed bundle is at:\n  {result.bundle}\n\nDocuments:\n{documents}\n\n"
                f"Signer certificate fingerprint (SHA-256):\n  {result.fingerprint}\n\n"
                f"To check it:\n  {verify_command(str(result.bundle), result.fingerprint)}",
            )

        def stopped() -> None:
            self._status("Build cancelled; the output folder was left as it was")

        return self._operations.run(
            self._window, work, done, on_cancelled=stopped, progress_title="Building the bundle",
            writes_case=True, error_title="The bundle was not built",
        )
