"""The window's dialogs: new case, paste domains, signing passphrase.

Dialogs only collect what the user typed and check it is complete; the work
itself (creating the case file, adding domains, signing) happens elsewhere.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.model import CaseInfo
from app.store import CASE_SUFFIX

COURTS = (
    ("edva", "Eastern District of Virginia (E.D. Va.)"),
    ("generic", "Another U.S. district court (generic layout)"),
)
MIN_PASSPHRASE = 8


def _plain_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


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
        self.problem = _plain_label("")
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


class AddDomainsDialog(QDialog):
    """A box to paste a list of domains: one per line, CSV, URLs or defanged forms."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add domains")
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)  # Tab moves on (a pasted list keeps its tabs)
        self.text.setPlaceholderText("bad-example.com\nhxxp://c2[.]example.net/gate.php\nsub.free-subdomains.cc")
        self.source = QLineEdit("pasted list")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add domains")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Where the list came from:", self.source)
        layout = QVBoxLayout(self)
        layout.addWidget(_plain_label(
            "Paste the domains to add: one per line, CSV columns, URLs and defanged forms "
            "(hxxp://, [.]) are all read. Names already in the case are not added twice."))
        layout.addWidget(self.text, 1)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(520, 420)

    def domains_text(self) -> str:
        return self.text.toPlainText()

    def source_text(self) -> str:
        return self.source.text().strip() or "pasted list"


class PassphraseDialog(QDialog):
    """Ask for the signing passphrase; on first use, ask twice and explain what it protects.

    ``signer`` names the identity that will sign (name and fingerprint), so the
    user knows which passphrase is wanted and who the bundle will say signed it.
    """

    def __init__(self, *, first_use: bool, parent: QWidget | None = None, signer: str = "") -> None:
        super().__init__(parent)
        self.first_use = first_use
        self.setWindowTitle("Create your signing identity" if first_use else "Sign the bundle")
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow("&Passphrase:", self.passphrase)
        if first_use:
            form.addRow("&Again:", self.again)
        self.problem = _plain_label("")
        self.problem.setStyleSheet("color: #a00")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if first_use:
            layout.addWidget(_plain_label(
                "This is the first bundle signed on this computer. A signing key and certificate "
                "will be created for you; the passphrase protects the key. Without it, no bundle "
                f"can be signed as you. At least {MIN_PASSPHRASE} characters."))
        elif signer:
            layout.addWidget(_plain_label(f"Enter the passphrase of the identity that signs this case:\n\n{signer}"))
        else:
            layout.addWidget(_plain_label("Enter the passphrase of your signing key."))
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        widest = max((self.fontMetrics().horizontalAdvance(line) for line in signer.splitlines()), default=0)
        self.setMinimumWidth(max(440, widest + 40))  # a fingerprint cannot wrap: show it whole

    def value(self) -> str:
        return self.passphrase.text()

    def accept(self) -> None:
        text = self.passphrase.text()
        if not text:
            self.problem.setText("Enter the passphrase.")
        elif self.first_use and len(text) < MIN_PASSPHRASE:
            self.problem.setText(f"Use at least {MIN_PASSPHRASE} characters.")
        elif self.first_use and text != self.again.text():
            self.problem.setText("The two passphrases differ.")
        else:
            super().accept()
