"""A new case: its file, title, case number, court, declarant and organisation."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
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

from app.core.model import CaseInfo
from app.gui.widgets.labels import plain_label
from app.ops.case import CASE_SUFFIX

COURTS = (
    ("edva", "Eastern District of Virginia (E.D. Va.)"),
    ("generic", "Another U.S. district court (generic layout)"),
)


class NewCaseDialog(QDialog):
    """Title, case number, declarant, court, and where to save the ``.evcase`` file."""

    def __init__(self, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New case")
        self._folder = folder
        self._path_edited = False
        self.title = QLineEdit()
        self.title.setPlaceholderText("Fictional Corp. v. John Does 1-22")
        self.case_number = QLineEdit()
        self.case_number.setPlaceholderText("blank until filed")
        self.declarant = QLineEdit()
        self.organisation = QLineEdit()
        self.court = QComboBox()
        for court_id, name in COURTS:
            self.court.addItem(name, court_id)
        self.path = QLineEdit(str(folder / f"case{CASE_SUFFIX}"))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(browse)

        form = QFormLayout()
        form.addRow("Case &title:", self.title)
        form.addRow("Case &number:", self.case_number)
        form.addRow("&Declarant:", self.declarant)
        form.addRow("&Organisation:", self.organisation)
        form.addRow("&Court:", self.court)
        where_label = QLabel("Save &as:")
        where_label.setBuddy(self.path)  # a row holding a layout gets no buddy by itself
        form.addRow(where_label, where)
        self.problem = plain_label("")
        self.problem.setStyleSheet("color: #a00")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create case")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.title.textChanged.connect(self._follow_title)
        self.path.textEdited.connect(self._mark_path_edited)
        self.resize(560, self.sizeHint().height())

    def info(self) -> CaseInfo:
        """The case facts as typed (the case id and creation time are set by the store)."""
        return CaseInfo(
            case_id="",
            title=self.title.text().strip(),
            case_number=self.case_number.text().strip(),
            court=str(self.court.currentData()),
            declarant=self.declarant.text().strip(),
            organisation=self.organisation.text().strip(),
        )

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
        if not self.title.text().strip():
            return "Give the case a title."
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
