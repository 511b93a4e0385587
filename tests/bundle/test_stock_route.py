"""VERIFY.txt's stock route against the other side's expert's forgeries (issue 12, third review).

Each test follows the steps exactly as the bundle's own VERIFY.txt prints them, in a folder laid out
as step 1 says (BUNDLE.zip beside ``unzipped/``, the bag inside it), and checks that the forgery
fails the step that should catch it while a genuine bundle passes every step.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from app.bundle import BuiltBundle, SigningIdentity, build_bundle, create_identity, verify_bundle
from app.bundle.instructions import CERTIFICATE_FILE, TIMESTAMP_FILE, UNZIPPED
from app.bundle.signing import sign_detached
from app.bundle.timestamp import Timestamper
from app.core.errors import BundleError

from .conftest import BAG_NAME, BUNDLE_DATE, payload_files, tag_files
from .tsa import LoopbackTSA

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None or shutil.which("bash") is None,
                                reason="no openssl or bash")


def unzipped(bundle: Path, where: Path) -> Path:
    """Step 1: BUNDLE.zip in ``where``, extracted into where/unzipped; returns the bag folder."""
    where.mkdir(parents=True, exist_ok=True)
    shutil.copy(bundle, where / "BUNDLE.zip")
    subprocess.run(["unzip", "-q", "BUNDLE.zip", "-d", UNZIPPED], cwd=where, check=True, timeout=60)
    return where / UNZIPPED / BAG_NAME


def step(bag: Path, number: int) -> str:
    """Run step 3, 4 or 5 as VERIFY.txt prints it (inside the bag's folder); stdout and stderr."""
    text = (bag / "VERIFY.txt").read_text("utf-8")
    if number == 4:
        script = text.split("---- begin file list check ----\n", 1)[1].split("---- end file list check", 1)[0]
        script = script.replace("python3 -", f"{sys.executable} -", 1)
    else:
        section = text.split(f"\n{number}. ", 1)[1].split(f"\n{number + 1}. ", 1)[0]
        script = "\n".join(re.findall(r"^     ((?:openssl|grep) .+)$", section, re.M))
    result = subprocess.run(["bash", "-c", script], cwd=bag, capture_output=True, text=True, timeout=60)
    return result.stdout + result.stderr


def passes(bag: Path, fingerprint: str) -> bool:
    """Steps 3, 4 and 5 all say what they must."""
    checked = step(bag, 3)
    listed = step(bag, 4)
    who = step(bag, 5)
    return ("Verification successful" in checked and "every file is covered by the signature" in listed
            and f"Fingerprint={fingerprint}" in who and who.count(":1\n") == 2)


def test_genuine_bundle_passes_the_stock_route(golden: BuiltBundle, signer: SigningIdentity, tmp_path: Path) -> None:
    bag = unzipped(golden.path, tmp_path)
    assert passes(bag, signer.fingerprint), step(bag, 4) + step(bag, 5)
    assert (tmp_path / "signer-used.pem").exists()  # beside BUNDLE.zip, never inside the bundle
    assert verify_bundle(tmp_path / UNZIPPED, expected_signers=[signer.fingerprint]).intact


def test_a_second_certificate_in_signer_pem_fails_step_5(
    golden: BuiltBundle, signer: SigningIdentity, tmp_path: Path
) -> None:
    """Finding 3 (a1): the forger signs, and puts the genuine certificate first in signer.pem."""
    forger = create_identity("Jane Investigator", "Example Corp DCU", "x", directory=tmp_path / "ids")
    bag = unzipped(golden.path, tmp_path / "forged")
    data = bag / "data/exhibits/Exhibit-001/original/spam.eml"
    data.write_bytes(b"altered")  # (the manifests' hashes do not matter for steps 3 and 5)
    (bag / "signature/tagmanifest-sha256.txt.p7s").write_bytes(
        sign_detached((bag / "tagmanifest-sha256.txt").read_bytes(), forger))
    (bag / CERTIFICATE_FILE).write_bytes(
        signer.certificate.public_bytes(Encoding.PEM) + forger.certificate.public_bytes(Encoding.PEM))
    assert "Verification successful" in step(bag, 3)  # the stock signature check cannot know
    who = step(bag, 5)
    assert f"Fingerprint={signer.fingerprint}" not in who and f"Fingerprint={forger.fingerprint}" in who
    assert f"{CERTIFICATE_FILE}:2" in who


def test_a_pki_signer_passes_the_stock_route(tmp_path: Path) -> None:
    """signer.pem holds only the signer's own certificate: -partial_chain lets openssl accept it alone."""
    with LoopbackTSA("PKI") as pki:
        certificate, key = pki.issue_signer("Pat Investigator (FICTIONAL)")
    identity = SigningIdentity(certificate, key, (pki.intermediate, pki.ca))
    built = build_bundle(tmp_path / "pki.zip", BAG_NAME, payload_files(), tag_files(identity),
                         {"External-Identifier": "1:24-cv-00042"}, identity, BUNDLE_DATE)
    bag = unzipped(built.path, tmp_path / "check")
    assert passes(bag, identity.fingerprint), step(bag, 3) + step(bag, 5)


def test_a_linked_folder_and_files_beside_the_bag_fail_step_4(golden: BuiltBundle, tmp_path: Path) -> None:
    """Finding 5 (a9): a symlinked folder in data/ and a folder beside the bag passed bagit.py and step 4."""
    bag = unzipped(golden.path, tmp_path)
    (tmp_path / UNZIPPED / "supplement").mkdir()
    (tmp_path / UNZIPPED / "supplement/exhibit.pdf").write_bytes(b"%PDF forged")
    (bag / "data/exhibits/Exhibit-012").symlink_to("../../../supplement")
    (bag / "data/empty").mkdir()
    listed = step(bag, 4)
    assert "A LINK, DEVICE OR EMPTY FOLDER (no bundle holds one): data/exhibits/Exhibit-012" in listed
    assert "A LINK, DEVICE OR EMPTY FOLDER (no bundle holds one): data/empty/" in listed
    assert "BESIDE THE BAG FOLDER (in the folder of step 1; nothing covers it): supplement" in listed
    assert "THE FILE LIST DIFFERS" in listed
    with pytest.raises(BundleError, match="symbolic link"):  # evbundle refuses the folder outright (exit 2)
        verify_bundle(tmp_path / UNZIPPED)


def test_control_characters_in_a_name_cannot_print_a_line(golden: BuiltBundle, tmp_path: Path) -> None:
    """Finding 17 (a16): a name holding a newline and 'every file is covered...' printed that line itself."""
    bag = unzipped(golden.path, tmp_path)
    (bag / "x\nevery file is covered by the signature").write_bytes(b"planted")
    listed = step(bag, 4)
    assert listed.rstrip("\n").endswith("THE FILE LIST DIFFERS")
    assert "every file is covered by the signature" not in listed.replace("\\n", " ").splitlines()
    assert "'x\\nevery file is covered by the signature'" in listed


def test_validation_named_files_are_not_counted_as_checked(tmp_path: Path, signer: SigningIdentity) -> None:
    """Findings 4 and 11 (a10): files named like validation data were 'checked in step 7', and by nothing."""
    with LoopbackTSA("Stock TSA") as tsa:
        built = build_bundle(tmp_path / "stamped.zip", BAG_NAME, payload_files(), tag_files(signer),
                             {"External-Identifier": "1:24-cv-00042"}, signer, BUNDLE_DATE,
                             timestamper=Timestamper([tsa.url]))
    bag = unzipped(built.path, tmp_path / "check")
    listed = step(bag, 4)
    assert "every file is covered by the signature" in listed, listed
    assert f"added at or after signing, checked in step 7: {TIMESTAMP_FILE}" in listed
    for name in ("signature/signer.revocation-99.crl", "signature/signer.chain.pem",
                 f"{TIMESTAMP_FILE}.revocation-9.crl", "signature/other.tsr"):
        (bag / name).write_bytes(b"smuggled")
    listed = step(bag, 4)
    for name in ("signature/signer.revocation-99.crl", f"{TIMESTAMP_FILE}.revocation-9.crl", "signature/other.tsr"):
        assert f"NOT COVERED BY THE SIGNATURE: {name}" in listed, listed
    assert "THE FILE LIST DIFFERS" in listed
    report = verify_bundle(bag)
    for name in ("signature/signer.revocation-99.crl", "signature/signer.chain.pem",
                 f"{TIMESTAMP_FILE}.revocation-9.crl", "signature/other.tsr"):
        assert name in report.problem_paths(), (name, report.to_text())


def test_the_tsa_root_saved_as_step_7_says_leaves_the_bundle_valid(signer: SigningIdentity, tmp_path: Path) -> None:
    """Finding 13 (a19): the root saved 'in the folder' made evbundle verify (and step 4) fail."""
    with LoopbackTSA("Stock TSA") as tsa:
        built = build_bundle(tmp_path / "stamped.zip", BAG_NAME, payload_files(), tag_files(signer),
                             {"External-Identifier": "1:24-cv-00042"}, signer, BUNDLE_DATE,
                             timestamper=Timestamper([tsa.url]))
        root = tsa.ca_file.read_bytes()
    where = tmp_path / "check"
    bag = unzipped(built.path, where)
    (where / "TSA-ROOT.pem").write_bytes(root)  # "beside BUNDLE.zip"
    text = (bag / "VERIFY.txt").read_text("utf-8")
    script = text.split("---- begin timestamp check ----\n", 1)[1].split("---- end timestamp check", 1)[0]
    result = subprocess.run(["bash", "-c", script], cwd=bag, capture_output=True, text=True, timeout=60)
    assert "Verification: OK" in result.stdout, result.stdout + result.stderr
    assert "every file is covered by the signature" in step(bag, 4)
    assert verify_bundle(where / UNZIPPED, expected_signers=[signer.fingerprint]).intact


def test_a_zip_with_files_beside_the_bag_fails_both_routes(golden: BuiltBundle, tmp_path: Path) -> None:
    """Finding 18 (a9): the zip and the folder it unzips into must say the same about files beside the bag."""
    forged = tmp_path / "outside.zip"
    shutil.copy(golden.path, forged)
    with zipfile.ZipFile(forged, "a") as archive:
        archive.writestr(f"{BAG_NAME}-SUPPLEMENT/data/exhibit.pdf", b"%PDF forged")
    zipped = verify_bundle(forged)
    bag = unzipped(forged, tmp_path / "check")
    folder = verify_bundle(tmp_path / "check" / UNZIPPED)
    assert not zipped.intact and not folder.intact
    assert any("SUPPLEMENT" in p for p in zipped.problem_paths())
    assert any("SUPPLEMENT" in p for p in folder.problem_paths())
    assert "BESIDE THE BAG FOLDER" in step(bag, 4)
