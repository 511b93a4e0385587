"""The signing passphrase: asked twice for a first identity, once to unlock an existing one."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.gui.widgets.labels import plain_label, problem_label

MIN_PASSPHRASE = 8


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
        self.problem = problem_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if first_use:
            layout.addWidget(plain_label(
                "This is the first bundle signed on this computer. A signing key and certificate "
                "will be created for you; the passphrase protects the key. Without it, no bundle "
                f"can be signed as you. At least {MIN_PASSPHRASE} characters."))
        elif signer:
            layout.addWidget(plain_label(f"Enter the passphrase of the identity that signs this case:\n\n{signer}"))
        else:
            layout.addWidget(plain_label("Enter the passphrase of your signing key."))
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
