"""Build bundle from the window: signed in the background, cancellable, errors as plain text."""

from __future__ import annotations

import zipfile
from pathlib import Path

from pytestqt.qtbot import QtBot

from app.gui.dialogs.passphrase import PassphraseDialog
from app.gui.window import MainWindow
from app.ops.identity import has_identity

from .conftest import Shown

PASSPHRASE = "correct horse battery"


def test_build_runs_in_the_background_and_reports_where_the_bundle_is(
    window: MainWindow, case_path: Path, tmp_path: Path, qtbot: QtBot, shown: list[Shown]
) -> None:
    window.open_case(case_path)
    out = tmp_path / "out"
    out.mkdir()
    assert not has_identity()
    with qtbot.waitSignal(window.operations.busyChanged, timeout=60_000, check_params_cb=lambda b: not b):
        window.builder.start_build(out, PASSPHRASE)  # a filing build of a case that is not fileable: refused
    assert shown[-1].plain and shown[-1].title == "The bundle was not built"
    assert "not fileable yet" in shown[-1].text and list(out.iterdir()) == []
    shown.clear()
    with qtbot.waitSignal(window.events.custodyChanged, timeout=60_000):
        operation = window.builder.start_build(out, PASSPHRASE, draft=True)
        assert operation is not None and window.operations.is_busy()
        assert not window.window_actions.build_bundle.isEnabled()  # one build at a time
    bundle = out / "1-26-cv-00001.zip"
    assert bundle.is_file() and has_identity()
    with zipfile.ZipFile(bundle) as archive:
        names = archive.namelist()
    assert any(n.endswith("signature/tagmanifest-sha256.txt.p7s") for n in names)
    assert len(shown) == 1 and shown[0].plain and shown[0].title == "Draft bundle built"
    assert str(bundle) in shown[0].text
    assert "declaration.pdf" in shown[0].details  # the documents listed under Show Details
    assert operation.last_progress[2]  # the stages reached the progress dialog
    assert window.custody_model.index(window.custody_model.rowCount() - 1, 3).data() == "bundle-built"
    assert window.window_actions.build_bundle.isEnabled()

    # A wrong passphrase is the user's to fix: its diagnostics, as plain text, nothing built.
    bundle.unlink()
    with qtbot.waitSignal(window.operations.busyChanged, timeout=30_000, check_params_cb=lambda b: not b):
        window.builder.start_build(out, "not the passphrase", draft=True)
    assert shown[-1].plain and shown[-1].title == "The bundle was not built"
    assert "passphrase" in shown[-1].text.lower()
    assert not bundle.exists()


def test_cancelling_a_build_leaves_the_output_folder_as_it_was(
    window: MainWindow, case_path: Path, tmp_path: Path, qtbot: QtBot, shown: list[Shown]
) -> None:
    window.open_case(case_path)
    out = tmp_path / "out"
    out.mkdir()
    operation = window.builder.start_build(out, PASSPHRASE, draft=True)
    assert operation is not None
    operation.cancel()  # before the worker's first check: it stops at once
    qtbot.waitUntil(lambda: not window.operations.is_busy(), timeout=30_000)
    assert list(out.iterdir()) == []
    assert shown == []
    assert window.statusBar().currentMessage() == "Build cancelled; the output folder was left as it was"


def test_first_use_asks_for_the_passphrase_twice(qtbot: QtBot) -> None:
    dialog = PassphraseDialog(first_use=True)
    qtbot.addWidget(dialog)
    dialog.passphrase.setText(PASSPHRASE)
    dialog.again.setText(PASSPHRASE + "x")
    dialog.accept()
    assert dialog.problem.text() == "The two passphrases differ."
    dialog.passphrase.setText("short")
    dialog.accept()
    assert dialog.problem.text().startswith("Use at least")
    dialog.passphrase.setText(PASSPHRASE)
    dialog.again.setText(PASSPHRASE)
    dialog.accept()
    assert dialog.result() == PassphraseDialog.DialogCode.Accepted
    assert dialog.passphrase.echoMode() == dialog.passphrase.EchoMode.Password
