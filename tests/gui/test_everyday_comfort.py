"""Everyday comfort (issue 15): search across the evidence, right-click menus, the Spam page's actions,
domain lists from a file, help, recent cases with their folders, folders remembered per case, preview
zoom and follow-selection, the custody log naming the declarant, a registry source in plain words."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QFileDialog
from pytestqt.qtbot import QtBot

from app.core.model import CaseInfo, ItemKind
from app.gui.dialogs.add_domains import AddDomainsDialog
from app.gui.dialogs.find import FindDialog
from app.gui.dialogs.help import HelpDialog, help_text
from app.gui.dialogs.registry import RegistryDialog
from app.gui.widgets import desktop
from app.gui.widgets.context_menu import menu_for
from app.gui.window import MainWindow
from app.ops import settings
from app.ops.case import CaseFile
from app.ops.domains import registry_table
from app.ops.intake import import_files

from .conftest import OFFSCREEN_SHOW, Messages, show_documents

REPO = Path(__file__).resolve().parents[2]
ATTACHED = (
    b"From: Stock Tips <tips@pump.example>\r\nTo: v@victim.example\r\nSubject: Hot stock alert\r\n"
    b"Date: Tue, 1 Mar 2011 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n'
    b"Buy now at http://pump-and-dump-sample.net/ticker before it is too late.\r\n"
    b'--b\r\nContent-Type: application/pdf; name="report.pdf"\r\nContent-Disposition: attachment; '
    b'filename="report.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJcfs\r\n--b--\r\n'
)


def _idle(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.operations.is_busy(), timeout=30_000)


def _entries(view: object, build: object) -> list[str]:
    menu = menu_for(view, build)  # type: ignore[arg-type]
    names = [a.text() for a in menu.actions() if not a.isSeparator()]
    menu.deleteLater()
    return names


def _trigger(view: object, build: object, text: str) -> None:
    menu = menu_for(view, build)  # type: ignore[arg-type]
    [action] = [a for a in menu.actions() if a.text() == text]
    assert action.isEnabled(), text
    action.trigger()


@pytest.fixture
def stock_case(case_path: Path, tmp_path: Path) -> Path:
    """The sample case with a stock-scam message that has an attachment and advertises a new domain."""
    (tmp_path / "stock.eml").write_bytes(ATTACHED)
    with CaseFile.open(case_path) as case:
        assert not import_files(case, [tmp_path / "stock.eml"]).refused
    return case_path


@pytest.mark.qt_log_ignore("does not support propagateSizeHints", "does not support raise")  # shown offscreen
def test_find_in_evidence_goes_to_what_it_found(window: MainWindow, case_path: Path, qtbot: QtBot) -> None:
    window.open_case(case_path)
    assert window.case is not None
    shot = window.case.items(ItemKind.SCREENSHOT)[0]
    window.window_actions.find.trigger()  # Ctrl+F
    [dialog] = window.findChildren(FindDialog)

    def search(text: str) -> list[tuple[str, str]]:
        dialog.text.setText(text)
        with qtbot.waitSignal(dialog.model.modelReset, timeout=10_000):
            dialog.search()
        return [(hit.kind, hit.field) for hit in dialog.model.hits]

    assert search("prescriptions") == [("Email", "subject")]
    dialog.show_hit(0)
    assert window.tabs.currentWidget() is window.spam_page and window.spam_page.current is not None
    assert search(shot.sha256[:12]) == [("Screenshot", "SHA-256")]  # the start of a hash
    dialog.show_hit(0)
    assert window.tabs.currentWidget() is window.screenshots_page and window.screenshots_page.current == shot
    assert ("Domain", "domain") in search("botnet-c2")
    assert search("hxxp://botnet-c2-sample[.]net") == [("Domain", "domain")]  # defanged finds it too
    dialog.show_hit(0)
    assert window.tabs.currentWidget() is window.domains_page
    qtbot.waitUntil(lambda: window.domains_page.selected_names() == ["botnet-c2-sample.net"], timeout=10_000)
    assert search("nothing-like-this") == [] and dialog.status.text() == "Nothing found."
    dialog.close()


def test_right_click_menus_on_every_table(
    window: MainWindow, case_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    folders: list[Path] = []
    monkeypatch.setattr(desktop, "show_folder", lambda folder: folders.append(folder) or True)
    window.open_case(case_path)
    shots = window.screenshots_page
    shots.select_row(0)
    assert _entries(shots.view, shots.fill_menu) == [
        "Preview exhibit", "View image…", "Show original's folder", "Copy SHA-256", "Copy name",
        "Leave out of exhibits", "Capture…"]
    _trigger(shots.view, shots.fill_menu, "Copy SHA-256")
    assert QGuiApplication.clipboard().text() == shots.current.sha256  # type: ignore[union-attr]
    _trigger(shots.view, shots.fill_menu, "Show original's folder")
    assert folders == [Path(shots.current.source_path).parent]  # type: ignore[union-attr]

    spam = window.spam_page
    spam.view.selectRow(0)
    assert {"Preview exhibit", "Copy SHA-256", "Leave out of exhibits", "Add domains not in the case",
            "Export attachments…"} <= set(_entries(spam.view, spam.fill_menu))

    panel = window.documents_page.redactions
    panel.reload()
    _idle(qtbot, window)
    panel.view.selectRow(0)
    assert _entries(panel.view, panel.fill_menu) == ["Redact", "Keep (not personal data)", "Undo decision",
                                                     "Preview exhibit"]

    exhibits = window.exhibits_page
    exhibits.exhibits_view.selectRow(1)
    assert "Leave out of exhibits" in _entries(exhibits.exhibits_view, exhibits.fill_exhibit_menu)
    _trigger(exhibits.exhibits_view, exhibits.fill_exhibit_menu, "Leave out of exhibits")
    _idle(qtbot, window)
    assert window.exhibits_model.rowCount() == 1
    left = [i for i in window.case.items() if i.exhibit_number is None and i.kind.is_exhibit_kind]  # type: ignore[union-attr]
    assert len(left) == 1
    shots.select_item(left[0].id) or window.spam_page.select_item(left[0].id)
    page = shots if shots.current is not None and shots.current.id == left[0].id else window.spam_page
    build = page.fill_menu
    assert "Make an exhibit again" in _entries(page.view, build)

    exhibits.custody_view.selectRow(0)
    _trigger(exhibits.custody_view, exhibits.fill_custody_menu, "Copy entry hash")
    assert len(QGuiApplication.clipboard().text()) == 64

    domains = window.domains_page
    qtbot.waitUntil(lambda: domains.model.rowCount() == 3, timeout=10_000)
    domains.view.selectAll()
    assert _entries(domains.view, domains.fill_menu) == [
        "Look up 3 domains…", "Registry…", "Link to exhibit…", "Copy 3 domains", "Remove 3 domains from case"]

    documents = window.documents_page
    documents.reload()
    _idle(qtbot, window)
    documents.view.selectRow(0)
    assert {"Move down", "Leave out", "Add a paragraph after it…", "Show in the preview"} <= set(
        _entries(documents.view, documents.fill_paragraph_menu))
    order = documents.exhibit_order
    order.view.selectRow(0)
    assert {"Move up", "Move down", "Preview exhibit", "Copy SHA-256"} <= set(_entries(order.view, order.fill_menu))


def test_the_spam_page_adds_the_advertised_domains_and_exports_attachments(
    window: MainWindow, stock_case: Path, tmp_path: Path, qtbot: QtBot, shown: Messages,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folders: list[Path] = []
    monkeypatch.setattr(desktop, "show_folder", lambda folder: folders.append(folder) or True)
    window.open_case(stock_case)
    page = window.spam_page
    assert page.select_item(window.case.items(ItemKind.EMAIL)[-1].id)  # type: ignore[union-attr]
    assert page.attachments_button.isEnabled()
    page.add_unknown_button.click()
    _idle(qtbot, window)
    assert shown[-1].title == "Domains added"
    qtbot.waitUntil(lambda: window.domains_model.total() == 4, timeout=10_000)  # counted off the window's thread
    assert "pump-and-dump-sample.net" in [d.ascii for d in window.case.domains()]  # type: ignore[union-attr]
    target = tmp_path / "attachments"
    shown.press.append("Open folder")
    page.export_attachments(target)
    _idle(qtbot, window)
    assert shown[-1].title == "Attachments exported" and folders == [target]
    files = sorted(p.name for p in target.iterdir())
    assert "manifest.tsv" in files and any(n.endswith(".bin") for n in files)
    assert all((target / n).stat().st_mode & 0o777 == 0o600 for n in files)
    assert window.custody_model.index(window.custody_model.rowCount() - 1, 3).data() == "attachments-exported"


def test_a_domain_list_is_added_from_a_file_and_add_evidence_points_to_it(
    window: MainWindow, case_path: Path, tmp_path: Path, qtbot: QtBot, shown: Messages,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    listing = tmp_path / "domains.txt"
    listing.write_text("# from the botnet's config\nc2-one-sample.com\nhxxp://c2-two-sample[.]net/gate\n")
    window.open_case(case_path)
    opened: list[AddDomainsDialog] = []

    def accept(dialog: AddDomainsDialog) -> int:
        opened.append(dialog)
        dialog.accept()
        return int(dialog.result())

    monkeypatch.setattr(AddDomainsDialog, "exec", accept)
    shown.press.append("Add as domains…")
    window.commands.start_import([listing])  # Add evidence refuses it, and says what to do instead
    qtbot.waitUntil(lambda: len(opened) == 1, timeout=10_000)
    assert "reads as a list of domains" in shown[0].text and "Add as domains…" in shown[0].buttons
    assert "c2-one-sample.com" in opened[0].domains_text() and opened[0].source_text() == "domains.txt"
    _idle(qtbot, window)
    assert {"c2-one-sample.com", "c2-two-sample.net"} <= {d.ascii for d in window.case.domains()}  # type: ignore[union-attr]

    dialog = AddDomainsDialog(window, folder=tmp_path)  # From a file…
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(listing), ""))
    dialog.choose_file()
    assert dialog.domains_text().startswith("# from the botnet") and dialog.source_text() == "domains.txt"
    (tmp_path / "binary.txt").write_bytes(b"\xff\xfe\x00bad")
    assert not dialog.read_file(tmp_path / "binary.txt") and "could not be read" in dialog.problem.text()
    typed = AddDomainsDialog(window, folder=tmp_path)  # names typed first are kept, the file's added below
    typed.text.setPlainText("typed-first-sample.org")
    typed.choose_file()
    assert typed.domains_text().startswith("typed-first-sample.org\n# from the botnet")
    assert typed.source_text() == "pasted list and domains.txt"


@OFFSCREEN_SHOW
def test_help_has_a_guide_and_the_readme_verification_steps(window: MainWindow) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert help_text("verifying").strip() in readme  # the README's own words, kept the same
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    assert [a.text() for a in help_menu.actions() if not a.isSeparator()][:2] == ["&Guide", "&Verifying a bundle"]
    for page, words in (("guide", "Edit → Undo"), ("verifying", "openssl cms -verify")):
        dialog = window.open_help(page)
        assert isinstance(dialog, HelpDialog) and words in dialog.text.toPlainText()
        assert not dialog.text.openExternalLinks()
        dialog.close()


def test_recent_cases_are_on_the_start_screen_by_title_with_their_files(
    window: MainWindow, case_path: Path, qtbot: QtBot
) -> None:
    window.open_case(case_path)
    window.close_case()
    welcome = window.welcome_page
    welcome.refresh()
    item = welcome.recent.item(0)
    assert item.text() == f"Test Corp. v. John Does\n    {case_path.resolve()}"  # guiwalk C8: the title, not the file
    welcome.recent.itemActivated.emit(item)  # double-click or Enter
    assert window.case is not None and window.case.path == case_path


def test_file_dialogs_start_in_the_case_folder_then_where_they_were_last(
    window: MainWindow, case_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[str] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda _p, _t, folder, _f: (started.append(folder), ([], ""))[1])
    window.open_case(case_path)
    window.commands.add_evidence()
    assert started == [str(case_path.parent)]  # the case's own folder first
    elsewhere = tmp_path / "downloads"
    elsewhere.mkdir()
    settings.set_last_folder("evidence", elsewhere, case_path)
    window.commands.add_evidence()
    assert started[-1] == str(elsewhere)  # then the last one used with this case


@OFFSCREEN_SHOW
def test_the_preview_zooms_and_follows_the_selected_paragraph(
    window: MainWindow, case_path: Path, qtbot: QtBot
) -> None:
    page = show_documents(window, case_path, qtbot)
    preview = page.preview
    zoom = preview.zoom()
    preview.zoom_in.click()
    assert preview.zoom() > zoom and not preview.fit_width.isChecked()
    preview.zoom_out.click()
    preview.zoom_out.click()
    assert preview.zoom() < zoom
    preview.fit_width.click()
    assert preview.fit_width.isChecked()
    last = page.model.rowCount() - 1
    page.view.selectRow(last)  # the last paragraph is on a later page than the first
    navigator = preview.view.pageNavigator()
    words = " ".join(page.model.paragraph(last).text.split()[:8])
    found = " ".join(preview.document.getAllText(navigator.currentPage()).text().split())
    assert navigator.currentPage() > 0 and words in found
    page.view.selectRow(0)
    first = " ".join(page.model.paragraph(0).text.split()[:8])
    assert first in " ".join(preview.document.getAllText(navigator.currentPage()).text().split())
    preview.follow.setChecked(False)
    navigator.jump(0, QPointF(), navigator.currentZoom())
    page.view.selectRow(last)
    assert navigator.currentPage() == 0  # following turned off: the preview stays where it is


def test_the_custody_log_names_the_declarant(window: MainWindow, case_path: Path, qtbot: QtBot) -> None:
    window.open_case(case_path)
    window.screenshots_page.select_row(0)
    window.screenshots_page.editor.fields["notes"].setPlainText("seen by the declarant")
    window.screenshots_page.editor.save.click()
    _idle(qtbot, window)
    assert window.case is not None and window.case.custody()[-1].actor == "Pat Investigator"


def test_the_registry_dialog_cites_no_file_of_ours(tmp_path: Path) -> None:
    with CaseFile.create(tmp_path / "c.evcase", CaseInfo(case_id="", title="t")) as case:
        table = registry_table(case)
        for registry_id in ("verisign", "pir", table.for_tld("cz").id, table.for_tld("shop").id):
            dialog = RegistryDialog(table.get(registry_id), table.is_confirmed(registry_id))
            labels = " ".join(label.text() for label in dialog.findChildren(type(dialog.layout().itemAt(0).widget())))
            assert "LEGAL.md" not in labels and ".json" not in labels and "resources/" not in labels, labels
            dialog.deleteLater()
    assert QDialog  # the dialog is a QDialog like the others


def test_the_readme_shows_the_app() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    pictures = [line.split("](", 1)[1].split(")", 1)[0] for line in readme.split("![")[1:]]
    app_pictures = [p for p in pictures if "/app-" in p]
    assert len(app_pictures) >= 8  # every page, and the dialogs issue 15 added
    assert all((REPO / p).is_file() for p in app_pictures)
