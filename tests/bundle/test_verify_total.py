"""Verification is total: any input gives a report or a refusal, never a traceback; hostile text is escaped.

Each test names one way a bundle crashed or misled an earlier verifier (issue 12):
tag files whose JSON nests too deeply, carries numbers too large for a float or
lone surrogates, file names that are not UTF-8, tens of thousands of extra
entries, many small zip bombs, a certificate subject that prints a forged line.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from app.bundle import BuiltBundle, ReadLimits, SigningIdentity, build_bundle, create_identity, verify_bundle
from app.cli import main
from app.core.errors import BundleError

from .conftest import BAG_NAME, BUNDLE_DATE, custody_log, payload_files, unzip

HOSTILE_JSON = {
    "nested-too-deep": b"[" * 100_000 + b"]" * 100_000,
    "integer-too-long": b'{"seq": ' + b"9" * 5000 + b"}",
    "float-overflow": b'{"seq": 1e999, "at": "", "actor": "", "action": "", "prev_hash": "", '
    b'"entry_hash": ""}',
    "lone-surrogate": b'{"seq": 1, "at": "\\ud800", "actor": "", "action": "", "prev_hash": "", '
    b'"entry_hash": ""}',
    "not-utf8": b'{"seq": 1, "at": "\xff"}',
    "wrong-types": b'{"seq": [], "at": {}, "actor": null, "action": 1, "details": [[1, 2, 3]], '
    b'"prev_hash": 0, "entry_hash": 0}',
    "not-an-object": b'"just a string"',
}


def _sealed(signer: SigningIdentity, out: Path, *, case: bytes = b"{}\n", log: bytes | None = None) -> Path:
    """A bundle whose case.json and custody.jsonl are signed as given (so they are parsed)."""
    tags = {"case.json": case, "custody.jsonl": custody_log() if log is None else log}
    return build_bundle(out, BAG_NAME, payload_files(), tags, {}, signer, BUNDLE_DATE).path


@pytest.mark.parametrize("kind", sorted(HOSTILE_JSON))
def test_hostile_json_in_signed_tag_files_is_a_problem(
    kind: str, signer: SigningIdentity, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = HOSTILE_JSON[kind]
    bundle = _sealed(signer, tmp_path / "b.zip", case=hostile, log=custody_log() + hostile + b"\n")
    report = verify_bundle(bundle)
    codes = {p.code for p in report.problems}
    assert "custody-unreadable" in codes
    if kind in ("nested-too-deep", "integer-too-long", "not-utf8"):
        assert "bad-case-json" in codes, report.to_text()
    assert report.custody_entries == 3
    report.to_text().encode("utf-8")
    assert main(["verify", "--json", str(bundle)]) == 1
    assert json.loads(capsys.readouterr().out)["verdict"] == "not-valid"


def test_a_changed_tag_file_is_never_parsed(signer: SigningIdentity, tmp_path: Path) -> None:
    bag = unzip(_sealed(signer, tmp_path / "b.zip"), tmp_path / "bag")
    (bag / "case.json").write_bytes(HOSTILE_JSON["nested-too-deep"])
    (bag / "custody.jsonl").write_bytes(HOSTILE_JSON["lone-surrogate"])
    problems = {(p.code, p.path) for p in verify_bundle(bag).problems}
    assert problems == {("changed-file", "case.json"), ("changed-file", "custody.jsonl")}


def test_large_case_json_is_hashed_not_parsed(signer: SigningIdentity, tmp_path: Path) -> None:
    bundle = _sealed(signer, tmp_path / "b.zip", case=json.dumps({"pad": "x" * 5000}).encode())
    report = verify_bundle(bundle, limits=ReadLimits(max_json_size=1000))
    assert report.intact and any("case.json is" in note for note in report.notes)


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS file systems refuse names that are not UTF-8")
def test_folder_with_a_name_that_is_not_utf8_is_refused(golden: BuiltBundle, tmp_path: Path) -> None:
    bag = unzip(golden.path, tmp_path)
    try:
        (bag / "data" / os.fsdecode(b"caf\xe9.txt")).write_bytes(b"x")
    except (OSError, UnicodeError):
        pytest.skip("this file system refuses names that are not UTF-8")
    with pytest.raises(BundleError, match="not UTF-8") as caught:
        verify_bundle(bag)
    assert "caf" in caught.value.diagnostics()
    assert main(["verify", str(bag)]) == 2


def test_twenty_thousand_extra_entries_each_reported_once(golden: BuiltBundle, tmp_path: Path) -> None:
    """Reporting is linear (tests/bench/bench_verify_many_entries.py times 100,000: under 10 s)."""
    bundle = tmp_path / "many.zip"
    shutil.copy(golden.path, bundle)
    with zipfile.ZipFile(bundle, "a") as archive:
        for number in range(20_000):
            archive.writestr(f"{BAG_NAME}/data/extra/{number:05}.txt", b"")
    report = verify_bundle(bundle)
    extras = [p for p in report.problems if p.code == "extra-file"]
    assert len(extras) == 20_000 and len({p.path for p in extras}) == 20_000


def test_many_small_bombs_are_refused_together(tmp_path: Path) -> None:
    """No entry is over the per-entry floor, but together they unpack to a thousand times their size."""
    bundle = tmp_path / "bombs.zip"
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{BAG_NAME}/bagit.txt", b"BagIt-Version: 1.0\n")
        for number in range(40):
            archive.writestr(f"{BAG_NAME}/data/{number}.bin", bytes(1024 * 1024))
    with pytest.raises(BundleError, match="many small zip bombs"):
        verify_bundle(bundle)


FORGED_LINE = "Mallory\n  Signer: TRUSTED \x1b[32mOK\x1b[0m \u202egnp.exe"


@pytest.fixture
def mallory(tmp_path: Path) -> SigningIdentity:
    return create_identity(FORGED_LINE, "Evil\rCorp", "correct horse", directory=tmp_path / "m")


def test_hostile_certificate_subject_is_escaped_everywhere(
    mallory: SigningIdentity, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = _sealed(mallory, tmp_path / "b.zip")
    report = verify_bundle(bundle)
    text = report.to_text()
    assert "\x1b" not in text and "\r" not in text and "\u202e" not in text
    assert not any(line.lstrip().startswith("Signer: TRUSTED") for line in text.splitlines())
    assert "Mallory\u27e6U+000A\u27e7  Signer: TRUSTED \u27e6U+001B\u27e7[32m" in text
    pdf = tmp_path / "report.pdf"
    assert main(["verify", str(bundle), "--report", str(pdf)]) == 3
    out = capsys.readouterr().out
    assert "\x1b" not in out and not any(
        line.lstrip().startswith("Signer: TRUSTED") for line in out.splitlines()
    )
    assert main(["verify", "--json", str(bundle)]) == 3
    raw = capsys.readouterr().out
    assert (
        raw.isascii() and "\\u001b" in raw and json.loads(raw)["signer"]["subject"].startswith("CN=Mallory\n")
    )
    if shutil.which("pdftotext"):
        shown = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "\x1b" not in shown and "\u202e" not in shown and "U+000A" in shown
        assert not any(line.strip().startswith("Signer: TRUSTED") for line in shown.splitlines())


def test_resigned_forgery_never_gets_the_genuine_verdict(
    signer: SigningIdentity, mallory: SigningIdentity, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same evidence, altered and consistently re-sealed by Mallory with her own key."""
    genuine = _sealed(signer, tmp_path / "genuine.zip")
    forged_files = payload_files(
        {
            **{f.path: f.open().read() for f in payload_files()},
            "exhibits/Exhibit-002/exhibit.pdf": b"%PDF-1.7 forged",
        }
    )
    forged = build_bundle(
        tmp_path / "forged.zip",
        BAG_NAME,
        forged_files,
        {"case.json": b"{}\n", "custody.jsonl": custody_log()},
        {},
        mallory,
        BUNDLE_DATE,
    ).path
    expected = ["--trust", signer.fingerprint]
    assert main(["verify", str(genuine), *expected]) == 0
    assert "Result: VALID." in capsys.readouterr().out
    assert main(["verify", str(forged), *expected]) == 1
    out = capsys.readouterr().out
    assert "Result: NOT VALID" in out and "signed by another key than the one you named" in out
    assert main(["verify", str(forged)]) == 3  # without --trust: intact, unknown key; never 0
    assert "Result: VALID" not in capsys.readouterr().out
    # The genuine signer is trusted on this machine (its identity is here); the forgery still is not VALID.
    trusted = verify_bundle(
        forged, trusted_fingerprints={signer.fingerprint: "your signing identity"}, require_trusted=False
    )
    assert trusted.verdict == "unknown-signer" and not trusted.ok
