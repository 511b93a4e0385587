"""Verify a bundle: every file, every hash, the signature, the custody chain; every problem reported.

The chain of proof runs: signature → tagmanifest-sha256.txt → every tag
file (manifests, bag-info, case.json, custody.jsonl, VERIFY.txt) →
manifest-sha256/512.txt → every evidence file. Each link is checked on its
own, so a change anywhere is reported at the file that changed, and one
problem never hides the next. BundleError is raised only when verification
cannot run at all (not a zip, not a bag, hostile content).
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path

from cryptography import x509

from app.core import custody
from app.core.errors import BundleError, OperationCancelled

from . import bagit_text
from .identity import normalise_fingerprint
from .names import unsafe_reason
from .report import Problem, SignerSummary, VerificationReport
from .safezip import BagFiles, ReadLimits, open_bag
from .streaming import DualHasher
from .verify_signer import SignerChecks, Trust, claimed_signer

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

__all__ = ["Problem", "ReadLimits", "SignerSummary", "VerificationReport", "verify_bundle"]


def verify_bundle(
    path: Path,
    *,
    trusted_fingerprints: Collection[str] | Mapping[str, str] = (),
    trusted_certificates: Sequence[x509.Certificate] = (),
    require_trusted: bool | None = None,
    limits: ReadLimits | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> VerificationReport:
    """Check a bundle (.zip, or an unzipped folder) and report every problem found.

    ``trusted_fingerprints``: signer fingerprints this machine trusts (for
    example those of :func:`list_identities`; a mapping gives each one's
    description). ``trusted_certificates``: the trust store (signers, CAs,
    timestamp authority roots). ``require_trusted``: an untrusted signer or
    timestamp authority is a problem (default: when fingerprints are given).
    ``progress(done, total)`` counts evidence bytes hashed.
    """
    names = (dict(trusted_fingerprints) if isinstance(trusted_fingerprints, Mapping)
             else dict.fromkeys(trusted_fingerprints, "named as trusted"))
    trust = Trust(
        {normalise_fingerprint(f): why for f, why in names.items()},
        tuple(trusted_certificates),
        bool(trusted_fingerprints) if require_trusted is None else require_trusted,
    )
    with open_bag(Path(path), limits) as bag, DualHasher() as hasher:
        check = _Verification(bag, hasher, limits or ReadLimits(), progress, cancelled)
        check.report.trust_checked = bool(trusted_fingerprints) or bool(trusted_certificates)
        check.run(trust)
        return check.report


class _Verification(SignerChecks):
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
        self._progress_lock = threading.Lock()
        self.total = sum(bag.sizes[n] for n in self.payload)
        self._cache: dict[str, bytes | None] = {}
        self.bag_info: dict[str, str] = {}
        self.signed_manifest_changed = False  # the signature is intact but tagmanifest-sha256.txt is not

    def add(self, code: str, path: str, message: str, **details: str | None) -> None:
        self.report.add(code, path, message, **details)

    def run(self, trusted: Trust) -> None:
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
        self._check_timestamps(trusted)
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
        """Count hashed bytes; called from the hashing threads too."""
        if self.cancelled is not None and self.cancelled():
            raise OperationCancelled("Verification cancelled.")
        with self._progress_lock:  # one count, reported in order
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
        pending = []
        for name in self.payload:
            if _key(name) not in listed:
                self.add("extra-file", name, "is in data/ but not in the manifest (added after sealing?)")
            try:
                # Read and hashed on both cores; compared once all are hashed.
                opener = functools.partial(self.bag.open, name)
                pending.append((name, self.hasher.hash_file_async(opener, self.bag.sizes[name], self._tick)))
            except OperationCancelled:
                raise
            except _READ_ERRORS as exc:
                self.add("unreadable-file", name, f"cannot be read ({_reason(exc)})")
        for name, result in pending:
            try:
                digests = result.result()
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
        self.report.custody_entries = len(entries)
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
        self._check_claimed_signer("case.json", claimed_signer(case))

def _key(name: str) -> str:
    return unicodedata.normalize("NFC", name)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, zipfile.BadZipFile):
        return f"damaged inside the zip: {exc}"
    return str(exc) or exc.__class__.__name__
