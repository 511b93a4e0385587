"""Renewing bundles from the window: the Exhibits page says which to renew, File > Renew a bundle… does it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bundle.tsa import LoopbackTSA  # tests/bundle, a package of its own (tests/ has no __init__)
from pytestqt.qtbot import QtBot

from app.gui.window import MainWindow
from app.ops.settings import Settings, save_settings

from .conftest import OFFSCREEN_SHOW, Shown

PASSPHRASE = "correct horse battery"

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl binary")


@OFFSCREEN_SHOW
def test_window_asks_to_renew_and_renews(window: MainWindow, case_path: Path, tmp_path: Path, qtbot: QtBot,
                                         shown: list[Shown]) -> None:
    window.open_case(case_path)
    window.show()
    window.tabs.setCurrentWidget(window.exhibits_page)  # the banner reads the case when it is shown
    banner = window.signer_banner
    assert banner.renewal.isHidden()
    out = tmp_path / "out"
    out.mkdir()
    with LoopbackTSA("Short TSA", valid_days=90) as short, LoopbackTSA("Long TSA", valid_days=3000) as long:
        save_settings(Settings(tsa_urls=(short.url,)))
        with qtbot.waitSignal(window.events.custodyChanged, timeout=60_000):
            window.builder.start_build(out, PASSPHRASE, draft=True)
        bundle = out / "1-26-cv-00001.zip"
        assert bundle.is_file()
        assert not banner.renewal.isHidden()  # 90 days: within the 180 days before the certificate expires
        assert f"Renew {bundle.name}: the last timestamp's authority certificate expires on" in banner.renewal.text()

        save_settings(Settings(tsa_urls=(long.url,)))
        with qtbot.waitSignal(window.events.custodyChanged, timeout=60_000):
            window.renew.start_renew(bundle)
    assert shown[-1].plain and shown[-1].title == "Bundle renewed", shown[-1].text
    assert "Archive timestamp 1 was added" in shown[-1].text and "CN=Long TSA" in shown[-1].text
    assert banner.renewal.isHidden()  # the renewed copy's authority lasts for years
    assert window.custody_model.index(window.custody_model.rowCount() - 1, 3).data() == "bundle-renewed"
    assert window.window_actions.renew_bundle.isEnabled()
