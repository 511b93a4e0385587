"""Small things a first-time user faulted (guiwalk C2, C9): the refusal summary's grammar, and a left-out
screenshot that looked like an exhibit in the thumbnail grid."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.gui.commands.evidence import import_summary
from app.gui.window import MainWindow
from app.ops.intake import ImportReport


def test_the_refusal_summary_reads_as_english() -> None:
    one = ImportReport(imported=[], refused=[("/x/broken.png", "truncated PNG")])
    assert "1 file refused (it was not stored):" in import_summary(one)[0]
    two = ImportReport(imported=[], refused=[("/x/a.png", "bad"), ("/x/b.png", "bad")])
    assert "2 files refused (none of them was stored):" in import_summary(two)[0]


def test_a_left_out_screenshot_says_so_in_the_grid(window: MainWindow, case_path: Path, qtbot: QtBot) -> None:
    window.open_case(case_path)
    page = window.screenshots_page
    index = page.thumbnails.index(0, 1)
    assert not str(index.data()).startswith("(left out)")
    item_id = page.model.row_value(0).id
    window.case_pages().item_menus.leave_out([item_id])
    qtbot.waitUntil(lambda: not window.operations.is_busy(), timeout=30_000)
    index = page.thumbnails.index(0, 1)
    assert str(index.data()) == "(left out) capture.png"
    assert "Make an exhibit again" in str(index.data(Qt.ItemDataRole.ToolTipRole))


def test_the_spam_table_shows_the_status_whole_and_no_file_name_as_a_subject(
        window: MainWindow, case_path: Path, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QPlainTextEdit

    from app.ops.case import CaseFile
    from app.ops.intake import import_files

    bare = tmp_path / "headers_only.eml"
    bare.write_bytes(b"From: a@example.net\r\nTo: b@example.org\r\n\r\nHello.\r\n")
    with CaseFile.open(case_path) as case:
        assert not import_files(case, [bare]).refused
    window.open_case(case_path)
    page = window.spam_page
    subjects = [str(page.model.index(r, 1).data()) for r in range(page.model.rowCount())]
    assert "(no subject) headers_only.eml" in subjects
    metrics = page.view.fontMetrics()
    assert page.view.columnWidth(6) >= metrics.horizontalAdvance("Read with defects") + 8  # guiwalk C5
    assert page.headers.lineWrapMode() == QPlainTextEdit.LineWrapMode.WidgetWidth


def test_message_titles_are_not_lengthened_and_fit_their_box(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    """Guiwalk C1: every title ended in " — Evidence Bundle Builder" (X11 appends a display name) and the
    window manager cut it in the middle of a narrow box."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    from app.gui import messages
    from app.gui.app import configure_application

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    configure_application(app)
    assert app.applicationDisplayName() == app.applicationName()  # none set: nothing appended to titles
    widths: list[tuple[int, int]] = []

    def measure(box: QMessageBox) -> int:
        widths.append((box.sizeHint().width(), box.fontMetrics().horizontalAdvance(box.windowTitle())))
        return 0

    monkeypatch.setattr(QMessageBox, "exec", measure)
    messages.show_message(None, "The case could not be checked before filing", "short")
    [(box_width, title_width)] = widths
    assert box_width >= title_width + messages.TITLE_BAR


def test_the_rule_5_2_table_shows_the_kind_whole_at_1366(window: MainWindow, case_path: Path, qtbot: QtBot) -> None:
    """Guiwalk C5: "address in h…" in the Kind column of the Rule 5.2 review at 1366×768."""
    window.resize(1366, 768)
    window.open_case(case_path)
    page = window.documents_page
    window.tabs.setCurrentWidget(page)
    page.left_tabs.setCurrentWidget(page.redactions)
    panel = page.redactions
    panel.view.viewport().resize(655, 500)  # the pane's width at 1366 px, as the splitter leaves it
    panel.fit_columns()
    assert panel.view.columnWidth(1) >= panel.view.fontMetrics().horizontalAdvance("address in headers") + 8
