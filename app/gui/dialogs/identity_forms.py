"""The forms behind "Create…" and "Import PKCS#12…" in the signing identities dialog.

They only collect what the user typed and check it is complete (name given,
passphrases match and are long enough); making the key, reading the PKCS#12
file and storing them is done by ``app.ops.identity`` in the background."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
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

from app.gui.dialogs.passphrase import MIN_PASSPHRASE
from app.gui.palette import paint_text
from app.ops.identity import KeyAlgorithm, passphrase_strength

KEY_TYPES: tuple[tuple[KeyAlgorithm, str], ...] = (
    ("ec-p256", "EC P-256 (recommended: small, fast, widely verifiable)"),
    ("rsa-3072", "RSA-3072 (for organisations that require RSA)"),
)


SCORE_COLOURS = ("bad", "bad", "warning", "good", "good")


def _plain(text: str = "", *, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    return label


def _password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


@dataclass(frozen=True)
class NewIdentity:
    """What the Create form collected. ``passphrase`` is handed to the key store and forgotten."""

    name: str
    organisation: str
    email: str
    algorithm: KeyAlgorithm
    passphrase: str


class _PassphrasePair(QWidget):
    """A passphrase asked twice, with a strength hint under it."""

    def __init__(self, personal: list[QLineEdit]) -> None:
        super().__init__()
        self._personal = personal
        self.passphrase = _password_field()
        self.again = _password_field()
        self.strength = _plain()
        self.passphrase.textChanged.connect(self._show_strength)

    def add_rows(self, form: QFormLayout, label: str = "&Passphrase:") -> None:
        """The two fields go in the form; the hint goes under it (a wrapped label in a form row gets clipped)."""
        form.addRow(label, self.passphrase)
        form.addRow("&Again:", self.again)

    def problem(self) -> str:
        text = self.passphrase.text()
        if len(text) < MIN_PASSPHRASE:
            return f"Use a passphrase of at least {MIN_PASSPHRASE} characters."
        if text != self.again.text():
            return "The two passphrases differ."
        return ""

    def clear(self) -> None:
        self.passphrase.clear()
        self.again.clear()

    def _show_strength(self, text: str) -> None:
        strength = passphrase_strength(text, tuple(f.text().strip() for f in self._personal))
        self.strength.setText(strength.hint)
        paint_text(self.strength, SCORE_COLOURS[strength.score])


class CreateIdentityDialog(QDialog):
    """Name, organisation, optional e-mail, key type and passphrase for a new self-signed identity."""

    def __init__(self, parent: QWidget | None = None, *, name: str = "", organisation: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Create a signing identity")
        self.name = QLineEdit(name)
        self.name.setPlaceholderText("the investigator who signs, e.g. Jordan Sample")
        self.organisation = QLineEdit(organisation)
        self.email = QLineEdit()
        self.email.setPlaceholderText("optional")
        self.key_type = QComboBox()
        for algorithm, text in KEY_TYPES:
            self.key_type.addItem(text, algorithm)
        self.pair = _PassphrasePair([self.name, self.organisation, self.email])
        form = QFormLayout()
        form.addRow("&Name:", self.name)
        form.addRow("&Organisation:", self.organisation)
        form.addRow("&E-mail:", self.email)
        form.addRow("&Key type:", self.key_type)
        self.pair.add_rows(form)
        self.problem = _plain()
        paint_text(self.problem, "bad")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create identity")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(_plain(
            "A new key and a self-signed certificate naming you and your organisation. The certificate's "
            "fingerprint appears in every bundle and declaration you sign; give it to whoever must check "
            "them. The passphrase protects the key on this computer and cannot be recovered: without it, "
            "nothing can be signed as this identity."))
        layout.addLayout(form)
        layout.addWidget(self.pair.strength)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)

    def value(self) -> NewIdentity:
        return NewIdentity(self.name.text().strip(), self.organisation.text().strip(), self.email.text().strip(),
                           self.key_type.currentData(), self.pair.passphrase.text())

    def forget(self) -> None:
        """Clear the passphrase fields once their value has been taken."""
        self.pair.clear()

    def accept(self) -> None:
        problem = self._problem()
        if problem:
            self.problem.setText(problem)
            return
        super().accept()

    def _problem(self) -> str:
        if not self.name.text().strip():
            return "Give the name of the investigator who signs."
        email = self.email.text().strip()
        if email and ("@" not in email or " " in email):
            return "The e-mail address does not look like one (leave it empty if there is none)."
        return self.pair.problem()


@dataclass(frozen=True)
class ImportedIdentity:
    """What the Import form collected: the file, its passphrase, and the one to keep it under here."""

    path: Path
    passphrase: str
    new_passphrase: str
    label: str


class ImportIdentityDialog(QDialog):
    """A .p12/.pfx file from the organisation's PKI, its passphrase, and how to protect it here."""

    def __init__(self, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import a signing identity (PKCS#12)")
        self._folder = folder
        self.path = QLineEdit()
        self.path.setPlaceholderText("a .p12 or .pfx file")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(browse)
        self.passphrase = _password_field()
        self.label = QLineEdit()
        self.label.setPlaceholderText("optional, e.g. Corporate PKI 2026")
        self.same = QCheckBox("Protect it on this computer with the same passphrase")
        self.same.setChecked(True)
        self.pair = _PassphrasePair([self.label])
        form = QFormLayout()
        file_label = QLabel("&File:")
        file_label.setBuddy(self.path)
        form.addRow(file_label, where)
        form.addRow("File's &passphrase:", self.passphrase)
        form.addRow("&Label:", self.label)
        form.addRow("", self.same)
        self.pair.add_rows(form, "&New passphrase:")
        self.same.toggled.connect(self._follow_same)
        self._follow_same(True)
        self.problem = _plain()
        paint_text(self.problem, "bad")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(_plain(
            "Import the key and certificate your organisation issued you. The file itself is not changed; "
            "a copy is kept on this computer, encrypted with the passphrase you choose here."))
        layout.addLayout(form)
        layout.addWidget(self.pair.strength)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.setMinimumWidth(580)

    def value(self) -> ImportedIdentity:
        new = self.passphrase.text() if self.same.isChecked() else self.pair.passphrase.text()
        return ImportedIdentity(Path(self.path.text().strip()).expanduser(), self.passphrase.text(), new,
                                self.label.text().strip())

    def forget(self) -> None:
        self.passphrase.clear()
        self.pair.clear()

    def accept(self) -> None:
        problem = self._problem()
        if problem:
            self.problem.setText(problem)
            return
        super().accept()

    def _problem(self) -> str:
        path = self.path.text().strip()
        if not path:
            return "Choose the .p12 or .pfx file."
        if not Path(path).expanduser().is_file():
            return f"There is no file at {path}."
        if self.same.isChecked():
            return "" if self.passphrase.text() else (
                "The file has no passphrase: untick the box and choose one to protect the key here.")
        return self.pair.problem()

    def _follow_same(self, same: bool) -> None:
        for field in (self.pair.passphrase, self.pair.again):
            field.setEnabled(not same)
        self.pair.strength.setVisible(not same)

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, "Import a signing identity", str(self._folder), "PKCS#12 (*.p12 *.pfx);;All files (*)")
        if chosen:
            self.path.setText(chosen)
