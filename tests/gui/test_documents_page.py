"""The Documents page: counsel edit, reorder and add declaration paragraphs, see the PDF, export.

Every change goes through ``app.ops`` in the background, so each test waits for the
window's operations to finish; dialogs are patched, the window is never shown.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.gui.dialogs.add_paragraph import AddParagraphDialog
from app.gui.models.paragraphs import KeyRole, ParagraphsModel
from app.gui.pages.documents import DocumentsPage
from app.gui.window import MainWindow
from app.ops.case import CaseFile
from app.ops.paragraphs import current_paragraphs

from .conftest import Reviews, Shown


def _idle(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.operations.is_busy(), timeout=30_000)


def _loaded_page(window: MainWindow, case_path: Path, qtbot: QtBot) -> DocumentsPage:
    assert window.open_case(case_path)
    page = window.documents_page
    page.reload()
    _idle(qtbot, window)
    assert page.model.rowCount() >= 2
    return page


def _stored(case_path: Path) -> list[tuple[str, str, bool, bool]]:
    with CaseFile.open(case_path) as case:
        return [(p.key, p.text, p.edited, p.removed) for p in current_paragraphs(case)]


def _actions(case_path: Path) -> list[str]:
    with CaseFile.open(case_path) as case:
        return [entry.action for entry in case.custody()]


def test_paragraphs_model_passes_the_model_tester(case_path: Path, qtbot: QtBot,
                                                  qtmodeltester: ModelTester) -> None:
    model = ParagraphsModel()
    qtmodeltester.check(model)  # empty
    with CaseFile.open(case_path) as case:
        paragraphs = current_paragraphs(case)
    model.set_paragraphs(paragraphs)
    qtmodeltester.check(model)
    assert model.rowCount() == len(paragraphs) >= 2
    assert model.index(0, 0).data() == "The scheme"  # the prompt only a person can answer comes first
    first = _first_exhibit_row(model)
    assert model.index(first, 0).data() == "Exhibits"
    assert model.index(first, 1).data() == "1" and model.index(first + 1, 1).data() == "2"
    assert model.index(first, 2).data() == "drafted"
    assert model.index(0, 0).data(KeyRole) == paragraphs[0].key


def _first_exhibit_row(model: ParagraphsModel) -> int:
    return next(r for r in range(model.rowCount()) if model.paragraph(r).section == "exhibits")


def test_editing_a_paragraph_changes_the_case_and_its_custody_log(
    window: MainWindow, case_path: Path, qtbot: QtBot, shown: list[Shown]
) -> None:
    page = _loaded_page(window, case_path, qtbot)
    page.view.selectRow(0)
    key = page.selected_key()
    assert page.editor.toPlainText() == page.model.paragraph(0).text
    assert not page.save_button.isEnabled()  # nothing changed yet
    page.editor.setPlainText("Counsel's own words about   Exhibit 1.")
    assert page.save_button.isEnabled()
    page.save_button.click()
    _idle(qtbot, window)
    assert shown == []
    key_, text, edited, removed = _stored(case_path)[0]
    assert (key_, text, edited, removed) == (key, "Counsel's own words about Exhibit 1.", True, False)
    assert "paragraph-edited" in _actions(case_path)
    assert page.selected_key() == key and page.model.index(0, 2).data() == "edited"
    assert page.reset_button.isEnabled()

    page.reset_button.click()  # back to the draft
    _idle(qtbot, window)
    assert _stored(case_path)[0][2] is False
    assert "paragraph-reset" in _actions(case_path)


def test_paragraphs_move_up_and_down_within_their_section(
    window: MainWindow, case_path: Path, qtbot: QtBot, shown: list[Shown]
) -> None:
    page = _loaded_page(window, case_path, qtbot)
    top = _first_exhibit_row(page.model)
    first, second = (page.model.paragraph(r).key for r in (top, top + 1))
    page.view.selectRow(top)
    assert not page.up_button.isEnabled() and page.down_button.isEnabled()  # first of its section
    page.down_button.click()
    _idle(qtbot, window)

    def exhibit_keys() -> list[str]:
        return [k for k, *_ in _stored(case_path) if k.startswith("exhibit:")][:2]

    assert exhibit_keys() == [second, first]
    assert [page.model.paragraph(r).key for r in (top, top + 1)] == [second, first]
    assert page.selected_key() == first  # the moved paragraph stays selected
    assert "paragraph-moved" in _actions(case_path)
    page.up_button.click()
    _idle(qtbot, window)
    assert exhibit_keys() == [first, second]
    assert shown == []


def test_adding_leaving_out_and_putting_back_a_paragraph(
    window: MainWindow, case_path: Path, qtbot: QtBot, shown: list[Shown], monkeypatch: pytest.MonkeyPatch
) -> None:
    page = _loaded_page(window, case_path, qtbot)
    page.view.selectRow(0)
    before = page.model.rowCount()

    def fill(dialog: AddParagraphDialog) -> int:
        dialog.text.setPlainText("The defendants registered these domains under false names.")
        return int(AddParagraphDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(AddParagraphDialog, "exec", fill)
    page.add_button.click()
    _idle(qtbot, window)
    assert page.model.rowCount() == before + 1
    row = page.selected_row()
    assert row == 1  # after the selected paragraph, in its section
    added = page.model.paragraph(row)
    assert added.key.startswith("added:") and page.model.index(row, 2).data() == "added"
    assert added.text in [text for _, text, *_ in _stored(case_path)]

    page.remove_button.click()
    _idle(qtbot, window)
    assert page.model.index(page.selected_row(), 2).data() == "left out"
    assert page.remove_button.text() == "Put back"
    assert [r for k, _, _, r in _stored(case_path) if k == added.key] == [True]
    page.remove_button.click()
    _idle(qtbot, window)
    assert [r for k, _, _, r in _stored(case_path) if k == added.key] == [False]
    assert {"paragraph-added", "paragraph-removed", "paragraph-restored"} <= set(_actions(case_path))
    assert shown == []


def test_the_preview_shows_the_declaration_and_follows_each_change(
    window: MainWindow, case_path: Path, qtbot: QtBot, shown: list[Shown]
) -> None:
    page = _loaded_page(window, case_path, qtbot)  # loading schedules a render
    preview = page.preview
    qtbot.waitUntil(lambda: preview.page_count() > 0 and not preview.is_rendering(), timeout=30_000)
    _idle(qtbot, window)
    first = preview.shown_file
    assert first is not None and first.parent == preview.folder and first.read_bytes().startswith(b"%PDF")
    assert "preview" in preview.status.text().lower()
    page.view.selectRow(0)
    with qtbot.waitSignal(preview.rendered, timeout=30_000) as rendered:
        page.start_edit(page.selected_key() or "", "A much shorter paragraph.")
    assert rendered.args[0] > 0
    assert preview.shown_file != first and not first.exists()  # the old file is gone
    _idle(qtbot, window)
    window.close_case()
    assert preview.page_count() == 0 and list(preview.folder.iterdir()) == []
    assert shown == []


def test_reordering_exhibits_renumbers_them(
    window: MainWindow, case_path: Path, qtbot: QtBot, shown: list[Shown]
) -> None:
    page = _loaded_page(window, case_path, qtbot)
    names = [page.exhibits.index(r, 2).data() for r in range(2)]
    page.exhibits_view.selectRow(0)
    assert page.exhibit_order.down.isEnabled() and not page.exhibit_order.up.isEnabled()
    page.exhibit_order.down.click()
    _idle(qtbot, window)
    assert [page.exhibits.index(r, 2).data() for r in range(2)] == names[::-1]
    with CaseFile.open(case_path) as case:
        assert [item.name for _, item, _ in case.exhibits()][:2] == names[::-1]
        assert "exhibits-renumbered" in [e.action for e in case.custody()]
    assert shown == []


def test_export_writes_the_filing_set_and_says_where(
    window: MainWindow, case_path: Path, tmp_path: Path, qtbot: QtBot, shown: list[Shown],
    monkeypatch: pytest.MonkeyPatch, reviews: Reviews,
) -> None:
    from PySide6.QtWidgets import QFileDialog

    out = tmp_path / "filing"
    out.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kwargs: str(out))
    assert window.open_case(case_path)
    assert window.window_actions.export_filing.isEnabled()
    reviews.answer = "cancel"
    window.window_actions.export_filing.trigger()  # the case is not fileable: the review says why, nothing written
    _idle(qtbot, window)
    assert reviews.shown and any(p.severity == "blocking" for p in reviews.shown[-1])  # type: ignore[attr-defined]
    assert list(out.iterdir()) == []
    reviews.answer = "auto"  # a draft, since something blocks
    window.window_actions.export_filing.trigger()
    _idle(qtbot, window)
    names = sorted(p.name for p in out.iterdir())
    assert "01-declaration.pdf" in names and "01-declaration.docx" in names
    assert any(n.startswith("01-declaration-exhibit-001-") for n in names)
    assert "02-exhibit-index.pdf" in names and "04-proposed-order-ex-parte-tro.pdf" in names
    assert shown[-1].title == "Draft filing set exported" and shown[-1].plain
    assert str(out) in shown[-1].text and "01-declaration.pdf" in shown[-1].details
    assert "documents-exported" in _actions(case_path)


def test_a_cancelled_export_leaves_the_folder_as_it_was(
    window: MainWindow, case_path: Path, tmp_path: Path, qtbot: QtBot, shown: list[Shown]
) -> None:
    out = tmp_path / "filing"
    out.mkdir()
    assert window.open_case(case_path)
    operation = window.export.start_export(out, draft=True)
    assert operation is not None
    operation.cancel()  # before the first exhibit: it stops there
    _idle(qtbot, window)
    assert list(out.iterdir()) == []
    assert shown == []
    assert window.statusBar().currentMessage() == "Export cancelled; the folder was left as it was"


def test_words_left_in_the_editor_are_saved_on_moving_to_another_paragraph(
    window: MainWindow, case_path: Path, qtbot: QtBot, shown: list[Shown]
) -> None:
    page = _loaded_page(window, case_path, qtbot)
    page.view.selectRow(0)
    first = page.selected_key()
    page.editor.setPlainText("Typed, never saved by hand.")
    page.view.selectRow(1)
    _idle(qtbot, window)
    assert _stored(case_path)[0][:3] == (first, "Typed, never saved by hand.", True)
    assert page.selected_row() == 1 and page.editor.toPlainText() == page.model.paragraph(1).text
    assert _actions(case_path).count("paragraph-edited") == 1
    assert shown == []
