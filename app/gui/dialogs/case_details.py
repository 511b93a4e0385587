"""Case details: everything the documents print about the case, editable when the case is made and at any time after.

Court, caption (title, parties with their entity forms and Doe descriptions, sealed), case
number and the order's remedy; the declarant, their title and where they sign; counsel; the
Bates numbers; who signs the bundle and whether it is timestamped. The same form serves the
New case dialog and the Case details dialog (Edit menu). What it returns is applied as one
undoable edit (``app.gui.commands.edits.case_details``), every field that changed logged in
the custody log by the op that changes it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.model import CaseInfo, Counsel, Party
from app.gui.widgets.labels import plain_label, problem_label
from app.gui.widgets.parties_editor import PartiesEditor
from app.gui.widgets.screen_fit import fit_to_screen

COURTS = (
    ("edva", "Eastern District of Virginia (E.D. Va.)"),
    ("generic", "Another U.S. district court (generic layout)"),
)
REMEDIES = (("hold", "Take the domains out of the DNS (serverHold)"),
            ("redirect", "Point the domains to the plaintiff's sinkhole name servers"))
COUNSEL_FIELDS = (("name", "Name:"), ("bar_number", "Bar number:"), ("firm", "Firm:"), ("phone", "Telephone:"),
                  ("email", "E-mail:"), ("for_party", "Appearing as:"))
Identity = tuple[str, str]  # (fingerprint, how it is named)


def _form(parent: QTabWidget, title: str) -> QFormLayout:
    page = QWidget()
    form = QFormLayout(page)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    parent.addTab(page, title)
    return form


class CaseDetailsForm(QTabWidget):
    """The case's details on five tabs. ``set_case`` fills it; the ``changed_*`` methods say what was edited."""

    def __init__(self, identities: Sequence[Identity] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._info = CaseInfo(case_id="", title="")
        self._counsel = Counsel()
        case = _form(self, "&Case")
        self.title = QLineEdit()
        self.title.setPlaceholderText("Fictional Corp. v. John Does 1-22")
        self.court = QComboBox()
        for court_id, name in COURTS:
            self.court.addItem(name, court_id)
        self.case_number = QLineEdit()
        self.case_number.setPlaceholderText("blank until filed: the caption prints \u201cCivil Action No. ____\u201d")
        self.sealed = QCheckBox("Filed under seal (the caption says FILED UNDER SEAL)")
        self.remedy = QComboBox()
        for key, text in REMEDIES:
            self.remedy.addItem(text, key)
        self.sinkhole = QLineEdit()
        self.sinkhole.setPlaceholderText("ns1.sinkhole.example, ns2.sinkhole.example")
        self.remedy.currentIndexChanged.connect(lambda _i: self.sinkhole.setEnabled(self.remedy.currentData()
                                                                                      == "redirect"))
        case.addRow("Case &title:", self.title)
        case.addRow("C&ourt:", self.court)
        case.addRow("Case &number:", self.case_number)
        case.addRow("", self.sealed)
        case.addRow("The order asks:", self.remedy)
        case.addRow("Sinkhole name servers:", self.sinkhole)

        self.parties_editor = PartiesEditor()
        self.addTab(self.parties_editor, "&Parties")

        declarant = _form(self, "&Declarant")
        self.declarant = QLineEdit()
        self.declarant.setPlaceholderText("who swears to the evidence; the custody log names them too")
        self.declarant_title = QLineEdit()
        self.declarant_title.setPlaceholderText("Senior Investigator, Digital Crimes Unit")
        self.organisation = QLineEdit()
        self.signed_in_us = QCheckBox("Signed inside the United States (28 U.S.C. \u00a7 1746(2))")
        self.signing_place = QLineEdit()
        self.signing_place.setPlaceholderText("Redmond, Washington")
        self.qualifications = QPlainTextEdit()
        self.qualifications.setTabChangesFocus(True)
        self.qualifications.setPlaceholderText("The declarant's training and experience in collecting and preserving "
                                               "electronic evidence, as the FRE 902(13)/(14) certification states it")
        self.qualifications.setMaximumHeight(90)
        declarant.addRow("&Declarant:", self.declarant)
        declarant.addRow("&Title:", self.declarant_title)
        declarant.addRow("&Organisation:", self.organisation)
        declarant.addRow("", self.signed_in_us)
        declarant.addRow("E&xecuted at:", self.signing_place)
        declarant.addRow("&Qualifications:", self.qualifications)

        counsel = _form(self, "C&ounsel")
        self.counsel_fields: dict[str, QLineEdit] = {}
        for key, label in COUNSEL_FIELDS:
            edit = QLineEdit()
            self.counsel_fields[key] = edit
            counsel.addRow(label, edit)
        self.counsel_fields["for_party"].setPlaceholderText("Counsel for Plaintiff Fictional Corporation")
        self.counsel_address = QPlainTextEdit()
        self.counsel_address.setTabChangesFocus(True)
        self.counsel_address.setPlaceholderText("one line of the address a line")
        self.counsel_address.setFixedHeight(self.counsel_address.fontMetrics().lineSpacing() * 4 + 12)
        counsel.insertRow(3, "Address:", self.counsel_address)

        signing = _form(self, "&Exhibits && signing")
        self.bates_prefix = QLineEdit()
        self.bates_prefix.setPlaceholderText("MSFT-KEL-")
        self.bates_start = QSpinBox()
        self.bates_start.setRange(1, 99_999_999)
        self.signer = QComboBox()
        self.signer.addItem("The newest identity on this computer", "")
        for fingerprint, name in identities:
            self.signer.addItem(name, fingerprint)
        self.timestamp = QCheckBox("Add a trusted timestamp when building (Tools \u2192 Preferences lists the "
                                   "authorities)")
        signing.addRow("&Bates prefix:", self.bates_prefix)
        signing.addRow("Bates &start:", self.bates_start)
        signing.addRow("Signed by:", self.signer)
        signing.addRow("", self.timestamp)
        signing.addRow(plain_label("The signer's certificate fingerprint is printed in the declaration and the "
                                   "certification, so a reader can match the bundle to the sworn document."))

    # -- in and out ----------------------------------------------------------------------

    def set_case(self, info: CaseInfo, parties: Sequence[Party], counsel: Counsel) -> None:
        self._info, self._counsel = info, counsel
        self.title.setText(info.title)
        self.court.setCurrentIndex(max(0, self.court.findData(info.court)))
        self.case_number.setText(info.case_number)
        self.sealed.setChecked(info.sealed)
        self.remedy.setCurrentIndex(max(0, self.remedy.findData(info.remedy)))
        self.sinkhole.setText(", ".join(info.sinkhole_nameservers))
        self.sinkhole.setEnabled(info.remedy == "redirect")
        self.declarant.setText(info.declarant)
        self.declarant_title.setText(info.declarant_title)
        self.organisation.setText(info.organisation)
        self.signed_in_us.setChecked(info.signed_in_us)
        self.signing_place.setText(info.signing_place)
        self.qualifications.setPlainText(info.declarant_qualifications)
        self.bates_prefix.setText(info.bates_prefix)
        self.bates_start.setValue(info.bates_start)
        index = self.signer.findData(info.signer_fingerprint)
        if index < 0 and info.signer_fingerprint:
            self.signer.addItem(f"{info.signer_fingerprint[:23]}… (not on this computer)", info.signer_fingerprint)
            index = self.signer.count() - 1
        self.signer.setCurrentIndex(max(0, index))
        self.timestamp.setChecked(info.timestamp_when_building)
        self.parties_editor.set_parties(parties)
        for key, edit in self.counsel_fields.items():
            edit.setText(getattr(counsel, key))
        self.counsel_address.setPlainText("\n".join(counsel.address))

    def info_values(self) -> dict[str, Any]:
        """Every case detail the form edits, as typed."""
        servers = tuple(s.strip().lower().rstrip(".") for s in self.sinkhole.text().replace(";", ",").split(",")
                        if s.strip())
        return {
            "title": self.title.text().strip(), "court": str(self.court.currentData()),
            "case_number": self.case_number.text().strip(), "sealed": self.sealed.isChecked(),
            "remedy": str(self.remedy.currentData()), "sinkhole_nameservers": servers,
            "declarant": " ".join(self.declarant.text().split()),
            "declarant_title": self.declarant_title.text().strip(),
            "organisation": self.organisation.text().strip(), "signed_in_us": self.signed_in_us.isChecked(),
            "signing_place": self.signing_place.text().strip(), "bates_prefix": self.bates_prefix.text().strip(),
            "declarant_qualifications": " ".join(self.qualifications.toPlainText().split()),
            "bates_start": self.bates_start.value(), "signer_fingerprint": str(self.signer.currentData() or ""),
            "timestamp_when_building": self.timestamp.isChecked(),
        }

    def changed_info(self) -> dict[str, Any]:
        """The case details that differ from the case's."""
        return {k: v for k, v in self.info_values().items() if getattr(self._info, k) != v}

    def changed_parties(self) -> list[Party] | None:
        """The parties as edited, or None when the Parties tab was left as it was."""
        return self.parties_editor.parties() if self.parties_editor.dirty else None

    def counsel(self) -> Counsel:
        values = {key: " ".join(edit.text().split()) for key, edit in self.counsel_fields.items()}
        address = tuple(line.strip() for line in self.counsel_address.toPlainText().splitlines() if line.strip())
        return Counsel(address=address, **values)

    def changed_counsel(self) -> Counsel | None:
        counsel = self.counsel()
        return counsel if counsel != self._counsel else None

    def has_changes(self) -> bool:
        return bool(self.changed_info() or self.changed_parties() is not None or self.changed_counsel() is not None)

    def problem(self) -> str:
        """Why the details cannot be kept as they are ("" when they can), and the tab to show."""
        if not self.title.text().strip():
            self.setCurrentIndex(0)
            return "Give the case a title."
        problem = self.parties_editor.problem()
        if problem:
            self.setCurrentWidget(self.parties_editor)
            return problem
        if self.remedy.currentData() == "redirect" and not self.info_values()["sinkhole_nameservers"]:
            self.setCurrentIndex(0)
            return "Name the sinkhole name servers the domains are to point to."
        return ""


class CaseDetailsDialog(QDialog):
    """Case details… (Edit menu): the form, OK to keep the changes, Cancel asks before dropping them."""

    def __init__(self, info: CaseInfo, parties: Sequence[Party], counsel: Counsel,
                 identities: Sequence[Identity] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Case details")
        self.form = CaseDetailsForm(identities)
        self.form.set_case(info, parties, counsel)
        self.problem = problem_label()
        note = plain_label("What the declaration, the order and the letters print. Each change is recorded in "
                           "the custody log; Edit \u2192 Undo takes it back.")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.form, 1)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        fit_to_screen(self, 720, 560)

    def accept(self) -> None:
        problem = self.form.problem()
        if problem:
            self.problem.setText(problem)
            return
        super().accept()

    def reject(self) -> None:
        if self.form.has_changes():
            box = QMessageBox(QMessageBox.Icon.Question, "Case details", "Drop the changes made here?",
                              QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel, self)
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.setDefaultButton(QMessageBox.StandardButton.Cancel)
            box.exec()
            if box.standardButton(box.clickedButton()) != QMessageBox.StandardButton.Discard:
                return
        super().reject()

