"""The *Capture web pages…* dialog and command: from the window's action, the Domains page and the Spam page."""

from __future__ import annotations

from pathlib import Path

import pytest
from capture.site import serve
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from app.core.model import ItemKind
from app.gui.dialogs.capture_web import CaptureWebDialog, capture_summary
from app.gui.window import MainWindow
from app.ops.capture_web import CaptureReport
from app.store import CaseFile

from .conftest import Shown


def test_the_dialog_reads_urls_and_options(qtbot: QtBot) -> None:
    dialog = CaptureWebDialog(["hxxp://bad[.]example/offer"])
    qtbot.addWidget(dialog)
    assert dialog.count.text() == "1 page to capture" and dialog.capture_button.isEnabled()
    dialog.urls.setPlainText("# landing pages\nhttps://a.example/x\nb.example\n\n")
    assert dialog.url_list() == ["https://a.example/x", "http://b.example/"]
    dialog.urls.setPlainText("")
    assert not dialog.capture_button.isEnabled()
    dialog.javascript.setChecked(False)
    dialog.viewport_width.setValue(1024)
    dialog.allow_private.setChecked(True)
    options = dialog.options()
    assert options.viewport == (1024, 800) and not options.javascript and options.allow_private


def test_the_summary_names_failures_and_refusals() -> None:
    report = CaptureReport(captured=[1], failed=[("https://x.test/", "net::ERR_CONNECTION_REFUSED", 5)],
                           refused=[("http://10.0.0.1/", "10.0.0.1 is a loopback or private address")])
    text = capture_summary(report)
    assert "1 page(s) captured." in text and "net::ERR_CONNECTION_REFUSED" in text and "not visited" in text


def test_capture_from_the_window_runs_in_the_background(
        qtbot: QtBot, window: MainWindow, case_path: Path, tmp_path: Path, shown: list[Shown],
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert not window.window_actions.capture_web.isEnabled()  # no case open
    window.open_case(case_path)
    assert window.window_actions.capture_web.isEnabled()
    with serve(tmp_path) as site:
        def accept(dialog: CaptureWebDialog) -> int:
            dialog.urls.setPlainText(f"{site.start}\n{site.unreachable}")
            dialog.wait.setValue(0.2)
            dialog.allow_private.setChecked(True)
            return int(QDialog.DialogCode.Accepted.value)

        monkeypatch.setattr(CaptureWebDialog, "exec", accept)
        with qtbot.waitSignal(window.events.itemsChanged, timeout=60000):
            window.window_actions.capture_web.trigger()
        window.operations.wait()
    with CaseFile.open(case_path) as case:
        assert len(case.items(ItemKind.WEB_CAPTURE)) == 1 and len(case.items(ItemKind.WEB_CAPTURE_FAILED)) == 1
    assert shown and shown[-1].title == "Some pages were not captured" and shown[-1].plain
    assert "ERR_CONNECTION_REFUSED" in shown[-1].text


def test_the_domains_and_spam_pages_offer_their_selection(
        qtbot: QtBot, window: MainWindow, case_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[list[str]] = []
    monkeypatch.setattr(CaptureWebDialog, "exec", lambda dialog: asked.append(dialog.url_list()) or 0)
    window.open_case(case_path)
    page = window.domains_page
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=5000)
    assert not page.capture_button.isEnabled()
    page.view.selectRow(0)
    assert page.capture_button.isEnabled()
    page.capture_button.click()
    assert asked[-1] == [f"http://{page.selected_names()[0]}/"]
    spam = window.spam_page
    spam.view.selectRow(0)
    qtbot.waitUntil(lambda: spam.current is not None, timeout=5000)
    assert spam.capture_links.isEnabled()
    spam.capture_links.click()
    assert asked[-1] == ["http://pills-shop-sample.com/buy"]


def test_a_private_address_refusal_names_the_checkbox_and_capture_again_keeps_the_pages(
        qtbot: QtBot, window: MainWindow, case_path: Path, shown: list[Shown], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Guiwalk A5: the refusal named --allow-private and the URLs had to be typed again."""
    opened: list[tuple[list[str], bool, float]] = []

    def answer(dialog: CaptureWebDialog) -> int:
        opened.append((dialog.url_list(), dialog.allow_private.isChecked(), dialog.wait.value()))
        if len(opened) == 1:
            dialog.urls.setPlainText("http://127.0.0.1:9/landing\nhttp://10.0.0.1/")
            dialog.wait.setValue(0.5)
            return int(QDialog.DialogCode.Accepted.value)
        return int(QDialog.DialogCode.Rejected.value)

    monkeypatch.setattr(CaptureWebDialog, "exec", answer)
    window.open_case(case_path)
    shown.press = ["Capture again…"]
    window.window_actions.capture_web.trigger()
    qtbot.waitUntil(lambda: len(opened) == 2, timeout=30_000)
    [message] = shown
    assert "--allow-private" not in message.text and "“Allow loopback and private addresses”" in message.text
    assert opened[1] == (["http://127.0.0.1:9/landing", "http://10.0.0.1/"], False, 0.5)  # pages and choices kept
    window.window_actions.capture_web.trigger()  # from the menu, the pages refused are offered again too
    assert opened[2][0] == ["http://127.0.0.1:9/landing", "http://10.0.0.1/"]


def test_a_captured_page_is_on_the_screenshots_page_read_only(
        qtbot: QtBot, window: MainWindow, case_path: Path, tmp_path: Path) -> None:
    """Guiwalk A5: a stored web capture was only on Exhibits & custody."""
    from app.ops.capture_web import CaptureOptions, capture_urls

    with serve(tmp_path) as site, CaseFile.open(case_path) as case:
        report = capture_urls(case, [site.start], CaptureOptions(wait=0.2, allow_private=True))
        assert len(report.captured) == 1
    window.open_case(case_path)
    page = window.screenshots_page
    kinds = [page.model.row_value(r).kind for r in range(page.model.rowCount())]
    assert ItemKind.WEB_CAPTURE in kinds and page.heading.text() == "1 screenshot and 1 captured web page"
    page.select_row(kinds.index(ItemKind.WEB_CAPTURE))
    editor = page.editor
    assert "captured by the app's own browser" in editor.info.text()
    assert editor.fields["url"].text().startswith("https://127.0.0.1")  # type: ignore[union-attr]
    assert editor.fields["url"].isReadOnly() and not editor.save.isVisibleTo(editor)  # type: ignore[union-attr]
    page.select_row(kinds.index(ItemKind.SCREENSHOT))
    assert not editor.fields["url"].isReadOnly() and editor.save.isVisibleTo(editor)  # type: ignore[union-attr]
