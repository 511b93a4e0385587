"""What the build result and Verify say about a draft built without a timestamp (guiwalk A3, C3, C4, C12):
the missing timestamp is said plainly with how to set one up, the fingerprint is whole, the documents'
own folder is named, and Verify of that draft says DRAFT."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.bundle import identity as identity_module
from app.gui.commands.build import build_summary, fingerprint_lines
from app.gui.window import MainWindow
from app.ops.settings import Settings, save_settings

from .conftest import OFFSCREEN_SHOW, Shown

PASSPHRASE = "correct horse battery"


@OFFSCREEN_SHOW
def test_a_draft_without_a_timestamp_authority_says_so_and_verify_says_draft(
        window: MainWindow, case_path: Path, tmp_path: Path, qtbot: QtBot, shown: list[Shown],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(identity_module, "KDF_ROUNDS", 1000)
    window.open_case(case_path)
    out = tmp_path / "out"
    out.mkdir()
    with qtbot.waitSignal(window.events.custodyChanged, timeout=60_000):
        window.builder.start_build(out, PASSPHRASE, draft=True)  # the case asks a timestamp; none is set up
    qtbot.waitUntil(lambda: not window.operations.is_busy(), timeout=30_000)
    [result] = shown
    assert "No trusted timestamp" in result.text and "Tools → Preferences" in result.text
    assert f"documents, in:\n  {out / '1-26-cv-00001-documents'}\n" in result.text
    halves = [line for line in result.text.splitlines() if line.startswith("  ") and line.count(":") >= 15
              and "evbundle" not in line]
    assert len(halves) == 2 and max(len(line) for line in halves) < 60  # the fingerprint whole, in two lines
    bundle = out / "1-26-cv-00001.zip"
    dialog = window.verify_now(bundle)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=30_000)  # type: ignore[attr-defined]
    assert dialog.draft_note.isVisibleTo(dialog) and "DRAFT" in dialog.draft_note.text()  # type: ignore[attr-defined]
    os.utime(bundle, ns=(1, 1))  # written again since: no longer known as the draft this window built
    dialog.verify(bundle)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=30_000)  # type: ignore[attr-defined]
    assert not dialog.draft_note.isVisibleTo(dialog)  # type: ignore[attr-defined]
    dialog.close()


def test_with_an_authority_set_up_nothing_is_said_about_timestamps(tmp_path: Path) -> None:
    from app.ops.build import BuildResult

    save_settings(Settings(tsa_urls=("http://127.0.0.1:9/tsa",)))
    fingerprint = ":".join(f"{n:02X}" for n in range(32))
    result = BuildResult(tmp_path / "b.zip", [tmp_path / "b-documents" / "01.pdf"], fingerprint)
    text, _details = build_summary(result, draft=False, no_timestamp=False)
    assert "timestamp" not in text.lower()
    assert fingerprint_lines(fingerprint) in text and fingerprint_lines(fingerprint).count("\n") == 1
    assert fingerprint_lines(fingerprint).replace("\n  ", "").strip() == fingerprint
