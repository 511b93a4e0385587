"""Fixtures for the bundle tests: a throwaway identity and a small sealed bundle."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from app.bundle import BuiltBundle, PayloadFile, SigningIdentity, build_bundle, create_identity
from app.bundle import identity as identity_module
from app.core import custody
from app.core.custody import CustodyEntry

BUNDLE_DATE = "2024-05-01"
BAG_NAME = "Civil-Action-1-24-cv-00042"

# Kinds of evidence the real bundle holds: an email (deflated), a screenshot and
# a PDF (stored), a WHOIS record with a non-ASCII name, a document.
PAYLOAD: dict[str, bytes] = {
    "exhibits/Exhibit-001/original/spam.eml": b"From: bot@example.com\r\nSubject: cheap\r\n\r\nhttp://bad.example/\r\n" * 20,
    "exhibits/Exhibit-002/original/shot.png": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8,
    "exhibits/Exhibit-002/exhibit.pdf": b"%PDF-1.7\n" + b"stream" * 100 + b"\n%%EOF\n",
    "exhibits/Exhibit-003/original/whois-caf\u00e9.example.txt": "Domain Name: CAF\u00c9.EXAMPLE\n".encode() * 5,
    "documents/declaration.docx": b"PK\x03\x04 not really a docx but bytes all the same",
}


def custody_log() -> bytes:
    """A valid three-entry custody chain, written the way the store writes it."""
    entries: list[CustodyEntry] = []
    prev = custody.GENESIS
    for seq, action in enumerate(["case-created", "acquired", "exhibit-numbered"], start=1):
        body = custody.entry_body(seq, f"2024-05-01T10:0{seq}:00.000000Z", "Jane Investigator", action, None, None, {"n": seq}, prev)
        entry_hash = custody.compute_entry_hash(body)
        entries.append(CustodyEntry(seq, body["at"], body["actor"], action, None, None, body["details"], prev, entry_hash))
        prev = entry_hash
    return custody.to_jsonl(entries)


def payload_files(files: dict[str, bytes] | None = None) -> list[PayloadFile]:
    files = PAYLOAD if files is None else files
    return [PayloadFile(path, len(data), (lambda d=data: io.BytesIO(d))) for path, data in files.items()]


@pytest.fixture(scope="session")
def signer(tmp_path_factory: pytest.TempPathFactory) -> SigningIdentity:
    """One identity for the whole session (key generation and KDF are the slow part)."""
    saved = identity_module.KDF_ROUNDS
    identity_module.KDF_ROUNDS = 1000
    try:
        return create_identity("Jane Investigator", "Example Corp DCU", "correct horse", label="DEMO",
                               directory=tmp_path_factory.mktemp("identities"))
    finally:
        identity_module.KDF_ROUNDS = saved


@pytest.fixture(autouse=True)
def fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """PBKDF2 at full strength costs 0.3 s per key; tests that measure it set it back."""
    monkeypatch.setattr(identity_module, "KDF_ROUNDS", 1000)


def tag_files(signer: SigningIdentity) -> dict[str, bytes]:
    case = {"format_version": 1, "title": "Example v. John Does 1-22 (FICTIONAL)", "signer": {"fingerprint": signer.fingerprint}}
    return {"case.json": (json.dumps(case, indent=2) + "\n").encode(), "custody.jsonl": custody_log()}


Build = Callable[..., BuiltBundle]


@pytest.fixture
def build(signer: SigningIdentity, tmp_path: Path) -> Build:
    """Build the sample bundle (or a variant) into tmp_path."""

    def run(out: Path | None = None, *, files: dict[str, bytes] | None = None, **options: object) -> BuiltBundle:
        return build_bundle(
            out or tmp_path / "bundle.zip", BAG_NAME, payload_files(files), tag_files(signer),
            {"External-Identifier": "1:24-cv-00042", "Source-Organization": "Example Corp DCU"},
            signer, BUNDLE_DATE, **options,  # type: ignore[arg-type]
        )

    return run


@pytest.fixture(scope="session")
def golden(signer: SigningIdentity, tmp_path_factory: pytest.TempPathFactory) -> BuiltBundle:
    """One sealed bundle shared by read-only tests."""
    out = tmp_path_factory.mktemp("golden") / "bundle.zip"
    return build_bundle(out, BAG_NAME, payload_files(), tag_files(signer),
                        {"External-Identifier": "1:24-cv-00042"}, signer, BUNDLE_DATE)


@pytest.fixture
def old_bundle(signer: SigningIdentity, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A bundle whose signed VERIFY.txt says, as older ones did, to save TSA-ROOT.pem in the folder."""
    from app.bundle import bag as bag_module

    original = bag_module.verify_instructions
    monkeypatch.setattr(bag_module, "verify_instructions", lambda *args: original(*args).replace(
        b"TSA-ROOT.pem, beside BUNDLE.zip", b"TSA-ROOT.pem, in the folder."))
    return build_bundle(tmp_path / "old.zip", BAG_NAME, payload_files(), tag_files(signer),
                        {"External-Identifier": "1:24-cv-00042"}, signer, BUNDLE_DATE).path


def unzip(zip_path: Path, target: Path) -> Path:
    """Extract a bundle we built ourselves (its names are known safe); returns the bag folder."""
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(target)
    return target / BAG_NAME


def bag_files(bag: Path) -> list[str]:
    return sorted(p.relative_to(bag).as_posix() for p in bag.rglob("*") if p.is_file())
