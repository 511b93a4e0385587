"""The Spam and Screenshots pages: safe display, category confirmation, thumbnails, metadata, in-app capture."""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QDateTime, QTime, QTimeZone
from PySide6.QtGui import QGuiApplication, QShowEvent
from pytestqt.qtbot import QtBot

from app.core.model import CaseInfo, ItemKind
from app.gui.dialogs.capture import TOOL, CaptureDialog, CaptureMode
from app.gui.widgets.capture_time import CaptureTimeEdit
from app.gui.widgets.message_view import SafeMessageView
from app.gui.window import MainWindow
from app.ops.case import CaseFile
from app.ops.intake import import_files

from .conftest import Shown, png_bytes

HTML_SPAM = (
    b"From: Pharmacy <sales@pills.example>\r\nTo: v@victim.example\r\nSubject: Cheap \xe2\x80\xaeViagra\r\n"
    b"Date: Tue, 1 Mar 2011 10:00:00 +0000\r\n"
    b"Received: from bot (unknown [203.0.113.5]) by mx.victim.example; Tue, 1 Mar 2011 10:00:00 +0000\r\n"
    b"MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
    b'<html><head><style>body{background:url(http://css.tracker.example/bg.png)}</style></head>'
    b'<body background="http://bg.tracker.example/b.gif"><p>Buy cheap pills '
    b'<a href="http://shop.rx-pills.example.com/buy">www.pfizer.com</a></p>'
    b'<img src="http://pixel.tracker.example/open.gif?who=victim" width="1" height="1">'
    b'<img src="https://cdn.tracker.example/logo.png"></body></html>\r\n'
)


@pytest.fixture
def spam_case(tmp_path: Path) -> Path:
    path = tmp_path / "spam.evcase"
    (tmp_path / "spam.eml").write_bytes(HTML_SPAM)
    (tmp_path / "shot.png").write_bytes(png_bytes(400, 300, "green"))
    with CaseFile.create(path, CaseInfo(case_id="", title="Spam v. Does")) as case:
        report = import_files(case, [tmp_path / "spam.eml", tmp_path / "shot.png"])
        assert not report.refused
    return path


@pytest.fixture
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> list[tuple[object, ...]]:
    attempts: list[tuple[object, ...]] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise AssertionError("a socket was opened while showing spam")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


def _wait_idle(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.operations.is_busy(), timeout=10_000)


def test_html_spam_with_remote_images_is_shown_without_any_network(
    window: MainWindow, spam_case: Path, qtbot: QtBot, no_sockets: list[tuple[object, ...]]
) -> None:
    assert window.open_case(spam_case)
    page = window.spam_page
    window.tabs.setCurrentWidget(page)
    page.view.selectRow(0)
    assert page.current is not None and page.current.kind is ItemKind.EMAIL
    html = page.body.toHtml()
    assert "Buy cheap pills" in page.body.toPlainText()
    assert "tracker.example" not in html  # no image, no style url, no background left to load
    assert len(page.body.blocked) == 4
    assert "4 remote image(s) or style(s) removed" in page.body.toPlainText()
    assert page.body.resource_requests == []
    headers = page.headers.toPlainText()
    assert "Subject: Cheap ⟦U+202E⟧Viagra" in headers
    assert "Received hops: 1" in headers and "203.0.113.5" in headers
    assert "Link text shows www.pfizer.com but points to shop.rx-pills.example.com" in headers
    assert window.spam_model.index(0, 1).data() == "Cheap ⟦U+202E⟧Viagra"
    assert window.spam_model.index(0, 5).data() == "Pharmacy (suggested)"
    window.resize(1200, 760)
    assert not window.grab().isNull()
    assert no_sockets == []


def test_the_viewer_refuses_every_resource_even_unsanitised(qtbot: QtBot, no_sockets: list[tuple[object, ...]]) -> None:
    view = SafeMessageView()
    qtbot.addWidget(view)
    view.setHtml('<p>x</p><img src="http://pixel.tracker.example/p.gif"><img src="file:///etc/passwd">')
    view.resize(300, 200)
    view.show()
    qtbot.waitExposed(view)
    assert "http://pixel.tracker.example/p.gif" in view.resource_requests
    assert no_sockets == []


def test_confirming_a_category_is_stored_and_logged(window: MainWindow, spam_case: Path, qtbot: QtBot) -> None:
    assert window.open_case(spam_case)
    page = window.spam_page
    page.view.selectRow(0)
    page.category.setCurrentIndex(page.category.findData("stock"))
    page.confirm.click()
    _wait_idle(qtbot, window)
    assert window.case is not None
    item = window.case.items(ItemKind.EMAIL)[0]
    assert item.metadata["category"] == "stock"
    assert window.case.custody()[-1].details == {"category": {"old": None, "new": "stock"}}
    assert window.spam_model.index(0, 5).data() == "Stock scam"
    assert page.category_note.text() == "Confirmed"


def test_screenshot_grid_thumbnails_and_metadata_editor(
    window: MainWindow, spam_case: Path, qtbot: QtBot, qtmodeltester: object, shown: list[Shown]
) -> None:
    assert window.open_case(spam_case)
    page = window.screenshots_page
    qtmodeltester.check(page.thumbnails)  # type: ignore[attr-defined]
    assert not page.thumbnails.has_thumbnail(window.screenshots_model.row_value(0).sha256)  # not until shown
    page.showEvent(QShowEvent())  # the page comes into view: its thumbnails are made
    qtbot.waitUntil(lambda: page.thumbnails.has_thumbnail(window.screenshots_model.row_value(0).sha256), timeout=10_000)
    icon = page.thumbnails.index(0, 1).data(1)  # DecorationRole
    assert not icon.isNull()
    page.select_row(0)
    assert page.current is not None and page.editor.isEnabled()
    page.editor.fields["url"].setText("hxxps://phish[.]example/login")
    captured = page.editor.fields["captured_at"]
    assert isinstance(captured, CaptureTimeEdit) and captured.text() == ""  # not recorded yet
    captured.picker.setDateTime(QDateTime(QDate(2026, 11, 28), QTime(14, 0), QTimeZone.utc()))  # picked, in UTC
    assert "on this computer's clock" in captured.local.text()
    page.editor.fields["notes"].setPlainText("login form")
    page.editor.save.click()
    _wait_idle(qtbot, window)
    assert window.case is not None
    item = window.case.items(ItemKind.SCREENSHOT)[0]
    assert item.metadata == {"url": "hxxps://phish[.]example/login", "captured_at": "2026-11-28T14:00:00Z",
                             "notes": "login form"}
    assert window.case.custody()[-1].action == "metadata-edited"
    assert page.editor.fields["url"].text() == "hxxps://phish[.]example/login"  # shown as stored: as typed
    before = datetime.now(UTC).replace(microsecond=0)
    captured.now.click()  # "Now": this moment, to the second, in UTC
    picked = datetime.fromisoformat(captured.text().replace("Z", "+00:00"))
    assert before <= picked <= datetime.now(UTC) and captured.text().endswith("Z")
    captured.clear_button.click()
    assert captured.text() == "" and page.editor.changes() == {"captured_at": ""}
    page.editor.show_item(page.current)  # dropped: the stored time comes back exactly as stored
    assert captured.text() == "2026-11-28T14:00:00Z" and not page.editor.changes()
    assert shown == []
    window.tabs.setCurrentWidget(page)
    window.resize(1200, 760)
    assert not window.grab().isNull()


def test_in_app_capture_imports_the_screen_with_its_metadata(
    window: MainWindow, spam_case: Path, qtbot: QtBot
) -> None:
    assert window.open_case(spam_case)
    screen = QGuiApplication.primaryScreen()
    operation = window.capture.capture(CaptureMode.SCREEN, screen, url="hxxp://fake-av[.]example/scan",
                                       notes="fake scan page")
    assert operation is not None
    _wait_idle(qtbot, window)
    assert window.case is not None
    shots = window.case.items(ItemKind.SCREENSHOT)
    assert len(shots) == 2
    shot = shots[-1]
    assert shot.original_name.startswith("capture-") and shot.original_name.endswith(".png")
    assert shot.metadata["url"] == "hxxp://fake-av[.]example/scan"
    assert shot.metadata["tool"] == TOOL and shot.metadata["captured_at"].endswith("Z")
    assert shot.metadata["screen"].startswith(screen.name())
    assert shot.record["width"] == screen.geometry().width()
    window.capture.capture(CaptureMode.REGION, screen, url="http://x.example/",
                           region=screen.geometry().adjusted(0, 0, -screen.geometry().width() // 2, 0))
    _wait_idle(qtbot, window)
    region = window.case.items(ItemKind.SCREENSHOT)[-1]
    assert region.record["width"] == screen.geometry().width() // 2 and "region" in region.metadata["screen"]


def test_capture_dialog_asks_for_the_url(qtbot: QtBot) -> None:
    dialog = CaptureDialog()
    qtbot.addWidget(dialog)
    assert dialog.mode() is CaptureMode.SCREEN
    dialog.buttons[CaptureMode.REGION].setChecked(True)
    dialog.region[2].setValue(320)
    assert dialog.mode() is CaptureMode.REGION and dialog.region_rect().width() == 320
    assert dialog.screen() is not None
