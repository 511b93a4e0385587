"""The signing key at rest, made as a user makes it (``evbundle identity create``, full-strength KDF) and
read with OpenSSL, a tool nobody here wrote.

What OpenSSL reports is what .github/SECURITY.md states: a PKCS#12 file, mode 0600 in a folder of mode 0700,
whose certificate and key bags are PBES2 with PBKDF2-HMAC-SHA256 at 600,000 rounds and AES-256-CBC,
and whose integrity MAC (HMAC-SHA256 keyed through the PKCS#12 KDF) takes 600,000 rounds too.
``cryptography`` alone writes that MAC at 2,048 rounds, which let a guess at the passphrase be tested
at about 1/300 of the cost (app/bundle/pkcs12_mac.py). A wrong passphrase opens nothing, and the
passphrase is in no file.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PASSPHRASE = "a long passphrase of several words"

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")


def test_openssl_reads_the_key_files_encryption(tmp_path: Path) -> None:
    secret = tmp_path / "passphrase.txt"
    secret.write_text(PASSPHRASE + "\n")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("EVBUNDLE_")},
           "EVBUNDLE_HOME": str(tmp_path / "home"),
           "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)}
    subprocess.run([sys.executable, "-m", "app", "identity", "create", "--name", "Jane Investigator",
                    "--passphrase-file", str(secret)], cwd=REPO, env=env, check=True, capture_output=True)
    (key,) = (tmp_path / "home").rglob("*.p12")
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    for path in key.parent.iterdir():
        assert PASSPHRASE.encode() not in path.read_bytes()

    info = subprocess.run(["openssl", "pkcs12", "-in", str(key), "-info", "-noout", "-passin", f"pass:{PASSPHRASE}"],
                          capture_output=True, text=True, check=False)
    assert info.returncode == 0, info.stderr
    text = info.stdout + info.stderr
    bags = [line for line in text.splitlines() if "PBES2" in line]
    assert len(bags) == 2, text  # the certificate bag and the shrouded key bag
    assert all("PBKDF2, AES-256-CBC, Iteration 600000, PRF hmacWithSHA256" in line for line in bags), text
    assert "MAC: sha256, Iteration 600000" in text  # not 2,048: see the module docstring

    wrong = subprocess.run(["openssl", "pkcs12", "-in", str(key), "-info", "-noout", "-passin", "pass:not it"],
                           capture_output=True, text=True, check=False)
    assert wrong.returncode != 0 and "PRIVATE KEY" not in wrong.stdout


def test_the_strengthened_mac_is_checked_and_non_ascii_passphrases_work(tmp_path: Path) -> None:
    """cryptography verifies the rewritten MAC (a wrong passphrase fails it), with a passphrase outside ASCII
    and outside the Basic Multilingual Plane, as OpenSSL does."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    from app.bundle import create_identity, load_identity

    passphrase = "pässwört 🔑 long enough"
    identity = create_identity("Jane Investigator", "Example Corp", passphrase, directory=tmp_path)
    (key,) = tmp_path.glob("*.p12")
    assert load_identity(passphrase, directory=tmp_path).fingerprint == identity.fingerprint
    with pytest.raises(ValueError):
        pkcs12.load_pkcs12(key.read_bytes(), b"p\xc3\xa4sswort")
    info = subprocess.run(["openssl", "pkcs12", "-in", str(key), "-info", "-noout", "-passin", f"pass:{passphrase}"],
                          capture_output=True, text=True, check=False)
    assert info.returncode == 0 and "Mac verify error" not in info.stderr, info.stderr


def test_the_trust_store_is_private(isolated_home: Path, tmp_path: Path) -> None:
    """Certificates you trust decide VALID against "unknown key": the folder is the owner's alone (0700)."""
    from app.bundle import create_identity
    from app.ops.identity import trust, trust_dir

    other = create_identity("Someone Else", "Other Org", "another passphrase", directory=tmp_path / "other")
    (pem,) = (tmp_path / "other").glob("*.pem")
    [trusted] = trust(pem).certificates
    assert trusted.fingerprint == other.fingerprint
    assert stat.S_IMODE(trust_dir().stat().st_mode) == 0o700
