"""Validation data: what proves, years later, that a certificate was good at a given moment.

A timestamp (or a signature) can be checked long after it was made only if
the bundle keeps what showed then that its certificate was sound: the chain
of issuer certificates up to a root, and each certificate's revocation status
(an OCSP response or a CRL) from about that time. Once a certificate has
expired, its CA may stop saying anything about it, and the authority's site
may be gone. PAdES keeps the same things in a PDF's Document Security Store
(certificates, OCSP responses, CRLs, with a per-signature index); this module
keeps them as plain files beside the token they validate, so stock tools read
them (``openssl ts -verify -untrusted CHAIN``, ``openssl ocsp -respin``,
``openssl crl -inform DER``):

``<base>.chain.pem``
    the certificate's issuers, nearest first, as far up as found
    (authorityInfoAccess caIssuers, the certificates carried, the trust store);
    the certificate itself is in the token (or signer.pem), so openssl's
    ``-untrusted`` does not warn that a leaf is not a CA; with no issuer
    found, the certificate itself, so that the file is always there;
``<base>.revocation-<n>.ocsp`` / ``.crl``
    the DER OCSP response or CRL about the n-th certificate of the chain
    (1 = the leaf), from the responder or distribution point it names.

Gathering happens only as part of a timestamp request the user asked for;
only the certificate identifiers (issuer hashes and serial, in an OCSP
request) leave the machine. Checking never fetches anything: it judges the
stored data as of a moment, the token's time, as pyhanko-certvalidator does
for point-in-time validation: each link's signature, each certificate's
validity at that moment, and a revocation answer signed by the issuer (or a
responder it delegated to) that says "good" and was current at that moment.
"""

from __future__ import annotations

import contextlib
import datetime
import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID

from .parsing import Unparseable, der_crl, der_ocsp, parsed, pem_certificates, pem_crl

# What verification reads of a signature file (ReadLimits.max_tag_file_size): a larger answer (the CRL of
# a large public CA can be several MiB) is not kept, and noted; OCSP, tried first, is small.
MAX_FETCH_BYTES = 1024 * 1024
MAX_CHAIN = 8
# Revocation data made up to this long before the moment still speaks for it (a CA's CRL is
# usually published daily); PAdES validators allow a similar grace.
TOLERANCE = datetime.timedelta(seconds=1)
REVOCATION_FILE = re.compile(r"(?P<base>.+)\.revocation-(?P<n>[1-9][0-9]?)\.(?P<kind>ocsp|crl)")
CHAIN_SUFFIX = ".chain.pem"

Fetch = Callable[[str, bytes | None, str | None], bytes]  # url, POST body (None: GET), content type → body


class FetchError(Exception):
    """A fetch that did not give an answer (kept as a note, never fatal)."""


def http_fetch(url: str, body: bytes | None = None, content_type: str | None = None, *,
               timeout: float = 15.0) -> bytes:
    """GET (or POST ``body``) ``url``: http and https only, at most MAX_FETCH_BYTES. The HTTP client loads
    here, when something is fetched: verification never fetches, and starts without it."""
    import urllib.error
    import urllib.parse
    import urllib.request

    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise FetchError(f"not an http(s) address: {url}")
    headers = {"Content-Type": content_type} if content_type else {}
    request = urllib.request.Request(url, data=body, headers=headers,  # noqa: S310 - scheme checked above
                                     method="POST" if body is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 - scheme checked above
            data: bytes = answer.read(MAX_FETCH_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise FetchError(f"{url} answered HTTP {exc.code}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise FetchError(f"cannot reach {url} ({getattr(exc, 'reason', None) or exc})") from exc
    if len(data) > MAX_FETCH_BYTES:
        raise FetchError(f"{url} sent more than {MAX_FETCH_BYTES} bytes")
    return data


@dataclass(frozen=True)
class Revocation:
    """One stored revocation answer about the ``position``-th certificate of a chain (1 = the leaf)."""

    position: int
    kind: str  # "ocsp" or "crl"
    der: bytes


@dataclass(frozen=True)
class ValidationData:
    """A certificate's chain and revocation answers, as stored beside what it validates."""

    chain: tuple[x509.Certificate, ...] = ()
    revocation: tuple[Revocation, ...] = ()
    notes: tuple[str, ...] = ()  # what could not be gathered (told to the user; not stored)

    def files(self, base: str) -> dict[str, bytes]:
        """The files that hold this data, named after ``base`` (e.g. ``signature/x.p7s.tsr``)."""
        found: dict[str, bytes] = {}
        if self.chain:
            kept = self.chain[1:] or self.chain[:1]
            found[base + CHAIN_SUFFIX] = b"".join(c.public_bytes(Encoding.PEM) for c in kept)
        for item in self.revocation:
            found[f"{base}.revocation-{item.position}.{item.kind}"] = item.der
        return found


def read_validation(base: str, files: dict[str, bytes]) -> tuple[ValidationData, list[tuple[str, str]]]:
    """Parse the stored files for ``base``; returns the data and (file, problem) for each unreadable one."""
    problems: list[tuple[str, str]] = []
    chain: tuple[x509.Certificate, ...] = ()
    revocation: list[Revocation] = []
    for name, data in sorted(files.items()):
        if name == base + CHAIN_SUFFIX:
            try:
                chain = tuple(pem_certificates(data))
            except ValueError:
                problems.append((name, "is not a readable PEM certificate chain"))
            continue
        match = REVOCATION_FILE.fullmatch(name)
        if match is None or match["base"] != base:
            continue
        try:
            if match["kind"] == "ocsp":
                der_ocsp(data)
            else:
                der_crl(data)
        except ValueError:
            problems.append((name, f"is not a readable {'OCSP response' if match['kind'] == 'ocsp' else 'CRL'}"))
            continue
        revocation.append(Revocation(int(match["n"]), match["kind"], data))
    return ValidationData(chain, tuple(revocation)), problems


# --- gathering (only with a timestamp the user asked for) -------------------------------------


def collect(
    certificate: x509.Certificate,
    carried: Sequence[x509.Certificate] = (),
    known: Sequence[x509.Certificate] = (),
    fetch: Fetch = http_fetch,
) -> ValidationData:
    """Gather ``certificate``'s chain (from ``carried``, ``known`` and caIssuers) and the revocation
    answers its issuers publish (OCSP, else the CRL). Never raises for what cannot be had: it is noted."""
    notes: list[str] = []
    chain = [certificate]
    pool = [*carried, *known]
    while len(chain) < MAX_CHAIN and not _self_issued(chain[-1]):
        issuer = _find_issuer(chain[-1], pool) or _fetch_issuer(chain[-1], fetch, notes)
        if issuer is None:
            notes.append(f"the issuer of {chain[-1].subject.rfc4514_string()} could not be found")
            break
        chain.append(issuer)
    revocation: list[Revocation] = []
    for position, (subject, issuer) in enumerate(itertools.pairwise(chain), start=1):
        answer = _fetch_ocsp(subject, issuer, fetch, notes)
        if answer is not None:
            revocation.append(Revocation(position, "ocsp", answer))
            continue
        crl = _fetch_crl(subject, issuer, fetch, notes)
        if crl is not None:
            revocation.append(Revocation(position, "crl", crl))
    return ValidationData(tuple(chain), tuple(revocation), tuple(notes))


def _urls(certificate: x509.Certificate, method: x509.ObjectIdentifier) -> list[str]:
    try:
        access = certificate.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    except x509.ExtensionNotFound:
        return []
    return [d.access_location.value for d in access
            if d.access_method == method and isinstance(d.access_location, x509.UniformResourceIdentifier)]


def _crl_urls(certificate: x509.Certificate) -> list[str]:
    try:
        points = certificate.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    except x509.ExtensionNotFound:
        return []
    return [name.value for point in points for name in point.full_name or ()
            if isinstance(name, x509.UniformResourceIdentifier)]


def _fetch_issuer(certificate: x509.Certificate, fetch: Fetch, notes: list[str]) -> x509.Certificate | None:
    for url in _urls(certificate, AuthorityInformationAccessOID.CA_ISSUERS):
        try:
            data = fetch(url, None, None)
        except FetchError as exc:
            notes.append(str(exc))
            continue
        found = _find_issuer(certificate, _parse_certificates(data))
        if found is not None:
            return found
        notes.append(f"{url} did not give the issuer's certificate")
    return None


def _parse_certificates(data: bytes) -> list[x509.Certificate]:
    """A caIssuers answer: one DER or PEM certificate, or a certs-only PKCS#7 (RFC 5280 § 4.2.2.1)."""
    from cryptography.hazmat.primitives.serialization import pkcs7

    for load in (lambda d: [x509.load_der_x509_certificate(d)], x509.load_pem_x509_certificates,
                 pkcs7.load_der_pkcs7_certificates, pkcs7.load_pem_pkcs7_certificates):
        try:
            return list(parsed(load, data))
        except Unparseable:
            continue
    return []


def _fetch_ocsp(subject: x509.Certificate, issuer: x509.Certificate, fetch: Fetch,
                notes: list[str]) -> bytes | None:
    for url in _urls(subject, AuthorityInformationAccessOID.OCSP):
        request = ocsp.OCSPRequestBuilder().add_certificate(subject, issuer, hashes.SHA1()).build()  # noqa: S303
        try:
            data = fetch(url, request.public_bytes(Encoding.DER), "application/ocsp-request")
            status = check_revocation(Revocation(1, "ocsp", data), subject, issuer)
        except FetchError as exc:
            notes.append(str(exc))
            continue
        if status.usable:
            return data
        notes.append(f"the OCSP answer from {url} is not usable: {status.text}")
    return None


def _fetch_crl(subject: x509.Certificate, issuer: x509.Certificate, fetch: Fetch, notes: list[str]) -> bytes | None:
    for url in _crl_urls(subject):
        try:
            data = fetch(url, None, None)
        except FetchError as exc:
            notes.append(str(exc))
            continue
        if data.startswith(b"-----BEGIN"):
            with contextlib.suppress(ValueError):
                data = pem_crl(data).public_bytes(Encoding.DER)
        status = check_revocation(Revocation(1, "crl", data), subject, issuer)
        if status.usable:
            return data
        notes.append(f"the CRL from {url} is not usable: {status.text}")
    return None


# --- checking, offline, as of a moment -------------------------------------------------------


@dataclass(frozen=True)
class RevocationStatus:
    """What one stored revocation answer says about one certificate."""

    usable: bool  # signed by the issuer (or its delegated responder) and about this certificate
    revoked_at: datetime.datetime | None = None
    produced: datetime.datetime | None = None  # thisUpdate
    valid_until: datetime.datetime | None = None  # nextUpdate
    kind: str = ""
    text: str = ""

    def speaks_for(self, moment: datetime.datetime) -> bool:
        """Whether this answer shows the status at ``moment``: made after it, or current then."""
        if not self.usable or self.produced is None:
            return False
        if self.produced >= moment - TOLERANCE:
            return True
        return self.valid_until is not None and self.valid_until >= moment


@dataclass
class ChainCheck:
    """A certificate's chain and status at one moment, from stored data only."""

    chain: list[x509.Certificate] = field(default_factory=list)
    complete: bool = False  # the chain ends at a self-signed certificate
    problems: list[str] = field(default_factory=list)  # make the thing it validates NOT VALID
    gaps: list[str] = field(default_factory=list)  # what the stored data cannot show
    statuses: list[str] = field(default_factory=list)  # one line per certificate with its status
    # Stored data that no longer holds (sealing keeps only sound data, so this was altered):
    # (file suffix after the base, e.g. ".chain.pem" or ".revocation-1.ocsp", why)
    altered: list[tuple[str, str]] = field(default_factory=list)
    # Stored answers about a certificate the chain does not have (checked by nothing): (suffix, why)
    unused: list[tuple[str, str]] = field(default_factory=list)
    # When each usable stored answer says it was made (thisUpdate): (suffix, time), for a check against the clock
    made: list[tuple[str, datetime.datetime]] = field(default_factory=list)

    @property
    def proven(self) -> bool:
        """Every certificate but the root was shown good at the moment by stored revocation data."""
        return self.complete and not self.problems and not self.gaps


def check_at(
    certificate: x509.Certificate,
    carried: Sequence[x509.Certificate],
    stored: ValidationData,
    moment: datetime.datetime,
) -> ChainCheck:
    """Check ``certificate``'s chain at ``moment`` with the carried and stored certificates and answers."""
    result = ChainCheck()
    stored_chain = [certificate, *(c for c in stored.chain if c != certificate)]
    for lower, upper in itertools.pairwise(stored_chain):
        if _find_issuer(lower, [upper]) is None:
            result.altered.append((CHAIN_SUFFIX, f"{upper.subject.rfc4514_string()} did not issue the certificate "
                                                 "before it in the stored chain"))
            break
    pool = [*carried, *stored.chain]
    chain = [certificate]
    while len(chain) < MAX_CHAIN and not _self_issued(chain[-1]):
        issuer = _find_issuer(chain[-1], pool)
        if issuer is None:
            break
        chain.append(issuer)
    result.chain = chain
    result.complete = _self_issued(chain[-1])
    if not result.complete:
        result.gaps.append(f"the chain stops at {chain[-1].issuer.rfc4514_string()}, whose certificate is not stored")
    for cert in chain:
        if not (cert.not_valid_before_utc - TOLERANCE <= moment <= cert.not_valid_after_utc + TOLERANCE):
            result.problems.append(
                f"{cert.subject.rfc4514_string()} was not valid at {moment:%Y-%m-%d %H:%M:%S} UTC "
                f"(valid {cert.not_valid_before_utc:%Y-%m-%d} to {cert.not_valid_after_utc:%Y-%m-%d})")
    # Which answers are about which certificate: by position, checked against the certificate itself.
    answers: dict[int, list[Revocation]] = {}
    for item in stored.revocation:
        if item.position >= len(chain):
            result.unused.append((f".revocation-{item.position}.{item.kind}",
                                  f"is about certificate {item.position} of the chain, which holds {len(chain)} "
                                  "and has no issuer to answer for it: nothing can check it"))
            continue
        answers.setdefault(item.position, []).append(item)
    for position, (subject, issuer) in enumerate(itertools.pairwise(chain), start=1):
        name = subject.subject.rfc4514_string()
        statuses = []
        for item in answers.get(position, []):
            status = check_revocation(item, subject, issuer)
            statuses.append(status)
            if not status.usable:
                result.altered.append((f".revocation-{item.position}.{item.kind}", status.text))
            elif status.produced is not None:
                result.made.append((f".revocation-{item.position}.{item.kind}", status.produced))
        good = [s for s in statuses if s.usable and s.revoked_at is None and s.speaks_for(moment)]
        revoked = [s for s in statuses if s.usable and s.revoked_at is not None]
        if any(s.revoked_at is not None and s.revoked_at <= moment + TOLERANCE for s in revoked):
            when = min(s.revoked_at for s in revoked if s.revoked_at is not None)
            result.problems.append(f"{name} was revoked on {when:%Y-%m-%d %H:%M:%S} UTC, before the moment checked")
            result.statuses.append(f"{name}: REVOKED {when:%Y-%m-%d %H:%M:%S} UTC")
        elif good:
            best = good[0]
            result.statuses.append(f"{name}: not revoked ({best.kind.upper()} of {best.produced:%Y-%m-%d %H:%M} UTC)")
        elif revoked:
            when = min(s.revoked_at for s in revoked if s.revoked_at is not None)
            result.statuses.append(f"{name}: revoked later, on {when:%Y-%m-%d %H:%M:%S} UTC")
        else:
            unusable = [s.text for s in statuses if not s.usable or not s.speaks_for(moment)]
            why = f" ({'; '.join(unusable)})" if unusable else ""
            result.gaps.append(f"no stored revocation data shows that {name} was not revoked then{why}")
            result.statuses.append(f"{name}: revocation status not stored{why}")
    return result


def check_revocation(item: Revocation, subject: x509.Certificate, issuer: x509.Certificate) -> RevocationStatus:
    """What one stored answer says about ``subject``; ``usable`` only when its signature holds."""
    try:
        if item.kind == "ocsp":
            return _check_ocsp(item.der, subject, issuer)
        return _check_crl(item.der, subject, issuer)
    except Exception as exc:  # noqa: BLE001 - a hostile answer, whatever the parsers raise: unusable, and said so
        return RevocationStatus(False, kind=item.kind, text=f"unreadable ({exc.__class__.__name__})")


def _check_crl(der: bytes, subject: x509.Certificate, issuer: x509.Certificate) -> RevocationStatus:
    crl = der_crl(der)
    if crl.issuer != issuer.subject or not crl.is_signature_valid(issuer.public_key()):  # type: ignore[arg-type]
        return RevocationStatus(False, kind="crl", text="the CRL is not signed by the certificate's issuer")
    entry = crl.get_revoked_certificate_by_serial_number(subject.serial_number)
    return RevocationStatus(True, entry.revocation_date_utc if entry is not None else None,
                            crl.last_update_utc, crl.next_update_utc, "crl", "CRL")


def _check_ocsp(der: bytes, subject: x509.Certificate, issuer: x509.Certificate) -> RevocationStatus:
    response = der_ocsp(der)
    if response.response_status != ocsp.OCSPResponseStatus.SUCCESSFUL:
        return RevocationStatus(False, kind="ocsp", text=f"the responder said {response.response_status.name}")
    expected = ocsp.OCSPRequestBuilder().add_certificate(subject, issuer, response.hash_algorithm).build()
    if (response.serial_number != subject.serial_number
            or response.issuer_key_hash != expected.issuer_key_hash
            or response.issuer_name_hash != expected.issuer_name_hash):
        return RevocationStatus(False, kind="ocsp", text="the OCSP answer is about another certificate")
    responder = _ocsp_responder(response, issuer)
    if responder is None:
        return RevocationStatus(False, kind="ocsp", text="the OCSP answer is not signed by the issuer or its responder")
    try:
        _verify(responder.public_key(), response.signature, response.tbs_response_bytes,
                response.signature_hash_algorithm)
    except InvalidSignature:
        return RevocationStatus(False, kind="ocsp", text="the OCSP answer's signature does not verify")
    if response.certificate_status == ocsp.OCSPCertStatus.UNKNOWN:
        return RevocationStatus(False, kind="ocsp", text="the responder does not know the certificate")
    revoked = response.revocation_time_utc if response.certificate_status == ocsp.OCSPCertStatus.REVOKED else None
    return RevocationStatus(True, revoked, response.this_update_utc, response.next_update_utc, "ocsp", "OCSP")


def _ocsp_responder(response: ocsp.OCSPResponse, issuer: x509.Certificate) -> x509.Certificate | None:
    """The issuer itself, or a certificate the response carries that the issuer made an OCSP signer."""
    for candidate in [issuer, *response.certificates]:
        if response.responder_name is not None and candidate.subject != response.responder_name:
            continue
        if response.responder_key_hash is not None:
            digest = hashes.Hash(hashes.SHA1())  # noqa: S303 - RFC 6960 § 4.2.1 ResponderID byKey
            digest.update(_public_key_bits(candidate))
            if digest.finalize() != response.responder_key_hash:
                continue
        if candidate == issuer:
            return candidate
        try:
            candidate.verify_directly_issued_by(issuer)
            usage = candidate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm, x509.ExtensionNotFound):
            continue
        if ExtendedKeyUsageOID.OCSP_SIGNING in usage:
            return candidate
    return None


def _public_key_bits(certificate: x509.Certificate) -> bytes:
    from asn1crypto import x509 as asn1_x509

    parsed = asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER))
    bits: bytes = parsed.public_key["public_key"].contents[1:]  # BIT STRING without its unused-bits byte
    return bits


def _verify(key: object, signature: bytes, data: bytes, algorithm: hashes.HashAlgorithm | None) -> None:
    if algorithm is None:
        raise InvalidSignature
    if isinstance(key, ec.EllipticCurvePublicKey):
        key.verify(signature, data, ec.ECDSA(algorithm))
    elif isinstance(key, rsa.RSAPublicKey):
        key.verify(signature, data, padding.PKCS1v15(), algorithm)
    else:
        raise InvalidSignature


def issued_by(certificate: x509.Certificate, issuer: x509.Certificate) -> bool:
    """Whether ``issuer`` issued ``certificate``: its subject is the certificate's issuer name and its key verifies
    the certificate's signature."""
    if certificate.issuer != issuer.subject:
        return False
    try:
        certificate.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    return True


def _self_issued(certificate: x509.Certificate) -> bool:
    return issued_by(certificate, certificate)


def _find_issuer(certificate: x509.Certificate, pool: Iterable[x509.Certificate]) -> x509.Certificate | None:
    return next((c for c in pool if c != certificate and issued_by(certificate, c)), None)
