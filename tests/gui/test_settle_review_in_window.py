"""Every blocking problem of the pre-filing review can be settled from the window (guiwalk B3, A4):
each row says which domain or exhibit it is about and the window's way to settle it (never a
command line); the Domains page links a domain to an exhibit and takes one out of the case, both
undoable; File → Review before filing… brings the list back after Go there."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.core.model import Problem
from app.gui.dialogs.link_exhibit import LinkExhibitDialog
from app.gui.dialogs.review import ReviewDialog
from app.gui.models.problems import problem_text
from app.gui.widgets.context_menu import menu_for
from app.gui.window import MainWindow
from app.ops import review as review_ops
from app.ops.case import CaseFile
from app.ops.review import review_case

from .conftest import Messages, Reviews

LINKED = "botnet-c2-sample.net"


def _idle(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.operations.is_busy(), timeout=30_000)


def _read(path: Path, what):  # type: ignore[no-untyped-def]
    with CaseFile.open(path) as case:
        return what(case)


def _unsupported(case: CaseFile) -> list[str]:
    return [p.where for p in review_case(case).problems if p.code == "unsupported-domain" and "." in p.where]


def _select(qtbot: QtBot, window: MainWindow, name: str) -> None:
    page = window.domains_page
    window.tabs.setCurrentWidget(page)
    page.show_domain(name)
    qtbot.waitUntil(lambda: page.selected_names() == [name], timeout=10_000)


def _menu_action(window: MainWindow, text: str) -> None:
    page = window.domains_page
    menu = menu_for(page.view, page.fill_menu)
    [action] = [a for a in menu.actions() if a.text() == text]
    assert action.isEnabled(), text
    action.trigger()
    menu.deleteLater()


def test_each_row_names_what_it_is_about_and_the_windows_way_not_a_command(
        window: MainWindow, case_path: Path) -> None:
    problems = _read(case_path, lambda c: review_case(c).problems)
    dialog = ReviewDialog(problems, "building the bundle", window)
    rows = [dialog.model.index(r, 0).data() for r in range(dialog.model.rowCount())]
    assert rows and not [r for r in rows if "evbundle" in r or "--" in r]
    unsupported = [r for r, p in zip(rows, problems, strict=True) if p.code == "unsupported-domain" and p.where
                   and "." in p.where]
    assert unsupported and unsupported[0].startswith(f"{problems[[p.where for p in problems].index(LINKED)].where}: ")
    assert "Link to exhibit…" in unsupported[0]
    redaction = Problem("blocking", "rule-5-2-undecided", "personal data 'Pat' is neither redacted nor kept; decide "
                        "it ('evbundle redactions CASE confirm|dismiss 7794606aad')", "Exhibit 7", "redaction:x")
    assert problem_text(redaction) == ("Exhibit 7: personal data 'Pat' is neither redacted nor kept\n"
                                       "    → Documents → Rule 5.2 review: Redact or Keep")
    registry = Problem("blocking", "registry-unconfirmed", "Norid AS (.no): no checked postal address; confirm it "
                       "and record it with 'domains CASE registry set norid'", "", "domain:")
    assert problem_text(registry) == ("Norid AS (.no): no checked postal address\n"
                                      "    → Domains: select a domain of this registry → Registry…")
    dialog.deleteLater()


def test_link_a_domain_to_an_exhibit_from_the_domains_page_undo_and_redo(
        window: MainWindow, case_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    offered: list[list[str]] = []

    def fill(dialog: LinkExhibitDialog) -> int:
        offered.append([dialog.exhibit.itemText(i) for i in range(dialog.exhibit.count())])
        assert not dialog.ok.isEnabled()  # no statement, no link
        dialog.note.setText("found in the malware's configuration file")
        dialog.exhibit.setCurrentIndex(dialog.exhibit.count() - 1)
        dialog.ok.click()
        return int(dialog.result())

    monkeypatch.setattr(LinkExhibitDialog, "exec", fill)
    assert LINKED in _read(case_path, _unsupported)
    window.open_case(case_path)
    _select(qtbot, window, LINKED)
    assert window.domains_page.link_button.isEnabled()
    _menu_action(window, "Link to exhibit…")
    _idle(qtbot, window)
    assert offered and all(text.startswith("Exhibit ") for text in offered[0])
    assert LINKED not in _read(case_path, _unsupported)  # the review no longer blocks on it
    notes = _read(case_path, lambda c: [(s.domain, s.note) for s in c.support_decisions()])
    assert (LINKED, "found in the malware's configuration file") in notes
    assert window.window_actions.undo.text().startswith(f"&Undo link {LINKED} to Exhibit ")
    window.window_actions.undo.trigger()
    _idle(qtbot, window)
    assert LINKED in _read(case_path, _unsupported) and _read(case_path, lambda c: c.support_decisions()) == []
    window.window_actions.redo.trigger()
    _idle(qtbot, window)
    assert LINKED not in _read(case_path, _unsupported)


def test_remove_a_domain_from_the_case_and_undo_puts_it_back_as_it_was(
        window: MainWindow, case_path: Path, qtbot: QtBot) -> None:
    before = _read(case_path, lambda c: {d.ascii: (d.added_at, d.source) for d in c.domains()})
    window.open_case(case_path)
    _select(qtbot, window, LINKED)
    _menu_action(window, "Remove 1 domain from case")
    _idle(qtbot, window)
    assert LINKED not in _read(case_path, lambda c: [d.ascii for d in c.domains()])
    qtbot.waitUntil(lambda: window.domains_page.model.total() == 2, timeout=10_000)
    assert _read(case_path, lambda c: c.custody()[-1].action) == "domains-removed"
    window.window_actions.undo.trigger()
    _idle(qtbot, window)
    assert _read(case_path, lambda c: {d.ascii: (d.added_at, d.source) for d in c.domains()}) == before
    assert _read(case_path, lambda c: c.custody()[-1].action) == "domains-restored"
    window.window_actions.redo.trigger()
    _idle(qtbot, window)
    assert LINKED not in _read(case_path, lambda c: [d.ascii for d in c.domains()])


def test_review_before_filing_reopens_the_list_after_go_there_and_builds_nothing(
        window: MainWindow, case_path: Path, qtbot: QtBot, reviews: Reviews) -> None:
    actions = window.window_actions
    file_menu = window.menuBar().actions()[0].menu()
    assert actions.review in file_menu.actions()
    assert actions.precheck.text() == "Check domains are &live…"
    window.open_case(case_path)
    seen: list[tuple[bool, bool, str]] = []
    real = ReviewDialog.exec

    def look(dialog: ReviewDialog) -> int:
        seen.append((dialog.final_button.isVisibleTo(dialog), dialog.draft_button.isVisibleTo(dialog),
                     dialog.windowTitle()))
        row = next(i for i, p in enumerate(dialog.model.problems) if p.target.startswith("domain:"))
        dialog.view.setCurrentIndex(dialog.model.index(row, 0))
        return real(dialog)

    reviews.answer = "go"
    ReviewDialog.exec = look  # type: ignore[method-assign]
    try:
        actions.review.trigger()
        _idle(qtbot, window)
        assert reviews.where[0].startswith("domain:") and window.tabs.currentWidget() is window.domains_page
        actions.review.trigger()  # after Go there, the list comes back
        _idle(qtbot, window)
    finally:
        ReviewDialog.exec = real  # type: ignore[method-assign]
    assert len(reviews.shown) == 2
    assert seen == [(False, False, "Review before filing")] * 2  # nothing to build from here


def test_review_before_filing_with_nothing_to_settle_says_so(
        window: MainWindow, case_path: Path, qtbot: QtBot, shown: Messages, reviews: Reviews,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(review_ops, "CHECKS", [])
    window.open_case(case_path)
    window.window_actions.review.trigger()
    _idle(qtbot, window)
    assert reviews.shown == [] and [m.title for m in shown] == ["Review before filing"]
    assert "nothing to settle" in shown[0].text


def test_the_link_dialog_waits_for_the_declarants_words(qtbot: QtBot) -> None:
    dialog = LinkExhibitDialog(["a.com"], [(5, "Exhibit 1: spam")])
    qtbot.addWidget(dialog)
    assert not dialog.ok.isEnabled()
    dialog.note.setText("  named in the spam's links ")
    assert dialog.ok.isEnabled() and dialog.item_id() == 5


def test_go_there_on_an_unconfirmed_registry_lists_its_domains(window: MainWindow, case_path: Path,
                                                                qtbot: QtBot) -> None:
    window.open_case(case_path)
    problem = Problem("blocking", "registry-unconfirmed", "Norid AS (.no): no checked postal address", "", "domain:")
    dialog = ReviewDialog([problem], "", window)
    dialog.go_there()
    assert dialog.where == "domains:unconfirmed-registry"
    assert window.go_to(dialog.where) and window.tabs.currentWidget() is window.domains_page
    assert window.domains_page.problem.currentData() == "unconfirmed-registry"
    dialog.deleteLater()


def test_go_there_twice_to_the_same_domain_selects_it_again(window: MainWindow, case_path: Path,
                                                           qtbot: QtBot) -> None:
    """The walk's N2: after a second "go there" to the domain already filtered, the row must be selected, or
    Remove from case has nothing to act on."""
    window.open_case(case_path)
    _select(qtbot, window, LINKED)
    window.domains_page.view.clearSelection()
    assert not window.domains_page.remove_button.isEnabled()

    assert window.go_to(f"domain:{LINKED}")

    qtbot.waitUntil(lambda: window.domains_page.selected_names() == [LINKED], timeout=10_000)
    assert window.domains_page.remove_button.isEnabled()
