"""What a user notices at a glance: messages that show, shortcuts, hints in empty panes, sizes, tab order."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from app.core.model import CaseInfo, ItemKind
from app.gui.dialogs.about import ABOUT_TEXT_WIDTH, TEXT_LABEL, about_box
from app.gui.dialogs.add_domains import AddDomainsDialog
from app.gui.dialogs.add_paragraph import AddParagraphDialog
from app.gui.dialogs.capture import CaptureDialog
from app.gui.dialogs.identities import IdentitiesDialog
from app.gui.dialogs.lookup import LookupDialog
from app.gui.dialogs.verify import VerifyDialog
from app.gui.pages.domains import EMPTY_HINT, NO_MATCH_HINT
from app.gui.pages.spam import DATE_COLUMN
from app.gui.window import MainWindow
from app.ops.capture_meta import edit_metadata
from app.ops.case import CaseFile
from app.ops.intake import import_files

from .conftest import OFFSCREEN_SHOW, png_bytes

# the offscreen platform (no window manager) warns that it cannot do what showing a window asks
LONG_URL = "https://phish-login-sample.example.com/account/verify/step-two/index.html?session=4471&ref=mail"


def _idle(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.operations.is_busy(), timeout=10_000)


def _next_focus(widget: QWidget) -> QWidget:
    """The next widget Tab reaches from ``widget`` (skipping the children of compound widgets)."""
    following = widget.nextInFocusChain()
    while widget.isAncestorOf(following) or not following.focusPolicy() & Qt.FocusPolicy.TabFocus:
        following = following.nextInFocusChain()
    return following


@OFFSCREEN_SHOW
def test_a_status_message_shows_in_place_of_the_case_line(window: MainWindow, case_path: Path,
                                                          qtbot: QtBot) -> None:
    window.show()
    assert window.open_case(case_path)
    assert window.case_label.isVisible()
    window.commands.start_add_domains("new-sample-domain.com\n", "test")
    _idle(qtbot, window)
    assert window.statusBar().currentMessage() == "1 domain added"
    assert not window.case_label.isVisible()  # the message has the room the case line had
    window.statusBar().clearMessage()
    assert window.case_label.isVisible()  # and the case comes back when the message goes


def test_main_commands_have_their_own_shortcuts_and_show_them(window: MainWindow) -> None:
    actions = window.window_actions
    main = [actions.open_case, actions.add_evidence, actions.build_bundle, actions.export_filing,
            actions.verify_bundle]
    keys = [action.shortcut().toString(QKeySequence.SequenceFormat.PortableText) for action in main]
    assert all(keys), keys
    every = [a.shortcut().toString() for a in vars(actions).values()
             if isinstance(a, QAction) and not a.shortcut().isEmpty()]
    assert len(every) == len(set(every)), every  # no two commands share a shortcut
    assert actions.verify_bundle.shortcut() == QKeySequence("Ctrl+Shift+V")
    native = actions.build_bundle.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    assert native in actions.build_bundle.toolTip()
    toolbar = actions.toolbar()
    assert actions.export_filing in toolbar and actions.verify_bundle in toolbar
    assert not actions.export_filing.isEnabled()  # nothing to export without a case
    assert actions.verify_bundle.isEnabled()  # any bundle can be checked without one


def test_the_domains_page_says_why_a_filter_shows_nothing(window: MainWindow, case_path: Path,
                                                          qtbot: QtBot) -> None:
    assert window.open_case(case_path)
    page = window.domains_page
    qtbot.waitUntil(lambda: page.heading.text() == "3 domains")
    assert page.hint.isHidden()
    page.search.setText("matches-nothing-at-all")
    qtbot.waitUntil(lambda: page.heading.text() == "0 of 3 domains shown", timeout=5_000)
    assert not page.hint.isHidden() and page.hint.text() == NO_MATCH_HINT
    page.search.clear()
    qtbot.waitUntil(lambda: page.heading.text() == "3 domains", timeout=5_000)
    assert page.hint.isHidden()
    window.close_case()
    assert page.hint.text() == EMPTY_HINT


def test_the_spam_panes_say_what_they_will_show_and_the_date_fits(window: MainWindow, case_path: Path) -> None:
    assert window.open_case(case_path)
    page = window.spam_page
    assert page.current is None
    assert page.headers.toPlainText() == "" and "Select a message" in page.headers.placeholderText()
    assert page.body.placeholderText()
    assert page.category.currentIndex() == -1  # no category shown for no message
    date = window.spam_model.index(0, DATE_COLUMN).data()
    assert date == "2026-09-14 06:21:44"
    assert page.view.fontMetrics().horizontalAdvance(date) + 8 <= page.view.columnWidth(DATE_COLUMN)
    page.view.selectRow(0)
    assert page.current is not None and page.category.currentIndex() >= 0


def test_the_screenshot_editor_shows_the_start_of_a_long_url(window: MainWindow, case_path: Path) -> None:
    with CaseFile.open(case_path) as case:
        shot = case.items(ItemKind.SCREENSHOT)[0]
        edit_metadata(case, shot.id, {"url": LONG_URL})
    assert window.open_case(case_path)
    page = window.screenshots_page
    captured = page.editor.fields["captured_at"]
    assert captured.picker.specialValueText() == "not recorded"  # a blank, never a date that looks real
    page.select_row(0)
    url = page.editor.fields["url"]
    assert url.text() == LONG_URL
    assert url.cursorPosition() == 0  # scheme and host in view, not the query string's tail


def test_windows_and_dialogs_open_no_larger_than_the_screen(window: MainWindow) -> None:
    area = window.screen().availableGeometry()
    identities = IdentitiesDialog(window.operations, lambda: window.case, window.events, window)
    verify = VerifyDialog(window.operations, window)
    for widget in (window, identities, verify):
        assert widget.width() <= area.width() and widget.height() <= area.height(), widget


def test_tab_goes_top_to_bottom_on_the_exhibits_and_documents_pages(window: MainWindow, case_path: Path) -> None:
    assert window.open_case(case_path)
    banner_button = window.signer_banner.findChild(QPushButton)
    exhibits = window.exhibits_page
    assert _next_focus(banner_button) is exhibits.exhibits_view
    assert _next_focus(exhibits.exhibits_view) is exhibits.custody_view
    documents = window.documents_page
    assert _next_focus(documents.export_button) is documents.preview.choice
    assert _next_focus(documents.preview.choice) is documents.preview.view


def test_the_about_box_is_wide_enough_for_its_folders(window: MainWindow, qtbot: QtBot) -> None:
    box = about_box(window)
    qtbot.addWidget(box)
    label = box.findChild(QLabel, TEXT_LABEL)
    assert label is not None
    label.ensurePolished()  # applies the style sheet, as showing the box does
    assert label.minimumWidth() >= ABOUT_TEXT_WIDTH


def test_the_verify_dialog_says_what_to_choose(window: MainWindow, qtbot: QtBot) -> None:
    dialog = VerifyDialog(window.operations, window)
    qtbot.addWidget(dialog)
    assert "open a signed bundle (.zip)" in dialog.source.text()


def test_the_lookup_dialog_is_readable_and_needs_a_kind_of_lookup(qtbot: QtBot) -> None:
    dialog = LookupDialog(12)
    qtbot.addWidget(dialog)
    assert dialog.minimumWidth() >= 440  # the network warning is not squeezed into a column
    assert dialog.look_up.isEnabled()  # RDAP is ticked to start with
    dialog.rdap.setChecked(False)
    assert dialog.kinds() == [] and not dialog.look_up.isEnabled()
    dialog.dns.setChecked(True)
    assert dialog.look_up.isEnabled()


def test_closing_a_case_waits_for_the_thumbnail_being_made(window: MainWindow, tmp_path: Path,
                                                           qtbot: QtBot) -> None:
    path = tmp_path / "shots.evcase"
    shots = []
    for number in range(6):
        shot = tmp_path / f"shot-{number}.png"
        shot.write_bytes(png_bytes(900 + number, 700, ("red", "blue", "green")[number % 3]))  # all different
        shots.append(shot)
    with CaseFile.create(path, CaseInfo(case_id="", title="Shots v. Does")) as case:
        import_files(case, shots)
    page = window.screenshots_page
    assert window.open_case(path)
    page.make_thumbnails()  # as when the page is shown: in the background
    window.close_case()  # used to close the case file under the thumbnail reads (a crash)
    assert window.operations.wait(0)  # no background work left running
    assert window.open_case(path)  # and the thumbnails are made for the case opened next
    page.make_thumbnails()
    model = window.screenshots_model
    qtbot.waitUntil(lambda: all(page.thumbnails.has_thumbnail(model.row_value(row).sha256) for row in range(6)),
                    timeout=10_000)


def test_an_empty_case_says_where_exhibits_and_paragraphs_come_from(window: MainWindow, tmp_path: Path,
                                                                    qtbot: QtBot) -> None:
    assert window.create_case(tmp_path / "empty.evcase", CaseInfo(case_id="", title="Empty v. Does"))
    assert not window.exhibits_page.hint.isHidden() and "No exhibits yet" in window.exhibits_page.hint.text()
    documents = window.documents_page
    documents.reload()
    _idle(qtbot, window)
    assert not documents.paragraphs_hint.isHidden() and "Add…" in documents.paragraphs_hint.text()


def test_the_hints_go_once_there_is_evidence(window: MainWindow, case_path: Path, qtbot: QtBot) -> None:
    assert window.open_case(case_path)
    assert window.exhibits_page.hint.isHidden()
    window.documents_page.reload()
    _idle(qtbot, window)
    assert window.documents_page.model.rowCount() > 0 and window.documents_page.paragraphs_hint.isHidden()


def test_tab_leaves_every_text_box_instead_of_typing_a_tab(window: MainWindow, case_path: Path) -> None:
    assert window.open_case(case_path)
    boxes = [window.documents_page.editor, window.screenshots_page.editor.fields["notes"],
             window.spam_page.headers, window.spam_page.body, AddDomainsDialog(window).text,
             CaptureDialog(window).notes, AddParagraphDialog("evidence", window).text,
             VerifyDialog(window.operations, window).details]
    assert all(box.tabChangesFocus() for box in boxes)
