"""Verify a bundle: every file, every hash, the signature, the custody chain; every problem reported.

The chain of proof runs: signature → tagmanifest-sha256.txt → every tag
file (manifests, bag-info, case.json, custody.jsonl, VERIFY.txt) →
manifest-sha256/512.txt → every evidence file. Each link is checked on its
own, so a change anywhere is reported at the file that changed, and one
problem never hides the next. BundleError is raised only when verification
cannot run at all (not a zip, not a bag, hostile content).
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Collection
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from app.core import custody
from app.core.errors import BundleError, OperationCancelled

from . import bagit_text
from .identity import fingerprint_of, normalise_fingerprint, subject_text
from .instructions import CERTIFICATE_FILE, SIGNATURE_FILE
from .names import unsafe_reason
from .report import Problem, SignerSummary, VerificationReport
from .safezip import BagFiles, ReadLimits, open_bag
from .signing import ContentChanged, SignatureFacts, SignatureInvalid, verify_detached
from .streaming import DualHasher

REQUIRED_TAG_FILES = (
    "bagit.txt",
    "bag-info.txt",
    *(f"manifest-{a}.txt" for a in bagit_text.ALGORITHMS),
    *(f"tagmanifest-{a}.txt" for a in bagit_text.ALGORITHMS),
    "case.json",
    "custody.jsonl",
    "VERIFY.txt",
)
_READ_ERRORS = (OSError, zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)

__all__ = ["Problem", "SignerSummary", "VerificationReport", "ReadLimits", "verify_bundle"]


def verify_bundle(
    path: Path,
    *,
    trusted_fingerprints: Collection[str] = (),
    limits: ReadLimits | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> VerificationReport:
    """Check a bundle (.zip, or an unzipped folder) and report every problem found.

    ``trusted_fingerprints``: signer fingerprints this machine trusts (for
    example those of :func:`list_identities`); when given, any other signer
    is a problem. ``progress(done, total)`` counts evidence bytes hashed.
    """
    with open_bag(Path(path), limits) as bag, DualHasher() as hasher:
        check = _Verification(bag, hasher, limits or ReadLimits(), progress, cancelled)
        check.report.trust_checked = bool(trusted_fingerprints)
        check.run({normalise_fingerprint(f) for f in trusted_fingerprints})
        return check.report


class _Verification:
    def __init__(
        self,
        bag: BagFiles,
        hasher: DualHasher,
        limits: ReadLimits,
        progress: Callable[[int, int], None] | None,
        cancelled: Callable[[], bool] | None,
    ) -> None:
        self.bag = bag
        self.hasher = hasher
        self.limits = limits
        self.progress = progress
        self.cancelled = cancelled
        self.report = VerificationReport(str(bag.source), bag.bag_name)
        self.payload = sorted(n for n in bag.sizes if n.startswith("data/"))
        self.signature_files = sorted(n for n in bag.sizes if n.startswith("signature/"))
        self.tag_files = sorted(
            n for n in bag.sizes if not n.startswith(("data/", "signature/"))
        )
        self.done = 0
        self.total = sum(bag.sizes[n] for n in self.payload)
        self._cache: dict[str, bytes | None] = {}
        self.bag_info: dict[str, str] = {}
        self.signed_manifest_changed = False  # the signature is intact but tagmanifest-sha256.txt is not

    def add(self, code: str, path: str, message: str, **details: str | None) -> None:
        self.report.add(code, path, message, **details)

    def run(self, trusted: set[str]) -> None:
        report = self.report
        report.payload_files = len(self.payload)
        report.payload_bytes = self.total
        report.tag_files = len(self.tag_files)
        for name in self.bag.outside:
            self.add("extra-file", name, "is outside the bag folder; a bundle holds nothing else")
        for name in REQUIRED_TAG_FILES:
            if name not in self.bag.sizes:
                self.add("missing-file", name, "is missing from the bag")
        self._check_bagit_txt()
        manifests = {a: self._manifest(f"manifest-{a}.txt", payload=True) for a in bagit_text.ALGORITHMS}
        self._check_payload(manifests)
        self._check_bag_info()
        tagmanifests = {a: self._manifest(f"tagmanifest-{a}.txt", payload=False) for a in bagit_text.ALGORITHMS}
        self._check_signature(trusted)
        self._check_tag_files(tagmanifests)
        self._check_custody()
        self._check_case_json()
        self._check_claimed_signer("bag-info.txt", self.bag_info.get("Signer-Fingerprint-SHA256"))

    # --- reading ---------------------------------------------------------------

    def _read(self, name: str) -> bytes | None:
        """A tag file's bytes, or None (missing, too large or unreadable: reported once)."""
        if name in self._cache:
            return self._cache[name]
        data: bytes | None = None
        if name in self.bag.sizes:
            try:
                data = self.bag.read(name, self.limits.max_tag_file_size)
            except BundleError as exc:
                self.add("unreadable-file", name, exc.message)
            except _READ_ERRORS as exc:
                self.add("unreadable-file", name, f"cannot be read ({_reason(exc)})")
        self._cache[name] = data
        return data

    def _tick(self, size: int) -> None:
        if self.cancelled is not None and self.cancelled():
            raise OperationCancelled("Verification cancelled.")
        self.done += size
        if self.progress is not None:
            self.progress(min(self.done, self.total), self.total)

    # --- BagIt structure ------------------------------------------------------------

    def _check_bagit_txt(self) -> None:
        data = self._read("bagit.txt")
        if data is None:
            return
        fields, errors = bagit_text.parse_tag_lines(data)
        for error in errors:
            self.add("bad-bagit-txt", "bagit.txt", error)
        values = dict(fields)
        if values.get("BagIt-Version") != bagit_text.BAGIT_VERSION:
            self.add("bad-bagit-txt", "bagit.txt", "does not declare BagIt-Version 1.0",
                     expected="1.0", found=values.get("BagIt-Version"))
        if (values.get("Tag-File-Character-Encoding") or "").upper() != "UTF-8":
            self.add("bad-bagit-txt", "bagit.txt", "does not declare UTF-8 tag files",
                     found=values.get("Tag-File-Character-Encoding"))

    def _manifest(self, name: str, *, payload: bool) -> dict[str, str] | None:
        data = self._read(name)
        if data is None:
            return None
        algorithm = name.split("-", 1)[1].removesuffix(".txt")
        parsed = bagit_text.parse_manifest(data, algorithm)
        for error in parsed.errors:
            self.add("bad-manifest", name, error)
        entries: dict[str, str] = {}
        for path, digest in parsed.entries.items():
            reason = unsafe_reason(path)
            if reason:
                self.add("bad-manifest", name, f"lists an unsafe path: {reason}", found=repr(path))
            elif payload != path.startswith("data/"):
                where = "outside data/" if payload else "inside data/"
                self.add("bad-manifest", name, f"lists a file {where}", found=path)
            else:
                entries[path] = digest
        if payload:
            self.report.manifest_entries = max(self.report.manifest_entries, len(entries))
        return entries

    def _check_payload(self, manifests: dict[str, dict[str, str] | None]) -> None:
        on_disk = {_key(n): n for n in self.payload}
        by_key = {a: {_key(p): d for p, d in (e or {}).items()} for a, e in manifests.items()}
        listed: set[str] = set()
        for entries in manifests.values():
            for path in (entries or {}):
                listed.add(_key(path))
                if _key(path) not in on_disk:
                    self.add("missing-file", path, "is listed in the manifest but missing from the bag")
        for name in self.payload:
            if _key(name) not in listed:
                self.add("extra-file", name, "is in data/ but not in the manifest (added after sealing?)")
            try:
                with self.bag.open(name) as stream:
                    digests = self.hasher.hash_stream(stream, None, self._tick)
            except OperationCancelled:
                raise
            except _READ_ERRORS as exc:
                self.add("unreadable-file", name, f"cannot be read ({_reason(exc)})")
                continue
            for algorithm, entries in by_key.items():
                expected = entries.get(_key(name))
                found = getattr(digests, algorithm)
                if expected is not None and expected != found:
                    self.add(
                        "changed-file", name,
                        f"does not match its {algorithm.upper()} in manifest-{algorithm}.txt "
                        "(changed after sealing)",
                        expected=expected, found=found,
                    )

    def _check_bag_info(self) -> None:
        data = self._read("bag-info.txt")
        if data is None:
            return
        fields, errors = bagit_text.parse_tag_lines(data)
        for error in errors:
            self.add("bad-bag-info", "bag-info.txt", error)
        self.bag_info = dict(fields)
        oxum_text = self.bag_info.get("Payload-Oxum")
        actual = bagit_text.payload_oxum(self.total, len(self.payload))
        oxum = bagit_text.parse_payload_oxum(oxum_text) if oxum_text else None
        if oxum is None:
            self.add("bad-bag-info", "bag-info.txt", "has no valid Payload-Oxum", found=oxum_text)
        elif oxum != (self.total, len(self.payload)):
            self.add(
                "payload-oxum", "bag-info.txt",
                "Payload-Oxum (total bytes.file count) does not match the evidence files in data/",
                expected=oxum_text, found=actual,
            )

    def _check_tag_files(self, tagmanifests: dict[str, dict[str, str] | None]) -> None:
        """Each tag file against each tag manifest, blaming the right file when they disagree.

        tagmanifest-sha256.txt is the signed one, so it is the reference: where
        the unsigned tagmanifest-sha512.txt disagrees with it about a file that
        matches the reference, the sha512 manifest was changed. When the
        signature shows tagmanifest-sha256.txt itself was changed, the roles swap.
        """
        reference_algorithm = "sha512" if self.signed_manifest_changed else "sha256"
        signed = tagmanifests.get(reference_algorithm)
        covered: set[str] = set()
        for algorithm, entries in tagmanifests.items():
            manifest = f"tagmanifest-{algorithm}.txt"
            checked_against_signed = algorithm != reference_algorithm and signed is not None
            for path, expected in (entries or {}).items():
                covered.add(path)
                if checked_against_signed and path not in signed:  # type: ignore[operator]
                    self.add("bad-manifest", manifest,
                             f"lists {path}, which tagmanifest-{reference_algorithm}.txt does not")
                    continue
                if path not in self.bag.sizes:
                    self.add("missing-file", path, f"is listed in {manifest} but missing from the bag")
                    continue
                data = self._read(path)
                if data is None:
                    continue
                found = hashlib.new(algorithm, data).hexdigest()
                if found == expected:
                    continue
                if checked_against_signed and hashlib.new(reference_algorithm, data).hexdigest() == signed[path]:  # type: ignore[index]
                    self.add("changed-file", manifest,
                             f"its {algorithm.upper()} of {path} is wrong, while {path} matches "
                             f"tagmanifest-{reference_algorithm}.txt (this manifest was changed)")
                else:
                    self.add(
                        "changed-file", path,
                        f"does not match its {algorithm.upper()} in {manifest} (changed after sealing)",
                        expected=expected, found=found,
                    )
            if checked_against_signed and entries is not None:
                for path in signed:  # type: ignore[union-attr]
                    if path not in entries:
                        self.add("bad-manifest", manifest,
                                 f"does not list {path}, which tagmanifest-{reference_algorithm}.txt lists")
        if tagmanifests.get("sha256") is not None:
            covered = set(tagmanifests["sha256"] or ())  # only the signed manifest puts a file under the signature
        for name in self.tag_files:
            if name.startswith("tagmanifest-"):
                if name not in {f"tagmanifest-{a}.txt" for a in bagit_text.ALGORITHMS}:
                    self.add("extra-file", name, "is a tag manifest this bundle format does not have")
            elif name == "fetch.txt":
                self.add("extra-file", name, "asks for files to be downloaded; a bundle must hold all its files")
            elif name not in covered:
                self.add(
                    "extra-file", name,
                    "is not listed in the tag manifests, so the signature does not cover it "
                    "(added after sealing?)",
                )

    # --- signature --------------------------------------------------------------------

    def _check_signature(self, trusted: set[str]) -> None:
        for name in self.signature_files:
            if name in (SIGNATURE_FILE, CERTIFICATE_FILE):
                continue
            if name.endswith(".tsr") and name.count("/") == 1:
                self.report.notes.append(f"{name}: a timestamp token; this version does not check timestamps")
            else:
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
        is_trusted = normalise_fingerprint(fingerprint) in trusted
        self.report.signer = SignerSummary(
            subject=subject_text(certificate),
            fingerprint=fingerprint,
            trusted=is_trusted,
            signature_valid=facts is not None,
            signed_at=facts.signed_at.isoformat() if facts is not None and facts.signed_at else None,
            not_valid_after=certificate.not_valid_after_utc.isoformat(),
        )
        if trusted and not is_trusted:
            self.add("untrusted-signer", CERTIFICATE_FILE,
                     "the signer is not one of the identities trusted on this machine", found=fingerprint)

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

    # --- custody log and case --------------------------------------------------------

    def _check_custody(self) -> None:
        data = self._read("custody.jsonl")
        if data is None:
            return
        try:
            entries = custody.parse_jsonl(data)
        except (ValueError, UnicodeDecodeError) as exc:
            self.add("custody-unreadable", "custody.jsonl", f"is not a custody log: {exc}")
            return
        for problem in custody.verify_chain(entries):
            self.add("custody-chain", "custody.jsonl", f"the custody chain is broken: {problem}")

    def _check_case_json(self) -> None:
        data = self._read("case.json")
        if data is None:
            return
        try:
            case = json.loads(data.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            self.add("bad-case-json", "case.json", f"is not valid JSON ({exc})")
            return
        self._check_claimed_signer("case.json", _claimed_signer(case))

    def _check_claimed_signer(self, path: str, claimed: str | None) -> None:
        """A fingerprint the bag records (case.json, bag-info.txt) must be the signature's."""
        signer = self.report.signer
        if claimed and signer is not None and normalise_fingerprint(claimed) != normalise_fingerprint(signer.fingerprint):
            self.add("signer-mismatch", path, "names a different signer than the signature",
                     expected=claimed, found=signer.fingerprint)


def _claimed_signer(case: object) -> str | None:
    """The signer fingerprint case.json records, if it records one."""
    if not isinstance(case, dict):
        return None
    value = case.get("signer_fingerprint_sha256") or case.get("signer_fingerprint")
    signer = case.get("signer")
    if value is None and isinstance(signer, dict):
        value = signer.get("fingerprint")
    return value if isinstance(value, str) and value else None


def _key(name: str) -> str:
    return unicodedata.normalize("NFC", name)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, zipfile.BadZipFile):
        return f"damaged inside the zip: {exc}"
    return str(exc) or exc.__class__.__name__
