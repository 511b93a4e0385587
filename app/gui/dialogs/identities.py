"""Signing identities: list, create, import, export, trust, and choose the one that signs the case.

The dialog lists your identities and the certificates you trust, each with
its SHA-256 fingerprint (as ``evbundle identity list`` prints it) and
whether verification on this machine trusts it. Key generation and PKCS#12
import run in the background through :class:`Operations` (both take a
moment: RSA key generation, 600,000 PBKDF2 rounds); choosing the case's
identity is a case write, queued with the others and logged in the custody
chain by ``app.ops.identity.choose_case_identity``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.reporting import Reporter
from app.gui import messages
from app.gui.background import Operation, Operations
from app.gui.dialogs.identity_forms import CreateIdentityDialog, ImportIdentityDialog, NewIdentity
from app.gui.events import CaseEvents
from app.gui.models.identities import IdentitiesModel
from app.gui.widgets import desktop
from app.gui.widgets.context_menu import add, attach
from app.gui.widgets.screen_fit import fit_to_screen
from app.gui.widgets.tables import make_table
from app.ops import identity as ops
from app.ops import settings
from app.ops.case import CaseFile
from app.ops.identity import IdentityChosen, IdentityInfo, IdentityRow, IdentityStored

if TYPE_CHECKING:
    from app.gui.undo import CaseEdits
    from app.ops.case import CaseFile


def signer_text(info: IdentityInfo) -> str:
    """How a signer is named wherever the GUI names one: who, then the certificate's fingerprint."""
    label = f"  [{info.label}]" if info.label else ""
    return f"{info.subject}{label}\nSHA-256 fingerprint: {info.fingerprint}"


class IdentitiesDialog(QDialog):
    """Manage signing identities; modeless, so the case stays in view."""

    def __init__(
        self,
        operations: Operations,
        case: Callable[[], CaseFile | None],
        events: CaseEvents,
        parent: QWidget | None = None,
        edits: CaseEdits | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Signing identities")
        self._edits = edits  # "Use for this case" is an undoable edit when the window's history is given
        fit_to_screen(self, 1040, 460)
        self._operations = operations
        self._case = case
        self._events = events
        self.model = IdentitiesModel(self)
        self.view = make_table(self.model, sortable=False, stretch_column=IdentitiesModel.FINGERPRINT)
        self.view.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # a fingerprint is compared at both ends
        for column, width in enumerate((170, 170, 80, 90, 110)):
            self.view.setColumnWidth(column, width)
        self.view.setSelectionMode(self.view.SelectionMode.SingleSelection)
        self.details = QLabel()
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.case_line = QLabel()
        self.case_line.setTextFormat(Qt.TextFormat.PlainText)
        self.case_line.setWordWrap(True)

        self.create_button = QPushButton("Create…")
        self.import_button = QPushButton("Import PKCS#12…")
        self.export_button = QPushButton("Export certificate…")
        self.trust_button = QPushButton("Untrust")
        self.trust_file_button = QPushButton("Trust a certificate file…")
        self.use_button = QPushButton("Use for this case")
        self.create_button.clicked.connect(self.ask_and_create)
        self.import_button.clicked.connect(self.ask_and_import)
        self.export_button.clicked.connect(self.ask_and_export)
        self.trust_button.clicked.connect(self.toggle_trust)
        self.trust_file_button.clicked.connect(self.ask_and_trust_file)
        self.use_button.clicked.connect(self.use_for_case)
        row = QHBoxLayout()
        for button in (self.create_button, self.import_button, self.export_button, self.trust_button,
                       self.trust_file_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.use_button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.case_line)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.details)
        layout.addLayout(row)
        layout.addWidget(close)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        attach(self.view, self._fill_menu)
        for signal in (events.caseOpened, events.caseClosed, events.infoChanged, events.identitiesChanged):
            signal.connect(self.reload)
        self.reload()

    # -- state -------------------------------------------------------------------------

    def reload(self, *_args: object) -> None:
        """Read the identities and the case's choice again, keeping the selected row if it is still there."""
        selected = self.selected()
        case = self._case()
        info = case.info() if case is not None else None
        signer = ops.case_signer(info) if info is not None else None
        self.model.reload(signer.fingerprint if signer is not None else "")
        if info is None:
            self.case_line.setText("No case is open: open one to choose the identity that signs it.")
        elif signer is None and info.signer_fingerprint:
            self.case_line.setText(f"This case is to be signed by {info.signer_fingerprint}, which is not on "
                                   "this computer: import it, or choose another below.")
        elif signer is None:
            self.case_line.setText("No signing identity yet: create one, or import your organisation's.")
        else:
            chosen = "" if info.signer_fingerprint else " (none chosen: the newest identity signs)"
            self.case_line.setText(f"“{info.title}” is signed by{chosen}:\n{signer_text(signer)}")
        if selected is not None:
            self.select(selected.fingerprint)
        self._selection_changed()

    def _fill_menu(self, menu: QMenu) -> None:
        """The buttons' commands for the identity under the pointer, and its fingerprint to copy."""
        row = self.selected()
        if row is None:
            return
        for button in (self.use_button, self.export_button, self.trust_button):
            add(menu, button.text(), button.click, enabled=button.isEnabled())
        menu.addSeparator()
        add(menu, "Copy fingerprint", lambda: desktop.copy_text(row.fingerprint))

    def selected(self) -> IdentityRow | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_value(rows[0].row()) if rows else None

    def select(self, fingerprint: str) -> None:
        row = self.model.row_of(fingerprint)
        if row >= 0:
            self.view.selectRow(row)

    def _selection_changed(self, *_args: QItemSelection) -> None:
        row = self.selected()
        own = row is not None and row.own
        self.export_button.setEnabled(own)
        self.trust_button.setEnabled(row is not None)
        self.trust_button.setText("Trust" if row is not None and not row.trusted else "Untrust")
        self.use_button.setEnabled(own and self._case() is not None)
        if row is None:
            self.details.setText("Select an identity to see its details.")
            return
        who = ", ".join(part for part in (row.name, row.organisation, row.email) if part)
        kind = "Your signing identity" if row.own else "A certificate you trust (no key on this computer)"
        label = f" [{row.label}]" if row.label else ""
        self.details.setText(f"{kind}: {who}{label} — {row.key_type}, valid until {row.not_valid_after}; "
                             f"trusted here: {row.why}.\nSHA-256 fingerprint: {row.fingerprint}")

    # -- create and import ----------------------------------------------------------------

    def ask_and_create(self) -> None:
        case = self._case()
        info = case.info() if case is not None else None
        dialog = CreateIdentityDialog(self, name=info.declarant if info else "",
                                      organisation=info.organisation if info else "")
        if dialog.exec() == QDialog.DialogCode.Accepted:
            value = dialog.value()
            dialog.forget()
            self.start_create(value)
        dialog.deleteLater()

    def start_create(self, value: NewIdentity) -> Operation[IdentityStored]:
        """Generate the key in the background; the list shows the new identity when it is stored."""

        def work(reporter: Reporter) -> IdentityStored:
            reporter.progress(0, 0, "Generating the key and certificate…")
            return ops.new_identity(value.name, value.organisation, value.passphrase,
                                    algorithm=value.algorithm, email=value.email)

        return self._operations.run(self, work, self._stored, progress_title="Creating the signing identity",
                                    cancellable=False, error_title="The identity was not created")

    def ask_and_import(self) -> None:
        dialog = ImportIdentityDialog(settings.last_folder("identities"), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            value = dialog.value()
            dialog.forget()
            settings.set_last_folder("identities", value.path.parent)
            self.start_import(value.path, value.passphrase, value.new_passphrase, value.label)
        dialog.deleteLater()

    def start_import(self, path: Path, passphrase: str, new_passphrase: str,
                     label: str = "") -> Operation[IdentityStored]:
        """Import in the background; a wrong passphrase is shown and nothing is stored."""

        def work(reporter: Reporter) -> IdentityStored:
            reporter.progress(0, 0, "Reading the PKCS#12 file…")
            return ops.import_identity(path, passphrase, new_passphrase, label=label)

        return self._operations.run(self, work, self._stored, progress_title="Importing the signing identity",
                                    cancellable=False, error_title="The identity was not imported")

    def _stored(self, stored: IdentityStored) -> None:
        self.select(stored.identity.fingerprint)  # the list was reloaded when the change was announced

    # -- export and trust -------------------------------------------------------------------

    def ask_and_export(self) -> None:
        row = self.selected()
        if row is None or not row.own:
            return
        stem = "".join(c if c.isalnum() else "-" for c in row.name).strip("-") or "certificate"
        suggested = settings.last_folder("identities") / f"{stem}-{row.fingerprint[:8].replace(':', '')}.pem"
        chosen, _ = QFileDialog.getSaveFileName(self, "Export the certificate", str(suggested),
                                                "PEM certificate (*.pem);;All files (*)")
        if chosen:
            self.export_to(row.fingerprint, Path(chosen))

    def export_to(self, fingerprint: str, target: Path) -> bool:
        try:
            written = ops.export_certificate(fingerprint, target)
        except Exception as exc:  # noqa: BLE001 - shown to the user, never swallowed
            messages.show_error(self, "The certificate was not exported", exc)
            return False
        settings.set_last_folder("identities", written.parent)
        messages.show_message(self, "Certificate exported",
                              f"The certificate (no private key) is at:\n  {written}\n\n"
                              "Whoever must check your bundles trusts it with\n"
                              f"  evbundle identity trust {written.name}\n\nSHA-256 fingerprint:\n  {fingerprint}")
        return True

    def toggle_trust(self) -> None:
        row = self.selected()
        if row is None:
            return
        try:
            changes = ops.set_trusted(row.fingerprint, not row.trusted)
        except Exception as exc:  # noqa: BLE001
            messages.show_error(self, "Trust was not changed", exc)
            return
        self._events.apply(changes)  # a quick local change, made here on the window's thread

    def ask_and_trust_file(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, "Trust the certificates in a file", str(settings.last_folder("identities")),
            "Certificates (*.pem *.crt *.cer *.der);;All files (*)")
        if chosen:
            self.trust_file(Path(chosen))

    def trust_file(self, path: Path) -> None:
        try:
            authorities = ops.authorities_in(path)
            purposes = self.ask_authority_purpose(authorities) if authorities else ()
            if purposes is None:
                return
            added = ops.trust(path, purposes)
        except Exception as exc:  # noqa: BLE001
            messages.show_error(self, "The certificate was not trusted", exc)
            return
        settings.set_last_folder("identities", path.parent)
        self._events.apply(added.changes)  # a quick local change, made here on the window's thread
        if added.certificates:
            self.select(added.certificates[0].fingerprint)

    def ask_authority_purpose(self, subjects: list[str]) -> tuple[str, ...] | None:
        """What a certificate authority is trusted for: the signers it issued, or timestamp authorities; None to
        cancel. Trusting one for both is never the default: a public root vouches for countless certificates."""
        listed = "\n".join(f"  {subject[:160]}" for subject in subjects[:5])
        box = QMessageBox(QMessageBox.Icon.Question, "Trust a certificate authority",
                          f"This file holds a certificate authority:\n{listed}\n\nWhat should it vouch for? "
                          "Trust it for signers only if it is your organisation's own CA: every certificate it "
                          "issued will then sign bundles trusted here.", QMessageBox.StandardButton.Cancel, self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        signers = box.addButton("Signers it issued", QMessageBox.ButtonRole.AcceptRole)
        stamps = box.addButton("Timestamp authorities", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        chosen = box.clickedButton()
        if chosen is signers:
            return ("ca",)
        if chosen is stamps:
            return ("tsa",)
        return None

    # -- the case's signer ----------------------------------------------------------------------

    def use_for_case(self) -> Operation[Any] | None:
        """Record the selected identity as the case's signer (a case edit, in the custody log)."""
        case, row = self._case(), self.selected()
        if case is None or row is None or not row.own:
            return None
        fingerprint = row.fingerprint
        if self._edits is not None:  # an undoable edit of the case's details
            from app.gui.commands.edits import case_details

            return self._edits.run(self, "Choose the identity that signs the case",
                                   case_details({"signer_fingerprint": fingerprint}),
                                   error_title="The case's signer was not changed")

        def work(reporter: Reporter) -> IdentityChosen:
            return ops.choose_case_identity(case, fingerprint)

        return self._operations.run(self, work, lambda _chosen: None, writes_case=True, cancellable=False,
                                    error_title="The case's signer was not changed")
