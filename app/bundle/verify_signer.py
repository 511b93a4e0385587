"""The signer's part of verification: signature, certificate, trust on this machine, timestamps.

Split from verify.py (which checks the bag) so that each stays readable;
:class:`SignerChecks` is mixed into the verification run and reports through
the same ``add`` as every other check.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from .identity import fingerprint_of, normalise_fingerprint, subject_text
from .instructions import CERTIFICATE_FILE, SIGNATURE_FILE
from .report import SignerSummary, TimestampSummary, VerificationReport
from .safezip import BagFiles
from .signing import ContentChanged, SignatureFacts, SignatureInvalid, verify_detached
from .timestamp import TimestampError, TimestampMismatch, check_timestamp
from .trust import trusted_anchor


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

    # --- signature --------------------------------------------------------------------

    def _check_signature(self, trusted: Trust) -> None:
        for name in self.signature_files:
            if name in (SIGNATURE_FILE, CERTIFICATE_FILE):
                continue
            if not (name.endswith(".tsr") and name.count("/") == 1):
                self.add("extra-file", name, "is not a file the signature folder holds")
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

    def _check_timestamps(self, trusted: Trust) -> None:
        """Each signature/*.tsr must be a sound timestamp over the signature file as it is."""
        for name in self.signature_files:
            if not (name.endswith(".tsr") and name.count("/") == 1):
                continue
            reply = self._read(name)
            if reply is None:
                continue
            signature = self._read(SIGNATURE_FILE)
            if signature is None:
                self.add("timestamp-invalid", name, "cannot be checked: the signature it timestamps is missing")
                self.report.timestamps.append(TimestampSummary(name, False))
                continue
            try:
                facts = check_timestamp(reply, signature, trusted.certificates)
            except TimestampMismatch as exc:
                self.add("timestamp-mismatch", name,
                         f"{exc.message}: the signature or the timestamp was replaced",
                         expected=exc.expected, found=exc.found)
                self.report.timestamps.append(TimestampSummary(name, False))
                continue
            except TimestampError as exc:
                self.add("timestamp-invalid", name, f"the timestamp is not valid: {exc.message}",
                         expected=exc.expected, found=exc.found)
                self.report.timestamps.append(TimestampSummary(name, False))
                continue
            self.report.timestamps.append(TimestampSummary(
                name, True, facts.time.isoformat(), facts.authority, facts.authority_fingerprint, facts.trusted,
            ))
            if trusted.required and not facts.trusted:
                self.add("untrusted-timestamp", name,
                         "the timestamp authority is not trusted on this machine", found=facts.authority)

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
