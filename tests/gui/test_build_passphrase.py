"""Build bundle asks for the passphrase of the case's identity, names it, and never keeps the passphrase."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QLineEdit
from pytestqt.qtbot import QtBot

from app.bundle import identity as identity_module
from app.gui.dialogs.passphrase import PassphraseDialog
from app.gui.window import MainWindow
from app.ops import identity as ops

from .conftest import Shown, banner_text

PASSPHRASE = "correct horse battery"


@pytest.fixture(autouse=True)
def domains_settled(window: MainWindow) -> Iterator[None]:
    """Let the domains page's own query thread finish before the window closes the case under it."""
    yield
    window.domains_model.wait()


@pytest.fixture(autouse=True)
def fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(identity_module, "KDF_ROUNDS", 1000)


def test_a_wrong_passphrase_asks_again_and_changes_nothing(
    window: MainWindow, case_path: Path, tmp_path: Path, qtbot: QtBot, shown: list[Shown],
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    chosen = ops.new_identity("Pat Investigator", "Test Corp.", PASSPHRASE, label="Pat").identity
    ops.new_identity("Robin Analyst", "Test Corp.", "another passphrase")  # newer, but not the case's
    window.open_case(case_path)
    assert window.case is not None
    ops.choose_case_identity(window.case, chosen.fingerprint)
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kwargs: str(out))
    asked: list[tuple[str, str]] = []
    typed = "Robin's passphrase, wrong here"

    def answer(dialog: PassphraseDialog) -> int:
        labels = " ".join(label.text() for label in dialog.findChildren(type(dialog.problem)))
        asked.append((labels, dialog.problem.text()))
        assert dialog.passphrase.echoMode() == QLineEdit.EchoMode.Password
        if len(asked) == 1:
            dialog.passphrase.setText(typed)
            dialog.accept()
        else:
            dialog.reject()  # the second time, the user gives up
        return int(dialog.result())

    monkeypatch.setattr(PassphraseDialog, "exec", answer)
    before = (window.case.info(), window.case.custody())
    caplog.set_level(logging.DEBUG)
    window.window_actions.build_bundle.trigger()
    qtbot.waitUntil(lambda: len(asked) == 2, timeout=60_000)
    qtbot.waitUntil(lambda: not window.operations.is_busy(), timeout=60_000)
    (first, no_problem), (_again, problem) = asked
    assert chosen.fingerprint in first and "Pat Investigator" in first  # which identity's passphrase
    assert no_problem == "" and "does not unlock" in problem  # asked again, saying why
    assert shown == []  # no message over it: the dialog itself said so
    assert typed not in caplog.text
    assert (window.case.info(), window.case.custody()) == before  # the case is unchanged
    assert list(out.iterdir()) == []


def test_a_wrong_passphrase_from_a_script_is_one_plain_message(
    window: MainWindow, case_path: Path, tmp_path: Path, qtbot: QtBot, shown: list[Shown],
) -> None:
    ops.new_identity("Pat Investigator", "Test Corp.", PASSPHRASE, label="Pat")
    window.open_case(case_path)
    window.builder.start_build(tmp_path, "not it")
    qtbot.waitUntil(lambda: not window.operations.is_busy(), timeout=60_000)
    [message] = shown
    assert message.plain and message.title == "The bundle was not built"
    assert message.text.startswith("wrong passphrase for identity Pat")  # who, not which file
    assert ".p12" not in message.text


def test_a_case_signed_by_an_identity_not_on_this_computer_is_refused_before_asking(
    window: MainWindow, case_path: Path, tmp_path: Path, shown: list[Shown], monkeypatch: pytest.MonkeyPatch,
) -> None:
    window.open_case(case_path)
    assert window.case is not None
    window.case.update_info(signer_fingerprint="AB:CD:EF")
    window.events.infoChanged.emit()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kwargs: str(tmp_path))
    monkeypatch.setattr(PassphraseDialog, "exec", lambda self: pytest.fail("asked for a passphrase"))
    window.window_actions.build_bundle.trigger()
    assert shown[-1].title == "The bundle was not built" and "AB:CD:EF" in shown[-1].text
    assert "not on this computer" in banner_text(window)
