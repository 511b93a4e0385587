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

from .conftest import Shown

PASSPHRASE = "correct horse battery"


@pytest.fixture(autouse=True)
def domains_settled(window: MainWindow) -> Iterator[None]:
    """Let the domains page's own query thread finish before the window closes the case under it."""
    yield
    window.domains_model.wait()


@pytest.fixture(autouse=True)
def fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(identity_module, "KDF_ROUNDS", 1000)


def test_wrong_passphrase_for_the_case_identity_is_a_clear_error_and_changes_nothing(
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
    asked: list[PassphraseDialog] = []
    typed = "Robin's passphrase, wrong here"

    def answer(dialog: PassphraseDialog) -> int:
        asked.append(dialog)
        assert dialog.passphrase.echoMode() == QLineEdit.EchoMode.Password
        dialog.passphrase.setText(typed)
        dialog.accept()
        return int(dialog.result())

    monkeypatch.setattr(PassphraseDialog, "exec", answer)
    before = (window.case.info(), window.case.custody())
    caplog.set_level(logging.DEBUG)
    window.window_actions.build_bundle.trigger()
    [dialog] = asked
    labels = " ".join(label.text() for label in dialog.findChildren(type(dialog.problem)))
    assert chosen.fingerprint in labels and "Pat Investigator" in labels  # which identity's passphrase
    assert dialog.passphrase.text() == ""  # forgotten as soon as it was handed to the build
    qtbot.waitUntil(lambda: not window.operations.is_busy(), timeout=60_000)
    assert len(shown) == 1 and shown[0].plain and shown[0].title == "The bundle was not built"
    assert "wrong passphrase" in shown[0].text and "Pat" in shown[0].text
    assert typed not in shown[0].text and typed not in caplog.text
    assert (window.case.info(), window.case.custody()) == before  # the case is unchanged
    assert list(out.iterdir()) == []


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
    assert "not on this computer" in window.signer_banner.text.text()
