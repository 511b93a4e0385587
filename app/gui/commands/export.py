"""Export filing set…: the review, the folder, the filing set written in the background; then where it is.

The work is ``app.ops.filing.export_filing_set`` (the same function as ``evbundle
export``), run on the write pool because it logs a custody entry, with a progress
dialog whose Cancel stops it between exhibits; a cancelled export leaves the folder
as it was (the ops layer writes into a temporary folder first). The result names the
folder and the file count; the files are listed under Show Details (a filing set has
dozens), with "Open folder" beside OK."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QWidget

from app.core.reporting import Reporter
from app.gui import messages
from app.gui.background import Operation, Operations
from app.gui.commands.review import ReviewGate
from app.gui.widgets import desktop
from app.ops import settings

if TYPE_CHECKING:
    from app.ops.case import CaseFile
    from app.ops.filing import ExportResult


def export_summary(result: ExportResult, folder: Path, *, draft: bool = False) -> tuple[str, str]:
    """Where the files are (the message) and every file's name (the details), as plain text."""
    kind = "draft filing set (not for filing)" if draft else "filing set"
    text = f"The {kind}, {len(result.files):,} files, is in:\n  {folder}"
    if result.paper_set is not None:
        text += f"\n\nPrint-ready paper set (with exhibit tabs): {result.paper_set.name}"
    return text, "\n".join(path.name for path in result.files)


class ExportCommand:
    """Export filing set… for the open case (``case()`` gives it, or None)."""

    def __init__(self, window: QWidget, case: Callable[[], CaseFile | None], operations: Operations,
                 status: Callable[[str], None], gate: ReviewGate | None = None) -> None:
        self._window = window
        self._case = case
        self._operations = operations
        self._status = status
        self._gate = gate
        self.last_result: ExportResult | None = None

    def ask_and_export(self) -> None:
        """Review the case, then ask for the folder, then export into it."""
        if self._gate is not None:
            self._gate.check("exporting the filing set", self.ask_where)
        else:
            self.ask_where(False)

    def ask_where(self, draft: bool = False) -> None:
        case = self._case()
        if case is None:
            return
        folder = QFileDialog.getExistingDirectory(
            self._window, "Export the filing set into", str(settings.last_folder("filing", case.path))
        )
        if folder:
            settings.set_last_folder("filing", Path(folder), case.path)
            self.start_export(Path(folder), draft=draft)

    def start_export(self, folder: Path, *, draft: bool = False) -> Operation[ExportResult] | None:
        """Write the filing set into ``folder`` in the background, with progress and Cancel; refused
        (the review's blocking problems shown) while the case is not fileable, unless ``draft``."""
        case = self._case()
        if case is None:
            return None

        def work(reporter: Reporter) -> ExportResult:
            from app.ops.filing import export_filing_set

            reporter.progress(0, 0, "Reviewing the papers…" if not draft else "Checking the exhibits' hashes…")
            return export_filing_set(case, folder, reporter=reporter, draft=draft)

        def done(result: ExportResult) -> None:
            self.last_result = result
            self._status(f"Filing set exported to {folder}")
            text, details = export_summary(result, folder, draft=draft)
            messages.show_message(self._window, "Draft filing set exported" if draft else "Filing set exported",
                                  text, details=details, actions=[("Open folder", lambda: desktop.show_folder(folder))])

        def stopped() -> None:
            self._status("Export cancelled; the folder was left as it was")

        self._status(f"Exporting the filing set to {folder}…")
        return self._operations.run(
            self._window, work, done, on_cancelled=stopped, progress_title="Exporting the filing set",
            writes_case=True, error_title="The filing set was not exported",
        )
