"""No edit is lost without a word: typed words are saved on moving away, kept when the case is read
again, and asked about before closing the case, quitting, building or undoing (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.core.model import ItemKind
from app.gui.window import MainWindow
from app.ops.case import CaseFile
from app.ops.paragraphs import current_paragraphs

from .conftest import Messages, Reviews, png_bytes


def _idle(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.operations.is_busy(), timeout=30_000)


@pytest.fixture
def two_shots(case_path: Path, tmp_path: Path) -> Path:
    """The sample case with a second screenshot."""
    second = tmp_path / "second.png"
    second.write_bytes(png_bytes(50, 40, "green"))
    from app.ops.intake import import_files

    with CaseFile.open(case_path) as case:
        import_files(case, [second])
    return case_path


def _metadata(path: Path) -> list[dict[str, str]]:
    with CaseFile.open(path) as case:
        return [dict(item.metadata) for item in case.items(ItemKind.SCREENSHOT)]


def test_metadata_typed_then_another_screenshot_clicked_is_kept(
    window: MainWindow, two_shots: Path, qtbot: QtBot, shown: Messages
) -> None:
    assert window.open_case(two_shots)
    page = window.screenshots_page
    page.select_row(0)
    qtbot.keyClicks(page.editor.fields["url"], "hxxp://phish[.]example/login")
    page.editor.fields["notes"].setPlainText("login form, typed and never saved by hand")
    assert page.unsaved().startswith("Screenshot metadata of Exhibit 1")
    page.select_row(1)  # another screenshot: what was typed for the first is saved on the way
    assert page.editor.fields["url"].text() == "" and not page.unsaved()  # the second one's, empty
    _idle(qtbot, window)
    first = _metadata(two_shots)[0]
    assert first["url"] == "hxxp://phish[.]example/login"
    assert first["notes"] == "login form, typed and never saved by hand"
    page.select_row(0)
    assert page.editor.fields["url"].text() == "hxxp://phish[.]example/login"  # shown as stored
    assert shown == []


def test_typing_survives_the_case_being_read_again(
    window: MainWindow, two_shots: Path, evidence: dict[str, Path], qtbot: QtBot, shown: Messages
) -> None:
    assert window.open_case(two_shots)
    page = window.screenshots_page
    page.select_row(0)
    page.editor.fields["notes"].setPlainText("half-typed note")
    with qtbot.waitSignal(window.events.itemsChanged, timeout=10_000):
        window.commands.start_import([evidence["png2"]])  # the models reload
    _idle(qtbot, window)
    assert page.editor.fields["notes"].toPlainText() == "half-typed note"  # still what was typed
    assert page.unsaved()


def _documents(window: MainWindow, path: Path, qtbot: QtBot) -> None:
    assert window.open_case(path)
    window.documents_page.reload()
    _idle(qtbot, window)
    window.documents_page.view.selectRow(0)


def _first_paragraph(path: Path) -> tuple[str, bool]:
    with CaseFile.open(path) as case:
        first = current_paragraphs(case)[0]
        return first.text, first.edited


@pytest.mark.parametrize(("answer", "closed", "stored"), [("Cancel", False, False), ("Discard", True, False),
                                                          ("Save", True, True)])
def test_quit_with_an_unsaved_paragraph_asks(
    window: MainWindow, case_path: Path, qtbot: QtBot, shown: Messages, answer: str, closed: bool, stored: bool
) -> None:
    drafted, _ = _first_paragraph(case_path)
    _documents(window, case_path, qtbot)
    page = window.documents_page
    page.editor.setPlainText("Counsel's words, typed and not saved.")
    shown.press.append(answer)
    window.window_actions.quit.trigger()  # Ctrl+Q
    [asked] = shown
    assert asked.title == "Unsaved changes" and "before quitting" in asked.text
    assert "Paragraph 1 of the declaration's “The scheme” section" in asked.text and {"Save", "Discard", "Cancel"} <= set(asked.buttons)
    assert (window.case is None) is closed
    if not closed:
        assert page.editor.toPlainText() == "Counsel's words, typed and not saved."  # back to them, untouched
    assert _first_paragraph(case_path) == (("Counsel's words, typed and not saved.", True) if stored
                                           else (drafted, False))


def test_close_case_with_unsaved_metadata_asks_and_saves(
    window: MainWindow, case_path: Path, qtbot: QtBot, shown: Messages
) -> None:
    assert window.open_case(case_path)
    page = window.screenshots_page
    page.select_row(0)
    page.editor.fields["tool"].setText("Firefox 140")
    shown.press.append("Save")
    window.window_actions.close_case.trigger()  # Ctrl+W
    assert window.case is None and "before closing the case" in shown[0].text
    assert _metadata(case_path)[0]["tool"] == "Firefox 140"


def test_build_with_an_unsaved_paragraph_asks_first(
    window: MainWindow, case_path: Path, qtbot: QtBot, shown: Messages, reviews: Reviews
) -> None:
    _documents(window, case_path, qtbot)
    window.documents_page.editor.setPlainText("Words that must reach the bundle.")
    shown.press.append("Cancel")
    window.window_actions.build_bundle.trigger()
    assert "before building the bundle" in shown[0].text
    _idle(qtbot, window)
    assert reviews.shown == []  # went back to the words: no review, no build
    assert window.documents_page.unsaved()


def test_undo_with_unsaved_words_asks_and_discarding_goes_ahead(
    window: MainWindow, two_shots: Path, qtbot: QtBot, shown: Messages
) -> None:
    assert window.open_case(two_shots)
    page = window.screenshots_page
    page.select_row(0)
    page.editor.fields["tool"].setText("Chrome 139")
    page.editor.save.click()
    _idle(qtbot, window)
    page.editor.fields["tool"].setText("typed over, not saved")
    shown.press.append("Discard")
    window.window_actions.undo.trigger()
    _idle(qtbot, window)
    assert "before undoing" in shown[0].text
    assert _metadata(two_shots)[0].get("tool", "") == ""  # the save undone
    assert page.editor.fields["tool"].text() == "" and not page.unsaved()
