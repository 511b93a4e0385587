"""Export filing set…: choose a folder, write the filing set in the background, say where it is.

The work is ``app.ops.filing.export_filing_set`` (the same function as ``evbundle
export``), run on the write pool because it logs a custody entry, with a progress
dialog whose Cancel stops it between exhibits; a cancelled export leaves the folder
as it was (the ops layer writes into a temporary folder first)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from app.core.reporting import Reporter
from app.gui import messages
from app.gui.background import Operation, Operations
from app.ops import settings
from app.ops.case import CaseFile
from app.ops.filing import ExportResult, export_filing_set


def export_summary(result: ExportResult, folder: Path) -> str:
    """Where the files are, one name a line, as plain text."""
    lines = [f"{len(result.files)} files were written to:", f"  {folder}", ""]
    lines += [f"  {path.name}" for path in result.files]
    if result.paper_set is not None:
        lines += ["", f"Print-ready paper set (with exhibit tabs): {result.paper_set.name}"]
    return "\n".join(lines)


class ExportCommand:
    """Export filing set… for the open case (``case()`` gives it, or None)."""

    def __init__(self, window: QWidget, case: Callable[[], CaseFile | None], operations: Operations,
                 status: Callable[[str], None]) -> None:
        self._window = window
        self._case = case
        self._operations = operations
        self._status = status
        self.last_result: ExportResult | None = None

    def ask_and_export(self, *, draft: bool = False) -> None:
        """Ask for the folder, then export into it (``draft``: marked DRAFT, even while the pre-filing
        review finds blocking problems)."""
        if self._case() is None:
            return
        folder = QFileDialog.getExistingDirectory(
            self._window, "Export the draft filing set into" if draft else "Export the filing set into",
            str(settings.last_folder("filing"))
        )
        if folder:
            settings.set_last_folder("filing", Path(folder))
            self.start_export(Path(folder), draft=draft)

    def start_export(self, folder: Path, *, draft: bool = False) -> Operation[ExportResult] | None:
        """Write the filing set into ``folder`` in the background, with progress and Cancel; refused
        (the review's blocking problems shown) while the case is not fileable, unless ``draft``."""
        case = self._case()
        if case is None:
            return None

        def work(reporter: Reporter) -> ExportResult:
            reporter.progress(0, 0, "Reviewing the papers…" if not draft else "Checking the exhibits' hashes…")
            return export_filing_set(case, folder, reporter=reporter, draft=draft)

        def done(result: ExportResult) -> None:
            self.last_result = result
            self._status(f"Filing set exported to {folder}")
            messages.show_message(self._window, "Filing set exported", export_summary(result, folder))

        def stopped() -> None:
            self._status("Export cancelled; the folder was left as it was")

        self._status(f"Exporting the filing set to {folder}…")
        return self._operations.run(
            self._window, work, done, on_cancelled=stopped, progress_title="Exporting the filing set",
            writes_case=True, error_title="The filing set was not exported",
        )
