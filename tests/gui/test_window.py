"""The main window: commands enabled from state, pages filled from the case, drop to import."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from pytestqt.qtbot import QtBot

from app.core.model import CaseInfo
from app.gui.dialogs.new_case import NewCaseDialog
from app.gui.window import MainWindow
from app.ops import settings
from app.ops.case import CaseFile

from .conftest import Shown


def _enabled(window: MainWindow) -> set[str]:
    actions = window.window_actions
    names = ("new_case", "open_case", "close_case", "add_evidence", "add_domains", "build_bundle", "quit")
    return {name for name in names if getattr(actions, name).isEnabled()}


def test_without_a_case_only_new_open_and_quit_are_enabled(window: MainWindow) -> None:
    assert window.case is None
    assert _enabled(window) == {"new_case", "open_case", "quit"}
    assert window.stack.currentWidget() is window.welcome_page
    assert window.case_label.text() == "No case open"


def test_opening_a_case_fills_the_pages(window: MainWindow, case_path: Path, qtbot: QtBot) -> None:
    assert window.open_case(case_path)
    assert _enabled(window) == {"new_case", "open_case", "close_case", "add_evidence", "add_domains",
                                "build_bundle", "quit"}
    assert window.stack.currentWidget() is window.tabs
    assert window.screenshots_model.rowCount() == 1
    assert window.spam_model.rowCount() == 1
    assert window.exhibits_model.rowCount() == 2
    qtbot.waitUntil(lambda: window.domains_page.heading.text() == "3 domains")  # the query runs off the GUI thread
    assert window.domains_model.total() == 3
    assert window.domains_model.rowCount() == 3
    assert "Test Corp. v. John Does (1:26-cv-00001)" in window.case_label.text()
    assert window.counts_label.text() == "2 items   2 exhibits   3 domains"
    assert window.tabs.tabText(2) == "Spam (1)"
    row = [window.screenshots_model.index(0, c).data() for c in range(6)]
    assert row[0] == "Exhibit 1" and row[1] == "capture.png" and row[3] == "40 × 30"
    spam = [window.spam_model.index(0, c).data() for c in range(6)]
    assert spam[1] == "Save 80% on your prescriptions"
    assert "deals@example.net" in spam[2]
    assert spam[3] == "2026-09-14 06:21:44"
    assert settings.recent_cases() == [case_path.resolve()]

    window.close_case()
    assert window.case is None and window.spam_model.rowCount() == 0
    assert _enabled(window) == {"new_case", "open_case", "quit"}


def test_a_file_that_is_not_a_case_is_reported_as_plain_text(
    window: MainWindow, tmp_path: Path, shown: list[Shown]
) -> None:
    bogus = tmp_path / "notes.evcase"
    bogus.write_text("<b>not</b> a case")
    assert not window.open_case(bogus)
    assert window.case is None
    assert len(shown) == 1 and shown[0].plain
    assert shown[0].text == f"{bogus}: not a case file (not an SQLite database)"


def test_new_case_dialog_creates_the_case_file(window: MainWindow, tmp_path: Path, qtbot: QtBot) -> None:
    dialog = NewCaseDialog(tmp_path, window)
    qtbot.addWidget(dialog)
    dialog.accept()
    assert dialog.problem.text() == "Give the case a title."
    dialog.title.setText("Acme v. Does")
    dialog.declarant.setText("Pat Investigator")
    dialog.court.setCurrentIndex(1)
    assert dialog.case_path() == tmp_path / "Acme-v-Does.evcase"
    dialog.accept()
    assert dialog.result() == NewCaseDialog.DialogCode.Accepted

    assert window.create_case(dialog.case_path(), dialog.info())
    assert window.case is not None
    info = window.case.info()
    assert (info.title, info.declarant, info.court) == ("Acme v. Does", "Pat Investigator", "generic")
    assert window.domains_page.hint.isVisibleTo(window.domains_page)


def _drop(window: MainWindow, paths: list[Path]) -> QDropEvent:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    return event


def test_dropping_files_imports_them_in_the_background(
    window: MainWindow, case_path: Path, evidence: dict[str, Path], qtbot: QtBot, shown: list[Shown]
) -> None:
    window.open_case(case_path)
    with qtbot.waitSignal(window.events.itemsChanged, timeout=10_000):
        event = _drop(window, [evidence["png2"]])
        assert event.isAccepted()
        assert window.operations.is_busy()
    assert window.screenshots_model.rowCount() == 2
    assert window.exhibits_model.rowCount() == 3
    assert window.tabs.tabText(1) == "Screenshots (2)"
    assert shown == []  # nothing refused: no pop-up


def test_a_refused_file_is_listed_with_its_reason(
    window: MainWindow, case_path: Path, evidence: dict[str, Path], qtbot: QtBot, shown: list[Shown]
) -> None:
    window.open_case(case_path)
    _drop(window, [evidence["bad"], evidence["png"]])  # one broken, one already in the case
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=10_000)
    message = shown[0]
    assert message.plain and message.title == "Some files were not added"
    assert message.text.startswith("0 items added.\n\n2 files refused")
    assert "broken.png: truncated PNG" in message.text  # each file by name with its reason
    assert f"{evidence['bad']}\n    " in message.details  # the whole paths under Show Details
    assert f"{evidence['png']}\n    already in the case as item 1 (Exhibit 1)" in message.details
    assert window.screenshots_model.rowCount() == 1


def test_drop_without_a_case_is_ignored(window: MainWindow, evidence: dict[str, Path]) -> None:
    event = _drop(window, [evidence["png"]])
    assert not event.isAccepted()
    assert not window.operations.is_busy()


def test_pasted_domains_are_added(window: MainWindow, case_path: Path, qtbot: QtBot, shown: list[Shown]) -> None:
    window.open_case(case_path)
    with qtbot.waitSignal(window.events.domainsChanged, timeout=10_000):
        window.commands.start_add_domains("new-c2-sample.com\nbotnet-c2-sample.net\nnot a domain!\n", "paste")
    qtbot.waitUntil(lambda: window.domains_page.heading.text() == "4 domains")
    assert window.domains_model.total() == 4
    assert len(shown) == 1 and shown[0].plain
    assert shown[0].text.startswith("1 domain added; 1 already in the case.\n\n1 line not added")
    assert shown[0].details == "line 3: 'not a domain!': no domain name in this row"  # the reasons, the line quoted


def test_recent_cases_are_remembered(window: MainWindow, case_path: Path) -> None:
    window.open_case(case_path)
    window._fill_recent_menu()
    entries = [a.text() for a in window.recent_menu.actions()]
    assert entries == [f"sample.evcase   ({case_path.parent})"]  # with its folder: many cases are "case.evcase"
    with CaseFile.create(case_path.with_name("other.evcase"), CaseInfo(case_id="", title="Other")):
        pass
    window.open_case(case_path.with_name("other.evcase"))
    assert [p.name for p in settings.recent_cases()] == ["other.evcase", "sample.evcase"]


def test_settings_live_in_one_file_under_the_isolated_home(isolated_home: Path, case_path: Path) -> None:
    settings.remember_case(case_path)
    assert settings.settings_path() == isolated_home / "config" / "settings.json"
    assert str(case_path.resolve()) in settings.settings_path().read_text()


def test_about_names_the_version_and_the_per_user_folders(window: MainWindow) -> None:
    from app import __version__
    from app.core.paths import identities_dir
    from app.gui.dialogs.about import about_box

    help_menu = [a for a in window.menuBar().actions() if a.text() == "&Help"][0].menu()
    assert [a.text() for a in help_menu.actions() if not a.isSeparator()] == [
        "&Guide", "&Verifying a bundle", "&About evbundle"]
    text = about_box(window).text()
    assert f"evbundle {__version__}" in text and str(identities_dir()) in text and "Offline by default" in text


def test_an_earlier_versions_window_memories_are_carried_over_once(isolated_home: Path, case_path: Path) -> None:
    from PySide6.QtCore import QByteArray, QSettings

    from app.gui.app import import_earlier_settings

    earlier = isolated_home / "config" / "evbundle.ini"
    earlier.parent.mkdir(parents=True, exist_ok=True)
    store = QSettings(str(earlier), QSettings.Format.IniFormat)
    store.setValue("cases/recent", [str(case_path)])
    store.setValue("folders/evidence", str(case_path.parent))
    store.setValue("window/geometry", QByteArray(b"\x01\x02layout"))
    store.sync()
    del store
    import_earlier_settings()
    assert settings.recent_cases() == [case_path]
    assert settings.last_folder("evidence") == case_path.parent
    assert QByteArray.fromBase64(settings.window_geometry().encode()).data() == b"\x01\x02layout"
    assert not earlier.exists() and earlier.with_name("evbundle.ini.imported").exists()
