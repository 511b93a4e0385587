"""The bundle checks out with stock tools, run exactly as VERIFY.txt tells a reader to."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import bagit
import pytest

from app.bundle import BuiltBundle, SigningIdentity

from .conftest import BAG_NAME, unzip


@pytest.fixture
def bag(golden: BuiltBundle, tmp_path: Path) -> Path:
    return unzip(golden.path, tmp_path)


def verify_txt(bag: Path) -> str:
    return (bag / "VERIFY.txt").read_text("utf-8")


def test_bagit_python_validates(bag: Path) -> None:
    bagit.Bag(str(bag)).validate()  # raises BagValidationError on any problem


def test_bagit_cli_as_written(bag: Path) -> None:
    command = re.search(r"^\s+(bagit\.py --validate .+)$", verify_txt(bag), re.M)
    assert command is not None
    args = command.group(1).split()
    script = Path(sys.executable).parent / "bagit.py"
    result = subprocess.run([sys.executable, str(script), *args[1:]], cwd=bag.parent, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert f"{BAG_NAME} is valid" in result.stderr


@pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl binary")
def test_openssl_commands_as_written(bag: Path, signer: SigningIdentity) -> None:
    text = verify_txt(bag)
    cms = re.search(r"^\s+(openssl cms -verify .+)$", text, re.M)
    fingerprint = re.search(r"^\s+(openssl x509 .+)$", text, re.M)
    assert cms and fingerprint
    result = subprocess.run(cms.group(1), shell=True, cwd=bag, capture_output=True, timeout=60)
    assert b"Verification successful" in result.stderr, result.stderr
    assert result.returncode == 0
    assert result.stdout == (bag / "tagmanifest-sha256.txt").read_bytes()
    printed = subprocess.run(fingerprint.group(1), shell=True, cwd=bag, capture_output=True, text=True, timeout=60)
    assert printed.stdout.strip().endswith("=" + signer.fingerprint)
    assert signer.fingerprint in text


@pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl binary")
def test_openssl_rejects_an_edited_tag_manifest(bag: Path) -> None:
    manifest = bag / "tagmanifest-sha256.txt"
    manifest.write_bytes(manifest.read_bytes().replace(b"bagit.txt", b"bagit.txT"))
    cms = re.search(r"^\s+(openssl cms -verify .+)$", verify_txt(bag), re.M)
    assert cms
    result = subprocess.run(cms.group(1), shell=True, cwd=bag, capture_output=True, timeout=60)
    assert result.returncode != 0
    assert b"Verification successful" not in result.stderr


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_custody_script_as_written(bag: Path) -> None:
    script = verify_txt(bag).split("---- begin ----\n", 1)[1].split("---- end ----", 1)[0]
    script = script.replace("python3 -", f"{sys.executable} -", 1)
    result = subprocess.run(["bash", "-c", script], cwd=bag, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "custody chain holds" in result.stdout
    (bag / "custody.jsonl").write_text((bag / "custody.jsonl").read_text().replace('"n":2', '"n":3'))
    result = subprocess.run(["bash", "-c", script], cwd=bag, capture_output=True, text=True, timeout=60)
    assert "entry 2 BROKEN" in result.stdout


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
@pytest.mark.parametrize("planted", ["notes.txt", "signature/other.pem"])
def test_file_list_step_catches_what_bagit_py_misses(bag: Path, planted: str) -> None:
    """bagit.py --validate passes a bag with a file added beside data/ or in signature/; step 4 does not."""
    script = verify_txt(bag).split("---- begin file list check ----\n", 1)[1].split("---- end file list check", 1)[0]
    script = script.replace("python3 -", f"{sys.executable} -", 1)
    result = subprocess.run(["bash", "-c", script], cwd=bag, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "every file is covered by the signature" in result.stdout, result.stderr
    (bag / planted).write_bytes(b"planted\n")
    bagit.Bag(str(bag)).validate()  # the stock validator does not notice
    result = subprocess.run(["bash", "-c", script], cwd=bag, capture_output=True, text=True, timeout=60)
    assert f"NOT COVERED BY THE SIGNATURE: {planted}" in result.stdout
    assert "THE FILE LIST DIFFERS" in result.stdout


def test_verify_txt_names_the_command_that_expects_this_signer(bag: Path, signer: SigningIdentity) -> None:
    assert f"evbundle verify BUNDLE.zip --trust {signer.fingerprint}" in verify_txt(bag)
