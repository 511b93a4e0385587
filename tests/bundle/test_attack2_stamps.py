"""A replaced signature timestamp cannot leave a bundle VALID (the second review, finding H3 / m4, and L3).

The signed bag-info.txt says "Signature-Timestamp", which proves that a token existed, not which one: the
token was swapped for a home-made one in a well-known authority's name, dated before signing, and the
verdict stayed VALID. Now: where bag-info.txt says so, an authority not trusted here makes the verdict exit 3
(intact, not vouched for); a token dated before the signer's own signing time is a problem when its
authority is not trusted, a note when it is.
"""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path
from typing import Any

import pytest

from app.bundle import BuiltBundle, SigningIdentity, build_bundle, verify_bundle
from app.bundle import verify_signer as verify_signer_module
from app.bundle.instructions import TIMESTAMP_FILE
from app.bundle.report import UNKNOWN_SIGNER, VALID
from app.bundle.timestamp import Timestamper

from .conftest import BAG_NAME, BUNDLE_DATE, payload_files, tag_files
from .tsa import LoopbackTSA


@pytest.fixture(scope="module")
def stamped(signer: SigningIdentity, tmp_path_factory: pytest.TempPathFactory) -> tuple[BuiltBundle, Any]:
    folder = tmp_path_factory.mktemp("stamped")
    with LoopbackTSA("Vouching TSA") as tsa:
        built = build_bundle(folder / "stamped.zip", BAG_NAME, payload_files(), tag_files(signer),
                             {"External-Identifier": "1:24-cv-00042"}, signer, BUNDLE_DATE,
                             timestamper=Timestamper([tsa.url]))
        return built, tsa.ca


def test_a_declared_timestamp_must_come_from_a_trusted_authority(stamped: tuple[BuiltBundle, Any],
                                                                 signer: SigningIdentity) -> None:
    built, root = stamped
    mine = {signer.fingerprint: "your signing identity"}
    report = verify_bundle(built.path, trusted_fingerprints=mine, require_trusted=False)
    assert report.intact and report.verdict == UNKNOWN_SIGNER and report.exit_code == 3, report.to_text()
    assert report.verdict_text() == "INTACT BUT TIMESTAMPED BY AN AUTHORITY NOT TRUSTED HERE"
    assert "--for tsa" in report.verdict_detail() and report.to_json()["unvouched_timestamp"]
    trusted = verify_bundle(built.path, trusted_fingerprints=mine, trusted_tsas=[root], require_trusted=False)
    assert trusted.verdict == VALID, trusted.to_text()


def test_a_token_dated_before_signing_is_flagged(stamped: tuple[BuiltBundle, Any], signer: SigningIdentity,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The signer's own clock says it signed ten minutes after the token's time."""
    built, root = stamped
    original = verify_signer_module.verify_detached

    def later(signature: bytes, content: bytes) -> Any:
        facts = original(signature, content)
        return dataclasses.replace(facts, signed_at=facts.signed_at + datetime.timedelta(minutes=10))

    monkeypatch.setattr(verify_signer_module, "verify_detached", later)
    mine = {signer.fingerprint: "your signing identity"}
    report = verify_bundle(built.path, trusted_fingerprints=mine, require_trusted=False)
    assert [(p.code, p.path) for p in report.problems] == [("timestamp-before-signing", TIMESTAMP_FILE)], \
        report.to_text()
    trusted = verify_bundle(built.path, trusted_fingerprints=mine, trusted_tsas=[root], require_trusted=False)
    assert trusted.verdict == VALID and any("clock ran ahead" in note for note in trusted.notes), trusted.to_text()


def test_an_unstamped_bundle_is_unaffected(golden: BuiltBundle, signer: SigningIdentity, tmp_path: Path) -> None:
    report = verify_bundle(golden.path, trusted_fingerprints={signer.fingerprint: "yours"})
    assert report.verdict == VALID and report.unvouched_timestamp is None


def test_the_reader_trusts_the_authoritys_root_for_one_check_on_the_command_line(
        stamped: tuple[BuiltBundle, Any], signer: SigningIdentity, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The other side verifies on its own machine: --trust FP and --trust-tsa ROOT.pem, nothing stored."""
    from cryptography.hazmat.primitives.serialization import Encoding

    from app.cli import main

    built, root = stamped
    monkeypatch.setenv("EVBUNDLE_HOME", str(tmp_path / "elsewhere"))
    (tmp_path / "TSA-ROOT.pem").write_bytes(root.public_bytes(Encoding.PEM))
    (tmp_path / "not-a-cert.pem").write_text("hello")

    assert main(["verify", str(built.path), "--trust", signer.fingerprint]) == 3
    assert main(["verify", str(built.path), "--trust", signer.fingerprint,
                 "--trust-tsa", str(tmp_path / "TSA-ROOT.pem")]) == 0
    assert main(["verify", str(built.path), "--trust-tsa", str(tmp_path / "not-a-cert.pem")]) == 2
    assert not (tmp_path / "elsewhere" / "trusted").exists() or not any((tmp_path / "elsewhere" / "trusted").iterdir())


def test_the_printed_verify_command_of_a_timestamped_bundle_names_the_authoritys_root() -> None:
    from app.bundle.instructions import verify_command

    assert verify_command("b.zip", "AB:CD", timestamped=True) == "evbundle verify b.zip --trust AB:CD --trust-tsa TSA-ROOT.pem"
    assert verify_command("b.zip", "AB:CD") == "evbundle verify b.zip --trust AB:CD"
