"""Verify a bundle: every file, every hash, the signature, the custody chain; every problem reported.

The chain of proof runs: signature → tagmanifest-sha256.txt → every tag
file (manifests, bag-info, case.json, custody.jsonl, VERIFY.txt) →
manifest-sha256/512.txt → every evidence file. Each link is checked on its
own, so a change anywhere is reported at the file that changed, and one
problem never hides the next. BundleError is raised only when verification
cannot run at all (not a zip, not a bag, hostile content).

Time is linear in entries and bytes: every file is read once for both of its
hashes (small files in batches, so that ten thousand screenshots cost little
more than their bytes), the report de-duplicates with a set. Memory is flat
in the size of the files: tag files are streamed or read only below small
limits, JSON only after its hash matched.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import re
import threading
import unicodedata
import warnings
import zlib
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import Future
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from app.core.errors import BundleError, OperationCancelled
from app.core.hashing import Digests
from app.core.reporting import NULL_REPORTER, Reporter, check_cancelled

from . import bagit_text
from .archive import signature_folder
from .identity import normalise_fingerprint, parse_fingerprint
from .instructions import CERTIFICATE_FILE, SIGNATURE_FILE, TIMESTAMP_FILE
from .names import unsafe_reason
from .parsing import pem_certificates
from .report import Problem, SignerSummary, VerificationReport
from .safezip import BagFiles, ReadLimits, UnreadableEntry, open_bag
from .streaming import DualHasher, PendingDigests
from .verify_signer import SignerChecks, Trust, claimed_signer
from .verify_stamps import StampChecks
from .verify_tags import check_custody, read_case_json, read_manifest

REQUIRED_TAG_FILES = (
    "bagit.txt",
    "bag-info.txt",
    *(f"manifest-{a}.txt" for a in bagit_text.ALGORITHMS),
    *(f"tagmanifest-{a}.txt" for a in bagit_text.ALGORITHMS),
    "case.json",
    "custody.jsonl",
    "VERIFY.txt",
)
_READ_ERRORS = (OSError, UnreadableEntry, BundleError, zlib.error, EOFError)
SMALL_FILE = 1024**2  # files up to this size are read and hashed in batches
BATCH_BYTES = 8 * 1024**2
BATCH_FILES = 256
# Where older bundles' VERIFY.txt told a reader to save the timestamp authority's root: inside the bag.
READER_ROOT = "TSA-ROOT.pem"
MAX_READER_ROOT = 256 * 1024
_OLD_ROOT_STEP = b"into one file, TSA-ROOT.pem, in the folder."
_MAX_READER_ROOT = 16 * 1024  # a few root certificates; anything larger in TSA-ROOT.pem is carrying something else
# How VERIFY.txt (a signed tag file) states the bag's name; see instructions.py.
_SEALED_NAME = re.compile(r"^This bundle is a BagIt 1\.0 bag \(RFC 8493\) named (?P<name>.+), packed in a zip$", re.M)

__all__ = ["Problem", "ReadLimits", "SignerSummary", "VerificationReport", "verify_bundle"]


def verify_bundle(
    path: Path,
    *,
    trusted_fingerprints: Collection[str] | Mapping[str, str] = (),
    trusted_signers: Sequence[x509.Certificate] = (),
    trusted_cas: Sequence[x509.Certificate] = (),
    trusted_tsas: Sequence[x509.Certificate] = (),
    distrusted: Collection[str] = (),
    expected_signers: Collection[str] = (),
    require_trusted: bool | None = None,
    limits: ReadLimits | None = None,
    reporter: Reporter = NULL_REPORTER,
    now: datetime.datetime | None = None,
) -> VerificationReport:
    """Check a bundle (.zip, or an unzipped folder) and report every problem found.

    What this machine trusts, each for its own purpose (trust.py): ``trusted_fingerprints``, signer
    fingerprints (the user's identities; a mapping gives each one's description); ``trusted_signers``,
    certificates trusted as signers themselves; ``trusted_cas``, certificate authorities whose certificates
    (validated as RFC 5280 asks, pathcheck.py) are trusted signers; ``trusted_tsas``, certificates trusted for
    timestamps (roots or authorities); ``distrusted``, fingerprints never trusted, directly or on any path.
    ``expected_signers``: the fingerprints the reader named (the one in the sworn declaration, as typed or as
    ``openssl x509 -fingerprint`` prints it; anything that is not a whole SHA-256 fingerprint raises
    IdentityError): the signer must be one of them, or the bundle is NOT VALID. ``require_trusted``: an
    untrusted signer or timestamp authority is a problem (default: when fingerprints are given).
    ``reporter`` hears the bytes hashed (progress) and can cancel. ``now``: the clock (UTC) against which
    expiry, renewal and times from the future are judged; timestamps themselves are checked at their own time.
    """
    names = (
        dict(trusted_fingerprints)
        if isinstance(trusted_fingerprints, Mapping)
        else dict.fromkeys(trusted_fingerprints, "named as trusted")
    )
    expected = tuple(parse_fingerprint(f) for f in expected_signers)
    trust = Trust(
        {normalise_fingerprint(f): why for f, why in names.items()},
        signers=trusted_signers, cas=trusted_cas, tsas=trusted_tsas, distrusted=distrusted,
        required=bool(trusted_fingerprints) if require_trusted is None else require_trusted,
        expected=frozenset(normalise_fingerprint(f) for f in expected),
    )
    limits = limits or ReadLimits()
    with open_bag(Path(path), limits) as bag, DualHasher() as hasher:
        check = _Verification(bag, hasher, limits, reporter)
        check.now = now or datetime.datetime.now(datetime.UTC)
        check.report.checked_at = check.now.isoformat()
        check.report.trust_checked = trust.consulted
        check.report.expected_signers = expected
        check.run(trust)
        return check.report


class _Verification(SignerChecks, StampChecks):
    def __init__(
        self,
        bag: BagFiles,
        hasher: DualHasher,
        limits: ReadLimits,
        reporter: Reporter,
    ) -> None:
        self.bag = bag
        self.hasher = hasher
        self.limits = limits
        self.reporter = reporter
        self.report = VerificationReport(str(bag.source), bag.bag_name)
        self.payload = sorted(n for n in bag.sizes if n.startswith("data/"))
        self.signature_files = sorted(n for n in bag.sizes if n.startswith("signature/"))
        self.tag_files = sorted(n for n in bag.sizes if not n.startswith(("data/", "signature/")))
        self.done = 0
        self._progress_lock = threading.Lock()
        self.total = sum(bag.sizes[n] for n in self.payload)
        self._cache: dict[str, bytes | None] = {}  # tag files and the signature's two files, read once
        self._signature_bytes = 0  # bytes read from signature/ so far (ReadLimits.max_signature_bytes)
        self._counted: set[str] = set()  # the signature/ files those bytes came from
        self._signature_sha512: dict[str, str | None] = {}  # signature/ files hashed for archive listings
        self.digests: dict[str, Digests | None] = {}  # every payload and tag file; None: unreadable
        self.bag_info: dict[str, str] = {}
        self.signed_manifest_changed = False  # the signature is intact but tagmanifest-sha256.txt is not
        self._stamp_facts = []
        self._signer_certificates = []
        self.now = datetime.datetime.now(datetime.UTC)
        self.folder = signature_folder(self.signature_files)
        self.judged: set[str] = set()  # files in signature/ some check read and judged
        self._reader_root = False  # TSA-ROOT.pem lies in the bag (see _check_reader_root)

    def add(self, code: str, path: str, message: str, **details: str | None) -> None:
        self.report.add(code, path, message, **details)

    def run(self, trusted: Trust) -> None:
        report = self.report
        # Files are hashed on the pool's threads from here on, while this thread checks the structure, the
        # signature and the timestamps (hashlib and the reads release the GIL); large files, which this
        # thread reads itself, after those checks (_start_hashing).
        hashing = self._start_hashing()
        report.payload_files = len(self.payload)
        report.payload_bytes = self.total
        report.tag_files = len(self.tag_files)
        for name in self.bag.outside:
            self.add("extra-file", name, "is outside the bag folder; a bundle holds nothing else")
        for name in self.bag.empty_folders:
            self.add("extra-file", name, "is an empty folder: no manifest can list it, so nothing covers it "
                     "(added after sealing?)")
        if not self.bag.outside_checked:
            report.notes.append(
                "Only the bag folder itself was checked: files beside it were not looked at. Verify the zip, or "
                "the folder it was unzipped into, to check that nothing else came with it.")
        for name in REQUIRED_TAG_FILES:
            if name not in self.bag.sizes:
                self.add("missing-file", name, "is missing from the bag")
        self._check_bagit_txt()
        manifests = {a: self._manifest(f"manifest-{a}.txt", payload=True) for a in bagit_text.ALGORITHMS}
        self._check_bag_info()
        tagmanifests = {
            a: self._manifest(f"tagmanifest-{a}.txt", payload=False) for a in bagit_text.ALGORITHMS
        }
        with warnings.catch_warnings(record=True) as caught:  # cryptography's, about hostile certificates
            warnings.simplefilter("always")
            self._check_signature_folder()
            self._check_signature()
            self._check_timestamps(trusted)
            self._judge_signer(trusted)
        for message in dict.fromkeys(str(w.message) for w in caught):  # in the report, not on stderr
            report.notes.append(
                f"A certificate in the signature or timestamp breaks the rules of its format: {message}"
            )
        self._collect_hashes(hashing)
        self._check_archives()
        self._check_payload(manifests)
        self._check_tag_files(tagmanifests)
        signed = tagmanifests.get("sha256") or {}
        if self._matches(signed, "custody.jsonl"):
            self._guarded(
                "custody.jsonl",
                lambda: setattr(report, "custody_entries", check_custody(self.bag, self.limits, self.add)),
            )
        if self._matches(signed, "case.json"):
            self._guarded(
                "case.json",
                lambda: self._check_claimed_signer(
                    "case.json", claimed_signer(read_case_json(self.bag, self.limits, self.add, report.notes))
                ),
            )
        self._check_claimed_signer("bag-info.txt", self.bag_info.get("Signer-Fingerprint-SHA256"))
        if "Signature-Timestamp" in self.bag_info and TIMESTAMP_FILE not in self.bag.sizes:
            self.add("missing-file", TIMESTAMP_FILE, "is missing, while bag-info.txt (signed) says the signature was "
                     "timestamped: the token was removed, and with it the proof of when the bundle was signed")
        self._check_bag_name(self._matches(signed, "VERIFY.txt"))
        self._check_reader_root(self._matches(signed, "VERIFY.txt"))
        self._check_unjudged()

    def _check_reader_root(self, instructions_intact: bool) -> None:
        """TSA-ROOT.pem in the bag: where older bundles' signed VERIFY.txt told the reader to save the timestamp
        authority's root (step 7). Only in an unzipped folder (a reader saved it there; no reader puts it in a
        zip), only then, and only when it holds a few certificates and not one byte else, is it a note rather
        than an added file; verification never uses it. Newer bundles say to save it beside BUNDLE.zip."""
        if not self._reader_root:
            return
        told = (not self.bag.from_zip and instructions_intact
                and _OLD_ROOT_STEP in (self._read("VERIFY.txt") or b""))
        only_certificates = False
        if told and self.bag.sizes.get(READER_ROOT, 0) <= _MAX_READER_ROOT:
            data = self._read(READER_ROOT) or b""
            try:
                certificates = pem_certificates(data)
                only_certificates = (len(certificates) <= 4
                                     and b"".join(c.public_bytes(Encoding.PEM) for c in certificates) == data)
            except ValueError:
                only_certificates = False
        if told and only_certificates:
            self.report.notes.append(
                f"{READER_ROOT} is not part of the bundle: the bundle's VERIFY.txt (step 7) tells the reader to save "
                "the timestamp authority's root there, and it holds only certificates. Nothing relied on it.")
        else:
            self.add("extra-file", READER_ROOT, "is not listed in the tag manifests, so the signature does not "
                     "cover it (added after sealing?)")

    def _check_bag_name(self, instructions_intact: bool) -> None:
        """The bag's folder name is covered by nothing but the signed VERIFY.txt, which states it: compare.
        A zip with the bag at its top (no folder) is no bundle as sealed: its VERIFY.txt steps cannot be followed."""
        data = (self._read("VERIFY.txt") or b"") if instructions_intact else b""
        match = _SEALED_NAME.search(data.decode("utf-8", "replace"))
        if not self.bag.named_folder:
            self.add("bag-renamed", "", "the bag lies at the top of the zip, in no folder: a bundle's zip holds one "
                     "folder, named as its signed VERIFY.txt says, and that VERIFY.txt's steps cannot be followed "
                     "on this one (repacked after sealing?)",
                     expected=match["name"] if match is not None else "a bag folder", found="no folder")
            return
        if match is not None and match["name"] != self.bag.bag_name:
            self.add("bag-renamed", "", "the bag folder was renamed after sealing: the signed VERIFY.txt names it "
                     "otherwise (the folder's name is not covered by the signature)",
                     expected=match["name"], found=self.bag.bag_name)

    # --- reading ---------------------------------------------------------------

    def _read(self, name: str) -> bytes | None:
        """A small tag file's bytes, or None (missing, too large or unreadable: reported once).

        Files in signature/ are not kept (there may be thousands: tokens, chains, revocation answers),
        except the signature and signer.pem, and all of them together are read only up to
        ReadLimits.max_signature_bytes: memory stays flat however many a bundle carries."""
        if name in self._cache:
            return self._cache[name]
        data: bytes | None = None
        in_signature = name.startswith("signature/")
        if name in self.bag.sizes:
            if in_signature and name not in self._counted and (
                    self._signature_bytes + self.bag.sizes[name] > self.limits.max_signature_bytes):
                self.add("unreadable-file", name,
                         f"was not read: the files read from signature/ would exceed "
                         f"{self.limits.max_signature_bytes // 1024**2} MiB, far more than a bundle's signature "
                         "folder holds")
                return None
            try:
                data = self.bag.read(name, self.limits.max_tag_file_size)
            except BundleError as exc:
                self.add("unreadable-file", name, exc.message)
            except _READ_ERRORS as exc:
                self.add("unreadable-file", name, f"cannot be read ({_reason(exc)})")
            if in_signature and data is not None and name not in self._counted:
                self._counted.add(name)
                self._signature_bytes += len(data)
        if not in_signature or name in (SIGNATURE_FILE, CERTIFICATE_FILE):
            self._cache[name] = data
        return data

    def _guarded(self, name: str, work: Callable[[], None]) -> None:
        try:
            work()
        except _READ_ERRORS as exc:
            self.add("unreadable-file", name, f"cannot be read ({_reason(exc)})")

    def _matches(self, signed: dict[str, str], name: str) -> bool:
        """Whether ``name`` is present and its SHA-256 is the one the signed tag manifest lists."""
        found = self.digests.get(name)
        return found is not None and signed.get(name) == found.sha256

    def _tick(self, size: int) -> None:
        """Count hashed bytes; called from the hashing threads too."""
        check_cancelled(self.reporter, "Verification cancelled.")
        with self._progress_lock:  # one count, reported in order
            self.done += size
            self.reporter.progress(min(self.done, self.total), self.total, "Checking every file")

    def _still_wanted(self, size: int) -> None:
        """Between blocks of tag files (which the progress does not count): stop if the user cancelled."""
        check_cancelled(self.reporter, "Verification cancelled.")

    def _start_hashing(self) -> list[tuple[list[str], _Result]]:
        """Start hashing every payload and tag file on the pool (both hashes, each file read once; small files
        in batches). A large file, which this thread must read itself, waits for its turn in
        :meth:`_collect_hashes`, so that the checks run first, beside the rest."""
        pending: list[tuple[list[str], _Result]] = []
        for names, tick in ((self.payload, self._tick), (self.tag_files, self._still_wanted)):
            for step in self.bag.plan_reads(names, SMALL_FILE, BATCH_BYTES, BATCH_FILES):
                if isinstance(step, list):
                    pending.append((step, self.hasher.submit(_hash_batch, self.bag, step, tick)))
                    continue
                hash_it = functools.partial(self.hasher.hash_file_async, functools.partial(self.bag.open, step),
                                            self.bag.sizes[step], tick)
                if self.hasher.reads_here(self.bag.sizes[step]):
                    pending.append(([step], _Pending(step, functools.partial(_read_and_hash, hash_it))))
                    continue
                try:
                    pending.append(([step], _Pending(step, hash_it().result)))
                except OperationCancelled:
                    raise
                except _READ_ERRORS as exc:
                    pending.append(([step], _Failed(exc)))
        return pending

    def _collect_hashes(self, pending: list[tuple[list[str], _Result]]) -> None:
        """Wait for the hashes; a file that could not be read is a problem, in the order the files were planned."""
        check_cancelled(self.reporter, "Verification cancelled.")  # pressed during the checks, after the hashing
        for names, future in pending:
            try:
                results = future.result()
            except OperationCancelled:
                raise
            except _READ_ERRORS as exc:
                results = [(name, exc) for name in names]
            for name, found in results:
                if isinstance(found, OperationCancelled):
                    raise found
                if isinstance(found, Exception):
                    self._unreadable(name, found)
                else:
                    self.digests[name] = found

    def _unreadable(self, name: str, exc: BaseException) -> None:
        self.digests[name] = None
        message = exc.message if isinstance(exc, BundleError) else f"cannot be read ({_reason(exc)})"
        self.add("unreadable-file", name, message)

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
            self.add(
                "bad-bagit-txt",
                "bagit.txt",
                "does not declare BagIt-Version 1.0",
                expected="1.0",
                found=values.get("BagIt-Version"),
            )
        if (values.get("Tag-File-Character-Encoding") or "").upper() != "UTF-8":
            self.add(
                "bad-bagit-txt",
                "bagit.txt",
                "does not declare UTF-8 tag files",
                found=values.get("Tag-File-Character-Encoding"),
            )

    def _manifest(self, name: str, *, payload: bool) -> dict[str, str] | None:
        if name not in self.bag.sizes:
            return None
        algorithm = name.split("-", 1)[1].removesuffix(".txt")
        if payload:
            try:
                parsed = read_manifest(self.bag, name, algorithm, self.limits)
            except _READ_ERRORS as exc:
                self.add("unreadable-file", name, f"cannot be read ({_reason(exc)})")
                return None
        else:
            data = self._read(name)
            if data is None:
                return None
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
        on_disk = {_key(n) for n in self.payload}
        by_key = {a: {_key(p): d for p, d in (e or {}).items()} for a, e in manifests.items()}
        listed: set[str] = set()
        for entries in manifests.values():
            for path in entries or {}:
                if _key(path) in listed:
                    continue
                listed.add(_key(path))
                if _key(path) not in on_disk:
                    self.add("missing-file", path, "is listed in the manifest but missing from the bag")
        for name in self.payload:
            if _key(name) not in listed:
                self.add("extra-file", name, "is in data/ but not in the manifest (added after sealing?)")
                continue
            digests = self.digests.get(name)
            if digests is None:
                continue
            expected = {a: entries.get(_key(name)) for a, entries in by_key.items()}
            self._compare(name, digests, expected, "manifest")

    def _compare(self, name: str, digests: Digests, expected: dict[str, str | None], kind: str) -> bool:
        """One problem at most per file, however many of its hashes differ; True when all listed match."""
        wrong = [a for a, value in expected.items() if value is not None and value != getattr(digests, a)]
        if not wrong:
            return True
        right = [a for a, value in expected.items() if value is not None and a not in wrong]
        first = wrong[0]
        files = " and ".join(f"{kind}-{a}.txt" for a in wrong)
        if right:
            message = (
                f"matches its {right[0].upper()} in {kind}-{right[0]}.txt but not its "
                f"{first.upper()} in {files} (one of the two was changed)"
            )
        else:
            message = f"does not match its hashes in {files} (changed after sealing)"
        self.add("changed-file", name, message, expected=expected[first], found=getattr(digests, first))
        return False

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
            self.add(
                "bad-bag-info",
                "bag-info.txt",
                "has no valid Payload-Oxum (the total size and number " "of the evidence files)",
                found=oxum_text,
            )
        elif oxum != (self.total, len(self.payload)):
            self.add(
                "payload-oxum",
                "bag-info.txt",
                "Payload-Oxum (total bytes.file count) does not match the evidence files in data/",
                expected=oxum_text,
                found=actual,
            )

    def _check_tag_files(self, tagmanifests: dict[str, dict[str, str] | None]) -> None:
        """Each tag file against each tag manifest, blaming the right file when they disagree.

        tagmanifest-sha256.txt is the signed one, so it is the reference: where
        the unsigned tagmanifest-sha512.txt disagrees with it about a file that
        matches the reference, the sha512 manifest was changed. When the
        signature shows tagmanifest-sha256.txt itself was changed, the roles swap.
        """
        reference = "sha512" if self.signed_manifest_changed else "sha256"
        other = "sha256" if reference == "sha512" else "sha512"
        signed, unsigned = tagmanifests.get(reference), tagmanifests.get(other)
        if signed is not None and unsigned is not None:
            for path in sorted(set(unsigned) - set(signed)):
                self.add(
                    "bad-manifest",
                    f"tagmanifest-{other}.txt",
                    f"lists {path}, which tagmanifest-{reference}.txt does not",
                )
            for path in sorted(set(signed) - set(unsigned)):
                self.add(
                    "bad-manifest",
                    f"tagmanifest-{other}.txt",
                    f"does not list {path}, which tagmanifest-{reference}.txt lists",
                )
        for path in sorted({*(signed or {}), *(unsigned or {})}):
            expected = {reference: (signed or {}).get(path), other: (unsigned or {}).get(path)}
            if signed is not None and expected[reference] is None:
                continue  # reported above: only the unsigned manifest lists it
            if path not in self.bag.sizes:
                where = reference if expected[reference] is not None else other
                self.add(
                    "missing-file", path, f"is listed in tagmanifest-{where}.txt but missing from the bag"
                )
                continue
            digests = self.digests.get(path)
            if digests is None:
                continue
            reference_ok = expected[reference] is None or getattr(digests, reference) == expected[reference]
            other_ok = expected[other] is None or getattr(digests, other) == expected[other]
            if reference_ok and not other_ok and expected[reference] is not None:
                self.add(
                    "changed-file",
                    f"tagmanifest-{other}.txt",
                    f"its {other.upper()} of {path} is wrong, while {path} matches "
                    f"tagmanifest-{reference}.txt (this manifest was changed)",
                )
            elif not (reference_ok and other_ok):
                self._compare(path, digests, expected, "tagmanifest")
        if not self.signed_manifest_changed and signed is not None and unsigned is not None:
            self._check_unsigned_form(unsigned)
        covered = set(
            tagmanifests.get("sha256") or ()
        )  # only the signed manifest puts a file under the signature
        for name in self.tag_files:
            if name.startswith("tagmanifest-"):
                if name not in {f"tagmanifest-{a}.txt" for a in bagit_text.ALGORITHMS}:
                    self.add("extra-file", name, "is a tag manifest this bundle format does not have")
            elif name == "fetch.txt":
                self.add(
                    "extra-file", name, "asks for files to be downloaded; a bundle must hold all its files"
                )
            elif name == READER_ROOT and self.bag.sizes.get(name, MAX_READER_ROOT + 1) <= MAX_READER_ROOT:
                self._reader_root = True  # judged once VERIFY.txt is known intact (see _check_reader_root)
            elif name not in covered:
                self.add(
                    "extra-file",
                    name,
                    "is not listed in the tag manifests, so the signature does not cover it "
                    "(added after sealing?)",
                )


    def _check_unsigned_form(self, unsigned: dict[str, str]) -> None:
        """tagmanifest-sha512.txt is signed by nothing: beyond its hashes, its bytes must be the ones this format
        writes (lower-case hex, two spaces, sorted, LF lines, nothing else), or it can carry anything unnoticed
        (reordered or re-cased lines, lines of invisible whitespace)."""
        name = "tagmanifest-sha512.txt"
        data = self._read(name)
        canonical = bagit_text.format_manifest((path, digest.lower()) for path, digest in unsigned.items())
        if data is not None and data != canonical and name not in self.report.problem_paths():
            self.add("bad-manifest", name, "holds the right hashes, but not in the form this bundle format writes "
                     "(lower-case hex, two spaces, sorted lines ending in LF, nothing else): this file, which no "
                     "signature covers, was rewritten after sealing")


def _hash_batch(
    bag: BagFiles, names: list[str], tick: Callable[[int], None] | None
) -> list[tuple[str, Digests | Exception]]:
    """Both hashes of a batch of small files, read together (runs on a hashing thread)."""
    results: list[tuple[str, Digests | Exception]] = []
    size = 0
    for name, data in bag.read_many(names):
        if isinstance(data, Exception):
            results.append((name, data))
            continue
        results.append(
            (name, Digests(hashlib.sha256(data).hexdigest(), hashlib.sha512(data).hexdigest(), len(data)))
        )
        size += len(data)
    if tick is not None:
        tick(size)
    return results


class _Pending:
    """A pending single-file result, shaped like a batch's future."""

    def __init__(self, name: str, result: Callable[[], Digests]) -> None:
        self._name = name
        self._result = result

    def result(self) -> list[tuple[str, Digests | Exception]]:
        return [(self._name, self._result())]


def _read_and_hash(start: Callable[[], PendingDigests]) -> Digests:
    """A large file's hashes, read on this thread when its turn comes (see _start_hashing)."""
    return start().result()


class _Failed:
    """A file that could not even be opened, shaped like a batch's future: reported when the others are."""

    def __init__(self, error: Exception) -> None:
        self._error = error

    def result(self) -> list[tuple[str, Digests | Exception]]:
        raise self._error


_Result = Future[list[tuple[str, Digests | Exception]]] | _Pending | _Failed


def _key(name: str) -> str:
    return unicodedata.normalize("NFC", name)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, UnreadableEntry):
        return f"damaged inside the zip: {exc}"
    if isinstance(exc, BundleError):
        return exc.message
    if isinstance(exc, OSError):
        return exc.strerror or str(exc) or exc.__class__.__name__
    return str(exc) or exc.__class__.__name__
