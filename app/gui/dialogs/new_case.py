"""A new case: where its file goes, and its details (the same form as Edit → Case details…).

Everything the documents print can be given now (title, court, case number, parties, the
declarant and their title, counsel, Bates numbers), or later from Edit → Case details…;
only the title and the file are needed to start."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.model import CaseInfo, Counsel, Party
from app.gui.commands.edits import caption_text
from app.gui.dialogs.case_details import CaseDetailsForm
from app.gui.widgets.labels import plain_label, problem_label
from app.gui.widgets.screen_fit import fit_to_screen
from app.ops.case import CASE_SUFFIX


class NewCaseDialog(QDialog):
    """Where to save the ``.evcase`` file, and the case's details."""

    def __init__(self, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New case")
        self._folder = folder
        self._path_edited = False
        self.form = CaseDetailsForm()
        self.form.set_case(CaseInfo(case_id="", title=""), [], Counsel())
        # the fields most cases start with, by name (scripts and tests fill them)
        self.title, self.case_number, self.court = self.form.title, self.form.case_number, self.form.court
        self.declarant, self.organisation = self.form.declarant, self.form.organisation
        self.path = QLineEdit(str(folder / f"case{CASE_SUFFIX}"))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(browse)
        top = QFormLayout()
        where_label = QLabel("Save &as:")
        where_label.setBuddy(self.path)  # a row holding a layout gets no buddy by itself
        top.addRow(where_label, where)
        self.problem = problem_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create case")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label("Only the title is needed to start; the rest (what the declaration, the order "
                                     "and the letters print) can wait for Edit \u2192 Case details\u2026"))
        layout.addWidget(self.form, 1)
        layout.addLayout(top)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.title.textChanged.connect(self._follow_title)
        self.path.textEdited.connect(self._mark_path_edited)
        fit_to_screen(self, 720, 580)
        self.title.setFocus()

    def info(self) -> CaseInfo:
        """The case facts as typed (the case id and creation time are set by the store), with the parties
        as the caption's lines."""
        values: dict[str, Any] = {**self.form.info_values(), **caption_text(self.parties())}
        return CaseInfo(case_id="", **values)

    def parties(self) -> list[Party]:
        return self.form.parties_editor.parties()

    def counsel(self) -> Counsel:
        return self.form.counsel()

    def case_path(self) -> Path:
        path = Path(self.path.text().strip()).expanduser()
        return path if path.suffix == CASE_SUFFIX else path.with_name(path.name + CASE_SUFFIX)

    def accept(self) -> None:
        problem = self._problem()
        if problem:
            self.problem.setText(problem)
            return
        super().accept()

    def _problem(self) -> str:
        problem = self.form.problem()
        if problem:
            return problem
        if not self.path.text().strip():
            return "Choose where to save the case file."
        path = self.case_path()
        if path.exists():
            return f"A file already exists at {path}; choose another name."
        if not path.parent.is_dir():
            return f"The folder {path.parent} does not exist."
        return ""

    def _follow_title(self, title: str) -> None:
        if not self._path_edited:
            slug = CaseInfo(case_id="", title=title).slug if title.strip() else "case"
            self.path.setText(str(self._folder / f"{slug}{CASE_SUFFIX}"))

    def _mark_path_edited(self) -> None:
        self._path_edited = True

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Save the case file as", self.path.text(), f"Case files (*{CASE_SUFFIX})"
        )
        if chosen:
            self._path_edited = True
            self.path.setText(chosen)
