"""Before a build or an export, the pre-filing review: a blocking problem refuses a final build, a draft
can still be made, and "Go there" opens the place to fix it (issue 15: 61 undecided Rule 5.2
candidates went into a build without a word)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from app.bundle import identity as identity_module
from app.gui.dialogs.passphrase import PassphraseDialog
from app.gui.dialogs.review import ReviewDialog
from app.gui.window import MainWindow
from app.ops import build as build_ops
from app.ops import review as review_ops
from app.ops.case import CaseFile
from app.ops.redactions import decide_redactions, list_redactions

from .conftest import Messages, Reviews

PASSPHRASE = "correct horse battery"


@pytest.fixture
def out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kwargs: str(folder))
    monkeypatch.setattr(identity_module, "KDF_ROUNDS", 1000)

    def answer(dialog: PassphraseDialog) -> int:
        dialog.passphrase.setText(PASSPHRASE)
        dialog.again.setText(PASSPHRASE)
        dialog.accept()
        return int(dialog.result())

    monkeypatch.setattr(PassphraseDialog, "exec", answer)
    return folder


@pytest.fixture
def requests(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The build requests the window made (the builds themselves are real)."""
    made: list[Any] = []
    real = build_ops.build

    def spy(case: CaseFile, request: Any, **kwargs: Any) -> Any:
        made.append(request)
        return real(case, request, **kwargs)

    monkeypatch.setattr(build_ops, "build", spy)
    return made


def _idle(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.operations.is_busy(), timeout=60_000)


def test_a_blocking_problem_refuses_a_final_build_and_a_draft_is_built(
    window: MainWindow, case_path: Path, out: Path, qtbot: QtBot, shown: Messages, requests: list[Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[tuple[bool, list[str], str]] = []

    def review(dialog: ReviewDialog) -> int:
        codes = [p.code for p in dialog.model.problems]
        seen.append((dialog.final_button.isEnabled(), codes, dialog.draft_button.text()))
        dialog.draft_button.click()
        return int(dialog.result())

    monkeypatch.setattr(ReviewDialog, "exec", review)
    window.open_case(case_path)
    window.window_actions.build_bundle.trigger()
    _idle(qtbot, window)
    [(final_offered, codes, draft_text)] = seen
    assert not final_offered and "rule-5-2-undecided" in codes and draft_text == "Build a draft"
    assert [r.draft for r in requests] == [True]  # the build was asked for as a draft
    assert shown[-1].title == "Draft bundle built" and "not for filing" in shown[-1].text
    assert list(out.glob("*.zip"))


@pytest.fixture
def only_rule_5_2(monkeypatch: pytest.MonkeyPatch) -> None:
    """The review with its Rule 5.2 check alone: the test case is otherwise far from fileable."""
    monkeypatch.setattr(review_ops, "CHECKS", [review_ops.check_redactions])


@pytest.mark.usefixtures("only_rule_5_2")
def test_with_nothing_to_settle_the_build_goes_straight_on(
    window: MainWindow, case_path: Path, out: Path, qtbot: QtBot, shown: Messages, requests: list[Any],
    reviews: Reviews,
) -> None:
    with CaseFile.open(case_path) as case:
        decide_redactions(case, [r.candidate.id for r in list_redactions(case)], "confirm")
    window.open_case(case_path)
    window.window_actions.build_bundle.trigger()
    _idle(qtbot, window)
    assert reviews.shown == [] and [r.draft for r in requests] == [False]
    [result] = shown
    assert result.title == "Bundle built" and {"Open folder", "Verify now"} <= set(result.buttons)


@pytest.mark.usefixtures("only_rule_5_2")
def test_go_there_opens_the_rule_5_2_candidate(
    window: MainWindow, case_path: Path, out: Path, qtbot: QtBot, shown: Messages, requests: list[Any],
    reviews: Reviews,
) -> None:
    reviews.answer = "go"
    window.open_case(case_path)
    window.window_actions.build_bundle.trigger()
    _idle(qtbot, window)
    assert requests == [] and shown == []  # nothing built
    [where] = reviews.where
    assert where.startswith("redaction:")
    page = window.documents_page
    assert window.tabs.currentWidget() is page and page.left_tabs.currentWidget() is page.redactions
    qtbot.waitUntil(lambda: bool(page.redactions.selected_ids()), timeout=30_000)
    assert page.redactions.selected_ids() == [where.split(":", 1)[1]]


def test_an_export_with_a_blocking_problem_is_a_draft(
    window: MainWindow, case_path: Path, out: Path, qtbot: QtBot, shown: Messages, reviews: Reviews,
) -> None:
    window.open_case(case_path)
    window.window_actions.export_filing.trigger()
    _idle(qtbot, window)
    assert len(reviews.shown) == 1 and shown[-1].title == "Draft filing set exported"
    assert "not for filing" in shown[-1].text and "Open folder" in shown[-1].buttons


@pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # the Verify dialog, shown offscreen
def test_verify_now_after_a_build_checks_the_bundle(
    window: MainWindow, case_path: Path, out: Path, qtbot: QtBot, shown: Messages, requests: list[Any],
) -> None:
    shown.press.append("Verify now")
    window.open_case(case_path)
    window.window_actions.build_bundle.trigger()
    _idle(qtbot, window)
    from app.gui.dialogs.verify import VerifyDialog

    [dialog] = window.findChildren(VerifyDialog)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=60_000)
    assert dialog.report is not None and dialog.report.ok
    assert dialog.verdict.text().startswith("VALID")
    dialog.close()
    again = window.open_verify_dialog()  # the bundle just built is offered next time too
    assert again.last_button.isVisible() and again.last_button.text().endswith(".zip")
    again.close()
