"""Preferences: timestamp authorities saved where the CLI reads them, and the case's timestamp choice."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.gui.dialogs.preferences import PRIVACY_NOTE, PreferencesDialog
from app.gui.window import MainWindow
from app.ops.settings import (
    Settings,
    configured_timestamper,
    load_settings,
    save_settings,
    settings_path,
)

from .conftest import Shown


@pytest.fixture(autouse=True)
def domains_settled(window: MainWindow) -> Iterator[None]:
    """Let the domains page's own query thread finish before the window closes the case under it."""
    yield
    window.domains_model.wait()


@pytest.fixture(autouse=True)
def no_show(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(PreferencesDialog, "show", lambda self: None)  # offscreen show() warns


def test_tsa_urls_are_saved_in_order_and_read_back_by_the_ops_settings(
    window: MainWindow, case_path: Path, qtbot: QtBot, shown: list[Shown]
) -> None:
    settings_path().parent.mkdir(parents=True, exist_ok=True)
    settings_path().write_text(json.dumps({"tsa_urls": ["http://127.0.0.1:1/old"], "future_key": 7}))
    window.open_case(case_path)
    window.window_actions.preferences.trigger()
    dialog = window.findChild(PreferencesDialog)
    assert dialog is not None and dialog.tsa_urls() == ["http://127.0.0.1:1/old"]
    assert "SHA-256 hash" in PRIVACY_NOTE and "leave this computer" in PRIVACY_NOTE

    dialog.new_url.setText("ftp://tsa.example.com/")
    assert not dialog.add_url() and "http://" in dialog.problem.text()
    dialog.new_url.setText("https://tsa.example.com/rfc3161")
    assert dialog.add_url() and dialog.problem.text() == ""
    dialog.new_url.setText("https://tsa.example.com/rfc3161")
    assert not dialog.add_url() and "already listed" in dialog.problem.text()
    dialog.new_url.setText("http://timestamp.example.org/")
    assert dialog.add_url()
    dialog.list.setCurrentIndex(dialog.urls.index(2))
    dialog.move_url(-1)  # the last one up, above the https one
    dialog.list.setCurrentIndex(dialog.urls.index(0))
    assert dialog.remove_button.isEnabled() and not dialog.up_button.isEnabled()
    dialog.remove_url()  # the old one goes
    dialog.timeout.setValue(12)
    assert dialog.timestamp_case.isEnabled() and dialog.timestamp_case.isChecked()
    dialog.timestamp_case.setChecked(False)
    with qtbot.waitSignal(window.events.infoChanged, timeout=30_000):
        dialog.accept()
    assert shown == []

    loaded = load_settings()
    assert loaded.tsa_urls == ("http://timestamp.example.org/", "https://tsa.example.com/rfc3161")
    assert loaded.tsa_timeout_seconds == 12 and loaded.extra == {"future_key": 7}  # unknown keys kept
    assert window.case is not None
    info = window.case.info()
    assert info.timestamp_when_building is False
    last = window.case.custody()[-1]
    assert last.action == "case-edited" and last.details == {"timestamp_when_building": {"old": True, "new": False}}
    assert configured_timestamper(enabled=info.timestamp_when_building) is None  # what the build then uses


def test_without_a_case_only_the_authorities_can_be_changed(window: MainWindow, shown: list[Shown]) -> None:
    dialog = window.open_preferences_dialog()
    assert dialog is not None
    assert not dialog.timestamp_case.isEnabled()
    assert not dialog.none_listed.isHidden()  # nothing listed: says builds are not timestamped
    dialog.new_url.setText("https://tsa.example.com/")  # typed but not added: OK keeps it
    dialog.accept()
    assert dialog.none_listed.isHidden()
    assert load_settings().tsa_urls == ("https://tsa.example.com/",)
    assert shown == []


def test_unreadable_settings_are_reported_not_overwritten(window: MainWindow, shown: list[Shown]) -> None:
    settings_path().parent.mkdir(parents=True, exist_ok=True)
    settings_path().write_text("{broken")
    assert window.open_preferences_dialog() is None
    assert shown[-1].title == "The preferences cannot be opened" and str(settings_path()) in shown[-1].text
    assert settings_path().read_text() == "{broken"


def test_the_case_choice_decides_whether_the_build_asks_a_timestamp_authority(
    window: MainWindow, case_path: Path, tmp_path: Path, qtbot: QtBot, shown: list[Shown],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from app.bundle import identity as identity_module

    monkeypatch.setattr(identity_module, "KDF_ROUNDS", 1000)
    save_settings(Settings(tsa_urls=("http://127.0.0.1:9/tsa",), tsa_timeout_seconds=2))  # nobody listens
    window.open_case(case_path)
    out = tmp_path / "out"
    out.mkdir()
    window.builder.start_build(out, "correct horse battery", draft=True)
    qtbot.waitUntil(lambda: not window.operations.is_busy(), timeout=60_000)
    assert shown[-1].title == "The bundle was not built" and "timestamp" in shown[-1].text
    assert window.case is not None
    window.case.update_info(timestamp_when_building=False)
    with qtbot.waitSignal(window.events.custodyChanged, timeout=60_000):
        window.builder.start_build(out, "correct horse battery", draft=True)  # no authority asked: built
    assert shown[-1].title == "Draft bundle built"
