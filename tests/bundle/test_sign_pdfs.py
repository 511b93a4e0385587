"""--sign-pdfs: the declaration, index and certification signed (PAdES), checked with pyHanko's own validator."""

from __future__ import annotations

import asyncio
import io
import json
import shutil
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.ades import ades_lta_validation
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.policy_decl import (
    PdfSignatureValidationSpec,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.policy_decl import CertRevTrustPolicy, RevocationCheckingPolicy, RevocationCheckingRule
from pyhanko_certvalidator.registry import SimpleTrustManager

from app.ops.case import open_case
from app.ops.identity import case_signer
from app.ops.pdf_signing import SIGNED_DOCUMENTS

from .test_trust_cli import case, run, secret  # noqa: F401 - fixtures
from .tsa import LoopbackTSA

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl binary")


def _asn1(pem: bytes) -> asn1_x509.Certificate:
    from cryptography import x509

    return asn1_x509.Certificate.load(x509.load_pem_x509_certificate(pem).public_bytes(Encoding.DER))


def validate_offline(pdf: bytes, roots: list[asn1_x509.Certificate]):  # type: ignore[no-untyped-def]
    """pyHanko's AdES validation of the first signature, from what the PDF holds only (no fetching),
    with revocation required for the timestamp authority's chain."""
    reader = PdfFileReader(io.BytesIO(pdf))
    required = RevocationCheckingPolicy(ee_certificate_rule=RevocationCheckingRule.CRL_OR_OCSP_REQUIRED,
                                        intermediate_ca_cert_rule=RevocationCheckingRule.CRL_OR_OCSP_REQUIRED)
    spec = SignatureValidationSpec(
        cert_validation_policy=CertValidationPolicySpec(
            trust_manager=SimpleTrustManager.build(trust_roots=roots),
            revinfo_policy=CertRevTrustPolicy(RevocationCheckingPolicy(
                ee_certificate_rule=RevocationCheckingRule.NO_CHECK,
                intermediate_ca_cert_rule=RevocationCheckingRule.NO_CHECK))),
        ts_cert_validation_policy=CertValidationPolicySpec(
            trust_manager=SimpleTrustManager.build(trust_roots=roots), revinfo_policy=CertRevTrustPolicy(required)),
        revinfo_gathering_policy=RevocationInfoGatheringSpec(online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY),
    )
    return reader, asyncio.run(ades_lta_validation(reader.embedded_regular_signatures[0],
                                                   PdfSignatureValidationSpec(spec)))


def test_signed_pdfs_validate_with_pyhanko(case: Path, secret: Path, tmp_path: Path,  # noqa: F811
                                           capsys: pytest.CaptureFixture[str]) -> None:
    with LoopbackTSA("PDF TSA") as tsa:
        out = tmp_path / "signed"
        code, _, err = run(capsys, "build", str(case), "--out", str(out), "--passphrase-file", str(secret),
                           "--tsa", tsa.url, "--sign-pdfs", "--draft")  # the test case is not fileable: drafts
        assert code == 0, err
        exported = tmp_path / "export"
        code, _, err = run(capsys, "export", str(case), "--out", str(exported), "--format", "pdf",
                           "--sign-pdfs", "--passphrase-file", str(secret), "--tsa", tsa.url, "--draft")
        assert code == 0, err
    with open_case(case) as opened:
        signer = case_signer(opened.info())
    assert signer is not None
    roots = [_asn1(signer.certificate_path.read_bytes()), asn1_x509.Certificate.load(tsa.ca.public_bytes(Encoding.DER))]
    documents = next(out.glob("*-documents"))
    for folder in (documents, exported):
        for name in SIGNED_DOCUMENTS:
            data = (folder / name).read_bytes()
            reader, result = validate_offline(data, roots)
            status = result.api_status
            assert status is not None and status.bottom_line, (name, result.ades_subindic, result.failure_msg)
            assert status.intact and status.valid and status.trusted
            stamp = status.timestamp_validity
            assert stamp is not None and stamp.valid and stamp.trusted, name  # B-T, its TSA chain from the DSS
            dss = DocumentSecurityStore.read_dss(reader)  # B-LT: the authority's OCSP answer and the root's CRL
            assert len(dss.ocsps) >= 1 and len(dss.crls) >= 1, name
    # Only those three are signed; the bundle carries the signed copies and still verifies.
    assert b"/ByteRange" not in (documents / "04-proposed-order-ex-parte-tro.pdf").read_bytes()
    root = tmp_path / "tsa-root.pem"  # the bundle says it was timestamped: VALID once its authority is trusted
    root.write_bytes(tsa.ca.public_bytes(Encoding.PEM))
    assert run(capsys, "identity", "trust", str(root), "--for", "tsa")[0] == 0
    code, text, _ = run(capsys, "verify", "--json", str(next(out.glob("*.zip"))))
    assert code == 0 and json.loads(text)["verdict"] == "valid"


def test_signing_is_off_unless_asked(case: Path, secret: Path, tmp_path: Path,  # noqa: F811
                                     capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "build", str(case), "--out", str(tmp_path / "plain"), "--passphrase-file", str(secret),
                       "--no-timestamp", "--draft")
    assert code == 0, err
    documents = next((tmp_path / "plain").glob("*-documents"))
    assert all(b"/ByteRange" not in (documents / n).read_bytes() for n in SIGNED_DOCUMENTS)
    # The case's setting turns it on (B-B without a timestamp authority), and is logged.
    assert run(capsys, "details", str(case), "--sign-pdfs")[0] == 0
    code, _, err = run(capsys, "build", str(case), "--out", str(tmp_path / "on"), "--passphrase-file", str(secret),
                       "--no-timestamp", "--draft")
    assert code == 0, err
    documents = next((tmp_path / "on").glob("*-documents"))
    assert all(b"/ByteRange" in (documents / n).read_bytes() for n in SIGNED_DOCUMENTS)
    with open_case(case) as opened:
        assert opened.info().sign_pdfs and any(e.action == "case-edited" and "sign_pdfs" in (e.details or {})
                                               for e in opened.custody())
