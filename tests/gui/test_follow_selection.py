"""Follow selection turns the preview to the selected paragraph itself, not only to its page, and tells
apart paragraphs that begin with the same words (guiwalk A6: "A true and correct copy of the WHOIS
record…" began every exhibit paragraph, and the preview stayed where it was)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from app.gui.window import MainWindow
from app.ops.case import CaseFile
from app.ops.paragraphs import add_paragraph, confirm_paragraph

from .conftest import OFFSCREEN_SHOW, show_documents

SAME_START = "A true and correct copy of the record that the investigators kept for the"


@OFFSCREEN_SHOW
def test_the_preview_turns_to_the_paragraph_among_alike_ones(
        window: MainWindow, case_path: Path, qtbot: QtBot) -> None:
    with CaseFile.open(case_path) as case:
        for n in range(1, 7):
            added = add_paragraph(case, "exhibits", f"{SAME_START} {'sample ' * n}domain number {n} is attached "
                                  "hereto. " + "It shows what it shows. " * 6)
            confirm_paragraph(case, added.key)  # printed without the mark, as the layout this test was made on
        for n in range(3):  # more after them, so that none sits where the view can no longer scroll
            add_paragraph(case, "exhibits", f"Another paragraph, number {n}, unlike the others. " * 12)
    page = show_documents(window, case_path, qtbot)
    preview = page.preview
    rows = [r for r in range(page.model.rowCount()) if page.model.paragraph(r).text.startswith(SAME_START)]
    assert len(rows) == 6
    bar = preview.view.verticalScrollBar()
    seen = []
    for row in rows:
        page.view.selectRow(row)
        seen.append((preview.view.pageNavigator().currentPage(), bar.value()))
    assert seen == sorted(seen) and len({value for _page, value in seen}) == 6  # each its own place, in order
    assert preview.show_text(page.model.paragraph(rows[3]).text) == seen[3][0]
