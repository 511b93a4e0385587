"""The line above the exhibits that names who signs this case, with the certificate's fingerprint.

Whoever reads the declaration matches the bundle's signer to the sworn
document by this fingerprint, so the window shows it wherever the case is
(the Exhibits & custody page), and it follows the case's choice at once.
Below it, when one of the case's bundles should be renewed (its last
timestamp's authority certificate expires within 180 days, or an algorithm is
weak; ``app.ops.renewal``), a line says which and why."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.gui.events import CaseEvents
from app.ops.case import CaseFile
from app.ops.identity import case_signer, machine_trust
from app.ops.renewal import bundles_to_renew


class SignerBanner(QWidget):
    """"Signed by … SHA-256 fingerprint …", and a button to the signing identities."""

    def __init__(self, case: Callable[[], CaseFile | None], events: CaseEvents, manage: QAction) -> None:
        super().__init__()
        self._case = case
        self.text = QLabel()
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.renewal = QLabel()  # which bundles to renew (evbundle renew, File > Renew a bundle…)
        self.renewal.setTextFormat(Qt.TextFormat.PlainText)
        self.renewal.setWordWrap(True)
        self.renewal.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.renewal.hide()
        self.button = button = QPushButton(manage.text().replace("&", ""))
        button.clicked.connect(manage.trigger)
        texts = QVBoxLayout()
        texts.setContentsMargins(0, 0, 0, 0)
        texts.addWidget(self.text)
        texts.addWidget(self.renewal)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.addLayout(texts, 1)
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        for signal in (events.caseOpened, events.caseClosed, events.infoChanged, events.identitiesChanged):
            signal.connect(self.refresh)  # the newest identity signs when the case chose none
        for signal in (events.caseOpened, events.caseClosed, events.custodyChanged):
            signal.connect(self.refresh_renewal)  # a build or a renewal is a custody entry
        self.refresh()
        self.refresh_renewal()

    def refresh_renewal(self, *_args: object) -> None:
        case = self._case()
        due = bundles_to_renew(case) if case is not None else []
        self.renewal.setVisible(bool(due))
        self.renewal.setText("\n".join(
            f"Renew {d.bundle}: {d.reason} (File, Renew a bundle…)" for d in due))

    def refresh(self, *_args: object) -> None:
        case = self._case()
        if case is None:
            self.text.setText("")
            return
        info = case.info()
        signer = case_signer(info)
        if signer is None and info.signer_fingerprint:
            self.text.setText(f"Signer: {info.signer_fingerprint} — not on this computer; "
                              "import it or choose another identity before building.")
        elif signer is None:
            self.text.setText("Signer: none yet — an identity is created at the first build, "
                              "or create or import one now.")
        else:
            how = "" if info.signer_fingerprint else " (newest identity; none chosen for this case)"
            if signer.fingerprint not in machine_trust().fingerprints:
                how += " — you said not to trust it on this computer"
            self.text.setText(f"Signed by: {signer.subject}{how}\nSHA-256 fingerprint: {signer.fingerprint}")
