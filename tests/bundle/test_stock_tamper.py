"""The tamper matrix through stock tools: a flipped byte in any file class fails bagit-python or OpenSSL.

The commands are those VERIFY.txt gives a reader (bagit-python's
``Bag.validate``, ``openssl cms -verify``, ``openssl ts -verify``); for each
class of file in a timestamped bundle, at least the tools that cover that
file must refuse, and evbundle's own verification must name the file.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import bagit
import pytest

from app.bundle import BuiltBundle, SigningIdentity, build_bundle, verify_bundle
from app.bundle.instructions import (
    CERTIFICATE_FILE,
    OPENSSL_VERIFY,
    SIGNATURE_FILE,
    TIMESTAMP_FILE,
)
from app.bundle.timestamp import Timestamper

from .conftest import BAG_NAME, BUNDLE_DATE, payload_files, tag_files, unzip
from .tsa import LoopbackTSA

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl binary")

# file class → (file, the stock tools that must refuse it)
MATRIX = {
    "payload original": ("data/exhibits/Exhibit-001/original/spam.eml", {"bagit"}),
    "rendered exhibit": ("data/exhibits/Exhibit-002/exhibit.pdf", {"bagit"}),
    "document": ("data/documents/declaration.docx", {"bagit"}),
    "manifest-sha256": ("manifest-sha256.txt", {"bagit"}),
    "manifest-sha512": ("manifest-sha512.txt", {"bagit"}),
    "tagmanifest-sha256": ("tagmanifest-sha256.txt", {"bagit", "cms"}),
    "tagmanifest-sha512": ("tagmanifest-sha512.txt", {"bagit"}),
    "bag-info": ("bag-info.txt", {"bagit"}),
    "case.json": ("case.json", {"bagit"}),
    "custody log": ("custody.jsonl", {"bagit"}),
    "VERIFY.txt": ("VERIFY.txt", {"bagit"}),
    "signature": (SIGNATURE_FILE, {"cms", "ts"}),
    "certificate": (CERTIFICATE_FILE, {"cms"}),
    "timestamp": (TIMESTAMP_FILE, {"ts"}),
    "timestamp authority chain": (TIMESTAMP_FILE + ".chain.pem", {"ts"}),
    "timestamp authority OCSP": (TIMESTAMP_FILE + ".revocation-1.ocsp", set()),  # openssl ts does not read it
}


def timestamp_check(bag: Path) -> subprocess.CompletedProcess[str]:
    """VERIFY.txt's timestamp check, run as a reader pastes it (TSA-ROOT.pem beside BUNDLE.zip, ../..)."""
    text = (bag / "VERIFY.txt").read_text("utf-8")
    script = text.split("---- begin timestamp check ----\n", 1)[1].split("---- end timestamp check", 1)[0]
    return subprocess.run(["bash", "-c", script], cwd=bag, capture_output=True, text=True, timeout=60)


def timestamps_hold(result: subprocess.CompletedProcess[str], tokens: int) -> bool:
    """Every token printed "Verification: OK" and nothing failed."""
    return (result.returncode == 0 and result.stdout.count("Verification: OK") == tokens
            and "FAILED" not in result.stdout + result.stderr and "error" not in result.stderr.lower())


@pytest.fixture(scope="module")
def stamped(signer: SigningIdentity, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A timestamped bundle, unzipped, and the TSA's root certificate."""
    folder = tmp_path_factory.mktemp("stamped")
    with LoopbackTSA("Matrix TSA") as tsa:
        built: BuiltBundle = build_bundle(
            folder / "bundle.zip", BAG_NAME, payload_files(), tag_files(signer),
            {"External-Identifier": "1:24-cv-00042"}, signer, BUNDLE_DATE, timestamper=Timestamper([tsa.url]),
        )
        root = folder / "TSA-ROOT.pem"
        shutil.copy(tsa.ca_file, root)
    return unzip(built.path, folder / "bag"), root


def stock_failures(bag: Path, root: Path) -> set[str]:
    """Which stock checks refuse the bag, with the commands VERIFY.txt prints (the TSA root placed beside).

    test_stock_tools.py and test_timestamp.py check that VERIFY.txt holds exactly these commands.
    """
    failed = set()
    try:
        bagit.Bag(str(bag)).validate()
    except bagit.BagError:
        failed.add("bagit")
    saved = bag.parent.parent / "TSA-ROOT.pem"  # beside BUNDLE.zip, as VERIFY.txt says
    if saved != root:
        shutil.copy(root, saved)
    try:
        cms = subprocess.run(OPENSSL_VERIFY, shell=True, cwd=bag, capture_output=True, timeout=60)
        if cms.returncode != 0 or b"Verification successful" not in cms.stderr:
            failed.add("cms")
        if not timestamps_hold(timestamp_check(bag), len(list((bag / "signature").glob("*.tsr")))):
            failed.add("ts")
    finally:
        if saved != root:
            saved.unlink()
    return failed


def test_untouched_bundle_passes_every_stock_check(stamped: tuple[Path, Path]) -> None:
    bag, root = stamped
    assert stock_failures(bag, root) == set()
    commands = (bag / "VERIFY.txt").read_text("utf-8")
    assert re.search(r"openssl cms -verify", commands) and re.search(r"openssl ts -verify", commands)
    report = verify_bundle(bag)
    assert report.intact and report.timestamps[0].valid


@pytest.mark.parametrize("file_class", sorted(MATRIX))
def test_flipped_byte_fails_stock_tools(stamped: tuple[Path, Path], tmp_path: Path, file_class: str) -> None:
    name, expected = MATRIX[file_class]
    bag, root = stamped
    copy = tmp_path / "unzipped" / BAG_NAME
    shutil.copytree(bag, copy)
    target = copy / name
    data = bytearray(target.read_bytes())
    # A hash digit in a manifest, a base64 character in the PEM, else the middle byte.
    position = 0 if "manifest-" in name else len(data) // 2
    if name.endswith(".pem"):
        position = len(data) // 2 if data[len(data) // 2] not in b"\n-" else len(data) // 2 + 1
    data[position] ^= 0x01
    target.write_bytes(bytes(data))
    assert expected <= stock_failures(copy, root), file_class
    report = verify_bundle(copy)
    assert not report.intact and name in report.problem_paths(), report.to_text()
