"""Trust is for a purpose and holds only along paths RFC 5280 accepts (the other side's expert, findings 1-3, 12).

Each test is one of the forgeries of that review, built small: a signer certificate under a
timestamp authority's root, a certificate "issued" by a TLS server's certificate, a leaked
identity whose CA is still trusted, a signer.pem with a second certificate.
"""

from __future__ import annotations

import datetime
import zipfile
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from app.bundle import BuiltBundle, SigningIdentity, verify_bundle
from app.bundle.identity import parse_fingerprint
from app.bundle.instructions import CERTIFICATE_FILE
from app.bundle.report import VALID
from app.bundle.trust import CA, SIGNER, TSA, list_trusted, set_distrusted, trust_certificate
from app.core.errors import IdentityError

from .conftest import BAG_NAME, Build

NOW = datetime.datetime.now(datetime.UTC)
DAY = datetime.timedelta(days=1)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject: str, key: ec.EllipticCurvePrivateKey, issuer: x509.Certificate | None = None,
                 issuer_key: ec.EllipticCurvePrivateKey | None = None, *, ca: bool = False,
                 usage: list[x509.ObjectIdentifier] | None = None, days: int = 365) -> x509.Certificate:
    builder = (x509.CertificateBuilder().subject_name(_name(subject))
               .issuer_name(issuer.subject if issuer else _name(subject)).public_key(key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(NOW - DAY)
               .not_valid_after(NOW + days * DAY)
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
    if ca:
        builder = builder.add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False),
                                        critical=True)
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.public_key()), critical=False)  # type: ignore[arg-type]
    if usage:
        builder = builder.add_extension(x509.ExtendedKeyUsage(usage), critical=False)
    return builder.sign(issuer_key or key, hashes.SHA256())


class _PKI:
    """A root, an issuing CA, and certificates under it."""

    def __init__(self, name: str = "Org") -> None:
        self.root_key, self.issuing_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
        self.root = _certificate(f"{name} Root CA", self.root_key, ca=True)
        self.issuing = _certificate(f"{name} Issuing CA", self.issuing_key, self.root, self.root_key, ca=True)

    def signer(self, subject: str, usage: list[x509.ObjectIdentifier] | None = None,
               issuer: tuple[x509.Certificate, ec.EllipticCurvePrivateKey] | None = None) -> SigningIdentity:
        key = ec.generate_private_key(ec.SECP256R1())
        above, above_key = issuer or (self.issuing, self.issuing_key)
        chain = (above, self.issuing, self.root) if issuer else (self.issuing, self.root)
        return SigningIdentity(_certificate(subject, key, above, above_key, usage=usage), key,
                               tuple(dict.fromkeys(chain)))


def _bundle(build: Build, tmp_path: Path, identity: SigningIdentity, name: str) -> Path:
    from app.bundle import build_bundle

    from .conftest import BUNDLE_DATE, payload_files, tag_files

    return build_bundle(tmp_path / name, BAG_NAME, payload_files(), tag_files(identity),
                        {"External-Identifier": "1:24-cv-00042"}, identity, BUNDLE_DATE).path


def test_a_root_trusted_for_timestamps_makes_no_signer_trusted(build: Build, tmp_path: Path) -> None:
    """Finding 1 (a2): the TSA's root in the trust store vouched for any signer under it."""
    pki = _PKI("Big Public")
    path = _bundle(build, tmp_path, pki.signer("Jordan Sample (DEMO)"), "under-tsa-root.zip")
    report = verify_bundle(path, trusted_tsas=[pki.root], require_trusted=True)
    assert report.signer is not None and not report.signer.trusted
    assert "untrusted-signer" in {p.code for p in report.problems}
    assert "trusts for timestamps only" in report.to_text() and "--for ca" in report.to_text()  # the way out
    trusted = verify_bundle(path, trusted_cas=[pki.root], require_trusted=True)  # the org's CA, named so
    assert trusted.signer is not None and trusted.signer.trusted and trusted.intact, trusted.to_text()


def test_a_certificate_issued_by_a_tls_leaf_is_not_trusted(build: Build, tmp_path: Path) -> None:
    """Finding 1 (a2): a certificate "issued" by a CA:false TLS server certificate passed as trusted."""
    pki = _PKI("Big Public")
    tls_key = ec.generate_private_key(ec.SECP256R1())
    tls = _certificate("www.attacker.example", tls_key, pki.issuing, pki.issuing_key,
                       usage=[ExtendedKeyUsageOID.SERVER_AUTH])
    forged = pki.signer("Jordan Sample (DEMO)", issuer=(tls, tls_key))
    report = verify_bundle(_bundle(build, tmp_path, forged, "by-leaf.zip"), trusted_cas=[pki.root],
                           require_trusted=True)
    assert report.signer is not None and not report.signer.trusted
    assert not report.intact
    assert "not trusted through a certificate authority" in report.to_text()


def test_a_tls_server_certificate_is_no_document_signer(build: Build, tmp_path: Path) -> None:
    """Finding 1 (a2): an ordinary TLS certificate under a trusted CA signed a bundle as trusted."""
    pki = _PKI("Big Public")
    tls = pki.signer("www.attacker.example", usage=[ExtendedKeyUsageOID.SERVER_AUTH])
    report = verify_bundle(_bundle(build, tmp_path, tls, "tls.zip"), trusted_cas=[pki.root], require_trusted=True)
    assert report.signer is not None and not report.signer.trusted
    assert "not for signing documents" in report.to_text()


def test_an_expired_ca_vouches_for_nothing(build: Build, tmp_path: Path) -> None:
    pki = _PKI()
    identity = pki.signer("Pat Investigator")
    path = _bundle(build, tmp_path, identity, "expired.zip")
    later = NOW + 2 * 365 * DAY  # the root and the signer have expired, and no trusted timestamp says when it signed
    report = verify_bundle(path, trusted_cas=[pki.root], require_trusted=True, now=later)
    assert report.signer is not None and not report.signer.trusted
    assert "expired" in report.to_text()


def test_a_distrusted_identity_is_not_trusted_again_through_its_ca(build: Build, tmp_path: Path) -> None:
    """Finding 2 (a15): untrusting a leaked identity did not hold while its CA was trusted."""
    pki = _PKI()
    leaked = pki.signer("Jordan Sample (DEMO)", usage=[ExtendedKeyUsageOID.EMAIL_PROTECTION])
    path = _bundle(build, tmp_path, leaked, "leaked.zip")
    assert verify_bundle(path, trusted_cas=[pki.root], require_trusted=True).intact
    report = verify_bundle(path, trusted_cas=[pki.root], distrusted=[leaked.fingerprint], require_trusted=True,
                           trusted_fingerprints={leaked.fingerprint: "your signing identity"})
    assert not report.intact and report.signer is not None and not report.signer.trusted
    assert "distrusted-signer" in {p.code for p in report.problems}
    assert report.trust_text().startswith("NOT TRUSTED: a key you said not to trust")
    # An issuing CA the user said not to trust, anywhere on the path, vouches for nothing either.
    other = pki.signer("Pat Investigator")
    report = verify_bundle(_bundle(build, tmp_path, other, "other.zip"), trusted_cas=[pki.root],
                           distrusted=[parse_fingerprint(pki.issuing.fingerprint(hashes.SHA256()).hex())],
                           require_trusted=True)
    assert not report.intact and "which you said not to trust" in report.to_text()


def test_the_trust_store_keeps_purposes_and_refuses_an_unnamed_ca(tmp_path: Path) -> None:
    pki = _PKI()
    store = tmp_path / "trusted"
    ca_file = tmp_path / "ca.pem"
    ca_file.write_bytes(pki.root.public_bytes(Encoding.PEM))
    with pytest.raises(IdentityError, match="--for ca"):
        trust_certificate(ca_file, store)
    [entry] = trust_certificate(ca_file, store, [TSA])
    assert entry.purposes == {TSA}
    [entry] = trust_certificate(ca_file, store, [CA])
    assert entry.purposes == {CA, TSA} and list_trusted(store)[0].purposes == {CA, TSA}
    leaf_file = tmp_path / "leaf.pem"
    leaf_file.write_bytes(pki.signer("Pat").certificate.public_bytes(Encoding.PEM))
    with pytest.raises(IdentityError, match="not a certificate authority"):
        trust_certificate(leaf_file, store, [CA])
    [leaf] = trust_certificate(leaf_file, store)
    assert leaf.purposes == {SIGNER}
    set_distrusted(leaf.fingerprint, True, store)
    trust_certificate(leaf_file, store)  # trusting it again on purpose takes it off the list
    assert not (store / "distrusted.txt").read_text().strip()


def test_signer_pem_with_a_second_certificate_is_refused(build: Build, tmp_path: Path) -> None:
    """Finding 3 (a1): the genuine certificate first in signer.pem, the forger's (which signed) second."""
    pki = _PKI()
    genuine, forger = pki.signer("Jordan Sample (DEMO)"), pki.signer("Jordan Sample (DEMO)")
    path = _bundle(build, tmp_path, forger, "forged.zip")
    two = genuine.certificate.public_bytes(Encoding.PEM) + forger.certificate.public_bytes(Encoding.PEM)
    forged = tmp_path / "two-cert.zip"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(forged, "w") as target:
        for info in source.infolist():
            data = two if info.filename == f"{BAG_NAME}/{CERTIFICATE_FILE}" else source.read(info)
            target.writestr(info, data)
    with zipfile.ZipFile(path) as source:
        assert source.read(f"{BAG_NAME}/{CERTIFICATE_FILE}").count(b"BEGIN CERTIFICATE") == 1  # written alone
    report = verify_bundle(forged, expected_signers=[genuine.fingerprint])
    problems = {(p.code, p.path) for p in report.problems}
    assert ("certificate-mismatch", CERTIFICATE_FILE) in problems and not report.intact
    assert "holds 2 certificates" in report.to_text()


def _with_signer_pem(path: Path, pem: bytes, out: Path) -> Path:
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, pem if info.filename == f"{BAG_NAME}/{CERTIFICATE_FILE}" else source.read(info))
    return out


def test_an_older_pki_bundle_with_the_signers_chain_in_signer_pem_stays_valid(build: Build, tmp_path: Path) -> None:
    """Bundles sealed with a PKI identity before signer.pem held one certificate carry the chain after it: a
    bundle already sworn to must not turn NOT VALID; another certificate of the same CA must not pass for it."""
    pki = _PKI()
    genuine, colleague = pki.signer("Jordan Sample"), pki.signer("Jordan Sample")
    chain = b"".join(c.public_bytes(Encoding.PEM) for c in (genuine.certificate, pki.issuing, pki.root))
    old = _with_signer_pem(_bundle(build, tmp_path, genuine, "g.zip"), chain, tmp_path / "old-layout.zip")

    report = verify_bundle(old, expected_signers=[genuine.fingerprint])

    assert report.intact and report.verdict == VALID, report.to_text()
    assert "followed by its issuers (3 certificates)" in report.to_text()
    forged = _with_signer_pem(_bundle(build, tmp_path, colleague, "c.zip"), chain, tmp_path / "by-colleague.zip")
    forgery = verify_bundle(forged, expected_signers=[genuine.fingerprint])
    assert "certificate-mismatch" in {p.code for p in forgery.problems} and forgery.verdict != VALID


@pytest.mark.parametrize("typed", [
    "sha256 Fingerprint={fp}", "SHA256 Fingerprint={fp}", "SHA-256: {fp}", "{lower}", "  {fp}  ",
])
def test_fingerprints_as_tools_print_them_are_read(typed: str) -> None:
    """Finding 12: what openssl and people paste is understood; the colon form comes out."""
    fp = ":".join(["AB"] * 32)
    assert parse_fingerprint(typed.format(fp=fp, lower=fp.lower().replace(":", ""))) == fp


@pytest.mark.parametrize("typed", ["AB:CD", ":".join(["AB"] * 31), ":".join(["AB"] * 33), "sha1 Fingerprint=AB",
                                   ":".join(["ZZ"] * 32), "md5 Fingerprint=" + ":".join(["AB"] * 32)])
def test_prefixes_and_other_hashes_are_refused(typed: str) -> None:
    with pytest.raises(IdentityError, match="not a SHA-256 certificate fingerprint"):
        parse_fingerprint(typed)


def test_verify_refuses_a_prefix_with_exit_2_and_reads_openssls_form(
    golden: BuiltBundle, signer: SigningIdentity, capsys: pytest.CaptureFixture[str]
) -> None:
    """Finding 12: ``--trust`` with a prefix was taken for "another signer"; openssl's own line was refused."""
    from app.cli import main

    assert main(["verify", str(golden.path), "--trust", signer.fingerprint[:20]]) == 2
    err = capsys.readouterr().err
    assert "not a SHA-256 certificate fingerprint" in err and "Traceback" not in err
    assert main(["verify", str(golden.path), "--trust", f"sha256 Fingerprint={signer.fingerprint}"]) == 0
    assert "THE SIGNER YOU NAMED" in capsys.readouterr().out
