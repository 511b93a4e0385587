"""Fixtures for the window tests: small real evidence files, a populated case, a window.

Cases are built through the real ``app.ops.intake`` functions, so the pages
show what the store really holds. Message boxes are captured instead of
shown, so no test ever blocks on a modal dialog.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.core.model import CaseInfo
from app.gui.app import build_window
from app.gui.pages.documents import DocumentsPage
from app.gui.window import MainWindow
from app.ops.case import CaseFile
from app.ops.intake import add_domains, import_files

EMAIL = (
    "From: Rx Savings Desk <deals@example.net>\r\n"
    "To: victim@example.org\r\n"
    "Subject: Save 80% on your prescriptions\r\n"
    "Date: Mon, 14 Sep 2026 06:21:44 +0000\r\n"
    "Message-ID: <1@example.net>\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "Order now at http://pills-shop-sample.com/buy and save.\r\n"
)
DOMAINS = "pills-shop-sample.com\nbotnet-c2-sample.net\nhxxp://a1.free-subdomains-sample[.]cc/x\n"


def png_bytes(width: int = 40, height: int = 30, colour: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def evidence(tmp_path: Path) -> dict[str, Path]:
    """A screenshot, a spam email and a file the importer refuses, written fresh for each test."""
    folder = tmp_path / "evidence"
    folder.mkdir()
    files = {
        "png": folder / "capture.png",
        "png2": folder / "capture-2.png",
        "eml": folder / "spam.eml",
        "bad": folder / "broken.png",
    }
    files["png"].write_bytes(png_bytes())
    files["png2"].write_bytes(png_bytes(64, 48, "blue"))
    files["eml"].write_bytes(EMAIL.encode())
    files["bad"].write_bytes(png_bytes()[:40])  # a truncated PNG: refused, with a reason
    return files


@pytest.fixture
def case_path(tmp_path: Path, evidence: dict[str, Path]) -> Path:
    """A closed case file holding one screenshot, one email and three domains."""
    path = tmp_path / "sample.evcase"
    info = CaseInfo(case_id="", title="Test Corp. v. John Does", case_number="1:26-cv-00001",
                    declarant="Pat Investigator", organisation="Test Corp.")
    with CaseFile.create(path, info) as case:
        report = import_files(case, [evidence["png"], evidence["eml"]])
        assert not report.refused, report.refused
        add_domains(case, DOMAINS, source="test")
    return path


@dataclass
class Shown:
    icon: QMessageBox.Icon
    title: str
    text: str
    plain: bool
    details: str
    buttons: list[str] = field(default_factory=list)
    progress_visible: bool = False  # a progress dialog was on screen when this message appeared


class Messages(list[Shown]):
    """The message boxes shown (captured, never on screen); ``press`` lists the buttons to press in the
    next ones, by their text ("Save", "Discard", "Verify now"…); OK (or the box's default) otherwise."""

    def __init__(self) -> None:
        super().__init__()
        self.press: list[str] = []
        self.linger_ms = 0  # how long each message stays "on screen" (the event loop runs, as under exec)


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> Messages:
    """Every message box the app would show, captured instead of shown."""
    captured = Messages()

    def fake_exec(box: QMessageBox) -> int:
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QApplication, QProgressDialog

        names = [button.text().replace("&", "") for button in box.buttons()]
        if captured.linger_ms:
            from PySide6.QtTest import QTest

            QTest.qWait(captured.linger_ms)  # timers fire meanwhile, as they do under a real message box
        progress = any(isinstance(w, QProgressDialog) and w.isVisible() for w in QApplication.topLevelWidgets())
        captured.append(Shown(box.icon(), box.windowTitle(), box.text(),
                              box.textFormat() == Qt.TextFormat.PlainText, box.detailedText(), names, progress))
        wanted = captured.press.pop(0) if captured.press else ""
        for button in box.buttons():
            if wanted and button.text().replace("&", "") == wanted:
                button.click()
                return int(box.standardButton(button).value)
        assert not wanted, f"no button {wanted!r} in the message {box.text()!r}: {names}"
        default = box.defaultButton() or box.button(QMessageBox.StandardButton.Ok)
        if default is not None:
            default.click()
        return int(QMessageBox.StandardButton.Ok.value)

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    return captured


@pytest.fixture
def window(qtbot: QtBot) -> Iterator[MainWindow]:
    """The main window as the app builds it, with no case open."""
    win = build_window()
    qtbot.addWidget(win)
    yield win
    win.operations.cancel_all()
    win.operations.wait()


@pytest.fixture(autouse=True)
def no_unexpected_modals(monkeypatch: pytest.MonkeyPatch) -> None:
    """A modal dialog no test answered fails the test instead of waiting forever offscreen.

    Tests answer a dialog by patching its class's ``exec`` (the ``shown`` fixture does it for
    every message box); whatever reaches QDialog.exec itself was not expected."""
    from PySide6.QtWidgets import QDialog

    def unexpected(dialog: QDialog) -> int:
        dialog.reject()
        raise AssertionError(f"an unexpected modal dialog opened: {dialog.windowTitle()!r}")

    monkeypatch.setattr(QDialog, "exec", unexpected)


@dataclass
class Reviews:
    """The pre-filing reviews the window showed, and how the next one is answered."""

    answer: str = "auto"  # "final", "draft", "go", "cancel"; "auto": a draft when something blocks, else final
    shown: list[list[object]] = field(default_factory=list)
    where: list[str] = field(default_factory=list)


@pytest.fixture(autouse=True)
def reviews(monkeypatch: pytest.MonkeyPatch) -> Reviews:
    """The review dialog before a build or an export, answered as ``reviews.answer`` says."""
    from app.gui.dialogs.review import ReviewDialog

    record = Reviews()

    def answer(dialog: ReviewDialog) -> int:
        problems = list(dialog.model.problems)
        record.shown.append(problems)
        choice = record.answer
        if choice == "auto":
            choice = "draft" if any(p.severity == "blocking" for p in problems) else "final"
        if choice == "cancel":
            dialog.reject()
        elif choice == "go":
            dialog.go_there()
            record.where.append(dialog.where)
        elif choice == "final":
            assert dialog.final_button.isEnabled(), "a final build was offered despite blocking problems"
            dialog.final_button.click()
        else:
            dialog.draft_button.click()
        return int(dialog.result())

    monkeypatch.setattr(ReviewDialog, "exec", answer)
    return record


def banner_text(window: MainWindow) -> str:
    """The signer banner's words as the Exhibits page shows them (it reads the signer when shown)."""
    from PySide6.QtGui import QShowEvent

    banner = window.signer_banner
    banner.showEvent(QShowEvent())
    return banner.text.text()


def show_documents(window: MainWindow, case_path: Path, qtbot: QtBot) -> DocumentsPage:
    """The case open on the Documents page of a shown window at a laptop's size, once the preview has its pages
    and the window is idle."""
    window.open_case(case_path)
    page = window.documents_page
    window.tabs.setCurrentWidget(page)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    preview = page.preview
    qtbot.waitUntil(lambda: preview.page_count() > 1 and not preview.is_rendering(), timeout=30_000)
    qtbot.waitUntil(lambda: not window.operations.is_busy(), timeout=30_000)
    return page


# A window shown on the offscreen platform logs that it cannot pass size hints (or raise itself): harmless.
OFFSCREEN_SHOW = pytest.mark.qt_log_ignore("does not support propagateSizeHints", "does not support raise")
