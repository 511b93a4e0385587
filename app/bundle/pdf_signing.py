"""Sign filing PDFs with the case's signing identity (PAdES, with pyHanko), when the user asks for it.

Off by default: CM/ECF may flatten a signature on upload, and a paper set is
wet-signed; but a declaration or certification that carries its own digital
signature can be checked on its own, away from the bundle. The signature is
an incremental update, so the pages are exactly the Bates-stamped, redacted
pages rendered before; only the signature and its validation data follow
them in the file.

Levels (ETSI EN 319 142-1): **PAdES B-T** when a timestamp authority is
used (the case's, as for the bundle): the signature carries an RFC 3161
signature timestamp. **PAdES B-LT** when validation data for that timestamp
could be gathered (the authority's chain to a root and the OCSP responses or
CRLs for it, fetched only as part of the timestamp the user asked for, by
the same code that gathers it for the bundle): pyHanko then writes them into
the PDF's Document Security Store, so the signature can be validated after
the authority's certificate has expired. Without a timestamp authority the
signature is PAdES B-B (the signing time is the signer's own clock).
Fetching is never left to pyHanko: its validation context gets the data we
gathered, with fetching off.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp as asn1_tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from app.core.errors import BundleError
from app.core.files import atomic_output

from .identity import SigningIdentity
from .timestamp import Timestamper, TimestampError
from .validation import FetchError, ValidationData, http_fetch

LEVEL_B_B, LEVEL_B_T, LEVEL_B_LT = "PAdES B-B", "PAdES B-T", "PAdES B-LT"


@dataclass(frozen=True)
class SignedPdf:
    """One signed document and the PAdES level it reached."""

    path: Path
    level: str


def sign_pdfs(paths: Sequence[Path], identity: SigningIdentity, timestamper: Timestamper | None,
              *, reason: str, location: str = "") -> list[SignedPdf]:
    """Sign each PDF in place (through the atomic writer); the timestamp from ``timestamper``'s first
    authority that answers. Raises BundleError naming the document that could not be signed."""
    url, context = None, None
    if timestamper is not None:
        url, context = _validation_context(identity, timestamper)
    level = LEVEL_B_LT if context is not None else LEVEL_B_T if url is not None else LEVEL_B_B
    signed = []
    for path in paths:
        data = Path(path).read_bytes()
        try:
            result = _sign(data, identity, url, context, reason=reason, location=location)
        except (ValueError, OSError, TimestampError) as exc:
            raise BundleError(f"cannot sign the PDF: {exc}", path=path) from exc
        with atomic_output(Path(path), 0o644, durable=False) as temp:
            temp.write_bytes(result)
        signed.append(SignedPdf(Path(path), level))
    return signed


def _validation_context(identity: SigningIdentity, timestamper: Timestamper) -> tuple[str, Any]:
    """The first answering authority's URL and, when its validation data (and the signer's, when it has
    issuers) is complete, a pyHanko validation context holding it, with fetching off; else None."""
    import rfc3161_client
    from pyhanko_certvalidator import ValidationContext

    from .signing import verify_embedded

    probe = timestamper.stamp(b"evbundle: which authority timestamps the PDF signatures")
    token = rfc3161_client.decode_timestamp_response(probe.reply).time_stamp_token()
    facts, _ = verify_embedded(token, "tst_info")
    authority = probe.validation
    signer = (timestamper.gather(identity.certificate, identity.chain) if identity.chain
              else ValidationData((identity.certificate,)))
    if not (_complete(authority) and (not identity.chain or _complete(signer))) or facts.certificate is None:
        return probe.url, None
    everything = (*authority.revocation, *signer.revocation)
    context = ValidationContext(
        trust_roots=[_asn1(signer.chain[-1]), _asn1(authority.chain[-1])],
        other_certs=[_asn1(c) for c in (*signer.chain, *authority.chain)],
        ocsps=[r.der for r in everything if r.kind == "ocsp"], crls=[r.der for r in everything if r.kind == "crl"],
        allow_fetching=False, revocation_mode="hard-fail",
    )
    return probe.url, context


def _asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER))


def _sign(data: bytes, identity: SigningIdentity, tsa_url: str | None, context: Any, *,
          reason: str, location: str) -> bytes:
    """PAdES B-T (B-B without an authority; B-LT with a validation context): one incremental update."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.timestamps.api import TimeStamper
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    class _TimeStamper(TimeStamper):  # our own HTTP client: no second network stack
        async def async_request_tsa_response(self, req: asn1_tsp.TimeStampReq) -> asn1_tsp.TimeStampResp:
            assert tsa_url is not None
            reply = await asyncio.to_thread(_post, tsa_url, req.dump())
            return asn1_tsp.TimeStampResp.load(reply)

    chain = [identity.certificate, *identity.chain]
    key = asn1_keys.PrivateKeyInfo.load(
        identity.private_key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption()))
    signer = signers.SimpleSigner(
        signing_cert=_asn1(identity.certificate), signing_key=key,
        cert_registry=SimpleCertificateStore.from_certs([_asn1(c) for c in chain]),  # type: ignore[no-untyped-call]
    )
    meta = signers.PdfSignatureMetadata(
        field_name="Signature", md_algorithm="sha256", reason=reason, location=location or None,
        subfilter=fields.SigSeedSubFilter.PADES, embed_validation_info=context is not None,
        validation_context=context,
    )
    out = io.BytesIO()
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    with _quiet_pyhanko():
        stamper = _TimeStamper() if tsa_url else None  # type: ignore[no-untyped-call]
        signers.PdfSigner(meta, signer, timestamper=stamper).sign_pdf(writer, output=out)
    return out.getvalue()


@contextlib.contextmanager
def _quiet_pyhanko() -> Iterator[None]:
    """pyHanko logs a warning that fetching is off when it embeds validation data: that is on purpose here."""
    logger = logging.getLogger("pyhanko.sign.signers.pdf_signer")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _complete(validation: ValidationData) -> bool:
    """Whether the data reaches a root and has a revocation answer for every certificate below it."""
    chain = validation.chain
    if not chain or chain[-1].subject != chain[-1].issuer:
        return False
    return {r.position for r in validation.revocation} >= set(range(1, len(chain)))


def _post(url: str, body: bytes) -> bytes:
    """The TSA's raw reply to a request pyHanko built (pyHanko checks it)."""
    try:
        return http_fetch(url, body, "application/timestamp-query")
    except FetchError as exc:
        raise TimestampError(str(exc), path=url) from exc
