"""The exhibit list of the Documents page names what each exhibit is, never a file name as a subject, and
an item made an exhibit again is described, not listed as a bare "Exhibit 3:" (guiwalk A8)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from app.gui.window import MainWindow
from app.ops.case import CaseFile
from app.ops.intake import import_files

NO_SUBJECT = (b"From: a@example.net\r\nTo: b@example.org\r\nDate: Mon, 14 Sep 2026 06:21:44 +0000\r\n"
              b"Message-ID: <2@example.net>\r\n\r\nVisit http://pills-shop-sample.com/ now.\r\n")


def _idle(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.operations.is_busy(), timeout=30_000)


def _labels(qtbot: QtBot, window: MainWindow) -> list[str]:
    page = window.documents_page
    page.reload()
    _idle(qtbot, window)
    choice = page.preview.choice
    texts = [choice.itemText(i) for i in range(choice.count())]
    return [t for t in texts if t.startswith("Exhibit ") and t.split(" ")[1].rstrip(":").isdigit()]


def test_exhibit_labels_name_what_each_is(window: MainWindow, case_path: Path, tmp_path: Path,
                                          qtbot: QtBot) -> None:
    headers_only = tmp_path / "pp_2024_headers_only.eml"
    headers_only.write_bytes(NO_SUBJECT)
    with CaseFile.open(case_path) as case:
        assert not import_files(case, [headers_only]).refused
        shot = next(number for number, item, _ in case.exhibits() if item.kind.value == "screenshot")
    window.open_case(case_path)
    window.tabs.setCurrentWidget(window.documents_page)
    labels = _labels(qtbot, window)
    assert any("an email message without a subject (pp_2024_headers_only.eml)" in x for x in labels)
    assert not any("subject \"pp_2024_headers_only.eml\"" in x for x in labels)

    menus = window.case_pages().item_menus
    item_id = next(item.id for number, item, _ in window.case.exhibits() if number == shot)  # type: ignore[union-attr]
    menus.leave_out([item_id])
    _idle(qtbot, window)
    menus.leave_out([item_id], out=False)  # "Make an exhibit again": last, described as on import
    _idle(qtbot, window)
    labels = _labels(qtbot, window)
    assert all(label.split(":", 1)[1].strip() for label in labels), labels
    assert labels[-1].endswith("a screenshot (capture.png)")
