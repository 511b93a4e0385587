"""Verify a bundle from the window: choose a zip or folder, check it in the background, read every problem.

The dialog shows the same report as ``evbundle verify`` (verdict, signer and
whether this machine trusts it, timestamp, every problem naming its file) as
plain text, and can save it as the PDF report. All the checking is done by
``app.ops.verify_report`` on a background thread; this only shows the result."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import explain
from app.core.reporting import Reporter
from app.gui.background import Operation, Operations
from app.gui.palette import paint_text
from app.gui.widgets.screen_fit import fit_to_screen
from app.ops.verify import UNKNOWN_SIGNER, VALID, VerificationReport, shown, verify_here
from app.ops.verify_report import write_report_pdf

DRAFT_NOTE = ("A DRAFT: this window built this bundle as a draft. Its documents say DRAFT on every page; "
              "it is not for filing.")


class VerifyDialog(QDialog):
    """Choose a bundle, verify it off the GUI thread, show the full report."""

    def __init__(
        self,
        operations: Operations,
        parent: QWidget | None = None,
        *,
        ask_open: Callable[[], Path | None] | None = None,
        ask_folder: Callable[[], Path | None] | None = None,
        ask_save: Callable[[], Path | None] | None = None,
        suggested: Path | None = None,
        draft: Callable[[Path], bool] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Verify a bundle")
        fit_to_screen(self, 820, 560)
        self._operations = operations
        self._ask_open = ask_open or self._choose_zip
        self._ask_folder = ask_folder or self._choose_folder
        self._ask_save = ask_save or self._choose_pdf
        self.report: VerificationReport | None = None
        self._draft = draft  # whether this window built the bundle as a draft (the bundle itself does not say)
        self._path: Path | None = None

        # one line (no word wrap): a wrapping label re-sizes the dialog each time a path replaces this
        self.source = QLabel("No bundle chosen yet: open a signed bundle (.zip) or its unzipped folder to check it.")
        self.source.setTextFormat(Qt.TextFormat.PlainText)
        self.source.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # a long path may be cut at the dialog's edge (it is selectable, and whole in the report below),
        # never widen the dialog past the screen
        self.source.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        open_zip = QPushButton("Open bundle (.zip)…")
        open_zip.clicked.connect(self.choose_and_verify)
        open_folder = QPushButton("Open unzipped folder…")
        open_folder.clicked.connect(self.choose_folder_and_verify)
        choose = QHBoxLayout()
        choose.addWidget(open_zip)
        choose.addWidget(open_folder)
        self.suggested = suggested
        self.last_button = QPushButton(f"Verify {suggested.name}" if suggested else "")
        self.last_button.setToolTip(f"The bundle built last on this computer: {suggested}" if suggested else "")
        self.last_button.setVisible(suggested is not None)
        if suggested is not None:
            self.last_button.clicked.connect(lambda: self.verify(suggested))
        choose.addWidget(self.last_button)
        choose.addStretch(1)

        self.verdict = QLabel("")
        self.verdict.setTextFormat(Qt.TextFormat.PlainText)
        font = self.verdict.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.verdict.setFont(font)
        self.draft_note = QLabel(DRAFT_NOTE)
        self.draft_note.setTextFormat(Qt.TextFormat.PlainText)
        self.draft_note.setWordWrap(True)
        self.draft_note.setFont(font)
        paint_text(self.draft_note, "warning")
        self.draft_note.setVisible(False)
        self.signer = QLabel("")
        self.signer.setTextFormat(Qt.TextFormat.PlainText)
        self.signer.setWordWrap(True)
        self.signer.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QPlainTextEdit()
        self.details.setTabChangesFocus(True)
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.details.setPlaceholderText("Every problem found will be listed here, with the file it concerns.")

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.save_button = buttons.addButton("Save PDF report…", QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.save_report)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(choose)
        layout.addWidget(self.source)
        layout.addWidget(self.verdict)
        layout.addWidget(self.draft_note)
        layout.addWidget(self.signer)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)

    # -- choosing --------------------------------------------------------------

    def _choose_zip(self) -> Path | None:
        start = str(self.suggested.parent) if self.suggested is not None else ""
        name, _ = QFileDialog.getOpenFileName(self, "Verify which bundle?", start, "Evidence bundles (*.zip)")
        return Path(name) if name else None

    def _choose_folder(self) -> Path | None:
        name = QFileDialog.getExistingDirectory(self, "Verify which unzipped bundle?")
        return Path(name) if name else None

    def _choose_pdf(self) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self, "Save the verification report", "verification-report.pdf",
                                              "PDF (*.pdf)")
        return Path(name) if name else None

    def choose_and_verify(self) -> None:
        path = self._ask_open()
        if path is not None:
            self.verify(path)

    def choose_folder_and_verify(self) -> None:
        path = self._ask_folder()
        if path is not None:
            self.verify(path)

    # -- verifying -------------------------------------------------------------

    def verify(self, path: Path) -> Operation[VerificationReport]:
        """Verify ``path`` in the background; the result fills the dialog."""
        self.report = None
        self.save_button.setEnabled(False)
        self._path = path
        self.draft_note.setVisible(False)
        self.source.setText(f"Bundle: {path}")
        self.verdict.setText("Verifying…")
        self.signer.setText("")
        self.details.setPlainText("")

        def work(reporter: Reporter) -> VerificationReport:
            return verify_here(path, reporter=reporter)

        return self._operations.run(
            self, work, self.show_report,
            on_cancelled=lambda: self.verdict.setText("Verification cancelled."),
            on_failure=self._failed,
            progress_title="Verifying the bundle",
        )

    def _failed(self, error: BaseException) -> None:
        # A bundle that cannot even be opened (hostile, not a bundle) is a verdict too, not a crash.
        text = explain(error) or f"{error.__class__.__name__}: {error}"
        self.verdict.setText("NOT VERIFIED: the bundle could not be checked.")
        paint_text(self.verdict, "bad")
        self.details.setPlainText(shown(text))

    def show_report(self, report: VerificationReport) -> None:
        self.report = report
        # Three verdicts, three colours: an intact bundle signed by an unknown key (what a re-signed
        # forgery looks like) is amber, never the green of VALID.
        self.verdict.setText(f"{report.verdict_text()}.\n{report.verdict_detail()}")
        self.verdict.setWordWrap(True)
        paint_text(self.verdict, {VALID: "good", UNKNOWN_SIGNER: "warning"}.get(report.verdict, "bad"))
        self.draft_note.setVisible(self._path is not None and self._draft is not None and self._draft(self._path))
        if report.signer is not None:
            self.signer.setText(f"Signed by {shown(report.signer.subject)}\n"
                                f"Fingerprint (SHA-256): {shown(report.signer.fingerprint)}\n{report.trust_text()}")
        else:
            self.signer.setText(report.trust_text())
        self.details.setPlainText(report.to_text())
        self.save_button.setEnabled(True)

    def save_report(self) -> None:
        if self.report is None:
            return
        target = self._ask_save()
        if target is None:
            return
        report = self.report
        self._operations.run(
            self, lambda _reporter: write_report_pdf(report, target),
            lambda path: self.source.setText(f"Bundle: {report.source}\nReport saved: {path}"),
            cancellable=False, error_title="The report was not saved",
        )
