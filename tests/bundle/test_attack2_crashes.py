"""Hostile ASN.1 is a named problem, never an unexpected error (the second review, findings C1 and C2).

C1: a token whose signed signing-certificate attribute lists no certificate raised IndexError.
C2: one changed version byte (``x509.InvalidVersion``, not a ValueError) in signer.pem, a token's
.chain.pem, a stored CRL or TSA-ROOT.pem stopped the run. Every parser run on bundle bytes now goes
through app.bundle.parsing.parsed.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from asn1crypto import cms, tsp
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from app.bundle import BuiltBundle, SigningIdentity, build_bundle, verify_bundle
from app.bundle.instructions import CERTIFICATE_FILE, TIMESTAMP_FILE
from app.bundle.parsing import Unparseable, der_crl, pem_certificates
from app.bundle.timestamp import Timestamper, TimestampError, _check_signing_certificate

from .conftest import BAG_NAME, BUNDLE_DATE, payload_files, tag_files
from .tsa import LoopbackTSA


def _bad_version(pem: bytes) -> bytes:
    """The certificate with its version INTEGER (2, v3) changed to 6: cryptography raises InvalidVersion."""
    der = x509.load_pem_x509_certificate(pem).public_bytes(Encoding.DER)
    changed = der.replace(b"\xa0\x03\x02\x01\x02", b"\xa0\x03\x02\x01\x06", 1)
    import base64

    body = base64.encodebytes(changed).replace(b"\n", b"")
    lines = b"\n".join(body[i : i + 64] for i in range(0, len(body), 64))
    return b"-----BEGIN CERTIFICATE-----\n" + lines + b"\n-----END CERTIFICATE-----\n"


def _replace(zip_path: Path, out: Path, name: str, data: bytes) -> Path:
    with zipfile.ZipFile(zip_path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, data if info.filename == f"{BAG_NAME}/{name}" else source.read(info))
    return out


@pytest.fixture(scope="module")
def stamped(signer: SigningIdentity, tmp_path_factory: pytest.TempPathFactory) -> tuple[BuiltBundle, bytes]:
    """A bundle timestamped by a loopback TSA with an intermediate (so it stores a chain and a CRL)."""
    folder = tmp_path_factory.mktemp("stamped")
    with LoopbackTSA("Crash TSA") as tsa:
        built = build_bundle(folder / "stamped.zip", BAG_NAME, payload_files(), tag_files(signer),
                             {"External-Identifier": "1:24-cv-00042"}, signer, BUNDLE_DATE,
                             timestamper=Timestamper([tsa.url]))
        return built, tsa.reply(_query())


def _query() -> bytes:
    import hashlib

    from asn1crypto import algos

    return tsp.TimeStampReq({"version": 1, "message_imprint": {
        "hash_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
        "hashed_message": hashlib.sha256(b"x").digest()}, "cert_req": True}).dump()


def test_a_token_naming_no_signing_certificate_is_invalid(stamped: tuple[BuiltBundle, bytes]) -> None:
    """C1: SigningCertificateV2 { certs: [] } raised IndexError."""
    reply = tsp.TimeStampResp.load(stamped[1])
    token = reply["time_stamp_token"]
    signer_info = token["content"]["signer_infos"][0]
    certificate = x509.load_der_x509_certificate(token["content"]["certificates"][0].chosen.dump())
    attributes = []
    for attribute in signer_info["signed_attrs"]:
        if attribute["type"].native in ("signing_certificate", "signing_certificate_v2"):
            attribute = cms.CMSAttribute({"type": attribute["type"].native, "values": [{"certs": []}]})
        attributes.append(attribute)
    signer_info["signed_attrs"] = cms.CMSAttributes(attributes)
    with pytest.raises(TimestampError, match="lists no certificate"):
        _check_signing_certificate(token.dump(force=True), certificate)


def test_invalid_versions_are_named_problems(stamped: tuple[BuiltBundle, bytes], tmp_path: Path) -> None:
    """C2: InvalidVersion in signer.pem, a token's chain, a stored CRL: each a problem naming its file."""
    built = stamped[0]
    with zipfile.ZipFile(built.path) as archive:
        names = {i.filename.removeprefix(f"{BAG_NAME}/") for i in archive.infolist()}
        signer_pem = archive.read(f"{BAG_NAME}/{CERTIFICATE_FILE}")
        chain = archive.read(f"{BAG_NAME}/{TIMESTAMP_FILE}.chain.pem")
    crl_name = next(n for n in sorted(names) if n.startswith(TIMESTAMP_FILE + ".revocation-") and n.endswith(".crl"))
    with zipfile.ZipFile(built.path) as archive:
        crl = archive.read(f"{BAG_NAME}/{crl_name}")
    bad_crl = crl.replace(b"\x02\x01\x01", b"\x02\x01\x02", 1)  # CRL version v2 (1) -> 2: InvalidVersion
    with pytest.raises(Unparseable):
        der_crl(bad_crl)
    with pytest.raises(Unparseable):
        pem_certificates(_bad_version(signer_pem))
    for name, data in ((CERTIFICATE_FILE, _bad_version(signer_pem)),
                       (f"{TIMESTAMP_FILE}.chain.pem", _bad_version(chain)), (crl_name, bad_crl)):
        report = verify_bundle(_replace(built.path, tmp_path / "x.zip", name, data))
        assert not report.intact and name in report.problem_paths(), (name, report.to_text())


def test_an_unreadable_reader_root_is_an_added_file(signer: SigningIdentity, tmp_path: Path,
                                                    old_bundle: Path) -> None:
    """C2 (c): TSA-ROOT.pem holding a certificate with a bad version, in a folder of an older bundle."""
    from .conftest import unzip

    bag = unzip(old_bundle, tmp_path / "bag")
    (bag / "TSA-ROOT.pem").write_bytes(_bad_version(signer.certificate.public_bytes(Encoding.PEM)))
    report = verify_bundle(bag)
    assert "TSA-ROOT.pem" in report.problem_paths(), report.to_text()
