"""Seal evidence into a signed BagIt bag inside a zip (bundle format version 1).

Each payload file is read once: while its bytes stream into the zip they are
hashed with SHA-256 and SHA-512 for the manifests, so what was hashed is
exactly what was written. When the caller knows both hashes already (evidence
hashed at intake and stored content-addressed in the case), only SHA-256 is
computed, and must match: equal SHA-256 means the same bytes the intake
hashed, so the SHA-512 recorded then is the SHA-512 of what was written, and
the costlier hash is not computed twice. The tag manifests then cover every
tag file, and a detached CMS signature covers ``tagmanifest-sha256.txt``. The
output appears at its final name only when complete (temporary file +
``os.replace``), written to disk as it goes (``Writeback``) and fsynced.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, cast

from cryptography.hazmat.primitives.serialization import Encoding

from app import __version__
from app.core.errors import BundleError
from app.core.files import atomic_output, write_failure
from app.core.hashing import Digests
from app.core.reporting import NULL_REPORTER, Reporter, check_cancelled

from . import bagit_text
from .identity import SigningIdentity
from .instructions import CERTIFICATE_FILE, SIGNATURE_FILE, SIGNER_BASE, TIMESTAMP_FILE, verify_instructions
from .names import find_clashes, unsafe_reason
from .profile import PROFILE_IDENTIFIER
from .signing import sign_detached
from .streaming import ALGORITHMS, BackgroundWriter, DualHasher, FileTailHasher, PendingDigests, Writeback
from .timestamp import Timestamper, TimestampFacts, check_timestamp
from .validation import check_at
from .zipwriter import ReproducibleZip

RESERVED_TAG_FILES = frozenset(
    {"bagit.txt", "bag-info.txt", "fetch.txt", "VERIFY.txt"}
    | {f"manifest-{a}.txt" for a in bagit_text.ALGORITHMS}
    | {f"tagmanifest-{a}.txt" for a in bagit_text.ALGORITHMS}
)
COMPUTED_BAG_INFO = ("BagIt-Profile-Identifier", "Bagging-Date", "Payload-Oxum", "Bag-Size", "Signature-Timestamp")
# In the signed bag-info.txt of a timestamped bundle, so that removing the token cannot pass for a bundle
# that never had one (verify.py reports it missing).
STAMPED_BAG_INFO = ("Signature-Timestamp", f"RFC 3161, in {TIMESTAMP_FILE}")


@dataclass(frozen=True)
class PayloadFile:
    """One evidence file to seal, as the caller knows it."""

    path: str  # POSIX path under data/, e.g. "exhibits/Exhibit-001/original/spam.eml"
    size: int
    open: Callable[[], BinaryIO]  # returns a fresh stream of the bytes
    sha256: str | None = None  # when known in advance: checked while copying
    sha512: str | None = None  # with sha256: taken as it is once the SHA-256 matches (see above)


@dataclass(frozen=True)
class BuiltBundle:
    """What was written: enough to cite the bundle in a declaration."""

    path: Path
    sha256: str  # of the zip file itself
    signer_fingerprint: str
    bag_name: str
    file_count: int  # payload files
    payload_bytes: int
    entries: int  # zip entries, folders included
    tagmanifest_sha256: str  # hash of the signed tag manifest
    payload_digests: Mapping[str, Digests]  # "data/..." → hashes, as in the manifests
    timestamped: bool = False  # signature/…p7s.tsr holds an RFC 3161 timestamp of the signature
    timestamp: TimestampFacts | None = None  # what that timestamp says (time, authority, its certificate's expiry)
    validation_notes: tuple[str, ...] = ()  # validation data that could not be gathered with the timestamp


def build_bundle(
    out_zip: Path,
    bag_name: str,
    payload: Sequence[PayloadFile],
    tag_files: Mapping[str, bytes],
    bag_info: Mapping[str, str],
    signer: SigningIdentity,
    bundle_date: str,
    *,
    reporter: Reporter = NULL_REPORTER,
    timestamper: Timestamper | None = None,
) -> BuiltBundle:
    """Write the signed bundle to ``out_zip``; raises BundleError or OperationCancelled, leaving nothing.

    ``tag_files`` are extra tag files at the top of the bag (case.json,
    custody.jsonl); ``bag_info`` fields go into bag-info.txt before the
    computed ones (Bagging-Date = ``bundle_date``, Payload-Oxum, Bag-Size).
    ``reporter`` counts payload bytes ("Writing bundle"). ``timestamper``, when
    given, timestamps the signature file; the RFC 3161 reply is stored as
    ``signature/tagmanifest-sha256.txt.p7s.tsr`` with the TSA's validation data
    beside it, and the signer's too when its certificate has issuers (see
    timestamp.py and validation.py).
    """
    out_zip = Path(out_zip)
    date_time = _zip_date_time(bundle_date)
    _check_bag_name(bag_name)
    files = _check_payload(payload)
    _check_tag_files(tag_files)
    total = sum(f.size for f in files)
    info_bytes = _bag_info(bag_info, bundle_date, total, len(files), stamped=timestamper is not None)
    instructions = verify_instructions(bag_name, signer.subject, signer.fingerprint)

    static: dict[str, bytes] = {
        "bagit.txt": bagit_text.BAGIT_TXT,
        "bag-info.txt": info_bytes,
        "VERIFY.txt": instructions,
        **tag_files,
    }
    generated = [
        *(f"manifest-{a}.txt" for a in bagit_text.ALGORITHMS),
        *(f"tagmanifest-{a}.txt" for a in bagit_text.ALGORITHMS),
    ]
    by_name = {f"data/{f.path}": f for f in files}
    names = sorted([*static, *generated, *by_name])
    folders = {"data/", "signature/"}
    folders |= {"/".join(n.split("/")[:i]) + "/" for n in names for i in range(1, n.count("/") + 1)}
    # signature/'s files are known only once the signature is made (which validation data a TSA
    # offers); they sort together right after the folder's own entry.
    order = sorted([*names, *folders, ""])  # "" is the bag folder itself

    sealer = _Sealer(static, by_name, signer, total, reporter, timestamper)
    tail: FileTailHasher | None = None
    try:
        out_zip.parent.mkdir(parents=True, exist_ok=True)
        # fsynced below, before the zip's hash is taken, not again by atomic_output
        with atomic_output(out_zip, 0o644, durable=False, suffix=".part") as temp, open(temp, "w+b") as stream:
            # The zip's own SHA-256 is computed a step behind the writer, not in a second pass.
            tail = FileTailHasher(temp)
            writeback = Writeback(stream.fileno())
            writer = BackgroundWriter(stream)
            archive = ReproducibleZip(writer, date_time)  # type: ignore[arg-type]
            try:
                for name in order:
                    full = f"{bag_name}/{name}"
                    if name == "" or name.endswith("/"):
                        archive.add_folder(full if name else f"{bag_name}/")
                        if name == "signature/":
                            for signed_name, data in sorted(sealer.signature_files().items()):
                                archive.add_bytes(f"{bag_name}/{signed_name}", data)
                    elif name in by_name:
                        sealer.copy_payload(archive, full, by_name[name])
                        final = writer.tell()  # the entry and its patched header are final
                        writer.after_written(functools.partial(_final_up_to, final, tail, writeback))
                    else:
                        archive.add_bytes(full, sealer.tag_bytes(name))
                archive.close()
                writer.finish()
            except BaseException:
                archive.abandon()
                writer.abandon()
                raise
            stream.flush()
            os.fsync(stream.fileno())
            zip_sha256 = tail.finish(os.fstat(stream.fileno()).st_size)
    except OSError as exc:
        raise BundleError(f"cannot write the bundle: {write_failure(exc)}", path=out_zip) from exc
    finally:
        sealer.close()
        if tail is not None:
            tail.close()
    return BuiltBundle(
        path=out_zip,
        sha256=zip_sha256,
        signer_fingerprint=signer.fingerprint,
        bag_name=bag_name,
        file_count=len(files),
        payload_bytes=total,
        entries=archive.entries,
        tagmanifest_sha256=hashlib.sha256(sealer.tag_bytes("tagmanifest-sha256.txt")).hexdigest(),
        payload_digests=dict(sealer.digests),
        timestamped=timestamper is not None,
        timestamp=sealer.timestamp,
        validation_notes=sealer.notes,
    )


def _cannot_read(exc: OSError, name: str) -> BundleError:
    return BundleError(f"cannot read evidence file: {exc.strerror or exc}", path=name)


class _EvidenceStream:
    """An evidence file's stream whose read errors say which evidence file could not be read."""

    def __init__(self, stream: BinaryIO, name: str) -> None:
        self._stream = stream
        self._name = name

    def read(self, size: int = -1) -> bytes:
        try:
            return self._stream.read(size)
        except OSError as exc:
            raise _cannot_read(exc, self._name) from exc


def _final_up_to(offset: int, tail: FileTailHasher, writeback: Writeback) -> None:
    tail.final_up_to(offset)
    writeback.up_to(offset)


class _Sealer:
    """Holds the hashes gathered while writing, and makes the files that depend on them."""

    def __init__(
        self,
        static: dict[str, bytes],
        payload: dict[str, PayloadFile],
        signer: SigningIdentity,
        total: int,
        reporter: Reporter,
        timestamper: Timestamper | None = None,
    ) -> None:
        self._tags = dict(static)
        self._timestamper = timestamper
        self._payload = payload
        self._signer = signer
        self._total = total
        self._done = 0
        self._reporter = reporter
        self._hasher = DualHasher()
        self.digests: dict[str, Digests] = {}
        self._pending: list[tuple[PayloadFile, PendingDigests]] = []  # hashed behind the writer
        self.timestamp: TimestampFacts | None = None
        self.notes: tuple[str, ...] = ()

    def close(self) -> None:
        self._hasher.close()

    def _tick(self, size: int) -> None:
        check_cancelled(self._reporter, "Bundle cancelled; no bundle was written.")
        self._done += size
        self._reporter.progress(min(self._done, self._total), self._total, "Writing bundle")

    def copy_payload(self, archive: ReproducibleZip, full_name: str, item: PayloadFile) -> None:
        name = f"data/{item.path}"
        self._tick(0)
        try:
            opened = item.open()
        except OSError as exc:
            raise _cannot_read(exc, name) from exc
        # Only the evidence's own errors are "cannot read": one from writing the zip (a full
        # disk) goes up as it is, and build_bundle names the bundle it could not write.
        with opened as stream, archive.open_file(full_name, item.size) as sink:
            pending = self._hasher.hash_stream_async(
                cast(BinaryIO, _EvidenceStream(stream, name)), cast(Callable[[bytes], None], sink.write), self._tick,
                algorithms=_algorithms_to_compute(item),
            )
        self._pending.append((item, pending))

    def _collect(self) -> None:
        """Wait for the payload hashes and check each against what the caller expected."""
        for item, pending in self._pending:
            self._check_digests(item, pending.result())
        self._pending.clear()

    def _check_digests(self, item: PayloadFile, digests: Digests) -> None:
        name = f"data/{item.path}"
        if digests.size != item.size:
            raise BundleError(
                "evidence file changed size while it was being sealed",
                path=name, expected=f"{item.size} bytes", found=f"{digests.size} bytes",
            )
        if item.sha256 is not None and digests.sha256 != item.sha256.lower():
            raise BundleError(
                "evidence file does not match the SHA-256 recorded when it was acquired",
                path=name, expected=item.sha256.lower(), found=digests.sha256,
            )
        if not digests.sha512:  # not computed: the SHA-256 matched, so the recorded SHA-512 holds
            digests = Digests(digests.sha256, (item.sha512 or "").lower(), digests.size)
        self.digests[name] = digests

    def tag_bytes(self, name: str) -> bytes:
        """A tag file's bytes; those computed from the payload are made on first use."""
        if name not in self._tags:
            self._tags[name] = self._make(name)
        return self._tags[name]

    def _make(self, name: str) -> bytes:
        self._collect()
        if len(self.digests) != len(self._payload):
            raise AssertionError(f"{name} needed before the payload was written")
        if name.startswith("manifest-"):
            algorithm = name.removeprefix("manifest-").removesuffix(".txt")
            return bagit_text.format_manifest(
                (path, getattr(d, algorithm)) for path, d in self.digests.items()
            )
        if name.startswith("tagmanifest-"):
            algorithm = name.removeprefix("tagmanifest-").removesuffix(".txt")
            covered = [n for n in self._tag_names() if not n.startswith("tagmanifest-")]
            return bagit_text.format_manifest(
                (n, hashlib.new(algorithm, self.tag_bytes(n)).hexdigest()) for n in covered
            )
        raise AssertionError(f"no rule makes {name}")

    def signature_files(self) -> dict[str, bytes]:
        """signature/: the signature, the signer's certificate (exactly one: its issuers travel in the
        signature, and a second certificate in signer.pem could be taken for the signer's by a stock tool)
        and, when asked for, the timestamp with the validation data of its authority (and of the signer,
        when it has issuers)."""
        signature = sign_detached(self.tag_bytes("tagmanifest-sha256.txt"), self._signer)
        files = {SIGNATURE_FILE: signature, CERTIFICATE_FILE: self._signer.certificate.public_bytes(Encoding.PEM)}
        if self._timestamper is None:
            return files
        stamp = self._timestamper.stamp(signature)
        files[TIMESTAMP_FILE] = stamp.reply
        files.update(stamp.validation.files(TIMESTAMP_FILE))
        notes = list(stamp.validation.notes)
        self.timestamp = check_timestamp(stamp.reply, signature, (), stamp.validation)
        if self._signer.chain:
            signer_data = self._timestamper.gather(self._signer.certificate, self._signer.chain)
            signer_check = check_at(self._signer.certificate, self._signer.chain, signer_data, self.timestamp.time)
            if signer_check.problems:  # RFC 3161 appendix B: the signer's certificate must be good at that time
                raise BundleError("the signing certificate was not good when the signature was timestamped: "
                                  + "; ".join(signer_check.problems))
            files.update(signer_data.files(SIGNER_BASE))
            notes += signer_data.notes
        self.notes = tuple(dict.fromkeys(notes))
        return files

    def _tag_names(self) -> list[str]:
        names = set(self._tags) | {f"manifest-{a}.txt" for a in bagit_text.ALGORITHMS}
        return sorted(n for n in names if not n.startswith(("signature/", "tagmanifest-")))


def _algorithms_to_compute(item: PayloadFile) -> tuple[str, ...]:
    """Both hashes, or only SHA-256 when both were recorded at intake and look like hashes."""
    sha256_known = re.fullmatch(r"[0-9a-fA-F]{64}", item.sha256 or "")
    sha512_known = re.fullmatch(r"[0-9a-fA-F]{128}", item.sha512 or "")
    return ("sha256",) if sha256_known and sha512_known else ALGORITHMS


# --- checks on the caller's input ---------------------------------------------


def _zip_date_time(bundle_date: str) -> tuple[int, int, int, int, int, int]:
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", bundle_date)
    if not match:
        raise BundleError("the bundle date must be YYYY-MM-DD", found=repr(bundle_date))
    year, month, day = (int(g) for g in match.groups())
    if not (1980 <= year <= 2107 and 1 <= month <= 12 and 1 <= day <= 31):
        raise BundleError("the bundle date is out of range for a zip file", found=bundle_date)
    return (year, month, day, 0, 0, 0)


def _check_bag_name(bag_name: str) -> None:
    reason = unsafe_reason(bag_name, allow_line_breaks=False)
    if reason is None and "/" in bag_name:
        reason = "the name contains '/'"
    if reason:
        raise BundleError(f"unusable bag name: {reason}", found=repr(bag_name))


def _check_payload(payload: Sequence[PayloadFile]) -> list[PayloadFile]:
    for item in payload:
        reason = unsafe_reason(item.path, allow_line_breaks=False)
        if reason is None and "%" in item.path:
            # RFC 8493 wants '%' written as %25 in manifests, but bagit-python
            # (the stock validator VERIFY.txt names) does not decode it, and
            # Info-ZIP unzip drops CR/LF from names: such bags would fail with
            # stock tools. names.portable_name() makes a name that works.
            reason = "the name contains '%', which bagit-python cannot validate"
        if reason:
            raise BundleError(f"unusable evidence file name: {reason}", path=repr(item.path))
        if item.size < 0:
            raise BundleError("negative file size", path=item.path)
    clashes = find_clashes(item.path for item in payload)
    if clashes:
        first, second, why = clashes[0]
        raise BundleError(f"two evidence files would be one in the bundle ({why})", path=f"{first} / {second}")
    return sorted(payload, key=lambda item: item.path)


def _check_tag_files(tag_files: Mapping[str, bytes]) -> None:
    for name in tag_files:
        reason = unsafe_reason(name, allow_line_breaks=False)
        if reason is None and (
            name in RESERVED_TAG_FILES
            or name.startswith(("data/", "signature/"))
            or re.fullmatch(r"(tag)?manifest-\w+\.txt", name)
        ):
            reason = "the name is one the bundle writes itself"
        if reason:
            raise BundleError(f"unusable tag file name: {reason}", path=repr(name))
    clashes = find_clashes([*tag_files, *RESERVED_TAG_FILES, "data/x", "signature/x"])
    if clashes:
        raise BundleError("a tag file name clashes with another file of the bag", path=clashes[0][1])


def _bag_info(fields: Mapping[str, str], bundle_date: str, total: int, count: int, *, stamped: bool) -> bytes:
    lines: list[tuple[str, str]] = []
    if "Bag-Software-Agent" not in fields:
        lines.append(("Bag-Software-Agent", f"evbundle {__version__}"))
    for label, value in fields.items():
        reason = bagit_text.check_bag_info_label(label)
        if reason is None and label in COMPUTED_BAG_INFO:
            reason = "this field is computed by the bundle"
        if reason:
            raise BundleError(f"unusable bag-info field: {reason}", found=repr(label))
        lines.append((label, value))
    lines += [
        ("BagIt-Profile-Identifier", PROFILE_IDENTIFIER),  # resources/bagit-profile-evbundle-v1.json
        ("Bagging-Date", bundle_date),
        ("Payload-Oxum", bagit_text.payload_oxum(total, count)),
        ("Bag-Size", bagit_text.human_size(total)),
        *([STAMPED_BAG_INFO] if stamped else []),
    ]
    return bagit_text.format_bag_info(lines)

