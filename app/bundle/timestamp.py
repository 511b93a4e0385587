"""RFC 3161 trusted timestamps over the bundle's signature: request one, and check one.

What is timestamped: the detached signature file
(``signature/tagmanifest-sha256.txt.p7s``), byte for byte. RFC 3161
(Appendix A) and CAdES-T (ETSI EN 319 122, "signature-time-stamp") timestamp
the *signature*, not the signed data, so that the token proves the signature
existed at that time; the signature covers the tag manifest, which covers
every file. We hash the whole signature file rather than only the
SignerInfo's signature value, because that proves the same (the value is
inside the file) and a reader can then check it with stock OpenSSL:
``openssl ts -verify -data signature/tagmanifest-sha256.txt.p7s -in
signature/tagmanifest-sha256.txt.p7s.tsr -CAfile TSA-ROOT.pem``.

Only the SHA-256 of the signature file leaves the machine (the request holds
the hash, a nonce and "send your certificate"). The reply is stored whole as
a ``.tsr`` file (a TimeStampResp, what ``openssl ts -reply`` writes).

With the token, sealing keeps the TSA's validation data (its certificate
chain and the OCSP responses or CRLs its CA publishes, see validation.py),
gathered as part of the same request, so the token can be checked after the
TSA's certificate has expired.

Checking a token (RFC 3161 appendix B, at the token's time): it must be
granted, its message imprint must equal the hash of the data, its CMS
signature must verify with the TSA certificate it carries, that certificate
must carry a critical ``timeStamping`` extended key usage, and it and its
issuers must have been valid, and not revoked, at the timestamp's time, as
far as the stored validation data shows. Whether the TSA is *trusted* is a
separate answer: its certificate, or a valid path from it (RFC 5280, at the
token's time) to a certificate this machine trusts *for timestamps*; with a
trusted root, the maintained ``rfc3161-client`` verifier checks the whole path
as well.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

from app.core.errors import BundleError

from .identity import fingerprint_of, subject_text
from .parsing import parsed
from .pathcheck import anchored_path
from .signing import SignatureInvalid, verify_embedded
from .validation import ChainCheck, Fetch, ValidationData, check_at, collect, http_fetch

MAX_REPLY_BYTES = 1024 * 1024
_DIGESTS = {"2.16.840.1.101.3.4.2.1": "sha256", "2.16.840.1.101.3.4.2.2": "sha384", "2.16.840.1.101.3.4.2.3": "sha512"}


class TimestampError(BundleError):
    """A timestamp that could not be obtained, or does not prove what it should."""


class TimestampMismatch(TimestampError):
    """A sound timestamp, but over other data than this bundle's signature."""


@dataclass(frozen=True)
class TimestampFacts:
    """What a checked timestamp says: when, by whom, and whether this machine trusts the TSA."""

    time: datetime.datetime  # the TSA's genTime (UTC)
    authority: str  # the TSA certificate's subject
    authority_fingerprint: str
    hash_algorithm: str
    serial_number: int
    policy: str
    trusted: bool  # the TSA's chain reaches a certificate trusted on this machine
    authority_not_valid_after: datetime.datetime
    chain: ChainCheck = field(default_factory=ChainCheck)  # the TSA's chain at the token's time, stored data only
    signature_algorithm: str = ""  # the TSA's signature, e.g. "ecdsa-with-SHA256 (256-bit key)"
    trust_refusal: str | None = None  # why a path to a trusted authority does not count, when one does not


@dataclass(frozen=True)
class Stamp:
    """A timestamp reply and the validation data gathered with it."""

    reply: bytes
    validation: ValidationData
    url: str


def request_timestamp(data: bytes, url: str, *, timeout: float = 30.0) -> bytes:
    """Ask the TSA at ``url`` for a timestamp over ``data``; only its SHA-256 is sent.

    Returns the reply's bytes after checking that it answers this request
    (status, nonce, imprint, TSA certificate). Raises TimestampError naming the URL.
    """
    import urllib.error  # the network client, loaded only when a timestamp is asked for
    import urllib.parse
    import urllib.request

    import rfc3161_client

    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise TimestampError("a timestamp authority URL must start with http:// or https://", found=url)
    request = (
        rfc3161_client.TimestampRequestBuilder()
        .data(data)
        .hash_algorithm(rfc3161_client.HashAlgorithm.SHA256)
        .nonce(nonce=True)
        .cert_request(cert_request=True)
        .build()
    )
    http = urllib.request.Request(  # noqa: S310 - scheme checked above
        url,
        data=request.as_bytes(),
        headers={"Content-Type": "application/timestamp-query", "Accept": "application/timestamp-reply"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(http, timeout=timeout) as answer:  # noqa: S310 - scheme checked above
            body = answer.read(MAX_REPLY_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise TimestampError(f"the timestamp authority refused the request (HTTP {exc.code})", path=url) from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise TimestampError(f"cannot reach the timestamp authority ({reason})", path=url) from exc
    if len(body) > MAX_REPLY_BYTES:
        raise TimestampError("the timestamp authority's reply is too large", path=url)
    try:
        response = rfc3161_client.decode_timestamp_response(body)
    except Exception as exc:
        raise TimestampError("the timestamp authority's reply is not an RFC 3161 reply", path=url) from exc
    if response.status not in (0, 1):
        text = "; ".join(response.status_string) or f"status {response.status}"
        raise TimestampError(f"the timestamp authority did not grant a timestamp ({text})", path=url)
    if response.tst_info.nonce != request.nonce:
        raise TimestampError("the timestamp authority answered another request (nonce differs)", path=url)
    try:
        check_timestamp(body, data)
    except TimestampError as exc:
        raise TimestampError(f"the timestamp authority's reply is unusable: {exc.message}", path=url) from exc
    return bytes(body)


class Timestamper:
    """Asks the TSAs in turn for a timestamp and gathers the validation data that goes with it.

    Validation data (chains, OCSP, CRLs) is fetched only through a Timestamper, that is only when the
    user asked for a timestamp. ``known``: certificates this machine trusts, which may complete a chain.
    """

    def __init__(self, urls: Sequence[str], *, timeout: float = 30.0, fetch: Fetch | None = None,
                 known: Sequence[x509.Certificate] = ()) -> None:
        if not urls:
            raise TimestampError("no timestamp authority URL is configured")
        self.urls = tuple(urls)
        self._timeout = timeout
        self._fetch = fetch or (lambda url, body, kind: http_fetch(url, body, kind, timeout=timeout))
        self._known = tuple(known)

    def stamp(self, data: bytes) -> Stamp:
        """A checked timestamp over ``data`` from the first TSA that gives one, with its validation data."""
        import rfc3161_client

        failures: list[str] = []
        for url in self.urls:
            try:
                reply = request_timestamp(data, url, timeout=self._timeout)
            except TimestampError as exc:
                failures.append(exc.diagnostics())
                continue
            facts, _ = verify_embedded(rfc3161_client.decode_timestamp_response(reply).time_stamp_token(), "tst_info")
            return Stamp(reply, self.gather(facts.certificate, facts.certificates), url)
        raise TimestampError("no timestamp authority gave a timestamp: " + "; ".join(failures))

    def gather(self, certificate: x509.Certificate, carried: Sequence[x509.Certificate] = ()) -> ValidationData:
        """``certificate``'s chain and revocation answers, fetched now (see validation.collect)."""
        return collect(certificate, carried, self._known, self._fetch)



def check_timestamp(
    reply: bytes, data: bytes, trusted: Sequence[x509.Certificate] = (),
    stored: ValidationData | Callable[[], ValidationData] | None = None, distrusted: Collection[str] = (),
) -> TimestampFacts:
    """Check a stored timestamp reply against ``data`` (the file it timestamps); raises TimestampError.

    ``trusted``: certificates this machine trusts for timestamps (TSA roots or the
    TSA's own certificate; a path to them is validated at the token's time, see
    pathcheck.py); ``distrusted``: fingerprints never trusted on any path.
    ``stored``: the validation data kept with the token (or what reads it, called only once the token's own
    signature holds, so a garbage token's files are never read); the
    chain is checked with it at the token's time, never against the clock now.
    An untrusted but sound timestamp is returned with ``trusted=False``; the
    caller decides what that means.
    """
    try:
        return _check_timestamp(reply, data, trusted, stored, distrusted)
    except TimestampError:
        raise
    except Exception as exc:  # hostile ASN.1 from a bundle or an authority, whatever it raises
        raise TimestampError(f"the timestamp or its validation data cannot be read ({exc.__class__.__name__})") from exc


def _check_timestamp(
    reply: bytes, data: bytes, trusted: Sequence[x509.Certificate],
    stored: ValidationData | Callable[[], ValidationData] | None, distrusted: Collection[str],
) -> TimestampFacts:
    import rfc3161_client  # loaded only for a bundle that carries a timestamp

    try:
        response = rfc3161_client.decode_timestamp_response(reply)
    except Exception as exc:
        raise TimestampError("is not a readable RFC 3161 timestamp reply") from exc
    if response.status not in (0, 1):
        raise TimestampError("the timestamp authority did not grant this timestamp")
    info = response.tst_info
    oid = info.message_imprint.hash_algorithm.dotted_string
    algorithm = _DIGESTS.get(oid)
    if algorithm is None:
        raise TimestampError(f"uses an unsupported hash algorithm ({oid})")
    expected = hashlib.new(algorithm, data).digest()
    try:
        facts, _ = verify_embedded(response.time_stamp_token(), "tst_info")
    except SignatureInvalid as exc:
        raise TimestampError(f"the timestamp's own signature is not valid: {exc.message}") from exc
    certificate = facts.certificate
    _check_timestamping_usage(certificate)
    _check_signing_certificate(response.time_stamp_token(), certificate)
    moment = info.gen_time.astimezone(datetime.UTC)
    if not (certificate.not_valid_before_utc <= moment <= certificate.not_valid_after_utc):
        raise TimestampError(
            "the timestamp authority's certificate was not valid when the timestamp was made",
            expected=f"{certificate.not_valid_before_utc:%Y-%m-%d} to {certificate.not_valid_after_utc:%Y-%m-%d}",
            found=f"{moment:%Y-%m-%d %H:%M:%S} UTC",
        )
    if info.message_imprint.message != expected:
        raise TimestampMismatch(
            "is a timestamp for other data, not for this bundle's signature",
            expected=expected.hex(), found=info.message_imprint.message.hex(),
        )
    if callable(stored):
        stored = stored()
    stored = stored or ValidationData()
    chain = check_at(certificate, facts.certificates, stored, moment)
    if chain.problems:
        raise TimestampError("the timestamp authority's certificate chain was not sound at the timestamp's time: "
                             + "; ".join(chain.problems))
    carried = [*facts.certificates, *stored.chain]
    path = anchored_path(certificate, carried, trusted, moment, purpose="tsa", distrusted=distrusted)
    anchor = path.anchor
    if anchor is not None and anchor.subject == anchor.issuer and anchor != certificate:
        # The trusted certificate is a root: let the maintained verifier check the
        # whole path at the timestamp's time (our own walk above found it).
        builder = rfc3161_client.VerifierBuilder(roots=[anchor])
        for extra in dict.fromkeys(carried):
            if extra != anchor and extra != certificate:
                builder = builder.add_intermediate_certificate(extra)
        try:
            builder.build().verify(response, expected)
        except rfc3161_client.VerificationError as exc:
            raise TimestampError(f"the timestamp does not verify against the trusted authority: {exc}") from exc
    return TimestampFacts(
        time=moment,
        authority=subject_text(certificate),
        authority_fingerprint=fingerprint_of(certificate),
        hash_algorithm=algorithm,
        serial_number=info.serial_number,
        policy=info.policy.dotted_string,
        trusted=anchor is not None,
        authority_not_valid_after=certificate.not_valid_after_utc,
        chain=chain,
        signature_algorithm=_algorithm_text(certificate),
        trust_refusal=path.refusal,
    )


def _algorithm_text(certificate: x509.Certificate) -> str:
    """The TSA key's algorithm and size, e.g. "EC secp256r1 (256-bit)": what a weak-algorithm rule reads."""
    key = certificate.public_key()
    size = getattr(key, "key_size", None)
    curve = getattr(getattr(key, "curve", None), "name", None)
    kind = f"EC {curve}" if curve else type(key).__name__.removeprefix("_").replace("PublicKey", "")
    return f"{kind} ({size}-bit)" if size else kind


def _check_signing_certificate(token: bytes, certificate: x509.Certificate) -> None:
    """RFC 3161 § 2.4.2 and RFC 5816: the token's signed ESSCertID(v2) names the TSA certificate by its hash,
    so a certificate altered inside the token (or swapped for another with the same key) is caught."""
    from asn1crypto import cms as asn1_cms
    from cryptography.hazmat.primitives.serialization import Encoding

    der = certificate.public_bytes(Encoding.DER)
    signer = parsed(asn1_cms.ContentInfo.load, token)["content"]["signer_infos"][0]
    for attribute in signer["signed_attrs"]:
        kind = attribute["type"].native
        if kind not in ("signing_certificate", "signing_certificate_v2"):
            continue
        for value in attribute["values"]:
            if not len(value["certs"]):
                raise TimestampError("the timestamp's signing-certificate attribute lists no certificate "
                                     "(ESSCertID, RFC 3161 § 2.4.2)")
            first = value["certs"][0]
            algorithm = "sha1" if kind == "signing_certificate" else first["hash_algorithm"]["algorithm"].native
            if algorithm not in hashlib.algorithms_available:
                raise TimestampError("the timestamp's signing-certificate hash uses an unknown algorithm",
                                     found=str(algorithm))
            if first["cert_hash"].native != hashlib.new(algorithm, der).digest():
                raise TimestampError("the timestamp authority's certificate in the token is not the one it signed "
                                     "for (its ESSCertID hash differs, RFC 5816)")
            return
    raise TimestampError("the timestamp names no signing certificate (ESSCertID, RFC 3161 § 2.4.2)")


def _check_timestamping_usage(certificate: x509.Certificate) -> None:
    """RFC 3161 § 2.3: the TSA certificate's only extended key usage is a critical timeStamping."""
    try:
        usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    except x509.ExtensionNotFound as exc:
        raise TimestampError("the timestamp authority's certificate is not meant for timestamping "
                             "(no extended key usage)") from exc
    if not usage.critical or ExtendedKeyUsageOID.TIME_STAMPING not in usage.value:
        raise TimestampError("the timestamp authority's certificate is not meant for timestamping "
                             "(needs a critical timeStamping extended key usage)")
