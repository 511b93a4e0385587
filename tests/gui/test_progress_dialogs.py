"""Every long operation's progress dialog is gone before its result is shown, and stays gone (issue 15).

The progress dialog is made to appear at once (the delay is set to 0) and the work to take a
moment, so the dialog is really on screen while the work runs; the message boxes record
whether a progress dialog was visible when they appeared. A refused file, a wrong passphrase
and a cancelled build, as the issue asks; then, after longer than Qt's own delayed show
(which once brought a closed dialog back over the message), still no dialog."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton
from pytestqt.qtbot import QtBot

from app.bundle import identity as identity_module
from app.gui import background
from app.gui.window import MainWindow
from app.ops import build as build_ops
from app.ops import identity as ops
from app.ops import intake

from .conftest import OFFSCREEN_SHOW, Messages

PASSPHRASE = "correct horse battery"


def _visible_progress() -> list[QProgressDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog) and w.isVisible()]


@pytest.fixture(autouse=True)
def shown_at_once(monkeypatch: pytest.MonkeyPatch, window: MainWindow, qtbot: QtBot) -> Iterator[None]:
    monkeypatch.setattr(background, "SHOW_PROGRESS_AFTER_MS", 0)
    monkeypatch.setattr(identity_module, "KDF_ROUNDS", 1000)
    window.show()
    qtbot.waitExposed(window)
    yield
    window.domains_model.wait()


def _slowly(monkeypatch: pytest.MonkeyPatch, module: object, name: str, seconds: float = 0.6) -> None:
    """Make ``module.name`` take a moment first, so its progress dialog is seen."""
    real = getattr(module, name)

    def slow(*args: object, **kwargs: object) -> object:
        time.sleep(seconds)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, slow)


def _settled(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.operations.is_busy(), timeout=60_000)
    qtbot.wait(700)  # past QProgressDialog's own 400 ms delayed show
    assert _visible_progress() == []


@OFFSCREEN_SHOW
def test_a_quick_refused_import_never_brings_its_progress_dialog_back_over_the_message(
    window: MainWindow, case_path: Path, evidence: dict[str, Path], qtbot: QtBot, shown: Messages,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 15's case: the import ends before the dialog's delay; the delay must not show it afterwards."""
    monkeypatch.setattr(background, "SHOW_PROGRESS_AFTER_MS", 400)
    window.open_case(case_path)
    shown.linger_ms = 900  # the message stays up past the delay
    window.commands.start_import([evidence["bad"]])
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=30_000)
    assert shown[0].title == "Some files were not added" and not shown[0].progress_visible
    _settled(qtbot, window)


@OFFSCREEN_SHOW
def test_a_refused_import_shows_its_message_with_no_progress_dialog(
    window: MainWindow, case_path: Path, evidence: dict[str, Path], qtbot: QtBot, shown: Messages,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window.open_case(case_path)
    _slowly(monkeypatch, intake, "import_files")
    window.commands.start_import([evidence["bad"], evidence["png2"]])
    qtbot.waitUntil(lambda: bool(_visible_progress()), timeout=5_000)  # it is on screen while the work runs
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=30_000)
    assert shown[0].title == "Some files were not added" and not shown[0].progress_visible
    _settled(qtbot, window)


@OFFSCREEN_SHOW
def test_a_wrong_passphrase_shows_its_message_with_no_progress_dialog(
    window: MainWindow, case_path: Path, tmp_path: Path, qtbot: QtBot, shown: Messages,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ops.new_identity("Pat Investigator", "Test Corp.", PASSPHRASE)
    window.open_case(case_path)
    _slowly(monkeypatch, build_ops, "case_identity")
    window.builder.start_build(tmp_path, "not the passphrase", draft=True)
    qtbot.waitUntil(lambda: bool(_visible_progress()), timeout=5_000)
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=30_000)
    assert shown[0].title == "The bundle was not built" and "wrong passphrase" in shown[0].text
    assert not shown[0].progress_visible
    _settled(qtbot, window)


@OFFSCREEN_SHOW
def test_a_cancelled_build_leaves_no_progress_dialog_and_no_message(
    window: MainWindow, case_path: Path, tmp_path: Path, qtbot: QtBot, shown: Messages,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window.open_case(case_path)
    _slowly(monkeypatch, build_ops, "case_identity")
    operation = window.builder.start_build(tmp_path, PASSPHRASE, draft=True)
    assert operation is not None
    qtbot.waitUntil(lambda: bool(_visible_progress()), timeout=5_000)
    [dialog] = _visible_progress()
    [cancel] = dialog.findChildren(QPushButton)
    assert cancel.text() == "Cancel"
    cancel.click()  # the dialog's own Cancel button
    _settled(qtbot, window)
    assert shown == [] and list(tmp_path.glob("*.zip")) == []
    assert window.statusBar().currentMessage() == "Build cancelled; the output folder was left as it was"
