"""`evbundle renew` as a user runs it, and what a case says about renewing its bundles."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from app.ops.case import open_case
from app.ops.renewal import bundles_to_renew

from .test_trust_cli import case, run, secret  # noqa: F401 - fixtures
from .tsa import LoopbackTSA

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl binary")


def test_renew_from_the_command_line_records_it_in_the_case(
        case: Path, secret: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    out_dir = tmp_path / "out"
    with LoopbackTSA("Short TSA", valid_days=60) as short, LoopbackTSA("Long TSA", valid_days=3000) as long:
        code, out, err = run(capsys, "build", str(case), "--out", str(out_dir), "--no-documents",
                             "--passphrase-file", str(secret), "--tsa", short.url)
        assert code == 0 and "note:" not in out, err
        bundle = out_dir / "Sample-v-Does.zip"
        with open_case(case) as opened:
            [due] = bundles_to_renew(opened)  # 60 days: within the 180 days before expiry
            assert due.bundle == bundle.name and "expires on" in due.reason
            assert bundles_to_renew(opened, datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=400)) == []

        code, out, err = run(capsys, "renew", str(bundle), "--tsa", long.url, "--case", str(case))
        assert code == 0, err
        assert "archive timestamp 1: 20" in out and "CN=Long TSA" in out
        assert "added: signature/archive-01.sha512.tsr" in out
        renewed = next(out_dir.glob("Sample-v-Does-renewed-*.zip"))
        assert f"renewed: {renewed}" in out
        with open_case(case) as opened:
            assert bundles_to_renew(opened) == []  # the renewed copy's timestamp lasts for years
            entry = opened.custody()[-1]
            assert entry.action == "bundle-renewed" and entry.details["renewed_from"] == bundle.name
        code, out, _ = run(capsys, "verify", str(renewed))  # the signed bag-info.txt says it was timestamped:
        assert code == 3 and "TIMESTAMPED BY AN AUTHORITY NOT TRUSTED HERE" in out  # by an authority unknown here
        root = tmp_path / "short-root.pem"
        root.write_bytes(short.ca.public_bytes(Encoding.PEM))
        assert run(capsys, "identity", "trust", str(root), "--for", "tsa")[0] == 0
        code, out, _ = run(capsys, "verify", str(renewed))
        assert code == 0 and "Archive timestamp 1 over signature/archive-01.sha512" in out

        code, _, err = run(capsys, "renew", str(bundle), "--tsa", long.url, "--out", str(renewed))
        assert code == 2 and "already exists" in err
