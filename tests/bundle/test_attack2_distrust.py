"""Distrust holds for the key, not one encoding of one certificate (the second review, finding C3 / m5).

A leaked key whose identity the user untrusted came back VALID through its trusted CA under a "twin"
certificate: the CA's ECDSA signature (r, s) rewritten as (r, n - s) still verifies but changes the
fingerprint; a CA renewal that kept the key did the same without any tampering.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from asn1crypto import algos, core
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID

from app.bundle import SigningIdentity, verify_bundle
from app.bundle.distrust import is_distrusted, key_hash_of
from app.bundle.identity import fingerprint_of
from app.bundle.trust import distrusted_fingerprints, distrusted_marks, set_distrusted, trust_certificate

from .conftest import Build
from .test_trust_purposes import _PKI, _bundle, _certificate

P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def _twin(certificate: x509.Certificate) -> x509.Certificate:
    """The same certificate with its issuer's ECDSA signature (r, s) re-encoded as (r, n - s)."""
    parsed = asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER))
    signature = algos.DSASignature.load(parsed["signature_value"].native)
    twin = algos.DSASignature({"r": signature["r"].native, "s": P256_ORDER - signature["s"].native}).dump()
    parsed["signature_value"] = core.OctetBitString(twin)
    return x509.load_der_x509_certificate(parsed.dump(force=True))


def test_an_ecdsa_twin_of_a_distrusted_certificate_is_distrusted(build: Build, tmp_path: Path) -> None:
    """m5/malleable.py: the twin verifies under the CA and has another fingerprint; distrust by fingerprint alone
    (the certificate was never on this machine) still catches it."""
    pki = _PKI()
    leaked = pki.signer("Jordan Sample (DEMO)", usage=[ExtendedKeyUsageOID.EMAIL_PROTECTION])
    twin = _twin(leaked.certificate)
    twin.verify_directly_issued_by(pki.issuing)
    assert fingerprint_of(twin) != leaked.fingerprint
    path = _bundle(build, tmp_path, SigningIdentity(twin, leaked.private_key, leaked.chain), "twin.zip")
    assert verify_bundle(path, trusted_cas=[pki.root], require_trusted=True).intact  # trusted before
    report = verify_bundle(path, trusted_cas=[pki.root], distrusted=[leaked.fingerprint], require_trusted=True)
    assert not report.intact and "distrusted-signer" in {p.code for p in report.problems}, report.to_text()


def test_a_renewed_certificate_for_a_distrusted_key_is_distrusted(build: Build, tmp_path: Path) -> None:
    """m5/make.py: a renewal that kept the key; distrust.txt keeps the key hash beside the fingerprint."""
    pki = _PKI()
    leaked = pki.signer("Jordan Sample (DEMO)")
    renewed = _certificate("Jordan Sample (DEMO)", leaked.private_key, pki.issuing, pki.issuing_key, days=700)
    path = _bundle(build, tmp_path, SigningIdentity(renewed, leaked.private_key, leaked.chain), "renewed.zip")
    store = tmp_path / "trusted"
    set_distrusted(leaked.fingerprint, True, store, leaked.certificate)
    assert f"key={key_hash_of(leaked.certificate)}" in (store / "distrusted.txt").read_text()
    marks = distrusted_marks(store)
    assert is_distrusted(renewed, marks)
    report = verify_bundle(path, trusted_cas=[pki.root], distrusted=marks, require_trusted=True)
    assert not report.intact and "distrusted-signer" in {p.code for p in report.problems}, report.to_text()
    # An issuing CA renewed under the same key is distrusted on the path too.
    other = pki.signer("Pat Investigator")
    set_distrusted(fingerprint_of(pki.issuing), True, store, pki.issuing)
    renewed_ca = _certificate("Org Issuing CA", pki.issuing_key, pki.root, pki.root_key, ca=True, days=900)
    report = verify_bundle(_bundle(build, tmp_path, SigningIdentity(other.certificate, other.private_key,
                                                                    (renewed_ca, pki.root)), "other.zip"),
                           trusted_cas=[pki.root], distrusted=distrusted_marks(store), require_trusted=True)
    assert not report.intact, report.to_text()


def test_an_old_distrust_list_stays_readable_and_trusting_a_file_again_lifts_its_key(tmp_path: Path) -> None:
    store = tmp_path / "trusted"
    store.mkdir()
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = _certificate("Pat", key)
    old_line = fingerprint_of(certificate).replace(":", "")
    (store / "distrusted.txt").write_text(old_line + "\n")  # written before keys were kept
    assert distrusted_fingerprints(store) == {old_line}
    assert distrusted_marks(store) == {old_line}
    renewed = _certificate("Pat", key, days=800)
    source = tmp_path / "renewed.pem"
    source.write_bytes(renewed.public_bytes(Encoding.PEM))
    set_distrusted(fingerprint_of(renewed), True, store, renewed)
    trust_certificate(source, store)  # the user trusts this file again on purpose: its key is trusted again
    assert not is_distrusted(renewed, distrusted_marks(store))
    assert is_distrusted(certificate, distrusted_marks(store))  # the old line (fingerprint only) stays
    assert datetime.datetime.now(datetime.UTC) and hashes.SHA256  # imports used


def test_untrusting_your_identity_distrusts_its_key(tmp_path: Path) -> None:
    """`identity untrust` of one of your identities keeps its key hash, so a renewal under the key is out too."""
    from app.ops.identity import identity_rows, machine_trust, new_identity, set_trusted, untrust_certificate_file

    made = new_identity("Jordan Sample", "Fictional Corp", "correct horse battery").identity
    set_trusted(made.fingerprint, False)
    marks = machine_trust().distrusted
    renewed = _certificate("Jordan Sample", made.private_key, days=900)  # type: ignore[arg-type]
    assert is_distrusted(renewed, marks) and not [r for r in identity_rows() if r.trusted and r.own]
    other = _certificate("Pat", ec.generate_private_key(ec.SECP256R1()))
    source = tmp_path / "pat.pem"
    source.write_bytes(other.public_bytes(Encoding.PEM))
    assert untrust_certificate_file(source) == [fingerprint_of(other)]
    assert is_distrusted(other, machine_trust().distrusted)
