"""Open a bundle for reading without trusting it: a zip, or an unzipped folder.

A zip is read in place (nothing is extracted to disk), and only when its
structure is one that every common extractor reads the same way
(:mod:`.zipscan`). Before any content is read, every name is checked: no name
that leaves the bag (zip-slip, absolute, drive letter, backslash), no symlink,
device or other special file, no duplicate or case/Unicode-equal names, and
limits on the number of entries, the total size and the compression ratio
(zip bombs, one large or many small). A folder is walked without following
links. Anything hostile raises BundleError naming the entry; nothing is
opened by a name that did not pass these checks.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from app.core.errors import BundleError

from .names import find_clashes, unsafe_reason
from .zipread import InflatedEntry, RangeFile, StoredEntry, UnreadableEntry, crc32, inflate
from .zipscan import DEFLATED, ZipEntry, scan_zip

__all__ = ["BagFiles", "ReadLimits", "UnreadableEntry", "open_bag"]


@dataclass(frozen=True)
class ReadLimits:
    """How big a bundle may be before it is refused unread."""

    max_entries: int = 200_000
    max_total_size: int = 64 * 1024**3  # uncompressed bytes, all entries together
    max_ratio: int = (
        200  # uncompressed / compressed: per entry above ratio_floor, and for all entries together
    )
    ratio_floor: int = 1024**2  # entries up to this size may be squeezed further, within the total budget
    max_tag_file_size: int = 1024**2  # bagit.txt, bag-info.txt, tag manifests, signature files: read whole
    max_json_size: int = 4 * 1024**2  # case.json is parsed only up to this size (and after its hash matched)
    max_line_size: int = 1024**2  # one manifest line or custody entry
    max_signature_bytes: int = 64 * 1024**2  # read from signature/ in all (tokens, chains, revocation answers)


# Files that mark a folder as a bag even when bagit.txt itself was removed.
_BAG_MARKERS = ("bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt")


@dataclass
class BagFiles:
    """A bag opened for reading: its files by bag-relative POSIX name, and how to read them."""

    source: Path
    bag_name: str
    sizes: dict[str, int]  # every regular file inside the bag
    outside: list[str] = field(default_factory=list)  # files (and folders, ending in '/') beside the bag folder
    empty_folders: list[str] = field(default_factory=list)  # bag-relative, ending in '/': nothing lists them
    outside_checked: bool = True  # False: a folder given as the bag itself, whose surroundings were not looked at
    named_folder: bool = True  # the bag sits in a folder of its own name (False: a zip with the bag at its top)
    _zip: RangeFile | None = None

    @property
    def from_zip(self) -> bool:
        """Whether the bag is read from a zip (else from a folder on disk)."""
        return self._zip is not None
    _entries: dict[str, ZipEntry] = field(default_factory=dict)
    _root: Path | None = None

    def open(self, name: str) -> BinaryIO:
        """A stream of one listed file; names that were not listed are refused."""
        if name not in self.sizes:
            raise BundleError("not a file of this bag", path=name)
        if self._zip is not None:
            entry = self._entries[name]
            if entry.method == DEFLATED:
                return InflatedEntry(self._zip, entry)  # type: ignore[return-value]
            return StoredEntry(self._zip, entry)  # type: ignore[return-value]
        assert self._root is not None
        descriptor = _open_beneath(self._root, name.split("/"))
        try:
            found = os.fstat(descriptor)
            if not stat.S_ISREG(found.st_mode):
                raise BundleError("not a regular file", path=name)
            if found.st_size != self.sizes[name]:
                raise BundleError("changed since the folder was listed (it is not the same size)", path=name)
            if _NONBLOCK:
                os.set_blocking(descriptor, True)  # a regular file: blocking reads, as every reader expects
        except BaseException:
            os.close(descriptor)
            raise
        return os.fdopen(descriptor, "rb")

    def read(self, name: str, limit: int) -> bytes:
        """The whole of a small file; BundleError if it is larger than ``limit``."""
        if self.sizes[name] > limit:
            raise BundleError(
                f"is larger than this kind of file ever is ({self.sizes[name]} bytes): not read", path=name
            )
        parts: list[bytes] = []
        got = 0
        with self.open(name) as stream:
            while got <= limit and (block := stream.read(limit + 1 - got)):
                parts.append(block)
                got += len(block)
        data = b"".join(parts)
        if len(data) > limit:
            raise BundleError("grew while it was read: not read", path=name)
        return data

    def read_many(self, names: list[str]) -> Iterator[tuple[str, bytes | Exception]]:
        """Small files, each whole (or the error reading it): a zip's neighbours in one read."""
        if self._zip is None:
            for name in names:
                try:
                    with self.open(name) as stream:
                        data = stream.read(self.sizes[name] + 1)
                    if len(data) != self.sizes[name]:
                        raise BundleError("changed while it was read (it is not the size listed)", path=name)
                    yield name, data
                except (OSError, BundleError) as exc:
                    yield name, exc
            return
        entries = [self._entries[name] for name in names]
        start = min(e.data_offset for e in entries)
        end = max(e.data_offset + e.compress_size for e in entries)
        span = memoryview(self._zip.read_at(start, end - start))
        for name, entry in zip(names, entries):
            raw = span[entry.data_offset - start : entry.data_offset - start + entry.compress_size]
            try:
                if len(raw) != entry.compress_size:
                    raise UnreadableEntry("the zip is truncated inside this entry")
                if entry.method == DEFLATED:
                    yield name, inflate(raw, entry)
                elif crc32(raw, 0) != entry.crc:
                    raise UnreadableEntry(
                        "its CRC-32 does not match its bytes (unzip and bsdtar report it as damaged)"
                    )
                else:
                    yield name, raw  # type: ignore[misc]
            except UnreadableEntry as exc:
                yield name, exc

    def plan_reads(
        self, names: list[str], small: int, batch_bytes: int, batch_count: int
    ) -> list[list[str] | str]:
        """How to read ``names`` fast: small files in batches (for :meth:`read_many`), larger ones alone.

        In a zip, a batch is a run of neighbouring entries whose span (with what
        lies between them) stays within ``batch_bytes``, so one read fetches it;
        an entry is small only if its stored bytes are small too (a deflate stream
        padded with empty blocks inflates to a few bytes: it is read as a stream).
        """
        plan: list[list[str] | str] = []
        batch: list[str] = []
        start = used = 0
        ordered = (
            sorted(names, key=lambda n: self._entries[n].header_offset) if self._zip is not None else names
        )
        for name in ordered:
            size = self.sizes[name]
            if size > small or (self._zip is not None and self._entries[name].compress_size > small):
                if batch:
                    plan.append(batch)
                    batch = []
                plan.append(name)
                continue
            if self._zip is not None:
                entry = self._entries[name]
                end = entry.data_offset + entry.compress_size
                if batch and (end - start > batch_bytes or len(batch) >= batch_count):
                    plan.append(batch)
                    batch = []
                if not batch:
                    start = entry.data_offset
            else:
                if batch and (used + size > batch_bytes or len(batch) >= batch_count):
                    plan.append(batch)
                    batch = []
                    used = 0
                used += size
            batch.append(name)
        if batch:
            plan.append(batch)
        return plan

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()


@contextmanager
def open_bag(path: Path, limits: ReadLimits | None = None) -> Iterator[BagFiles]:
    """The bag in a zip, or in a folder (the bag itself or a folder holding exactly one bag)."""
    path = Path(path)
    limits = limits or ReadLimits()
    if path.is_dir():
        try:
            bag = _open_folder(path, limits)
        except OSError as exc:  # a folder of the bag this user may not read: named, never a traceback
            raise BundleError(f"cannot read the bundle folder: {exc.strerror or exc.__class__.__name__}",
                              path=_shown_name(str(exc.filename or path))) from exc
    elif path.is_file():
        bag = _open_zip(path, limits)
    else:
        raise BundleError("no such bundle file or folder", path=path)
    try:
        yield bag
    finally:
        bag.close()


# --- zip ----------------------------------------------------------------------


def _open_zip(path: Path, limits: ReadLimits) -> BagFiles:
    try:
        source = RangeFile(path)
    except OSError as exc:
        raise BundleError(f"cannot read the bundle: {exc.strerror}", path=path) from exc
    try:
        try:
            entries = scan_zip(source.read_at, source.size, limits.max_entries)
        except OSError as exc:
            raise BundleError(f"cannot read the bundle: {exc.strerror}", path=path) from exc
        except BundleError as exc:
            if exc.path is None:
                exc.path = str(path)
            raise
        files = _check_zip_limits(entries, limits)
        return _locate_bag_in_zip(path, source, entries, files)
    except BaseException:
        source.close()
        raise


def _check_zip_limits(entries: list[ZipEntry], limits: ReadLimits) -> dict[str, ZipEntry]:
    total = packed = inflated = 0
    files: dict[str, ZipEntry] = {}
    for entry in entries:
        if entry.is_dir:
            continue
        total += entry.file_size
        if total > limits.max_total_size:
            raise BundleError(
                "the zip would unpack to more than the size limit (zip bomb?)",
                expected=f"at most {limits.max_total_size} bytes",
            )
        if entry.method == DEFLATED:
            packed += entry.compress_size
            inflated += entry.file_size
            if entry.file_size > limits.ratio_floor and entry.file_size > limits.max_ratio * max(
                entry.compress_size, 1
            ):
                raise BundleError(
                    "the zip entry is compressed beyond any real evidence (zip bomb?)",
                    path=entry.name,
                    expected=f"a ratio of at most {limits.max_ratio}:1",
                    found=f"{entry.file_size // max(entry.compress_size, 1)}:1",
                )
        files[entry.name] = entry
    if inflated > limits.max_ratio * packed + limits.ratio_floor:
        raise BundleError(
            "the zip's entries together are compressed beyond any real evidence (many small zip bombs?)",
            expected=f"a ratio of at most {limits.max_ratio}:1 overall",
            found=f"{inflated // max(packed, 1)}:1",
        )
    names = [entry.name.rstrip("/") for entry in entries]
    folders = {entry.name for entry in entries if entry.is_dir}
    for first, second, why in find_clashes(names):
        if why == "a file has the same name as a folder" and (first + "/") in folders:
            continue  # a folder entry and the files inside it: normal
        raise BundleError(
            f"refused a hostile zip: two entries are one file ({why})", path=f"{first} / {second}"
        )
    return files


def _locate_bag_in_zip(
    path: Path, source: RangeFile, entries: list[ZipEntry], files: dict[str, ZipEntry]
) -> BagFiles:
    names = set(files)
    folders = {entry.name for entry in entries if entry.is_dir}
    tops = {name.split("/", 1)[0] for name in (*names, *folders) if "/" in name.rstrip("/")}
    tops |= {name.rstrip("/") for name in folders if name.count("/") == 1}
    bags = sorted(top for top in tops if f"{top}/bagit.txt" in names)
    if "bagit.txt" in names:
        bags.append("")
    if len(bags) > 1:
        raise BundleError(
            "the zip holds more than one bag", path=path, found=", ".join(b or "(top)" for b in bags)
        )
    if not bags:
        marked = {
            name.split("/", 1)[0]
            for name in names
            if "/" in name
            and (name.split("/", 1)[1] in _BAG_MARKERS or name.split("/", 1)[1].startswith("data/"))
        }
        if len(marked) != 1:
            raise BundleError("not an evidence bundle: the zip holds no BagIt bag", path=path)
        bags = sorted(marked)
    root = bags[0]
    prefix = f"{root}/" if root else ""
    sizes: dict[str, int] = {}
    members: dict[str, ZipEntry] = {}
    outside: list[str] = []
    for name, entry in sorted(files.items()):
        if prefix and not name.startswith(prefix):
            outside.append(name)
            continue
        relative = name[len(prefix) :]
        sizes[relative] = entry.file_size
        members[relative] = entry
    occupied = {parent for name in (*names, *folders) for parent in _parents(name)}
    empty: list[str] = []
    for folder in sorted(folders):
        if prefix and not folder.startswith(prefix):
            if folder not in occupied:
                outside.append(folder)  # an empty folder beside the bag (one with files shows through them)
        elif folder not in occupied and folder != prefix and folder[len(prefix):] != "data/":
            empty.append(folder[len(prefix):])
    # A bag at the top of the zip has no folder, so no name: never the zip's own file name, which anyone chooses.
    return BagFiles(path, root, sizes, sorted(outside), empty, _zip=source, _entries=members,
                    named_folder=bool(root))


def _parents(name: str) -> list[str]:
    """The folders (each ending in '/') that hold ``name``."""
    parts = name.rstrip("/").split("/")
    return ["/".join(parts[:depth]) + "/" for depth in range(1, len(parts))]


# --- folder -------------------------------------------------------------------


def _looks_like_bag(folder: Path) -> bool:
    return any((folder / marker).is_file() for marker in _BAG_MARKERS) or (folder / "data").is_dir()


def _open_folder(path: Path, limits: ReadLimits) -> BagFiles:
    outside: list[str] = []
    if _looks_like_bag(path):
        root = path
    else:
        candidates = [
            child
            for child in sorted(path.iterdir())
            if child.is_dir() and not child.is_symlink() and _looks_like_bag(child)
        ]
        if not candidates:
            raise BundleError("not an evidence bundle: the folder holds no BagIt bag", path=path)
        declared = [child for child in candidates if (child / "bagit.txt").is_file()]
        if len(declared) == 1:  # as in a zip: the one folder with bagit.txt is the bag; the rest lies beside it
            candidates = declared
        if len(candidates) > 1:
            raise BundleError(
                "the folder holds more than one bag; name the one to verify",
                path=path,
                found=", ".join(_shown_name(c.name) for c in candidates),
            )
        root = candidates[0]
        # What else the folder holds is what else came out of the zip: reported, as the zip's would be.
        with os.scandir(path) as scan:
            for entry in sorted(scan, key=lambda e: e.name):
                if entry.name != root.name and len(outside) < limits.max_entries:
                    folder = entry.is_dir(follow_symlinks=False)
                    outside.append(_shown_name(entry.name) + ("/" if folder else ""))
    sizes: dict[str, int] = {}
    empty: list[str] = []
    total = 0
    for relative, size in _walk(root, "", limits):
        if size < 0:
            empty.append(relative)
            continue
        total += size
        if len(sizes) >= limits.max_entries or total > limits.max_total_size:
            raise BundleError("the bag is larger than the verification limits", path=root)
        sizes[relative] = size
    clashes = find_clashes(sizes)
    if clashes:
        first, second, why = clashes[0]
        raise BundleError(f"two files of the bag are one file elsewhere ({why})", path=f"{first} / {second}")
    return BagFiles(root, _shown_name(root.name), sizes, outside, [e for e in empty if e != "data/"],
                    outside_checked=root != path, _root=root)


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_READ = os.O_RDONLY | _NOFOLLOW | _NONBLOCK | getattr(os, "O_BINARY", 0)


def _open_beneath(root: Path, parts: list[str]) -> int:
    """A descriptor of the listed file at ``parts`` under ``root``, following no link on the way.

    Each folder is opened from the one before it, never through a link, so that a folder swapped for a link
    after the listing cannot lead outside the bag (where the system allows: elsewhere only the file itself
    is opened without following a link); and the file is opened without blocking, so that a file swapped for
    a named pipe is refused rather than waited on forever."""
    if not _DIRECTORY or os.open not in os.supports_dir_fd:
        return os.open(root.joinpath(*parts), _READ)
    folder = os.open(root, os.O_RDONLY | _DIRECTORY)
    try:
        for part in parts[:-1]:
            inner = os.open(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW, dir_fd=folder)
            os.close(folder)
            folder = inner
        return os.open(parts[-1], _READ, dir_fd=folder)
    finally:
        os.close(folder)


def _shown_name(name: str) -> str:
    """A name read from the file system, with bytes that are not UTF-8 shown as escapes."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def _walk(folder: Path, prefix: str, limits: ReadLimits) -> Iterator[tuple[str, int]]:
    """(bag-relative name, size) of every file; an empty folder as (name ending in '/', -1)."""
    with os.scandir(folder) as scan:
        children = sorted(scan, key=lambda entry: entry.name)
    if not children and prefix:
        yield prefix, -1
    for entry in children:
        relative = f"{prefix}{entry.name}"
        try:
            relative.encode("utf-8")
        except UnicodeEncodeError:
            raise BundleError(
                "refused a file of the bag: its name is not UTF-8 (each tool would read it "
                "in another character set)",
                path=repr(_shown_name(relative)),
            ) from None
        reason = unsafe_reason(relative)
        if reason:
            raise BundleError(f"refused a file of the bag: {reason}", path=repr(relative))
        if entry.is_symlink():
            raise BundleError("refused a symbolic link inside the bag", path=relative)
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(Path(entry.path), f"{relative}/", limits)
        elif entry.is_file(follow_symlinks=False):
            yield relative, entry.stat(follow_symlinks=False).st_size
        else:
            raise BundleError("refused a special file (device, pipe or socket) inside the bag", path=relative)
