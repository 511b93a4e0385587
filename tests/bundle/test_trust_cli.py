"""Identities, trust on this machine, the PDF report and the timestamp settings, as a user runs them."""

from __future__ import annotations

import datetime
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from app.cli import main
from app.ops.settings import Settings, load_settings, save_settings, settings_path
from app.store import CaseFile

from .tsa import LoopbackTSA


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "pass.txt"
    path.write_text("correct horse battery\n")
    return path


@pytest.fixture
def case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "case.evcase"
    assert run(capsys, "new", str(path), "--title", "Sample v. Does", "--declarant", "Ann Investigator")[0] == 0
    (tmp_path / "note.txt").write_bytes(b"   Domain Name: PILLS-SAMPLE-SHOP.COM\r\n   Registrar: Sample Registrar, Inc.\r\n")
    assert run(capsys, "add", str(path), str(tmp_path / "note.txt"))[0] == 0
    return path


def fingerprints(capsys: pytest.CaptureFixture[str]) -> list[str]:
    code, out, _ = run(capsys, "identity", "list", "--json")
    assert code == 0
    return [i["fingerprint"] for i in json.loads(out)["identities"]]


def test_several_identities_one_chosen_per_case(case: Path, secret: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("Ann Investigator", "Bob Analyst"):
        code, out, _ = run(capsys, "identity", "create", "--name", name, "--organisation", "Example DCU",
                           "--label", name.split()[0], "--passphrase-file", str(secret))
        assert code == 0 and "created signing identity" in out
    first, second = fingerprints(capsys)
    code, out, _ = run(capsys, "identity", "list")
    assert first in out and second in out and "[Ann]" in out and "2 identity(ies)" in out

    code, out, _ = run(capsys, "identity", "use", str(case), first[:11])
    assert code == 0 and first in out
    with CaseFile.open(case) as opened:
        assert opened.info().signer_fingerprint == first
        assert opened.custody()[-1].action == "case-edited"
    out_dir = tmp_path / "out"
    code, out, err = run(capsys, "build", str(case), "--out", str(out_dir), "--no-documents",
                         "--passphrase-file", str(secret))
    assert code == 0, err
    assert f"signer: {first}" in out  # the case's choice, not the newest identity

    code, out, _ = run(capsys, "verify", str(out_dir / "Sample-v-Does.zip"))
    assert code == 0 and "TRUSTED on this machine (your signing identity 'Ann')" in out
    code, out, _ = run(capsys, "verify", "--json", str(out_dir / "Sample-v-Does.zip"))
    data = json.loads(out)
    assert data["signer_trust"] == "trusted" and data["signer"]["trusted_as"] == "your signing identity 'Ann'"

    assert run(capsys, "identity", "use", str(case), "FFFF")[0] == 2  # unknown fingerprint: one-line error


def test_foreign_signer_untrusted_until_its_certificate_is_trusted(
    case: Path, secret: Path, tmp_path: Path, isolated_home: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out_dir = tmp_path / "out"
    assert run(capsys, "build", str(case), "--out", str(out_dir), "--no-documents", "--passphrase-file", str(secret))[0] == 0
    bundle = out_dir / "Sample-v-Does.zip"
    # Another machine: a fresh home without the signer's identity.
    monkeypatch.setenv("EVBUNDLE_HOME", str(tmp_path / "reader-home"))
    code, out, _ = run(capsys, "verify", str(bundle))
    assert code == 3 and "INTACT BUT SIGNED BY AN UNKNOWN KEY" in out  # the reader does not know the signer
    data = json.loads(run(capsys, "verify", "--json", str(bundle))[1])
    assert data["signer_trust"] == "untrusted" and data["ok"] is False and data["verdict"] == "unknown-signer"
    assert run(capsys, "verify", "--require-trusted", str(bundle))[0] == 1

    certificate = tmp_path / "signer.pem"
    shutil.copy(next((isolated_home / "data" / "identities").glob("*.pem")), certificate)
    code, out, _ = run(capsys, "identity", "trust", str(certificate))
    assert code == 0 and out.startswith("trusted ")
    code, out, _ = run(capsys, "verify", "--require-trusted", str(bundle))
    assert code == 0 and "TRUSTED on this machine (a trusted certificate on this machine)" in out
    code, out, _ = run(capsys, "identity", "list")
    assert "1 trusted certificate(s)" in out


def _ca_issued_p12(tmp_path: Path) -> tuple[Path, Path]:
    """An organisation CA and a PKCS#12 identity it issued (the PKI case)."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Example DCU Root CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(1).not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=90))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True).sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Cara PKI")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(2)
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
            .sign(ca_key, hashes.SHA256()))
    p12 = tmp_path / "cara.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(
        b"cara", key, leaf, [ca], serialization.BestAvailableEncryption(b"p12 secret")))
    ca_file = tmp_path / "ca.pem"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    return p12, ca_file


def test_signer_issued_by_a_trusted_ca_is_trusted(case: Path, secret: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    p12, ca_file = _ca_issued_p12(tmp_path)
    p12_secret = tmp_path / "p12.txt"
    p12_secret.write_text("p12 secret\n")
    code, out, err = run(capsys, "identity", "import", str(p12), "--p12-passphrase-file", str(p12_secret),
                         "--passphrase-file", str(secret))
    assert code == 0 and "imported signing identity" in out, err
    out_dir = tmp_path / "out"
    assert run(capsys, "build", str(case), "--out", str(out_dir), "--no-documents", "--passphrase-file", str(secret))[0] == 0
    monkeypatch.setenv("EVBUNDLE_HOME", str(tmp_path / "reader-home"))
    bundle = str(out_dir / "Sample-v-Does.zip")
    assert "UNKNOWN KEY" in run(capsys, "verify", bundle)[1]
    code, _, err = run(capsys, "identity", "trust", str(ca_file))  # a CA: what it vouches for must be named
    assert code == 2 and "--for ca" in err and "--for tsa" in err
    code, out, _ = run(capsys, "identity", "trust", str(ca_file), "--for", "tsa")
    assert code == 0 and "timestamp authority" in out
    assert run(capsys, "verify", "--require-trusted", bundle)[0] == 1  # a CA trusted for timestamps vouches for no signer
    assert run(capsys, "identity", "trust", str(ca_file), "--for", "ca")[0] == 0
    code, out, _ = run(capsys, "verify", "--require-trusted", bundle)
    assert code == 0 and "issued by trusted certificate CN=Example DCU Root CA" in out
    listed = json.loads(run(capsys, "identity", "list", "--json")[1])["trusted"]
    assert listed[0]["purposes"] == ["ca", "tsa"]


def test_verify_report_pdf_for_a_valid_and_a_tampered_bundle(case: Path, secret: Path, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    out_dir = tmp_path / "out"
    assert run(capsys, "build", str(case), "--out", str(out_dir), "--no-documents", "--passphrase-file", str(secret))[0] == 0
    bundle = out_dir / "Sample-v-Does.zip"
    good = tmp_path / "good.pdf"
    code, _, err = run(capsys, "verify", str(bundle), "--report", str(good))
    assert code == 0 and f"report: {good}" in err
    assert good.read_bytes().startswith(b"%PDF-") and b"/JavaScript" not in good.read_bytes()
    assert good.stat().st_mode & 0o777 == 0o644  # for colleagues and the court, like exported documents

    bag = tmp_path / "bag"
    shutil.unpack_archive(bundle, bag)
    folder = next(bag.iterdir())
    original = next((folder / "data").rglob("*.txt"))
    original.write_bytes(original.read_bytes().replace(b"PILLS", b"PILLZ"))
    bad = tmp_path / "bad.pdf"
    assert run(capsys, "verify", str(folder), "--report", str(bad))[0] == 1
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(bad), "-"], capture_output=True, text=True, check=True).stdout
        assert "NOT VALID" in text and original.name in text and "changed after sealing" in text
        good_text = subprocess.run(["pdftotext", str(good), "-"], capture_output=True, text=True, check=True).stdout
        assert "VALID\nEvery file matches its hashes, the signature is good" in good_text
        assert "Payload-Oxum: a quick count" in good_text  # jargon explained
    if shutil.which("pdffonts"):
        fonts = subprocess.run(["pdffonts", str(bad)], capture_output=True, text=True, check=True).stdout
        assert "Helvetica" not in fonts and " no " not in fonts.split("---\n")[-1]


def test_settings_round_trip_and_keep_unknown_keys(tmp_path: Path) -> None:
    assert load_settings() == Settings()
    settings_path().parent.mkdir(parents=True, exist_ok=True)
    settings_path().write_text(json.dumps({"tsa_urls": ["http://127.0.0.1:1/tsa"], "future_key": 7}))
    loaded = load_settings()
    assert loaded.tsa_urls == ("http://127.0.0.1:1/tsa",) and loaded.extra == {"future_key": 7}
    save_settings(loaded)
    assert json.loads(settings_path().read_text())["future_key"] == 7
    settings_path().write_text("[1, 2]")
    with pytest.raises(Exception, match="not a JSON object"):
        load_settings()


@pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl binary")
def test_build_timestamps_with_flag_or_settings(case: Path, secret: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    with LoopbackTSA() as tsa:
        out_dir = tmp_path / "flag"
        code, _, err = run(capsys, "build", str(case), "--out", str(out_dir), "--no-documents",
                           "--passphrase-file", str(secret), "--tsa", tsa.url)
        assert code == 0, err
        code, out, _ = run(capsys, "verify", str(out_dir / "Sample-v-Does.zip"))
        assert code == 3 and "Timestamp: 20" in out and "CN=Test TSA" in out  # its authority is not trusted here
        root = tmp_path / "tsa-root.pem"
        root.write_bytes(tsa.ca.public_bytes(serialization.Encoding.PEM))
        assert run(capsys, "identity", "trust", str(root), "--for", "tsa")[0] == 0
        assert run(capsys, "verify", str(out_dir / "Sample-v-Does.zip"))[0] == 0
        save_settings(Settings(tsa_urls=(tsa.url,)))
        out_dir = tmp_path / "settings"
        assert run(capsys, "build", str(case), "--out", str(out_dir), "--no-documents",
                   "--passphrase-file", str(secret))[0] == 0
        assert json.loads(run(capsys, "verify", "--json", str(out_dir / "Sample-v-Does.zip"))[1])["timestamps"]
        out_dir = tmp_path / "none"
        assert run(capsys, "build", str(case), "--out", str(out_dir), "--no-documents", "--no-timestamp",
                   "--passphrase-file", str(secret))[0] == 0
        assert "Timestamp: none" in run(capsys, "verify", str(out_dir / "Sample-v-Does.zip"))[1]
    code, _, err = run(capsys, "build", str(case), "--out", str(tmp_path / "down"), "--no-documents",
                       "--passphrase-file", str(secret))  # the TSA in settings is gone
    assert code == 2 and "no timestamp authority gave a timestamp" in err
