"""The Verify dialog: a bundle checked in the background, every problem and the signer shown as plain text."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.bundle import PayloadFile, build_bundle, create_identity
from app.bundle import identity as identity_module
from app.gui.dialogs.verify import VerifyDialog
from app.gui.window import MainWindow


@pytest.fixture
def bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(identity_module, "KDF_ROUNDS", 1000)
    signer = create_identity("Pat Investigator", "Test Corp.", "correct horse", label="Pat")
    files = {"exhibits/Exhibit-001/original/spam.eml": b"From: a@example.net\r\n\r\nhttp://bad.example/\r\n",
             "exhibits/Exhibit-002/original/shot.png": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4}
    payload = [PayloadFile(p, len(d), (lambda d=d: io.BytesIO(d))) for p, d in files.items()]
    out = tmp_path / "bundle.zip"
    build_bundle(out, "Test-Bag", payload, {"case.json": b"{}\n", "custody.jsonl": b""}, {}, signer, "2026-11-02")
    return out


def test_verify_dialog_shows_verdict_signer_and_every_problem(
    window: MainWindow, bundle: Path, tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[VerifyDialog] = []
    monkeypatch.setattr(VerifyDialog, "show", lambda self: shown.append(self))  # offscreen show() warns
    window.window_actions.verify_bundle.trigger()
    [dialog] = shown
    assert window.window_actions.verify_bundle.isEnabled()  # no case needed
    with qtbot.waitSignal(window.operations.busyChanged, timeout=30_000, check_params_cb=lambda busy: not busy):
        dialog.verify(bundle)
    assert dialog.verdict.text().startswith("VALID")
    green = dialog.verdict.palette().color(dialog.verdict.foregroundRole()).name()
    assert "CN=Pat Investigator" in dialog.signer.text()
    assert "TRUSTED on this machine (your signing identity 'Pat')" in dialog.signer.text()
    assert dialog.save_button.isEnabled()

    monkeypatch.setenv("EVBUNDLE_HOME", str(tmp_path / "another-machine"))  # the signer is unknown there
    with qtbot.waitSignal(window.operations.busyChanged, timeout=30_000, check_params_cb=lambda busy: not busy):
        dialog.verify(bundle)
    assert dialog.verdict.text().startswith("INTACT BUT SIGNED BY AN UNKNOWN KEY")
    amber = dialog.verdict.palette().color(dialog.verdict.foregroundRole()).name()
    assert amber != green and "VALID" not in dialog.verdict.text().split(".")[0]

    folder = tmp_path / "unzipped"
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(folder)
    shot = folder / "Test-Bag" / "data" / "exhibits" / "Exhibit-002" / "original" / "shot.png"
    shot.write_bytes(shot.read_bytes()[:-1] + b"X")
    shutil.rmtree(folder / "Test-Bag" / "data" / "exhibits" / "Exhibit-001")
    with qtbot.waitSignal(window.operations.busyChanged, timeout=30_000, check_params_cb=lambda busy: not busy):
        dialog.verify(folder)
    assert dialog.verdict.text().startswith("NOT VALID")
    assert dialog.verdict.palette().color(dialog.verdict.foregroundRole()).name() not in (green, amber)
    text = dialog.details.toPlainText()
    assert "data/exhibits/Exhibit-002/original/shot.png: does not match" in text
    assert "data/exhibits/Exhibit-001/original/spam.eml: is listed in the manifest but missing" in text
    assert not dialog.grab().isNull()

    target = tmp_path / "report.pdf"
    dialog._ask_save = lambda: target
    with qtbot.waitSignal(window.operations.busyChanged, timeout=30_000, check_params_cb=lambda busy: not busy):
        dialog.save_report()
    assert target.read_bytes().startswith(b"%PDF-")
    assert "Report saved" in dialog.source.text()


def test_a_file_that_is_not_a_bundle_is_a_verdict_not_a_crash(window: MainWindow, tmp_path: Path,
                                                              qtbot: QtBot) -> None:
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip at all")
    dialog = VerifyDialog(window.operations, window, ask_open=lambda: junk)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(window.operations.busyChanged, timeout=30_000, check_params_cb=lambda busy: not busy):
        dialog.choose_and_verify()
    assert dialog.verdict.text() == "NOT VERIFIED: the bundle could not be checked."
    assert "not a zip file" in dialog.details.toPlainText()
    assert not dialog.save_button.isEnabled()
