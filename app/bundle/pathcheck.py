"""Certificate path validation: when a trusted anchor (a CA, a timestamp authority's root) vouches for a certificate.

Trusting a certificate authority is trusting what it certifies *for a purpose*:
the organisation's CA for the signers it issued, a timestamp authority's root
for the timestamp authorities under it. A path from a certificate to such an
anchor counts only when it is a path RFC 5280 accepts at the moment that
matters (the signature's trusted timestamp, a token's own time): every issuer a
CA (basicConstraints CA:true, keyCertSign), within its path length, every
certificate valid then, every signature sound. The walk is pyHanko's
certvalidator (a dependency through pyHanko), not hand-written chain logic;
this module adds what it cannot know: the purpose of the end certificate (a TLS
server's certificate is no document signer) and the fingerprints this machine
was told never to trust, anywhere on the path.

Revocation is not judged here: validation.py judges the revocation answers a
bundle stores, at the same moment.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID, ObjectIdentifier

from .distrust import is_distrusted
from .identity import subject_text

Purpose = Literal["signer", "tsa"]
# The issuers a path may take from what a bundle carries: real chains are 2 to 4 long, and a signature
# carrying thousands of certificates must not make path building costly.
MAX_POOL = 16
# Extended key usages that allow signing documents. A certificate without the extension may sign anything
# (RFC 5280 § 4.2.1.12); with it, one of these must be there: a TLS server's or client's certificate, a
# code-signing or timestamping certificate does not sign evidence.
DOCUMENT_SIGNING_USAGES = frozenset({
    ExtendedKeyUsageOID.EMAIL_PROTECTION,
    ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE,
    ObjectIdentifier("1.3.6.1.5.5.7.3.36"),  # id-kp-documentSigning (RFC 9336)
    ObjectIdentifier("1.2.840.113583.1.1.5"),  # Adobe Authentic Documents Trust
    ObjectIdentifier("1.3.6.1.4.1.311.10.3.12"),  # Microsoft document signing
})

T = TypeVar("T")


@dataclass(frozen=True)
class PathResult:
    """The trusted anchor a valid path reaches, or why no path counts (None: there simply is none)."""

    anchor: x509.Certificate | None
    refusal: str | None = None  # a path to a trusted anchor exists but does not hold, and why


def signer_usage_problem(certificate: x509.Certificate) -> str | None:
    """Why ``certificate``'s key usages do not allow signing a document, or None."""
    try:
        usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        usage = None
    if usage is not None and not DOCUMENT_SIGNING_USAGES & set(usage):
        names = ", ".join(getattr(oid, "_name", None) or oid.dotted_string for oid in usage)
        return f"its certificate is meant for other uses ({names}), not for signing documents"
    try:
        key_usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return None
    if not (key_usage.digital_signature or key_usage.content_commitment):
        return "its certificate's key usage does not allow digital signatures"
    return None


def is_authority(certificate: x509.Certificate) -> bool:
    """A CA certificate: basicConstraints CA:true (and keyCertSign, when it states its key usage)."""
    try:
        if not certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca:
            return False
    except x509.ExtensionNotFound:
        return False
    try:
        return bool(certificate.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign)
    except x509.ExtensionNotFound:
        return True


def anchored_path(
    certificate: x509.Certificate,
    carried: Sequence[x509.Certificate],
    anchors: Sequence[x509.Certificate],
    moment: datetime.datetime,
    *,
    purpose: Purpose,
    distrusted: Collection[str] = (),
) -> PathResult:
    """The anchor among ``anchors`` that ``certificate`` chains to through ``carried``, validated at ``moment``.

    ``purpose`` "signer": the path must have at least one issuer (an anchor trusted for signers is a CA, not a
    signer itself) and the certificate must be fit to sign documents; "tsa": the anchor may be the
    authority's own certificate. No certificate ``distrusted`` marks (distrust.py: its fingerprint, its
    public key, its ECDSA twin) may be on the path.
    """
    if not anchors:
        return PathResult(None)
    try:
        return _validate(certificate, carried, anchors, moment, purpose, frozenset(distrusted))
    except Exception as exc:  # noqa: BLE001 - hostile certificates: any failure means "no trusted path"
        return PathResult(None, f"its certificate path cannot be checked ({exc.__class__.__name__})")


def _validate(certificate: x509.Certificate, carried: Sequence[x509.Certificate],
              anchors: Sequence[x509.Certificate], moment: datetime.datetime, purpose: Purpose,
              distrusted: frozenset[str]) -> PathResult:
    from asn1crypto import x509 as asn1_x509
    from pyhanko_certvalidator import CertificateValidator, ValidationContext
    from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError, ValidationError

    def load(item: x509.Certificate) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(item.public_bytes(Encoding.DER))

    pool = [c for c in dict.fromkeys(carried) if c != certificate][:MAX_POOL]
    context = ValidationContext(trust_roots=[load(a) for a in anchors], other_certs=[load(c) for c in pool],
                                moment=moment, allow_fetching=False, revocation_mode="soft-fail")
    validator = CertificateValidator(load(certificate), [load(c) for c in pool], validation_context=context)
    try:
        path = _run(validator.async_validate_path())
    except PathBuildingError:
        return PathResult(None)  # nothing links it to a trusted anchor
    except (PathValidationError, ValidationError) as exc:
        return PathResult(None, f"its path to a trusted certificate does not hold at {moment:%Y-%m-%d %H:%M:%S} "
                                f"UTC: {exc}")
    by_der = {a.public_bytes(Encoding.DER): a for a in anchors}
    members = [x509.load_der_x509_certificate(c.dump()) for c in path.iter_certs(include_root=True)]
    anchor = next((by_der[m.public_bytes(Encoding.DER)] for m in members if m.public_bytes(Encoding.DER) in by_der),
                  None)
    if anchor is None:
        return PathResult(None)
    for member in members:
        if is_distrusted(member, distrusted):
            return PathResult(None, f"its path passes through {subject_text(member)}, which you said not to trust")
    if not (anchor.not_valid_before_utc <= moment <= anchor.not_valid_after_utc):
        return PathResult(None, f"the trusted certificate {subject_text(anchor)} was not valid at "
                                f"{moment:%Y-%m-%d %H:%M:%S} UTC")
    if purpose == "signer":
        if anchor == certificate:
            return PathResult(None)  # a CA trusted for the signers it issues, not as a signer itself
        problem = signer_usage_problem(certificate)
        if problem:
            return PathResult(None, f"issued under {subject_text(anchor)}, but {problem}")
    return PathResult(anchor)


def _run(work: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to its end from synchronous code, whether or not this thread runs an event loop. (The
    event loop's modules load here: most verifications validate no path, and start without them.)"""
    import asyncio
    import concurrent.futures

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(work)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, work).result()
