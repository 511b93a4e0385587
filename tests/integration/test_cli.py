"""The headless commands as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main

EMAIL = (
    b"Received: from mx.example.net (mx.example.net [192.0.2.7]) by mail.example.org; Mon, 2 Nov 2026 10:00:00 +0000\r\n"
    b"From: Pharmacy <deals@example.net>\r\nTo: victim@example.org\r\n"
    b"Subject: Cheap pills\r\nDate: Mon, 2 Nov 2026 10:00:00 +0000\r\n"
    b"Message-ID: <1@example.net>\r\n\r\nBuy now at http://pills-sample-shop.com/buy\r\n"
)
WHOIS = b"   Domain Name: PILLS-SAMPLE-SHOP.COM\r\n   Registrar: Sample Registrar, Inc.\r\n   Name Server: NS1.EXAMPLE.NET\r\n"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "case.evcase"
    code, out, _ = run(capsys, "new", str(path), "--title", "Sample v. Does", "--declarant", "Ann Investigator")
    assert code == 0 and "created" in out
    return path


def test_workflow_new_add_domains_build_verify(case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from PIL import Image

    (tmp_path / "spam.eml").write_bytes(EMAIL)
    (tmp_path / "whois.txt").write_bytes(WHOIS)
    Image.new("RGB", (64, 48), "red").save(tmp_path / "shot.png")
    code, out, err = run(capsys, "add", str(case), str(tmp_path / "spam.eml"), str(tmp_path / "whois.txt"),
                         str(tmp_path / "shot.png"))
    assert code == 0, err
    assert out.count("added Exhibit") == 3

    code, out, _ = run(capsys, "domains", str(case), "add", "pills-sample-shop.com", "hxxp://bad-sample[.]net/x",
                       "kelihos-sample.cc")
    assert code == 0 and "added 3 domain(s)" in out
    code, out, _ = run(capsys, "domains", str(case), "list")
    assert "Verisign" in out and "bad-sample.net" in out

    code, out, _ = run(capsys, "list", "--json", str(case))
    items = json.loads(out)
    assert {i["kind"] for i in items} == {"email", "domain-record", "screenshot"}
    assert all(len(i["sha256"]) == 64 for i in items)

    secret = tmp_path / "pass.txt"
    secret.write_text("correct horse battery\n")
    out_dir = tmp_path / "out"
    code, out, err = run(capsys, "build", str(case), "--out", str(out_dir), "--passphrase-file", str(secret))
    assert code == 1 and "not fileable yet" in err and "unsupported-domain" in err  # the review blocks filing
    assert not (out_dir / "Sample-v-Does.zip").exists()
    code, out, err = run(capsys, "build", str(case), "--out", str(out_dir), "--passphrase-file", str(secret),
                         "--draft")
    assert code == 0, err
    bundle = out_dir / "Sample-v-Does.zip"
    assert f"bundle: {bundle}" in out
    assert (out_dir / "Sample-v-Does-documents" / "01-declaration.pdf").is_file()
    code, out, _ = run(capsys, "verify", str(bundle))
    assert code == 0, out

    secret.write_text("wrong passphrase\n")
    code, _, err = run(capsys, "build", str(case), "--out", str(out_dir), "--passphrase-file", str(secret),
                       "--draft")
    assert code == 2 and "passphrase" in err and "Traceback" not in err
    assert run(capsys, "verify", str(bundle))[0] == 0  # the earlier bundle is untouched


def test_refused_files_are_named_and_the_rest_kept(case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "good.eml").write_bytes(EMAIL)
    (tmp_path / "empty.eml").write_bytes(b"")
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    code, out, err = run(capsys, "add", str(case), str(tmp_path / "empty.eml"), str(tmp_path / "good.eml"),
                         str(tmp_path / "broken.png"), str(tmp_path / "missing.eml"))
    assert code == 1
    assert "added Exhibit 1" in out
    refused = err.strip().splitlines()
    assert len(refused) == 3
    assert any("empty.eml" in line and "empty" in line for line in refused)
    assert any("broken.png" in line for line in refused)
    assert any("missing.eml" in line for line in refused)
    assert run(capsys, "check", str(case))[0] == 0


def test_errors_are_one_line_without_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "list", str(tmp_path / "nowhere.evcase"))
    assert code == 2
    assert err.count("\n") == 1 and "nowhere.evcase" in err and "Traceback" not in err


def test_build_without_passphrase_says_how_to_give_one(case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "build", str(case), "--out", str(tmp_path / "o"))
    assert code == 2 and "EVBUNDLE_PASSPHRASE" in err


def test_opening_a_case_file_starts_the_app_on_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import app.__main__ as entry

    opened = []
    monkeypatch.setattr(entry, "open_gui", lambda path: opened.append(path) or 0)
    assert entry.main([str(tmp_path / "case.evcase")]) == 0
    assert entry.main([]) == 0
    assert opened == [tmp_path / "case.evcase", None]
