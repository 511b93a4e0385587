"""Open a bundle for reading without trusting it: a zip, or an unzipped folder.

A zip is read in place (nothing is extracted to disk). Before any content is
read, every entry is checked: no name that leaves the bag (zip-slip,
absolute, drive letter, backslash), no symlink, device or other special
file, no duplicate or case/Unicode-equal names, and limits on the number of
entries, the total size and the compression ratio (zip bombs). A folder is
walked without following links. Anything hostile raises BundleError naming
the entry; nothing is opened by a name that did not pass these checks.
"""

from __future__ import annotations

import io
import os
import stat
import struct
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from app.core.errors import BundleError

from .names import find_clashes, unsafe_reason


@dataclass(frozen=True)
class ReadLimits:
    """How big a bundle may be before it is refused unread."""

    max_entries: int = 200_000
    max_total_size: int = 64 * 1024**3  # uncompressed bytes, all entries together
    max_ratio: int = 200  # uncompressed / compressed, per entry ...
    ratio_floor: int = 1024**2  # ... for entries larger than this
    max_tag_file_size: int = 256 * 1024**2  # tag files are read into memory


# Files that mark a folder as a bag even when bagit.txt itself was removed.
_BAG_MARKERS = ("bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt")


@dataclass
class BagFiles:
    """A bag opened for reading: its files by bag-relative POSIX name, and how to read them."""

    source: Path
    bag_name: str
    sizes: dict[str, int]  # every regular file inside the bag
    outside: list[str] = field(default_factory=list)  # files next to the bag in a zip
    _zip: zipfile.ZipFile | None = None
    _members: dict[str, zipfile.ZipInfo] = field(default_factory=dict)
    _root: Path | None = None

    def open(self, name: str) -> BinaryIO:
        """A stream of one listed file; names that were not listed are refused."""
        if name not in self.sizes:
            raise BundleError("not a file of this bag", path=name)
        if self._zip is not None:
            info = self._members[name]
            if info.compress_type == zipfile.ZIP_STORED:
                return _StoredEntry(self.source, info)  # type: ignore[return-value]
            return self._zip.open(info)  # type: ignore[return-value]
        assert self._root is not None
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
        descriptor = os.open(self._root.joinpath(*name.split("/")), flags)
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            os.close(descriptor)
            raise BundleError("not a regular file", path=name)
        return os.fdopen(descriptor, "rb")

    def read(self, name: str, limit: int) -> bytes:
        """The whole of a small file; BundleError if it is larger than ``limit``."""
        if self.sizes[name] > limit:
            raise BundleError("file is too large to be a tag file", path=name)
        with self.open(name) as stream:
            data = stream.read(limit + 1)
        if len(data) > limit:
            raise BundleError("file is too large to be a tag file", path=name)
        return data

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()


class _StoredEntry(io.RawIOBase):
    """The bytes of a stored (uncompressed) zip entry, read straight from the file.

    zipfile would also compute the entry's CRC-32 on every read; verification
    checks SHA-256 and SHA-512 of the same bytes, which catch any change the
    CRC would, so skipping it saves a third hash pass. The local header is
    checked as zipfile checks it (signature, name).
    """

    def __init__(self, path: Path, info: zipfile.ZipInfo) -> None:
        super().__init__()
        self._file = open(path, "rb", buffering=0)  # noqa: SIM115 - closed in close()
        try:
            self._file.seek(info.header_offset)
            header = self._file.read(zipfile.sizeFileHeader)  # type: ignore[attr-defined]
            if len(header) != zipfile.sizeFileHeader:  # type: ignore[attr-defined]
                raise zipfile.BadZipFile("truncated local file header")
            fields = struct.unpack(zipfile.structFileHeader, header)  # type: ignore[attr-defined]
            if fields[zipfile._FH_SIGNATURE] != zipfile.stringFileHeader:  # type: ignore[attr-defined]
                raise zipfile.BadZipFile("bad magic number for file header")
            raw_name = self._file.read(fields[zipfile._FH_FILENAME_LENGTH])  # type: ignore[attr-defined]
            encoding = "utf-8" if fields[zipfile._FH_GENERAL_PURPOSE_FLAG_BITS] & 0x800 else "cp437"  # type: ignore[attr-defined]
            if raw_name.decode(encoding, "replace") != info.orig_filename:
                raise zipfile.BadZipFile("the local file header names another file than the directory")
            self._file.seek(fields[zipfile._FH_EXTRA_FIELD_LENGTH], os.SEEK_CUR)  # type: ignore[attr-defined]
            if info.compress_size != info.file_size:
                raise zipfile.BadZipFile("a stored entry's sizes disagree")
        except BaseException:
            self._file.close()
            raise
        self._left = info.compress_size

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if self._left <= 0:
            return b""
        wanted = self._left if size is None or size < 0 else min(size, self._left)
        data = self._file.read(wanted)
        if not data:
            raise zipfile.BadZipFile("the entry is truncated")
        self._left -= len(data)
        return data

    def close(self) -> None:
        self._file.close()
        super().close()


@contextmanager
def open_bag(path: Path, limits: ReadLimits | None = None) -> Iterator[BagFiles]:
    """The bag in a zip, or in a folder (the bag itself or a folder holding exactly one bag)."""
    path = Path(path)
    limits = limits or ReadLimits()
    if path.is_dir():
        bag = _open_folder(path, limits)
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
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise BundleError("not a zip file (or a damaged one)", path=path) from exc
    except OSError as exc:
        raise BundleError(f"cannot read the bundle: {exc.strerror}", path=path) from exc
    try:
        files = _check_zip_entries(archive, limits)
        return _locate_bag_in_zip(path, archive, files)
    except BaseException:
        archive.close()
        raise


def _check_zip_entries(archive: zipfile.ZipFile, limits: ReadLimits) -> dict[str, zipfile.ZipInfo]:
    entries = archive.infolist()
    if len(entries) > limits.max_entries:
        raise BundleError(
            "the zip holds too many entries", expected=f"at most {limits.max_entries}", found=str(len(entries))
        )
    total = 0
    files: dict[str, zipfile.ZipInfo] = {}
    for info in entries:
        name = info.orig_filename
        folder = name.endswith("/")
        reason = unsafe_reason(name[:-1] if folder else name)
        if reason:
            raise BundleError(f"refused a hostile zip entry: {reason}", path=repr(name))
        kind = stat.S_IFMT(info.external_attr >> 16)
        if kind and kind not in (stat.S_IFREG, stat.S_IFDIR):
            what = "a symbolic link" if kind == stat.S_IFLNK else "a special file (device, pipe or socket)"
            raise BundleError(f"refused a hostile zip entry: it is {what}", path=name)
        if info.flag_bits & 0x1:
            raise BundleError("the zip entry is encrypted; bundles are never encrypted", path=name)
        if folder or kind == stat.S_IFDIR:
            continue
        total += info.file_size
        if total > limits.max_total_size:
            raise BundleError(
                "the zip would unpack to more than the size limit (zip bomb?)",
                expected=f"at most {limits.max_total_size} bytes",
            )
        if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise BundleError(
                "the zip entry is compressed beyond any real evidence (zip bomb?)",
                path=name,
                expected=f"a ratio of at most {limits.max_ratio}:1",
                found=f"{info.file_size // max(info.compress_size, 1)}:1",
            )
        files[name] = info
    names = [info.orig_filename.rstrip("/") for info in entries]
    clashes = find_clashes(names)
    for first, second, why in clashes:
        if why == "a file has the same name as a folder" and (first + "/") in archive.NameToInfo:
            continue  # a folder entry and the files inside it: normal
        raise BundleError(f"refused a hostile zip: two entries are one file ({why})", path=f"{first} / {second}")
    return files


def _locate_bag_in_zip(path: Path, archive: zipfile.ZipFile, files: dict[str, zipfile.ZipInfo]) -> BagFiles:
    names = set(files)
    tops = {name.split("/", 1)[0] for name in (*names, *archive.NameToInfo) if "/" in name.rstrip("/")}
    tops |= {name.rstrip("/") for name in archive.NameToInfo if name.count("/") == 1 and name.endswith("/")}
    bags = sorted(top for top in tops if f"{top}/bagit.txt" in names)
    if "bagit.txt" in names:
        bags.append("")
    if len(bags) > 1:
        raise BundleError("the zip holds more than one bag", path=path, found=", ".join(b or "(top)" for b in bags))
    if not bags:
        marked = sorted(t for t in tops if any(f"{t}/{m}" in names for m in _BAG_MARKERS)
                        or any(n.startswith(f"{t}/data/") for n in names))
        if len(marked) != 1:
            raise BundleError("not an evidence bundle: the zip holds no BagIt bag", path=path)
        bags = marked
    root = bags[0]
    prefix = f"{root}/" if root else ""
    sizes: dict[str, int] = {}
    members: dict[str, zipfile.ZipInfo] = {}
    outside: list[str] = []
    for name, info in sorted(files.items()):
        if prefix and not name.startswith(prefix):
            outside.append(name)
            continue
        relative = name[len(prefix):]
        sizes[relative] = info.file_size
        members[relative] = info
    return BagFiles(path, root or path.stem, sizes, outside, _zip=archive, _members=members)


# --- folder -------------------------------------------------------------------


def _looks_like_bag(folder: Path) -> bool:
    return any((folder / marker).is_file() for marker in _BAG_MARKERS) or (folder / "data").is_dir()


def _open_folder(path: Path, limits: ReadLimits) -> BagFiles:
    if _looks_like_bag(path):
        root = path
    else:
        candidates = [
            child for child in sorted(path.iterdir())
            if child.is_dir() and not child.is_symlink() and _looks_like_bag(child)
        ]
        if not candidates:
            raise BundleError("not an evidence bundle: the folder holds no BagIt bag", path=path)
        if len(candidates) > 1:
            raise BundleError(
                "the folder holds more than one bag; name the one to verify",
                path=path, found=", ".join(c.name for c in candidates),
            )
        root = candidates[0]
    sizes: dict[str, int] = {}
    total = 0
    for relative, size in _walk(root, "", limits):
        total += size
        if len(sizes) >= limits.max_entries or total > limits.max_total_size:
            raise BundleError("the bag is larger than the verification limits", path=root)
        sizes[relative] = size
    clashes = find_clashes(sizes)
    if clashes:
        first, second, why = clashes[0]
        raise BundleError(f"two files of the bag are one file elsewhere ({why})", path=f"{first} / {second}")
    return BagFiles(root, root.name, sizes, _root=root)


def _walk(folder: Path, prefix: str, limits: ReadLimits) -> Iterator[tuple[str, int]]:
    with os.scandir(folder) as scan:
        children = sorted(scan, key=lambda entry: entry.name)
    for entry in children:
        relative = f"{prefix}{entry.name}"
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

