"""Edit → Undo and Redo for every kind of edit of the case, through the real widgets (issue 15).

Each edit is made as a user makes it (a button, a dialog), undone and redone from the Edit
menu's actions; the case file is read afresh each time, and the custody log must only grow."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from app.core.model import ItemKind, Party, PartyRole
from app.gui.dialogs.case_details import CaseDetailsDialog
from app.gui.dialogs.registry import RegistryDialog
from app.gui.window import MainWindow
from app.ops.case import CaseFile
from app.ops.domains import registry_table
from app.ops.paragraphs import current_paragraphs
from app.ops.parties import case_parties
from app.ops.redactions import list_redactions

from .conftest import OFFSCREEN_SHOW, Messages


def _idle(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.operations.is_busy(), timeout=30_000)


def _read(path: Path, what):  # type: ignore[no-untyped-def]
    with CaseFile.open(path) as case:
        return what(case)


class Steps:
    """Undo and redo from the Edit menu, waiting for each to reach the case."""

    def __init__(self, window: MainWindow, qtbot: QtBot) -> None:
        self.window, self.qtbot = window, qtbot
        self.entries = 0

    def do(self) -> None:
        _idle(self.qtbot, self.window)

    def undo(self) -> None:
        assert self.window.window_actions.undo.isEnabled()
        self.window.window_actions.undo.trigger()
        _idle(self.qtbot, self.window)

    def redo(self) -> None:
        assert self.window.window_actions.redo.isEnabled()
        self.window.window_actions.redo.trigger()
        _idle(self.qtbot, self.window)

    def log_grew(self, path: Path) -> bool:
        count = _read(path, lambda c: len(c.custody()))
        grew = count > self.entries
        self.entries = count
        return grew


@pytest.fixture
def steps(window: MainWindow, qtbot: QtBot) -> Steps:
    return Steps(window, qtbot)


def test_the_edit_menu_has_undo_and_redo_with_the_platform_keys(window: MainWindow, case_path: Path) -> None:
    actions = window.window_actions
    assert actions.undo.shortcut() == QKeySequence(QKeySequence.StandardKey.Undo)
    assert actions.redo.shortcut() == QKeySequence(QKeySequence.StandardKey.Redo)
    edit = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Edit")
    assert edit.actions()[:2] == [actions.undo, actions.redo]
    assert not actions.undo.isEnabled() and not actions.redo.isEnabled()  # no case, nothing to undo
    window.open_case(case_path)
    assert not actions.undo.isEnabled()


def test_metadata(window: MainWindow, case_path: Path, steps: Steps, shown: Messages) -> None:
    window.open_case(case_path)
    page = window.screenshots_page
    page.select_row(0)
    page.editor.fields["url"].setText("hxxp://fake-av[.]example/scan")
    page.editor.save.click()
    steps.do()
    url = lambda: _read(case_path, lambda c: c.items(ItemKind.SCREENSHOT)[0].metadata.get("url") or "")  # noqa: E731
    assert url() == "hxxp://fake-av[.]example/scan" and steps.log_grew(case_path)
    assert window.window_actions.undo.text() == "&Undo edit metadata of Exhibit 1"
    steps.undo()
    assert url() == "" and page.editor.fields["url"].text() == "" and steps.log_grew(case_path)
    assert window.window_actions.redo.text() == "&Redo edit metadata of Exhibit 1"
    steps.redo()
    assert url() == "hxxp://fake-av[.]example/scan" and page.editor.fields["url"].text() == url()
    assert steps.log_grew(case_path) and shown == []


def test_spam_category(window: MainWindow, case_path: Path, steps: Steps) -> None:
    window.open_case(case_path)
    page = window.spam_page
    page.view.selectRow(0)
    page.category.setCurrentIndex(page.category.findData("malware"))
    page.category.activated.emit(page.category.currentIndex())  # chosen by the user: kept at once
    steps.do()
    category = lambda: _read(case_path, lambda c: c.items(ItemKind.EMAIL)[0].metadata.get("category") or "")  # noqa: E731
    assert category() == "malware"
    steps.undo()
    assert category() == "" and page.category_note.text().startswith("Suggested")
    steps.redo()
    assert category() == "malware" and page.category_note.text() == "Confirmed"


def _paragraphs(path: Path) -> list[tuple[str, str, bool, bool]]:
    return _read(path, lambda c: [(p.key, p.text, p.edited, p.removed) for p in current_paragraphs(c)])


@OFFSCREEN_SHOW
def test_paragraph_words_place_and_additions(window: MainWindow, case_path: Path, steps: Steps,
                                            qtbot: QtBot) -> None:
    window.open_case(case_path)
    page = window.documents_page
    window.tabs.setCurrentWidget(page)
    window.show()  # the page in view reads the paragraphs again after each undo
    qtbot.waitExposed(window)
    steps.do()
    drafted = _paragraphs(case_path)
    page.view.selectRow(0)
    page.editor.setPlainText("Counsel's words.")
    page.save_button.click()
    steps.do()
    assert _paragraphs(case_path)[0][1:3] == ("Counsel's words.", True)
    steps.undo()
    assert _paragraphs(case_path) == drafted and page.model.paragraph(0).text == drafted[0][1]
    steps.redo()
    assert _paragraphs(case_path)[0][1] == "Counsel's words."

    row = next(r for r in range(page.model.rowCount() - 1)  # a paragraph with another after it in its section
               if page.model.paragraph(r).section == page.model.paragraph(r + 1).section)
    page.view.selectRow(row)
    page.down_button.click()  # a move
    steps.do()
    moved = _paragraphs(case_path)
    assert [k for k, *_ in moved][row:row + 2] == [drafted[row + 1][0], drafted[row][0]]
    steps.undo()
    assert [k for k, *_ in _paragraphs(case_path)][row:row + 2] == [drafted[row][0], drafted[row + 1][0]]
    steps.redo()
    assert _paragraphs(case_path) == moved

    page.start_add("exhibits", "Counsel's own paragraph.")  # an addition: undo removes it, redo brings it back
    steps.do()
    added = [p for p in _paragraphs(case_path) if p[0].startswith("added:")]
    assert [p[1] for p in added] == ["Counsel's own paragraph."]
    steps.undo()
    assert not [p for p in _paragraphs(case_path) if p[0].startswith("added:")]
    steps.redo()
    assert [p for p in _paragraphs(case_path) if p[0].startswith("added:")] == added  # the same key again


def test_exhibit_order_and_leaving_an_item_out(window: MainWindow, case_path: Path, steps: Steps) -> None:
    window.open_case(case_path)
    order = lambda: _read(case_path, lambda c: [item.name for _n, item, _d in c.exhibits()])  # noqa: E731
    before = order()
    view = window.documents_page.exhibit_order
    view.view.selectRow(0)
    view.down.click()
    steps.do()
    assert order() == before[::-1]
    steps.undo()
    assert order() == before
    steps.redo()
    assert order() == before[::-1]

    shot = _read(case_path, lambda c: c.items(ItemKind.SCREENSHOT)[0])
    window.item_menus.leave_out([shot.id])
    steps.do()
    assert shot.name not in order() and window.exhibits_model.rowCount() == 1
    assert _read(case_path, lambda c: c.item(shot.id).exhibit_number) is None
    steps.undo()
    assert order() == before[::-1]  # back at the place it had
    steps.redo()
    assert shot.name not in order()


def test_rule_5_2_decisions(window: MainWindow, case_path: Path, steps: Steps) -> None:
    window.open_case(case_path)
    panel = window.documents_page.redactions
    panel.reload()
    steps.do()
    assert panel.model.rowCount() > 0
    panel.view.selectRow(0)
    candidate = panel.model.row(0).candidate.id
    decision = lambda: _read(case_path, lambda c: {r.candidate.id: r.decision for r in list_redactions(c)}[candidate])  # noqa: E731
    panel.confirm_button.click()
    steps.do()
    assert decision() == "confirmed"
    panel.view.selectRow(0)
    panel.dismiss_button.click()  # changed its mind: keep it
    steps.do()
    assert decision() == "dismissed"
    steps.undo()
    assert decision() == "confirmed"  # the decision before, not none
    steps.undo()
    assert decision() == ""
    steps.redo()
    steps.redo()
    assert decision() == "dismissed"
    steps.do()
    assert panel.model.row(panel.model.row_of(candidate)).decision == "dismissed"  # the panel read it again


def test_registry_correction(window: MainWindow, case_path: Path, steps: Steps, qtbot: QtBot,
                             monkeypatch: pytest.MonkeyPatch) -> None:
    def fill(dialog: RegistryDialog) -> int:
        dialog.name.setText("Verisign, Inc. (corrected)")
        dialog.note.setText("checked on verisign.com")
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(RegistryDialog, "exec", fill)
    window.open_case(case_path)
    name = lambda: _read(case_path, lambda c: registry_table(c).for_tld("com").name)  # noqa: E731
    bundled = name()
    window.registries.ask_and_correct("verisign")
    steps.do()
    assert name() == "Verisign, Inc. (corrected)"
    steps.undo()
    assert name() == bundled and _read(case_path, lambda c: c.registry_corrections()) == []
    assert _read(case_path, lambda c: c.custody()[-1].action) == "registry-correction-withdrawn"
    steps.redo()
    assert name() == "Verisign, Inc. (corrected)"


def test_case_details_parties_and_counsel(window: MainWindow, case_path: Path, steps: Steps,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    def fill(dialog: CaseDetailsDialog) -> int:
        form = dialog.form
        form.declarant_title.setText("Senior Investigator")
        form.qualifications.setPlainText("Ten years of preserving e-mail evidence.")
        form.parties_editor.add(PartyRole.PLAINTIFF)
        form.parties_editor.name.setText("Test Corporation")
        form.parties_editor.name.textEdited.emit("Test Corporation")
        form.counsel_fields["name"].setText("Alex Counsel")
        dialog.accept()
        return int(dialog.result())

    monkeypatch.setattr(CaseDetailsDialog, "exec", fill)
    window.open_case(case_path)
    state = lambda: _read(case_path, lambda c: (c.info().declarant_title, [p.name for p in c.parties()],  # noqa: E731
                                                c.counsel().name, c.info().declarant_qualifications))
    before = state()
    assert window.open_case_details()
    steps.do()
    assert state() == ("Senior Investigator", ["Test Corporation"], "Alex Counsel",
                       "Ten years of preserving e-mail evidence.")
    assert window.window_actions.undo.text() == "&Undo edit the case details"
    steps.undo()
    assert state() == before
    steps.redo()
    assert state()[:3] == ("Senior Investigator", ["Test Corporation"], "Alex Counsel")
    party = _read(case_path, lambda c: c.parties()[0])
    assert isinstance(party, Party) and party.role is PartyRole.PLAINTIFF


def test_the_history_goes_with_the_case(window: MainWindow, case_path: Path, steps: Steps) -> None:
    window.open_case(case_path)
    window.screenshots_page.select_row(0)
    window.screenshots_page.editor.fields["notes"].setPlainText("a note")
    window.screenshots_page.editor.save.click()
    steps.do()
    assert window.window_actions.undo.isEnabled()
    window.close_case()
    window.open_case(case_path)
    assert not window.window_actions.undo.isEnabled()  # another session: nothing to take back
    assert _read(case_path, lambda c: case_parties(c)) == []


@OFFSCREEN_SHOW
def test_the_timestamp_choice_made_in_preferences(window: MainWindow, case_path: Path, steps: Steps) -> None:
    window.open_case(case_path)
    dialog = window.open_preferences_dialog()
    assert dialog is not None
    dialog.timestamp_case.setChecked(False)  # type: ignore[attr-defined]
    dialog.accept()
    steps.do()
    wanted = lambda: _read(case_path, lambda c: c.info().timestamp_when_building)  # noqa: E731
    assert wanted() is False
    steps.undo()
    assert wanted() is True
    steps.redo()
    assert wanted() is False


@OFFSCREEN_SHOW
def test_the_declarant_confirms_a_paragraph_no_exhibit_shows(window: MainWindow, case_path: Path, steps: Steps,
                                                              qtbot: QtBot) -> None:
    """A paragraph counsel added states facts no exhibit shows: the review lists it until the declarant
    confirms its words, from the Documents page; undo takes the confirmation back."""
    from app.ops.review import review_case

    def unconfirmed() -> list[str]:
        return _read(case_path, lambda c: [p.where for p in review_case(c).problems
                                           if p.code == "paragraph-unconfirmed"])

    window.open_case(case_path)
    page = window.documents_page
    window.tabs.setCurrentWidget(page)
    window.show()
    qtbot.waitExposed(window)
    steps.do()
    page.start_add("exhibits", "The Defendants' pages copy the Plaintiff's logo.")
    steps.do()
    (key,) = [p[0] for p in _paragraphs(case_path) if p[0].startswith("added:")]
    assert unconfirmed() == [key]
    page.view.selectRow(page.model.row_of(key))
    assert page.confirm_button.isEnabled()

    page.confirm_button.click()
    steps.do()

    assert unconfirmed() == [] and not page.confirm_button.isEnabled()
    assert "paragraph-confirmed" in _read(case_path, lambda c: [e.action for e in c.custody()])
    steps.undo()
    assert unconfirmed() == [key]
    steps.redo()
    assert unconfirmed() == []
