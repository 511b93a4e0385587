"""The signer's part of verification: signature, certificate, trust on this machine, timestamps.

Split from verify.py (which checks the bag) so that each stays readable;
:class:`SignerChecks` is mixed into the verification run and reports through
the same ``add`` as every other check.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
from collections.abc import Callable, Sequence

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.serialization import Encoding

from app.core.hashing import Digests

from .archive import archive_number, parse_listing, renewal_due, signature_folder
from .identity import fingerprint_of, normalise_fingerprint, subject_text
from .instructions import CERTIFICATE_FILE, SIGNATURE_FILE, SIGNER_BASE
from .report import SignerSummary, TimestampSummary, VerificationReport
from .safezip import BagFiles
from .signing import ContentChanged, SignatureFacts, SignatureInvalid, verify_detached
from .timestamp import TimestampError, TimestampFacts, TimestampMismatch, check_timestamp
from .trust import trusted_anchor
from .validation import ValidationData, check_at, read_validation, validation_names


class Trust:
    """What this machine trusts, and whether an untrusted signer is a problem."""

    def __init__(self, fingerprints: dict[str, str], certificates: tuple[x509.Certificate, ...], required: bool,
                 expected: frozenset[str] = frozenset()) -> None:
        self.fingerprints = fingerprints
        self.certificates = certificates
        self.required = required
        self.expected = expected  # normalised fingerprints the reader named: the signer must be one of them

    def why_trusted(self, certificate: x509.Certificate, carried: Sequence[x509.Certificate]) -> str | None:
        fingerprint = normalise_fingerprint(fingerprint_of(certificate))
        if self.expected:
            return "the fingerprint you named" if fingerprint in self.expected else None
        why = self.fingerprints.get(fingerprint)
        if why is not None:
            return why
        anchor = trusted_anchor(certificate, carried, self.certificates)
        if anchor is None:
            return None
        if anchor == certificate:
            return "a trusted certificate on this machine"
        return f"issued by trusted certificate {subject_text(anchor)}"


class SignerChecks:
    """Checks of who signed and when; mixed into the verification run."""

    report: VerificationReport
    bag: BagFiles
    signature_files: list[str]
    signed_manifest_changed: bool
    add: Callable[..., None]
    _read: Callable[[str], bytes | None]
    now: datetime.datetime
    digests: dict[str, Digests | None]
    tag_files: list[str]
    _signature_facts: SignatureFacts | None = None
    _stamp_facts: list[tuple[str, TimestampFacts]]

    # --- signature --------------------------------------------------------------------

    def _check_signature(self, trusted: Trust) -> None:
        folder = signature_folder(self.signature_files)
        for name in folder.unknown:
            self.add("extra-file", name, "is not a file the signature folder holds")
        if not folder.tokens:  # the signer's validation data is gathered only with a timestamp
            for name, base in folder.validation.items():
                if base == SIGNER_BASE:
                    self.add("extra-file", name, "is validation data, but the bundle has no timestamp it goes with")
        for name in (SIGNATURE_FILE, CERTIFICATE_FILE):
            if name not in self.bag.sizes:
                self.add("missing-file", name, "is missing: nothing proves who sealed the bundle")
        certificates = self._signer_pem()
        facts: SignatureFacts | None = None
        signature = self._read(SIGNATURE_FILE)
        content = self._read("tagmanifest-sha256.txt")
        if signature is not None and content is not None:
            try:
                facts = verify_detached(signature, content)
            except ContentChanged:
                self.signed_manifest_changed = True
                self.add("signature-invalid", "tagmanifest-sha256.txt",
                         "was changed after it was signed: the signature covers another version")
            except SignatureInvalid as exc:
                self.add("signature-invalid", SIGNATURE_FILE, f"the signature is not valid: {exc.message}")
        elif signature is not None:
            self.add("signature-invalid", SIGNATURE_FILE, "cannot be checked: the signed tag manifest is missing")
        if facts is not None and certificates:
            signing_der = facts.certificate.public_bytes(Encoding.DER)
            carried = {c.public_bytes(Encoding.DER) for c in facts.certificates}
            if certificates[0].public_bytes(Encoding.DER) != signing_der:
                self.add("certificate-mismatch", CERTIFICATE_FILE,
                         "is not the certificate that made the signature",
                         expected=fingerprint_of(facts.certificate), found=fingerprint_of(certificates[0]))
            elif any(c.public_bytes(Encoding.DER) not in carried for c in certificates[1:]):
                self.add("certificate-mismatch", CERTIFICATE_FILE,
                         "holds certificates the signature does not carry")
            if not facts.chain_complete:
                self.report.notes.append(
                    f"The signer's certificate was issued by {facts.certificate.issuer.rfc4514_string()}, "
                    "whose certificate is not in the bundle: check it against your organisation's PKI."
                )
        self._signature_facts = facts
        certificate = facts.certificate if facts is not None else (certificates[0] if certificates else None)
        if certificate is None:
            return
        fingerprint = fingerprint_of(certificate)
        try:
            why = trusted.why_trusted(certificate, facts.certificates if facts is not None else certificates)
            subject, not_after = subject_text(certificate), certificate.not_valid_after_utc.isoformat()
        except ValueError as exc:  # a certificate cryptography parses only in part
            self.add("certificate-unreadable", CERTIFICATE_FILE, f"the signer's certificate is malformed ({exc})")
            why, subject, not_after = None, "(unreadable)", None
        is_trusted = why is not None
        self.report.signer = SignerSummary(
            subject=subject,
            fingerprint=fingerprint,
            trusted=is_trusted,
            signature_valid=facts is not None,
            signed_at=facts.signed_at.isoformat() if facts is not None and facts.signed_at else None,
            not_valid_after=not_after,
            trusted_as=why,
        )
        if trusted.expected and not is_trusted:
            self.add("unexpected-signer", CERTIFICATE_FILE,
                     "the bundle was signed by another key than the one you named (--trust): "
                     "it may have been altered and re-signed", expected=", ".join(sorted(trusted.expected)),
                     found=fingerprint)
        elif trusted.required and not is_trusted:
            self.add("untrusted-signer", CERTIFICATE_FILE,
                     "the signer is not one of the identities trusted on this machine", found=fingerprint)

    def _stored(self, base: str) -> ValidationData:
        """The validation data stored for ``base`` (a token, or the signer); unreadable files are problems."""
        files = {}
        for name in validation_names(base, self.signature_files):
            data = self._read(name)
            if data is not None:
                files[name] = data
        stored, problems = read_validation(base, files)
        for name, message in problems:
            self.add("validation-data-unreadable", name, message)
        return stored

    def _check_timestamps(self, trusted: Trust) -> None:
        """Each token must be a sound timestamp, at its own time, over the file it covers as it is."""
        self._stamp_facts = []
        folder = signature_folder(self.signature_files)
        for name in folder.tokens:
            covers = folder.covered_by(name)
            number = archive_number(covers)
            role = f"archive timestamp {number}" if number is not None else "signature timestamp"
            reply = self._read(name)
            if reply is None:
                continue
            data = self._read(covers)
            if data is None:
                self.add("timestamp-invalid", name, f"cannot be checked: {covers}, which it timestamps, is missing")
                self.report.timestamps.append(TimestampSummary(name, False, role=role, covers=covers))
                continue
            try:
                facts = check_timestamp(reply, data, trusted.certificates, self._stored(name))
            except TimestampMismatch as exc:
                self.add("timestamp-mismatch", name,
                         f"{exc.message.replace('signature', 'file it names')}: "
                         f"{'the signature' if number is None else covers} or the timestamp was replaced",
                         expected=exc.expected, found=exc.found)
                self.report.timestamps.append(TimestampSummary(name, False, role=role, covers=covers))
                continue
            except TimestampError as exc:
                self.add("timestamp-invalid", name, f"the timestamp is not valid: {exc.message}",
                         expected=exc.expected, found=exc.found)
                self.report.timestamps.append(TimestampSummary(name, False, role=role, covers=covers))
                continue
            except (ValueError, TypeError, UnsupportedAlgorithm) as exc:  # a hostile certificate in the stored data
                self.add("timestamp-invalid", name, "the timestamp or its stored validation data cannot be read "
                         f"({exc.__class__.__name__})")
                self.report.timestamps.append(TimestampSummary(name, False, role=role, covers=covers))
                continue
            for suffix, why in facts.chain.altered:
                self.add("validation-data-invalid", name + suffix, f"no longer holds: {why}")
            self._stamp_facts.append((name, facts))
            self.report.timestamps.append(TimestampSummary(
                name, True, facts.time.isoformat(), facts.authority, facts.authority_fingerprint, facts.trusted,
                role=role, covers=covers, authority_not_valid_after=facts.authority_not_valid_after.isoformat(),
                long_term=facts.chain.proven, chain=tuple(facts.chain.statuses),
            ))
            if trusted.required and not facts.trusted:
                self.add("untrusted-timestamp", name,
                         "the timestamp authority is not trusted on this machine", found=facts.authority)
        self._check_chain_of_timestamps()
        self._check_signer_at_timestamp()

    def _check_chain_of_timestamps(self) -> None:
        """Each timestamp must have been renewed while it was good; the last one says when to renew."""
        stamps = self._stamp_facts
        for (name, facts), (later, renewal) in itertools.pairwise(stamps):
            if renewal.time > facts.authority_not_valid_after:
                self.report.notes.append(
                    f"{later} was made on {renewal.time:%Y-%m-%d}, after the certificate of the authority of "
                    f"{name} had expired ({facts.authority_not_valid_after:%Y-%m-%d}): it shows {name} existed "
                    "then, but not that it was still sound.")
            elif facts.authority_not_valid_after < self.now:
                self.report.notes.append(
                    f"The authority's certificate of {name} expired on {facts.authority_not_valid_after:%Y-%m-%d}; "
                    f"{later}, made on {renewal.time:%Y-%m-%d} while it was still valid, carries its proof on.")
        if not stamps:
            return
        name, last = stamps[-1]
        if last.authority_not_valid_after < self.now:
            if last.chain.proven:
                self.report.notes.append(
                    f"The authority's certificate of {name} expired on {last.authority_not_valid_after:%Y-%m-%d}; "
                    "it was checked as of the timestamp's time with the chain and revocation data stored beside it "
                    "(RFC 3161 appendix B).")
            else:
                self.report.notes.append(
                    f"The authority's certificate of {name} expired on {last.authority_not_valid_after:%Y-%m-%d} and "
                    "the bundle stores no revocation data showing it was good at the timestamp's time ("
                    + "; ".join(last.chain.gaps) + "): the timestamp's time rests on the authority's word alone.")
        self.report.renewal = renewal_due(last.authority_not_valid_after, last.hash_algorithm,
                                          last.signature_algorithm, self.now)
        if self.report.renewal:
            self.report.renewal += " (evbundle renew BUNDLE --tsa URL adds an archive timestamp)"

    def _check_signer_at_timestamp(self) -> None:
        """RFC 3161 appendix B: the signer's certificate was valid, and not revoked, at the signature's timestamp."""
        facts = self._signature_facts
        first = next((f for n, f in self._stamp_facts if archive_number(n.removesuffix(".tsr")) is None), None)
        if facts is None or first is None:
            return
        signer = facts.certificate
        stored = self._stored(SIGNER_BASE)
        try:
            check = check_at(signer, facts.certificates, stored, first.time)
        except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
            self.add("validation-data-invalid", SIGNER_BASE + ".chain.pem",
                     f"the signer's stored validation data cannot be read ({exc.__class__.__name__})")
            return
        for suffix, why in check.altered:
            self.add("validation-data-invalid", SIGNER_BASE + suffix, f"no longer holds: {why}")
        for problem in check.problems:
            self.add("signer-invalid-at-timestamp", CERTIFICATE_FILE,
                     f"the signer's certificate at the signature's timestamp: {problem}")
        if check.complete and len(check.chain) > 1 and check.gaps:
            self.report.notes.append("The signer's certificate has issuers, but " + "; ".join(check.gaps) + ".")

    def _check_archives(self) -> None:
        """Each archive listing must hold every file that was in the bag before it, with its SHA-512."""
        folder = signature_folder(self.signature_files)
        generation: dict[str, int] = {}
        for name in [*self.tag_files, *self.signature_files]:
            owner = folder.validation.get(name, name).removesuffix(".tsr")
            generation[name] = archive_number(owner) or 0
        for listing_name in folder.archives:
            number = archive_number(listing_name) or 0
            data = self._read(listing_name)
            if data is None:
                continue
            entries, errors = parse_listing(data)
            for error in errors:
                self.add("bad-archive-listing", listing_name, error)
            for path, expected in sorted(entries.items()):
                if path not in generation:
                    self.add("missing-file", path, f"is listed in {listing_name} but missing from the bag")
                    continue
                if generation[path] >= number:
                    self.add("bad-archive-listing", listing_name, f"lists {path}, which was added after it")
                    continue
                found = self._sha512(path)
                if found is not None and found != expected:
                    self.add("changed-file", path, f"does not match its SHA-512 in {listing_name} "
                             "(changed after the bundle was renewed)", expected=expected, found=found)
            for path, made in sorted(generation.items()):
                if made < number and path not in entries:
                    self.add("extra-file", path, f"is not in {listing_name}, which lists every file that was "
                             "in the bundle when it was renewed (added later?)")

    def _sha512(self, name: str) -> str | None:
        if name.startswith("signature/"):
            data = self._read(name)
            return hashlib.sha512(data).hexdigest() if data is not None else None
        digests = self.digests.get(name)
        return digests.sha512 if digests is not None else None

    def _signer_pem(self) -> list[x509.Certificate]:
        data = self._read(CERTIFICATE_FILE)
        if data is None:
            return []
        try:
            certificates = x509.load_pem_x509_certificates(data)
        except ValueError:
            self.add("certificate-unreadable", CERTIFICATE_FILE, "is not a readable PEM certificate")
            return []
        canonical = b"".join(c.public_bytes(Encoding.PEM) for c in certificates)
        if canonical != data:
            self.add("certificate-mismatch", CERTIFICATE_FILE,
                     "was edited: it holds more than the certificates, or they were re-encoded")
        return certificates

    def _check_claimed_signer(self, path: str, claimed: str | None) -> None:
        """A fingerprint the bag records (case.json, bag-info.txt) must be the signature's."""
        signer = self.report.signer
        if (claimed and signer is not None
                and normalise_fingerprint(claimed) != normalise_fingerprint(signer.fingerprint)):
            self.add("signer-mismatch", path, "names a different signer than the signature",
                     expected=claimed, found=signer.fingerprint)



def claimed_signer(case: object) -> str | None:
    """The signer fingerprint case.json records, if it records one."""
    if not isinstance(case, dict):
        return None
    value = case.get("signer_fingerprint_sha256") or case.get("signer_fingerprint")
    signer = case.get("signer")
    if value is None and isinstance(signer, dict):
        value = signer.get("fingerprint")
    return value if isinstance(value, str) and value else None
