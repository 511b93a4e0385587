"""Renew a bundle: add an archive timestamp over everything its proof rests on (see archive.py).

Renewal never changes a file that is in the bundle: every payload and tag
file, the signature, the earlier tokens and their validation data are copied
byte for byte, and only the new listing, its token and the new authority's
validation data are added to ``signature/``. A zip is renewed into a new zip
(written through the one atomic writer, so nothing appears at its name until
it is whole), beside the original unless the caller names another path; the
original is replaced only when asked, and then also atomically. An unzipped
bundle is renewed only when asked to change it in place: the new files are
added to its ``signature/`` folder.

A bundle is renewed only when it verifies without a problem first: renewing
an altered bundle would timestamp the alteration. The result is verified
again before it is handed back.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import BundleError
from app.core.files import atomic_output, write_atomic, write_failure
from app.core.reporting import NULL_REPORTER, Reporter, check_cancelled

from . import bagit_text
from .archive import MAX_ARCHIVES, archive_listing, archive_name, archive_number
from .bag import _zip_date_time
from .safezip import BagFiles, ReadLimits, open_bag
from .timestamp import Timestamper, TimestampFacts, check_timestamp
from .verify import verify_bundle
from .zipwriter import ReproducibleZip

_COPY_BLOCK = 1024 * 1024
_RENEWED_SUFFIX = re.compile(r"-renewed-\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class RenewedBundle:
    """What renewal wrote: the renewed bundle, its new archive timestamp and the files added."""

    path: Path
    number: int  # the archive timestamp's number (1 for the first renewal)
    timestamp: TimestampFacts
    added: tuple[str, ...]
    notes: tuple[str, ...] = ()  # validation data the new authority did not give


def default_output(source: Path, today: datetime.date) -> Path:
    """``case.zip`` → ``case-renewed-YYYY-MM-DD.zip`` beside it (an earlier renewal's date is replaced)."""
    stem = _RENEWED_SUFFIX.sub("", source.stem)
    return source.with_name(f"{stem}-renewed-{today:%Y-%m-%d}.zip")


def renew_bundle(
    source: Path,
    timestamper: Timestamper,
    *,
    out: Path | None = None,
    in_place: bool = False,
    limits: ReadLimits | None = None,
    reporter: Reporter = NULL_REPORTER,
    now: Callable[[], datetime.datetime] = lambda: datetime.datetime.now(datetime.UTC),
) -> RenewedBundle:
    """Add archive timestamp N+1 to the bundle at ``source`` (a zip or an unzipped folder).

    A zip goes to ``out`` (default :func:`default_output`), or over ``source`` with ``in_place``;
    a folder needs ``in_place``. Raises BundleError when the bundle does not verify first, when the
    output exists, or when nothing could be written (then nothing was changed).
    """
    source = Path(source)
    is_zip = source.is_file()
    if not is_zip and not in_place:
        raise BundleError("an unzipped bundle is renewed by adding files to its signature/ folder: "
                          "say so with --in-place, or renew the zip", path=source)
    if is_zip and not in_place:
        out = Path(out) if out is not None else default_output(source, now().date())
        if out.exists():
            raise BundleError("the renewed bundle's file already exists; choose another name", path=out)
    target = source if in_place else out
    assert target is not None
    limits = limits or ReadLimits()

    reporter.progress(0, 0, "Checking the bundle before renewing it")
    report = verify_bundle(source, limits=limits, now=now(), reporter=reporter)
    if report.problems:
        raise BundleError(
            f"the bundle does not verify ({len(report.problems)} problem(s), the first: {report.problems[0]}); "
            "renewing it would timestamp what is wrong", path=source)
    with open_bag(source, limits) as bag:
        number = 1 + max((archive_number(n) or 0 for n in bag.sizes), default=0)
        if number > MAX_ARCHIVES:
            raise BundleError(f"the bundle already holds {MAX_ARCHIVES} archive timestamps, all a bundle can hold",
                              path=source)
        listing_name = archive_name(number)
        reporter.progress(0, 0, f"Hashing the bundle's tag and signature files for archive timestamp {number}")
        listing = archive_listing((name, _sha512(bag, name)) for name in sorted(bag.sizes)
                                  if not name.startswith("data/"))
        check_cancelled(reporter)
        reporter.progress(0, 0, "Asking the timestamp authority")
        stamp = timestamper.stamp(listing)
        token = listing_name + ".tsr"
        added = {listing_name: listing, token: stamp.reply, **stamp.validation.files(token)}
        facts = check_timestamp(stamp.reply, listing, (), stamp.validation)
        check_cancelled(reporter)
        if is_zip:
            _write_zip(bag, target, added, reporter)
        else:
            _add_to_folder(bag.source, added)
    after = verify_bundle(target, limits=limits, now=now())
    if after.problems:  # never expected: say so rather than hand back a bundle that does not verify
        raise BundleError(f"the renewed bundle does not verify: {after.problems[0]}", path=target)
    return RenewedBundle(target, number, facts, tuple(sorted(added)), stamp.validation.notes)


def _sha512(bag: BagFiles, name: str) -> str:
    digest = hashlib.sha512()
    with bag.open(name) as stream:
        while block := stream.read(_COPY_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _write_zip(bag: BagFiles, target: Path, added: dict[str, bytes], reporter: Reporter) -> None:
    """The bundle's entries in the order our writer uses, each file's bytes as they were, plus ``added``."""
    info = bag.read("bag-info.txt", 1024**2)
    fields, _ = bagit_text.parse_tag_lines(info)
    date_time = _zip_date_time(dict(fields).get("Bagging-Date", ""))
    names = sorted([*bag.sizes, *added])
    folders = {"/".join(n.split("/")[:i]) + "/" for n in names for i in range(1, n.count("/") + 1)}
    total = sum(bag.sizes.values())
    done = 0
    try:
        with atomic_output(target, 0o644, suffix=".part") as temp, open(temp, "w+b") as stream:
            archive = ReproducibleZip(stream, date_time)
            try:
                for name in sorted([*names, *folders, ""]):
                    full = f"{bag.bag_name}/{name}"
                    if name == "" or name.endswith("/"):
                        archive.add_folder(full)
                    elif name in added:
                        archive.add_bytes(full, added[name])
                    else:
                        with bag.open(name) as source, archive.open_file(full, bag.sizes[name]) as sink:
                            while block := source.read(_COPY_BLOCK):
                                sink.write(block)
                                done += len(block)
                                reporter.progress(done, total, "Writing the renewed bundle")
                                check_cancelled(reporter, "Renewal cancelled; nothing was written.")
                archive.close()
            except BaseException:
                archive.abandon()
                raise
    except OSError as exc:
        raise BundleError(f"cannot write the renewed bundle: {write_failure(exc)}", path=target) from exc


def _add_to_folder(root: Path, added: dict[str, bytes]) -> None:
    """Add the new files to an unzipped bundle; on any failure, take back those already added."""
    written: list[Path] = []
    try:
        for name, data in sorted(added.items(), key=lambda item: archive_number(item[0]) is not None):
            path = root / name  # the listing last: a token never lacks its listing
            if path.exists():
                raise BundleError("renewal would replace a file of the bundle", path=path)
            write_atomic(path, data)
            written.append(path)
    except BaseException as exc:
        for path in written:
            path.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise BundleError(f"cannot add the renewal's files: {write_failure(exc)}", path=root) from exc
        raise
