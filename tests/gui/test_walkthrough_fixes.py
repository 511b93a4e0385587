"""What a walk-through of the window on a small laptop screen found, as a user sees it.

Save metadata is there to click only when a field was edited; the documents page's heading
counts the declaration's paragraphs as the preview numbers them; a long case path in the
status bar is shortened in the middle instead of running into the counts; the Rule 5.2
review's "In context" column keeps a readable width in a narrow pane.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex
from pytestqt.qtbot import QtBot

from app.core.model import CaseInfo, ItemKind
from app.gui.widgets.redaction_panel import RedactionPanel
from app.gui.window import MainWindow
from app.ops.case import CaseFile
from app.ops.intake import add_domains, import_files

from .conftest import OFFSCREEN_SHOW, Shown
from .test_redaction_review import SPAM


def _idle(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.operations.is_busy(), timeout=30_000)


def test_save_metadata_is_enabled_only_while_a_field_differs_from_the_stored_value(
    window: MainWindow, case_path: Path, qtbot: QtBot, shown: list[Shown]
) -> None:
    assert window.open_case(case_path)
    page = window.screenshots_page
    save = page.editor.save
    assert not save.isEnabled()  # nothing selected
    page.select_row(0)
    assert page.editor.isEnabled() and not save.isEnabled()  # selected, nothing edited
    url = page.editor.fields["url"]
    qtbot.keyClicks(url, "https://phish.example/")
    assert save.isEnabled()
    url.setText("")  # typed back to what is stored
    assert not save.isEnabled()
    page.editor.fields["notes"].setPlainText("login form")
    assert save.isEnabled()
    save.click()
    _idle(qtbot, window)
    assert window.case is not None
    assert window.case.items(ItemKind.SCREENSHOT)[0].metadata.get("notes") == "login form"
    assert not save.isEnabled()  # saved: nothing left to save
    page.editor.fields["notes"].setPlainText("edited, then the selection moved")
    assert save.isEnabled()
    page.view.setCurrentIndex(QModelIndex())  # no screenshot selected: what was typed is saved on the way
    assert not save.isEnabled()
    _idle(qtbot, window)
    page.select_row(0)
    assert page.editor.fields["notes"].toPlainText() == "edited, then the selection moved" and not save.isEnabled()
    assert shown == []


def _pdf_text(pdf: Path) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext not installed")
    return subprocess.run([tool, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout


def test_the_paragraphs_heading_counts_what_the_preview_numbers(
    window: MainWindow, case_path: Path, qtbot: QtBot, shown: list[Shown]
) -> None:
    assert window.open_case(case_path)
    page = window.documents_page
    page.reload()
    preview = page.preview
    qtbot.waitUntil(lambda: preview.page_count() > 0 and not preview.is_rendering(), timeout=30_000)
    _idle(qtbot, window)
    heading = page.paragraphs_heading.text()
    match = re.fullmatch(r"Declaration: (\d+) numbered paragraphs, (\d+) listed here, (\d+) fixed", heading)
    assert match, heading
    numbered, listed, fixed = (int(n) for n in match.groups())
    assert listed == page.model.rowCount() and fixed > 0 and numbered == listed + fixed
    assert preview.shown_file is not None
    numbers = [int(n) for n in re.findall(r"^\s*(\d+)\.\s", _pdf_text(preview.shown_file), re.MULTILINE)]
    assert max(numbers) == numbered  # the preview's last paragraph number is the heading's count

    page.view.selectRow(0)
    page.toggle_removed()  # leave one out: the preview has one paragraph fewer
    qtbot.waitUntil(lambda: "left out" in page.paragraphs_heading.text(), timeout=30_000)
    assert page.paragraphs_heading.text() == (f"Declaration: {numbered - 1} numbered paragraphs, "
                                              f"{listed - 1} listed here, {fixed} fixed, 1 left out")
    _idle(qtbot, window)
    assert shown == []


@OFFSCREEN_SHOW
def test_a_long_case_path_is_shortened_in_the_middle_of_the_status_bar(
    window: MainWindow, tmp_path: Path, evidence: dict[str, Path], qtbot: QtBot
) -> None:
    folder = tmp_path / "Matters" / "2026" / "Fictional Corporation v. John Does 1-22 (E.D. Va.)" / "evidence"
    folder.mkdir(parents=True)
    path = folder / "Fictional-Corp-v-John-Does-1-22-sample-case-with-a-long-name.evcase"
    info = CaseInfo(case_id="", title="Fictional Corp. v. John Does 1-22", case_number="1:26-cv-00001",
                    declarant="Pat Investigator", organisation="Test Corp.")
    with CaseFile.create(path, info) as case:
        import_files(case, [evidence["png"], evidence["eml"]])
    window.resize(1024, 700)
    window.show()
    qtbot.waitExposed(window)
    assert window.open_case(path)
    qtbot.waitUntil(lambda: window.counts_label.text() != "")
    label, counts = window.case_label, window.counts_label
    text = label.text()
    assert text.startswith("Fictional Corp. v. John Does 1-22 (1:26-cv-00001)")  # the title whole
    assert "…" in text and text.endswith(".evcase") and str(path) not in text  # the path, shortened
    assert label.toolTip() == str(path)  # and whole in the tooltip
    assert label.fontMetrics().horizontalAdvance(text) <= label.contentsRect().width()
    assert label.geometry().right() < counts.geometry().left()  # never under the counts
    window.resize(1900, 700)
    qtbot.waitUntil(lambda: str(path) in label.text())  # room enough: the whole path
    window.close_case()
    assert label.text() == "No case open" and label.toolTip() == ""


@pytest.fixture
def ssn_case(tmp_path: Path) -> Path:
    (tmp_path / "claim.eml").write_bytes(SPAM)
    path = tmp_path / "ssn.evcase"
    info = CaseInfo(case_id="", title="Test Corp. v. John Does", declarant="Pat Investigator",
                    organisation="Test Corp.", bates_prefix="TST", bundle_date="2026-11-02")
    with CaseFile.create(path, info) as case:
        import_files(case, [tmp_path / "claim.eml"])
        add_domains(case, "benefits-claim-sample.com\n", source="test")
    return path


@OFFSCREEN_SHOW
def test_in_context_keeps_a_readable_share_of_a_narrow_rule_5_2_table(
    window: MainWindow, ssn_case: Path, qtbot: QtBot
) -> None:
    assert window.open_case(ssn_case)
    panel = RedactionPanel(lambda: window.case, window.operations, window.edits)  # alone, to size it
    qtbot.addWidget(panel)
    panel.reload()
    _idle(qtbot, window)
    assert panel.model.rowCount() > 0
    view = panel.view
    context = panel.model.columnCount() - 1
    assert panel.model.headerData(context, view.horizontalHeader().orientation()) == "In context"
    panel.resize(500, 400)
    panel.show()
    qtbot.waitExposed(panel)
    room = view.viewport().width()
    assert view.columnWidth(context) >= 0.25 * room  # a readable share of a narrow pane
    used = sum(view.columnWidth(c) for c in range(panel.model.columnCount()))
    assert used <= room  # every column in view, no sideways scrolling to reach the context
    panel.resize(1200, 400)
    from app.gui.widgets.redaction_panel import COLUMN_WIDTHS

    qtbot.waitUntil(lambda: view.columnWidth(0) == COLUMN_WIDTHS[0])  # a wide pane: the usual widths
    assert view.columnWidth(context) >= view.viewport().width() - sum(COLUMN_WIDTHS) - 2  # the context: the rest
    panel.hide()
