"""Signing identities: create, list, load, import; wrong passphrases change nothing."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtensionOID, NameOID

from app.bundle import create_identity, import_pkcs12, list_identities, load_identity
from app.core.errors import IdentityError
from app.core.paths import identities_dir


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    return {
        p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(folder.iterdir())
    }


def test_create_stores_encrypted_key_0600_and_certificate(isolated_home: Path) -> None:
    identity = create_identity("Jane Investigator", "Example Corp", "s3cret pass", label="DEMO")
    folder = identities_dir()
    assert folder.is_relative_to(isolated_home)
    [info] = list_identities()
    assert info.label == "DEMO"
    assert info.fingerprint == identity.fingerprint
    assert info.subject == "CN=Jane Investigator, O=Example Corp" == identity.subject
    assert stat.S_IMODE(info.path.stat().st_mode) == 0o600
    assert info.certificate_path.exists()
    assert not list(folder.glob(".*"))  # no temporary files left
    # The passphrase is not stored anywhere in the clear, and the key is not either.
    key_der = identity.private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    for path in folder.iterdir():
        data = path.read_bytes()
        assert b"s3cret pass" not in data
        assert key_der not in data


def test_certificate_profile() -> None:
    identity = create_identity("Jane Investigator", "Example Corp", "pw")
    cert = identity.certificate
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "Jane Investigator"
    assert cert.issuer == cert.subject
    assert isinstance(cert.public_key(), ec.EllipticCurvePublicKey)
    assert cert.public_key().curve.name == "secp256r1"  # type: ignore[union-attr]
    years = (cert.not_valid_after_utc - cert.not_valid_before_utc).days / 365.25
    assert 9.9 < years < 10.1
    usage = cert.extensions.get_extension_for_oid(ExtensionOID.KEY_USAGE).value
    assert usage.digital_signature and not usage.key_cert_sign
    assert cert.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_KEY_IDENTIFIER)
    digest = cert.fingerprint(hashes.SHA256()).hex().upper()
    assert identity.fingerprint.replace(":", "") == digest
    assert identity.fingerprint.count(":") == 31


def test_load_round_trip_and_choice(tmp_path: Path) -> None:
    first = create_identity("A One", "Org", "pw1", directory=tmp_path)
    second = create_identity("B Two", "Org", "pw2", directory=tmp_path, label="newer")
    assert load_identity("pw2", directory=tmp_path).fingerprint == second.fingerprint  # newest
    chosen = load_identity("pw1", fingerprint=first.fingerprint[:11].lower(), directory=tmp_path)
    assert chosen.fingerprint == first.fingerprint
    assert chosen.private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ) == first.certificate.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with pytest.raises(IdentityError, match="no signing identity with that fingerprint"):
        load_identity("pw1", fingerprint="00:11", directory=tmp_path)


def test_wrong_passphrase_is_clear_and_changes_nothing(tmp_path: Path) -> None:
    create_identity("Jane Investigator", "Example Corp", "right", label="DEMO", directory=tmp_path)
    before = snapshot(tmp_path)
    with pytest.raises(IdentityError) as caught:
        load_identity("wrong", directory=tmp_path)
    assert "wrong passphrase for identity DEMO" in str(caught.value)
    assert "wrong" not in caught.value.message.replace("wrong passphrase", "")
    assert snapshot(tmp_path) == before


def test_no_identity_and_empty_passphrase(tmp_path: Path) -> None:
    with pytest.raises(IdentityError, match="no signing identity yet"):
        load_identity("x", directory=tmp_path)
    with pytest.raises(IdentityError, match="passphrase is required"):
        create_identity("Jane", "Org", "", directory=tmp_path)
    assert list_identities(tmp_path) == []


def _self_signed(key: ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey) -> x509.Certificate:
    import datetime

    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "PKI User")])
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(7).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=30))
    )
    algorithm = None if isinstance(key, ed25519.Ed25519PrivateKey) else hashes.SHA256()
    return builder.sign(key, algorithm)


def test_import_pkcs12(tmp_path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _self_signed(key)
    source = tmp_path / "org.p12"
    source.write_bytes(pkcs12.serialize_key_and_certificates(
        b"org id", key, cert, None, serialization.BestAvailableEncryption(b"old")))
    store = tmp_path / "ids"
    with pytest.raises(IdentityError, match="wrong passphrase"):
        import_pkcs12(source, "bad", "new", store)
    assert not store.exists() or not list(store.iterdir())
    imported = import_pkcs12(source, "old", "new", store)
    assert imported.label == "org id"
    assert load_identity("new", directory=store).fingerprint == imported.fingerprint
    with pytest.raises(IdentityError, match="wrong passphrase"):
        load_identity("old", directory=store)


def test_import_refuses_ed25519(tmp_path: Path) -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    source = tmp_path / "ed.p12"
    source.write_bytes(pkcs12.serialize_key_and_certificates(
        b"x", key, _self_signed(key), None, serialization.BestAvailableEncryption(b"pw")))
    with pytest.raises(IdentityError, match="only RSA and EC keys"):
        import_pkcs12(source, "pw", "new", tmp_path / "ids")
