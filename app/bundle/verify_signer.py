"""The signer's part of verification: the signature, the certificate, and whether this machine trusts it.

Split from verify.py (which checks the bag) and verify_stamps.py (timestamps
and renewals) so that each stays readable; :class:`SignerChecks` is mixed
into the verification run and reports through the same ``add`` as every
other check. The signature is checked first, the timestamps next, and only
then is the signer judged: a certificate authority vouches for a signer at
the time a trusted timestamp shows the bundle was signed, or else now.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable, Collection, Sequence

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from .distrust import is_distrusted
from .identity import fingerprint_of, normalise_fingerprint, subject_text
from .instructions import CERTIFICATE_FILE, SIGNATURE_FILE
from .parsing import pem_certificates
from .pathcheck import anchored_path
from .report import SignerSummary, VerificationReport
from .safezip import BagFiles
from .signing import ContentChanged, SignatureFacts, SignatureInvalid, verify_detached
from .timestamp import TimestampFacts
from .validation import issued_by


def colon_fingerprint(text: str) -> str:
    """A fingerprint as ``AB:CD:…`` however it was typed, so expected and found values look alike."""
    digits = normalise_fingerprint(text)
    return ":".join(digits[i : i + 2] for i in range(0, len(digits), 2))


class Trust:
    """What this machine trusts, for which purpose, and whether an untrusted signer is a problem.

    ``fingerprints``: the user's own identities (fingerprint → why, e.g. "your signing identity 'DEMO'");
    ``signers``: certificates trusted as signers themselves; ``cas``: certificate authorities trusted for the
    signers they issue; ``tsas``: certificates trusted for timestamps (roots or the authority's own);
    ``distrusted``: fingerprints never trusted, directly or on any path; ``expected``: the fingerprints the
    reader named (``--trust``): the signer must be one of them.
    """

    def __init__(self, fingerprints: dict[str, str], *, signers: Sequence[x509.Certificate] = (),
                 cas: Sequence[x509.Certificate] = (), tsas: Sequence[x509.Certificate] = (),
                 distrusted: Collection[str] = (), required: bool = False,
                 expected: frozenset[str] = frozenset()) -> None:
        self.fingerprints = fingerprints
        self.signers = {normalise_fingerprint(fingerprint_of(c)) for c in signers}
        self.cas = tuple(cas)
        self.tsas = tuple(tsas)
        self.distrusted = frozenset(normalise_fingerprint(f) for f in distrusted)
        self.required = required
        self.expected = expected  # normalised fingerprints the reader named: the signer must be one of them

    @property
    def consulted(self) -> bool:
        """Whether anything at all is trusted (else every signer is simply unknown)."""
        return bool(self.fingerprints or self.signers or self.cas or self.expected)

    def distrusts(self, certificate: x509.Certificate) -> bool:
        """Whether the user said never to trust it: its fingerprint, its public key or its ECDSA twin."""
        return is_distrusted(certificate, self.distrusted)

    def why_trusted(self, certificate: x509.Certificate, carried: Sequence[x509.Certificate],
                    moment: datetime.datetime) -> tuple[str | None, str | None]:
        """(why the signer is trusted, or None; why a path to a trusted CA does not count, or None)."""
        fingerprint = normalise_fingerprint(fingerprint_of(certificate))
        if self.distrusts(certificate):
            return None, None
        if self.expected:
            return ("the fingerprint you named" if fingerprint in self.expected else None), None
        why = self.fingerprints.get(fingerprint)
        if why is not None:
            return why, None
        if fingerprint in self.signers:
            return "a trusted certificate on this machine", None
        path = anchored_path(certificate, carried, self.cas, moment, purpose="signer", distrusted=self.distrusted)
        if path.anchor is not None:
            return f"issued by trusted certificate {subject_text(path.anchor)}", None
        if path.refusal is None and self.tsas:  # a CA stored before trust had purposes is kept for timestamps only
            for_stamps = anchored_path(certificate, carried, self.tsas, moment, purpose="signer",
                                       distrusted=self.distrusted)
            if for_stamps.anchor is not None:
                return None, (f"it was issued under {subject_text(for_stamps.anchor)}, which this machine trusts for "
                              "timestamps only; if that is your organisation's CA for its signers, trust it for them: "
                              "evbundle identity trust CA.pem --for ca (or Signing identities → Trust a certificate)")
        return None, path.refusal


class SignerChecks:
    """Checks of who signed; mixed into the verification run."""

    report: VerificationReport
    bag: BagFiles
    add: Callable[..., None]
    _read: Callable[[str], bytes | None]
    now: datetime.datetime
    signed_manifest_changed: bool
    judged: set[str]
    _signature_facts: SignatureFacts | None = None
    _signer_certificates: list[x509.Certificate]
    _stamp_facts: list[tuple[str, TimestampFacts]]

    # --- the signature --------------------------------------------------------------

    def _check_signature(self) -> None:
        """The CMS signature over the tag manifest, and signer.pem beside it (who signed is judged later)."""
        self.judged.update((SIGNATURE_FILE, CERTIFICATE_FILE))
        for name in (SIGNATURE_FILE, CERTIFICATE_FILE):
            if name not in self.bag.sizes:
                self.add("missing-file", name, "is missing: nothing proves who sealed the bundle")
        certificates = self._signer_certificates = self._signer_pem()
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
        self._signature_facts = facts
        if facts is None:
            return
        if certificates:
            self._check_signer_pem(facts, certificates)
        if not facts.chain_complete and facts.missing_issuer:
            self.report.notes.append(
                f"The signer's certificate chain stops at {facts.missing_issuer}, whose certificate is not in "
                "the signature: check it against your organisation's PKI.")
        if facts.unsigned_attributes:
            self.report.notes.append(
                "The signature file carries unsigned attributes (" + ", ".join(facts.unsigned_attributes)
                + "): no signature covers them, anyone could have added them, and nothing here relies on them.")
        extra = [c for c in facts.certificates if c not in facts.chain]
        if extra:
            self.report.notes.append(
                f"The signature file carries {len(extra)} certificate(s) that are not the signer's or its issuers' ("
                + "; ".join(subject_text(c)[:200] for c in extra[:5]) + (", ..." if len(extra) > 5 else "")
                + "): unused, and covered by no signature.")

    def _check_signer_pem(self, facts: SignatureFacts, certificates: list[x509.Certificate]) -> None:
        """signer.pem's certificate must be the one that made the signature (and be alone, see _signer_pem).

        A second certificate is refused (in _signer_pem) unless the file is a signer and its issuers (the
        layout of older PKI-signed bundles): a stock route giving signer.pem to ``openssl cms -verify -CAfile``
        accepts a signature by *any* certificate in it, while ``openssl x509 -in signer.pem`` prints only the
        first one's fingerprint. Here the first must be the one that signed.
        """
        if certificates[0].public_bytes(Encoding.DER) != facts.certificate.public_bytes(Encoding.DER):
            self.add("certificate-mismatch", CERTIFICATE_FILE, "is not the certificate that made the signature",
                     expected=fingerprint_of(facts.certificate), found=fingerprint_of(certificates[0]))

    # --- who signed -----------------------------------------------------------------

    def _judge_signer(self, trusted: Trust) -> None:
        """Whether the signer is trusted here, at the time a trusted timestamp gives (else now), and what to note."""
        facts = self._signature_facts
        if facts is None:
            self._unproven_signer()
            return
        certificate = facts.certificate
        fingerprint = fingerprint_of(certificate)
        stamped = self._trusted_signing_time()
        moment = stamped or self.now
        refusal: str | None = None
        try:
            why, refusal = trusted.why_trusted(certificate, facts.certificates, moment)
            subject, not_after = subject_text(certificate), certificate.not_valid_after_utc.isoformat()
        except ValueError as exc:  # a certificate cryptography parses only in part
            self.add("certificate-unreadable", CERTIFICATE_FILE, f"the signer's certificate is malformed ({exc})")
            why, subject, not_after = None, "(unreadable)", None
        is_trusted = why is not None
        self.report.signer = SignerSummary(
            subject=subject, fingerprint=fingerprint, trusted=is_trusted, signature_valid=True,
            signed_at=facts.signed_at.isoformat() if facts.signed_at else None, not_valid_after=not_after,
            trusted_as=why,
        )
        if refusal:
            self.report.notes.append(f"The signer is not trusted through a certificate authority: {refusal}.")
        self._note_validity(certificate, stamped)
        if trusted.distrusts(certificate):
            self.add("distrusted-signer", CERTIFICATE_FILE,
                     "the signer is an identity you said not to trust on this machine (evbundle identity untrust): "
                     "its key may be in other hands", found=fingerprint)
        elif trusted.expected and not is_trusted:
            self.add("unexpected-signer", CERTIFICATE_FILE,
                     "the bundle was signed by another key than the one you named (--trust): "
                     "it may have been altered and re-signed",
                     expected=", ".join(colon_fingerprint(f) for f in sorted(trusted.expected)), found=fingerprint)
        elif trusted.required and not is_trusted:
            self.add("untrusted-signer", CERTIFICATE_FILE,
                     "the signer is not one of the identities trusted on this machine", found=fingerprint)

    def _unproven_signer(self) -> None:
        """No good signature: signer.pem names someone, but nothing shows they signed; never trusted."""
        certificates = self._signer_certificates
        if not certificates:
            return
        certificate = certificates[0]
        try:
            subject, not_after = subject_text(certificate), certificate.not_valid_after_utc.isoformat()
        except ValueError:
            subject, not_after = "(unreadable)", None
        self.report.signer = SignerSummary(subject=subject, fingerprint=fingerprint_of(certificate), trusted=False,
                                           signature_valid=False, not_valid_after=not_after)

    def _trusted_signing_time(self) -> datetime.datetime | None:
        """The time of the signature's own timestamp, when it is sound and its authority trusted here."""
        from .instructions import TIMESTAMP_FILE

        for name, facts in self._stamp_facts:
            if name == TIMESTAMP_FILE and facts.trusted:
                return facts.time
        return None

    def _note_validity(self, certificate: x509.Certificate, stamped: datetime.datetime | None) -> None:
        """Say when the signer's certificate was valid, against the trusted timestamp (if any) and now."""
        start, end = certificate.not_valid_before_utc, certificate.not_valid_after_utc
        span = f"valid {start:%Y-%m-%d} to {end:%Y-%m-%d}"
        if stamped is not None:
            if start <= stamped <= end and end < self.now:
                self.report.notes.append(
                    f"The signer's certificate ({span}) has expired since, but was valid at the signature's trusted "
                    f"timestamp ({stamped:%Y-%m-%d %H:%M} UTC).")
            return  # outside its validity at the timestamp: a problem (signer-invalid-at-timestamp)
        if end < self.now:
            self.report.notes.append(
                f"The signer's certificate ({span}) expired on {end:%Y-%m-%d}, and no trusted timestamp shows the "
                "bundle was signed before that: its signing time is the signer's own claim.")
        elif start > self.now:
            self.report.notes.append(f"The signer's certificate ({span}) is not valid yet.")
        facts = self._signature_facts
        if facts is not None and facts.signed_at is not None and not (start <= facts.signed_at <= end):
            self.report.notes.append(
                f"The signer's own clock says it signed on {facts.signed_at:%Y-%m-%d}, outside its certificate's "
                f"validity ({span}).")

    def _signer_pem(self) -> list[x509.Certificate]:
        data = self._read(CERTIFICATE_FILE)
        if data is None:
            return []
        try:
            certificates = pem_certificates(data)
        except ValueError:
            self.add("certificate-unreadable", CERTIFICATE_FILE, "is not a readable PEM certificate")
            return []
        if len(certificates) > 1 and _is_chain(certificates):
            # Bundles sealed with a PKI identity before signer.pem held one certificate carry the signer's
            # certificate and then its issuers. They stay VALID: the check below compares the certificate
            # that really signed with the first one, whatever a stock route makes of the others.
            self.report.notes.append(
                f"{CERTIFICATE_FILE} holds the signer's certificate followed by its issuers ({len(certificates)} "
                "certificates), as bundles sealed before signer.pem held the signer's alone did. This check compared "
                "the certificate that made the signature with the first one; the stock route in this bundle's "
                "VERIFY.txt cannot: it accepts a signature by any certificate its issuers issued.")
        elif len(certificates) > 1:
            self.add("certificate-mismatch", CERTIFICATE_FILE,
                     f"holds {len(certificates)} certificates where a bundle has exactly one, the signer's: a stock "
                     "tool checking the signature against this file accepts a signature by any of them, while "
                     "the fingerprint it prints is the first one's", found=f"{len(certificates)} certificates")
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


def _is_chain(certificates: list[x509.Certificate]) -> bool:
    """A signer and its issuers: distinct certificates, each after the first the issuer of the one before it (its
    subject the other's issuer name, its key verifying the other's signature), none self-issued before the last
    (a self-signed certificate "issues" itself, and any same-key copy of it, so it ends a chain)."""
    encoded = [c.public_bytes(Encoding.DER) for c in certificates]
    if len(set(encoded)) != len(encoded):
        return False
    return not any(subject.subject == subject.issuer or not issued_by(subject, issuer)
                   for subject, issuer in itertools.pairwise(certificates))


def claimed_signer(case: object) -> str | None:
    """The signer fingerprint case.json records, if it records one."""
    if not isinstance(case, dict):
        return None
    value = case.get("signer_fingerprint_sha256") or case.get("signer_fingerprint")
    signer = case.get("signer")
    if value is None and isinstance(signer, dict):
        value = signer.get("fingerprint")
    return value if isinstance(value, str) and value else None
