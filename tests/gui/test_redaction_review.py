"""The documents page's Rule 5.2 review and its choice of document to preview.

Counsel see the personal data found in an exhibit, redact or keep each candidate, and the
preview (and the export) show the exhibit without the redacted text while the evidence
in the case stays byte-exact. Every decision goes through ``app.ops.redactions`` and is
in the custody log. Dialogs are captured; the window is never shown.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.core.model import CaseInfo
from app.gui.models.redactions import CandidateIdRole, RedactionsModel
from app.gui.pages.documents import DocumentsPage
from app.gui.widgets.redaction_panel import RedactionPanel
from app.gui.window import MainWindow
from app.ops.case import CaseFile
from app.ops.intake import add_domains, import_files
from app.ops.previews import APPENDIX_A
from app.ops.redactions import list_redactions

from .conftest import Shown

SSN = "123-45-6789"
SPAM = (
    "From: Benefits Desk <desk@spam.example>\r\n"
    "To: Jane Victim <jane.victim@example.org>\r\n"
    "Subject: Your benefits are on hold\r\n"
    "Date: Tue, 18 Feb 2025 08:15:00 +0000\r\n"
    "Message-ID: <ssn-1@spam.example>\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    f"Dear customer, we hold your SSN {SSN} on file.\r\n"
    "Confirm it at http://benefits-claim-sample.com/confirm today.\r\n"
).encode()


def _text(pdf: Path) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext not installed")
    out = subprocess.run([tool, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(out.split())


@pytest.fixture
def ssn_case(tmp_path: Path) -> Path:
    """A case whose one exhibit is a spam email carrying a social-security number."""
    (tmp_path / "claim.eml").write_bytes(SPAM)
    path = tmp_path / "ssn.evcase"
    info = CaseInfo(case_id="", title="Test Corp. v. John Does", declarant="Pat Investigator",
                    organisation="Test Corp.", bates_prefix="TST", bundle_date="2026-11-02")
    with CaseFile.create(path, info) as case:
        report = import_files(case, [tmp_path / "claim.eml"])
        assert not report.refused, report.refused
        add_domains(case, "benefits-claim-sample.com\n", source="test")
    return path


def _idle(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.operations.is_busy(), timeout=30_000)


def _open(window: MainWindow, case_path: Path, qtbot: QtBot) -> tuple[DocumentsPage, RedactionPanel]:
    assert window.open_case(case_path)
    page = window.documents_page
    page.reload()
    page.redactions.reload()  # the page is not shown: load by hand
    _idle(qtbot, window)
    return page, page.redactions


def _row_of(panel: RedactionPanel, text: str) -> int:
    rows = [r for r in range(panel.model.rowCount()) if panel.model.index(r, 2).data() == text]
    assert len(rows) == 1, [panel.model.index(r, 2).data() for r in range(panel.model.rowCount())]
    return rows[0]


def _actions(case_path: Path) -> list[str]:
    with CaseFile.open(case_path) as case:
        return [entry.action for entry in case.custody()]


def test_the_redactions_model_passes_the_model_tester(ssn_case: Path, qtmodeltester: ModelTester) -> None:
    model = RedactionsModel()
    qtmodeltester.check(model)
    with CaseFile.open(ssn_case) as case:
        rows = list_redactions(case)
    model.set_rows(rows)
    qtmodeltester.check(model)
    assert model.rowCount() == len(rows) >= 2


def test_a_confirmed_ssn_is_gone_from_the_preview_and_the_export_but_not_from_the_evidence(
    window: MainWindow, ssn_case: Path, tmp_path: Path, qtbot: QtBot, shown: list[Shown]
) -> None:
    page, panel = _open(window, ssn_case, qtbot)
    row = _row_of(panel, SSN)
    model = panel.model
    assert model.index(row, 0).data() == "Exhibit 1"
    assert model.index(row, 1).data() == "SSN"
    assert model.index(row, 3).data() == "XXX-XX-6789"
    assert model.index(row, 4).data() == "to decide"
    assert f"your SSN {SSN} on file" in model.index(row, 5).data()  # the text in its context
    assert "address in headers" in {model.index(r, 1).data() for r in range(model.rowCount())}
    assert "to decide" in panel.heading.text()

    panel.view.selectRow(row)
    preview = page.preview
    with qtbot.waitSignal(preview.rendered, timeout=30_000):
        panel.show_button.click()  # the exhibit of the selected candidate, in the preview
    assert preview.current_key().startswith("exhibit:")
    assert SSN in _text(preview.shown_file)
    assert "TST-000001" in _text(preview.shown_file)

    with qtbot.waitSignal(preview.rendered, timeout=30_000):
        panel.confirm_button.click()
    _idle(qtbot, window)
    assert SSN not in _text(preview.shown_file) and "XXX-XX-6789" in _text(preview.shown_file)
    assert model.index(_row_of(panel, SSN), 4).data() == "redact"
    assert "1 redacted" in panel.heading.text()
    assert "redaction-confirmed" in _actions(ssn_case)

    out = tmp_path / "filing"
    out.mkdir()
    assert window.export.start_export(out, draft=True) is not None
    _idle(qtbot, window)
    exhibit = next(out.glob("01-declaration-exhibit-001-*.pdf"))
    assert SSN not in _text(exhibit) and "XXX-XX-6789" in _text(exhibit)
    with CaseFile.open(ssn_case) as case:
        (_, item, _), = case.exhibits()
        original = case.read_object(item.sha256)
    assert original == SPAM and hashlib.sha256(original).hexdigest() == item.sha256
    assert shown[-1].title == "Draft filing set exported"


def test_keeping_and_undoing_a_decision_are_logged_and_leave_the_text(
    window: MainWindow, ssn_case: Path, qtbot: QtBot, shown: list[Shown]
) -> None:
    _page, panel = _open(window, ssn_case, qtbot)
    panel.view.selectRow(_row_of(panel, SSN))
    assert panel.confirm_button.isEnabled() and panel.dismiss_button.isEnabled()
    assert not panel.undo_button.isEnabled()
    panel.dismiss_button.click()
    _idle(qtbot, window)
    row = _row_of(panel, SSN)
    assert panel.model.index(row, 4).data() == "keep (not personal data)"
    assert panel.selected_ids() == [panel.model.index(row, 0).data(CandidateIdRole)]  # still selected
    assert not panel.dismiss_button.isEnabled() and panel.undo_button.isEnabled()
    assert "redaction-dismissed" in _actions(ssn_case)

    panel.undo_button.click()
    _idle(qtbot, window)
    assert panel.model.index(_row_of(panel, SSN), 4).data() == "to decide"
    assert "redaction-withdrawn" in _actions(ssn_case)
    with CaseFile.open(ssn_case) as case:
        assert not any(r.decision for r in list_redactions(case))
    assert shown == []


def test_choosing_the_proposed_order_previews_it(
    window: MainWindow, ssn_case: Path, qtbot: QtBot, shown: list[Shown]
) -> None:
    page, _panel = _open(window, ssn_case, qtbot)
    preview = page.preview
    qtbot.waitUntil(lambda: preview.page_count() > 0 and not preview.is_rendering(), timeout=30_000)
    _idle(qtbot, window)
    names = [preview.choice.itemText(i) for i in range(preview.choice.count())]
    for name in ("Declaration", "Exhibit index", "Proposed order", "Appendix A (domains by registry)"):
        assert name in names
    assert any(n.startswith("Certification") for n in names)
    assert any(n.startswith("Letter to ") for n in names)
    assert any(n.startswith("Exhibit 1: ") for n in names)

    with qtbot.waitSignal(preview.rendered, timeout=30_000) as rendered:
        assert preview.choose("04-proposed-order-ex-parte-tro")
    assert rendered.args[0] == preview.page_count() >= 2
    text = _text(preview.shown_file)
    assert "TEMPORARY RESTRAINING ORDER" in text and "IT IS SO ORDERED" in text
    assert "Proposed order" in preview.status.text()

    page.reload()  # a change elsewhere: the choice stays on the order
    _idle(qtbot, window)
    assert preview.current_key() == "04-proposed-order-ex-parte-tro"
    window.close_case()
    assert preview.current_key() == "01-declaration" and preview.page_count() == 0
    assert shown == []


def test_the_document_chosen_last_is_the_one_shown(
    window: MainWindow, ssn_case: Path, qtbot: QtBot, shown: list[Shown]
) -> None:
    page, _panel = _open(window, ssn_case, qtbot)
    preview = page.preview
    qtbot.waitUntil(lambda: preview.page_count() > 0 and not preview.is_rendering(), timeout=30_000)
    with CaseFile.open(ssn_case) as case:
        (_, item, _), = case.exhibits()
    assert preview.choose_exhibit(item.id)  # a render starts…
    assert preview.choose(APPENDIX_A)  # …and counsel move on before it is shown
    qtbot.waitUntil(lambda: preview.shown_key == APPENDIX_A and not preview.is_rendering(), timeout=30_000)
    _idle(qtbot, window)
    assert "APPENDIX A" in _text(preview.shown_file) and "benefits-claim-sample.com" in _text(preview.shown_file)
    assert not preview.choose("exhibit:999999")  # not in the case: nothing happens
    assert shown == []
