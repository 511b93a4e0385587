"""Case details: given in the New case form, changed any time after from Edit → Case details…, each
change logged, and printed in the declaration (issue 15: paragraph 1 said "[TITLE]")."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from app.core.model import PartyRole
from app.gui.dialogs.case_details import CaseDetailsDialog
from app.gui.dialogs.new_case import NewCaseDialog
from app.gui.window import MainWindow
from app.ops.case import CaseFile
from app.ops.previews import render_preview

from .conftest import Messages


def _idle(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.operations.is_busy(), timeout=30_000)


def _declaration_text(path: Path, tmp_path: Path) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext not installed")
    with CaseFile.open(path) as case:
        pdf = tmp_path / "declaration.pdf"
        pdf.write_bytes(render_preview(case, "01-declaration").pdf)
    text = subprocess.run([tool, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(text.replace(")", " ").split())  # the caption's ")" column out of the way


def test_details_edited_in_the_dialog_are_logged_and_printed_in_the_declaration(
    window: MainWindow, case_path: Path, tmp_path: Path, qtbot: QtBot, shown: Messages,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert "[TITLE]" in _declaration_text(case_path, tmp_path)  # what issue 15 found

    def fill(dialog: CaseDetailsDialog) -> int:
        form = dialog.form
        assert form.title.text() == "Test Corp. v. John Does" and form.declarant.text() == "Pat Investigator"
        form.case_number.setText("1:26-cv-00777")
        form.sealed.setChecked(True)
        form.declarant_title.setText("Senior Investigator, Digital Crimes Unit")
        form.signing_place.setText("Redmond, Washington")
        editor = form.parties_editor
        editor.add(PartyRole.PLAINTIFF)
        qtbot.keyClicks(editor.name, "Test Corporation")
        qtbot.keyClicks(editor.entity_form, "a Delaware corporation")
        editor.add(PartyRole.DEFENDANT)
        qtbot.keyClicks(editor.name, "John Does 1-22")
        editor.doe.setChecked(True)
        qtbot.keyClicks(editor.description, "controlling a computer botnet")
        qtbot.keyClicks(form.counsel_fields["name"], "Alex Counsel")
        qtbot.keyClicks(form.counsel_fields["bar_number"], "VSB No. 12345")
        dialog.buttons.accepted.emit()  # OK
        return int(dialog.result())

    monkeypatch.setattr(CaseDetailsDialog, "exec", fill)
    window.open_case(case_path)
    window.window_actions.case_details.trigger()
    _idle(qtbot, window)
    assert shown == []
    with CaseFile.open(case_path) as case:
        info = case.info()
        assert (info.case_number, info.sealed, info.declarant_title) == (
            "1:26-cv-00777", True, "Senior Investigator, Digital Crimes Unit")
        assert [(p.role, p.name, p.entity_form, p.doe) for p in case.parties()] == [
            (PartyRole.PLAINTIFF, "Test Corporation", "a Delaware corporation", False),
            (PartyRole.DEFENDANT, "John Does 1-22", "", True)]
        assert case.counsel().bar_number == "VSB No. 12345"
        actions = [e.action for e in case.custody()]
        edited = [e for e in case.custody() if e.action == "case-edited"][-1]
    assert {"case-edited", "party-added", "counsel-edited"} <= set(actions)
    assert edited.details["declarant_title"] == {"old": "", "new": "Senior Investigator, Digital Crimes Unit"}
    assert window.case_label.text().startswith("Test Corp. v. John Does (1:26-cv-00777)")  # the window follows

    text = _declaration_text(case_path, tmp_path)
    assert "[TITLE]" not in text and "Senior Investigator, Digital Crimes Unit" in text
    assert "1:26-cv-00777" in text and "FILED UNDER SEAL" in text and "Redmond, Washington" in text
    assert "TEST CORPORATION, a Delaware corporation, Plaintiff" in text  # the caption's plaintiff, its entity form
    assert "JOHN DOES 1-22, CONTROLLING A COMPUTER BOTNET" in text  # the Does, with what they did
    assert "IN SUPPORT OF TEST CORPORATION’S APPLICATION" in text  # the title names the plaintiff


def test_cancelling_changed_details_asks_before_dropping_them(
    window: MainWindow, case_path: Path, shown: Messages
) -> None:
    window.open_case(case_path)
    assert window.case is not None
    dialog = CaseDetailsDialog(window.case.info(), [], window.case.counsel(), parent=window)
    finished: list[int] = []
    dialog.finished.connect(finished.append)
    dialog.form.declarant_title.setText("typed")
    shown.press.append("Cancel")
    dialog.reject()  # Esc
    assert shown[0].text == "Drop the changes made here?" and finished == []  # still open
    assert dialog.form.declarant_title.text() == "typed"  # still there to keep
    shown.press.append("Discard")
    dialog.reject()
    assert finished == [int(QDialog.DialogCode.Rejected.value)]


def test_a_party_needs_a_name_and_does_a_description(window: MainWindow, case_path: Path) -> None:
    window.open_case(case_path)
    assert window.case is not None
    dialog = CaseDetailsDialog(window.case.info(), [], window.case.counsel(), parent=window)
    dialog.form.parties_editor.add(PartyRole.DEFENDANT)
    dialog.accept()
    assert dialog.problem.text() == "Every party needs a name (or remove the party)."
    assert dialog.form.currentWidget() is dialog.form.parties_editor  # shown where it is
    dialog.form.parties_editor.name.setText("John Does 1-10")
    dialog.form.parties_editor.name.textEdited.emit("John Does 1-10")
    dialog.form.parties_editor.doe.setChecked(True)
    dialog.accept()
    assert "description" in dialog.problem.text()


def test_the_new_case_form_takes_the_parties_the_title_and_counsel(
    window: MainWindow, tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, shown: Messages
) -> None:
    def fill(dialog: NewCaseDialog) -> int:
        qtbot.keyClicks(dialog.title, "Fictional Corp. v. John Does 1-22")
        form = dialog.form
        qtbot.keyClicks(form.declarant, "Jordan Sample")
        qtbot.keyClicks(form.declarant_title, "Investigator")
        form.parties_editor.add(PartyRole.PLAINTIFF)
        qtbot.keyClicks(form.parties_editor.name, "Fictional Corporation")
        qtbot.keyClicks(form.counsel_fields["name"], "Alex Counsel")
        dialog.accept()
        return int(dialog.result())

    monkeypatch.setattr(NewCaseDialog, "exec", fill)
    monkeypatch.setattr("app.ops.settings.last_folder", lambda *args, **kwargs: tmp_path)
    window.window_actions.new_case.trigger()
    assert window.case is not None and shown == []
    case = window.case
    assert case.path == tmp_path / "Fictional-Corp-v-John-Does-1-22.evcase"
    assert case.info().declarant_title == "Investigator" and case.info().plaintiff == "Fictional Corporation"
    assert [p.name for p in case.parties()] == ["Fictional Corporation"]
    assert case.counsel().name == "Alex Counsel"
    assert {e.actor for e in case.custody()} == {"Jordan Sample"}  # the declarant, not the computer's login
