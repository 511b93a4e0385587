"""Read a zip's structure strictly: accept only a zip that every common extractor reads the same way.

Extractors do not agree on a zip's edge cases. Info-ZIP ``unzip`` and
libarchive (``bsdtar``) find entries through the central directory but honour
extra fields that Python's zipfile ignores (a Unicode-path field renames the
file they write); streaming readers walk the local headers instead and never
see the central directory; a folder bit, a mode or a name may be read one way
by one tool and another way by the next. A verifier that reads such a zip its
own way can check one set of files while a person who unzips it gets another.

So this reader accepts only the plain layout our writer produces (and Info-ZIP
``zip`` too): local header, data, local header, data, ... central directory,
(zip64 end records), end record, with no byte unaccounted for; each local
header the same as its central record; names ASCII or flagged UTF-8 and valid;
no comments, no encryption, no data descriptors, only store and deflate, only
extra fields that carry times, owners or zip64 sizes; folders empty and named
with '/', files with a file's mode. Everything else raises BundleError naming
the entry and what is wrong with it, before any content is read.
"""

from __future__ import annotations

import stat
import struct
from collections.abc import Callable
from dataclasses import dataclass

from app.core.errors import BundleError

from .names import unsafe_reason

_EOCD = struct.Struct("<4s4H2LH")  # end of central directory
_LOCATOR = struct.Struct("<4sLQL")  # zip64 end of central directory locator
_EOCD64 = struct.Struct("<4sQ2H2L4Q")  # zip64 end of central directory record
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_EOCD_SIG, _LOCATOR_SIG, _EOCD64_SIG = b"PK\x05\x06", b"PK\x06\x07", b"PK\x06\x06"
_CENTRAL_SIG, _LOCAL_SIG = b"PK\x01\x02", b"PK\x03\x04"
_MAX16, _MAX32 = 0xFFFF, 0xFFFFFFFF

STORED, DEFLATED = 0, 8
_UTF8 = 0x800
_ALLOWED_FLAGS = _UTF8 | 0x6  # bits 1-2 only hint at the deflate level
_ZIP64, _UNICODE_PATH, _UNICODE_COMMENT = 0x0001, 0x7075, 0x6375
# Extra fields that carry nothing an extractor uses to decide a name, a type or the bytes:
# extended timestamp (UT), Unix owner (ux), NTFS times. Our writer emits none of them; Info-ZIP zip does.
_HARMLESS_EXTRAS = frozenset({0x5455, 0x7875, 0x000A})
_MAX_EXTRA = 1024  # more than the fields above ever need
_DOS_FOLDER = 0x10
# The highest "version needed to extract" a bundle's entries ever need: 4.5 (zip64). Our writer and
# Info-ZIP zip write 1.0, 2.0 or 4.5; a higher one makes some extractors skip the entry.
_MAX_VERSION_NEEDED = 45
_ZIP64_OFFSETS_FROM = 0x7FFFFFFF  # Python's zipfile.ZIP64_LIMIT: entries starting beyond it get zip64 offsets


@dataclass(frozen=True)
class ZipEntry:
    """One entry of a zip whose structure passed every check."""

    name: str  # as every extractor reads it; folders end with '/'
    method: int  # STORED or DEFLATED
    crc: int
    compress_size: int
    file_size: int
    header_offset: int
    data_offset: int  # where the entry's (compressed) bytes start

    @property
    def is_dir(self) -> bool:
        return self.name.endswith("/")


# Host systems ("version made by", upper byte) whose external attributes every extractor reads alike:
# MS-DOS/FAT, Unix, Windows NTFS and macOS (the last two store MS-DOS or Unix attributes).
_MADE_ON = frozenset({0, 3, 10, 19})


def _refuse(what: str, name: str | None = None, **details: str) -> BundleError:
    where = repr(name) if name is not None and not (name.isascii() and name.isprintable()) else name
    return BundleError(f"refused a hostile zip: {what}", path=where, **details)


ReadAt = Callable[[int, int], bytes]  # (offset, length) -> at most length bytes


def scan_zip(read_at: ReadAt, size: int, max_entries: int) -> list[ZipEntry]:
    """Every entry of a zip of ``size`` bytes, in file order; BundleError unless its structure is plain."""
    tail = read_at(size - min(size, 22 + 20 + 56), min(size, 22 + 20 + 56))
    if len(tail) < _EOCD.size or tail[-_EOCD.size : -_EOCD.size + 4] != _EOCD_SIG:
        near_end = read_at(max(0, size - 65536 - _EOCD.size), min(size, 65536 + _EOCD.size))
        if _EOCD_SIG in near_end:
            raise _refuse(
                "the zip has a comment or data after its end record (extractors disagree on where it ends)"
            )
        raise BundleError("not a zip file (or a damaged one)")
    if _EOCD_SIG in tail[-_EOCD.size + 1 :]:
        raise _refuse("a second end record overlaps the zip's end record")
    _, disk, cd_disk, disk_count, count, cd_size, cd_offset, comment = _EOCD.unpack(tail[-_EOCD.size :])
    if disk or cd_disk or disk_count != count:
        raise _refuse("the zip claims to span several disks")
    if comment:
        raise _refuse(
            f"the end record declares a comment of {comment} bytes that is not there (extractors disagree "
            "on where the zip ends)"
        )
    cd_end = size - _EOCD.size
    locator = (
        tail[-_EOCD.size - _LOCATOR.size : -_EOCD.size] if len(tail) >= _EOCD.size + _LOCATOR.size else b""
    )
    if locator[:4] == _LOCATOR_SIG:
        count, cd_size, cd_offset, cd_end = _zip64_end(tail, size, count, cd_size, cd_offset)
    elif _MAX32 in (cd_size, cd_offset):
        raise _refuse("the end record points to zip64 records that are not there")
    if count > max_entries:
        raise BundleError(
            "the zip holds too many entries", expected=f"at most {max_entries}", found=str(count)
        )
    if cd_offset + cd_size != cd_end:
        raise _refuse("the central directory is not where the end record says (data before or after it)")
    if cd_size > count * (_CENTRAL.size + 1024 + _MAX_EXTRA):
        raise _refuse("the central directory is larger than its entries can be")
    directory = read_at(cd_offset, cd_size)
    if len(directory) != cd_size:
        raise BundleError("the zip is truncated (its central directory is cut short)")
    records = _central_records(directory, count)
    entries: list[ZipEntry] = []
    for index, (name, raw_name, fields, crc, compress_size, file_size, offset) in enumerate(records):
        following = records[index + 1][6] if index + 1 < len(records) else cd_offset
        if index == 0 and offset != 0:
            raise _refuse("there are bytes before the first entry (a hidden entry or a prefixed file)", name)
        header_length = following - offset - compress_size
        if header_length < _LOCAL.size or header_length > _LOCAL.size + len(raw_name) + _MAX_EXTRA:
            raise _refuse("the entry overlaps the next one, or hidden bytes lie between them", name)
        header = read_at(offset, header_length)
        if len(header) != header_length:
            raise BundleError("the zip is truncated", path=name)
        _check_local(header, name, raw_name, fields, crc, compress_size, file_size)
        entries.append(
            ZipEntry(name, fields[0], crc, compress_size, file_size, offset, offset + header_length)
        )
    return entries


def _zip64_end(tail: bytes, size: int, count: int, cd_size: int, cd_offset: int) -> tuple[int, int, int, int]:
    """The zip64 end records, which must sit just before the end record and agree with it."""
    _, disk, record_offset, disks = _LOCATOR.unpack(tail[-_EOCD.size - _LOCATOR.size : -_EOCD.size])
    expected_offset = size - _EOCD.size - _LOCATOR.size - _EOCD64.size
    if disk != 0 or disks != 1 or record_offset != expected_offset or len(tail) < _EOCD64.size + 42:
        raise _refuse("the zip64 end records are misplaced or claim several disks")
    record = tail[-_EOCD.size - _LOCATOR.size - _EOCD64.size : -_EOCD.size - _LOCATOR.size]
    signature, length, _, _, disk, cd_disk, disk_count, count64, cd_size64, cd_offset64 = _EOCD64.unpack(
        record
    )
    if signature != _EOCD64_SIG or length != _EOCD64.size - 12 or disk or cd_disk or disk_count != count64:
        raise _refuse("the zip64 end record is damaged or carries extra data")
    if (count, cd_size, cd_offset) != (
        min(count64, _MAX16),
        min(cd_size64, _MAX32),
        min(cd_offset64, _MAX32),
    ):
        raise _refuse("the zip64 end record and the end record disagree (entry count, size or offset)")
    return count64, cd_size64, cd_offset64, expected_offset


_Record = tuple[str, bytes, tuple[int, int, int, int, int, int], int, int, int, int]


def _central_records(directory: bytes, count: int) -> list[_Record]:
    """(name, raw name, (method, flags, time, date, version needed, the least its local header may say), crc,
    compressed, size, offset) per record, checked."""
    records: list[_Record] = []
    position = 0
    previous_offset = -1
    for number in range(count):
        if position + _CENTRAL.size > len(directory):
            raise _refuse(f"the central directory ends inside record {number + 1}")
        (
            signature,
            _,
            made_on,
            needed,
            needed_system,
            flags,
            method,
            time,
            date,
            crc,
            compress_size,
            file_size,
            name_length,
            extra_length,
            comment_length,
            disk,
            _,
            external,
            offset,
        ) = _CENTRAL.unpack_from(directory, position)
        start = position + _CENTRAL.size
        position = start + name_length + extra_length + comment_length
        if signature != _CENTRAL_SIG or position > len(directory):
            raise _refuse(f"central directory record {number + 1} is damaged")
        raw_name = directory[start : start + name_length]
        extra = directory[start + name_length : start + name_length + extra_length]
        name = _decode_name(raw_name, flags)
        if comment_length:
            raise _refuse("the entry carries a comment (a bundle's entries never do)", name)
        if disk:
            raise _refuse("the entry claims to start on another disk", name)
        _check_version(name, needed, needed_system)
        if made_on not in _MADE_ON:
            raise _refuse(
                f"the entry says it was made on host system {made_on} (VMS, Amiga, ...), whose file attributes "
                "extractors read each in their own way; a bundle's entries come from MS-DOS/Windows or Unix", name,
            )
        _check_kind(name, flags, method, external)
        offset_in_zip64 = offset == _MAX32
        sizes = _resolve_zip64(extra, name, (file_size, compress_size, offset), local=False)
        file_size, compress_size, offset = sizes
        # An entry that starts past 2 GiB gets a zip64 offset from Python's zip writer (ours), which only the
        # central directory holds: it then says 4.5 there, and in the local header what the entry itself needs.
        large_offset = offset_in_zip64 and offset > _ZIP64_OFFSETS_FROM and needed == _MAX_VERSION_NEEDED
        local_floor = 10 if large_offset else needed
        if method == STORED and compress_size != file_size:
            raise _refuse(
                "a stored entry gives two different sizes (extractors would write another number of "
                "bytes than were checked)", name, expected=str(compress_size), found=str(file_size),
            )
        if name.endswith("/") and (file_size or compress_size or crc or method != STORED):
            raise _refuse("a folder entry carries data (extractors would drop it or write it)", name)
        if offset <= previous_offset:
            raise _refuse("the central directory lists entries out of their order in the file", name)
        previous_offset = offset
        records.append(
            (name, raw_name, (method, flags, time, date, needed, local_floor), crc, compress_size, file_size, offset)
        )
    if position != len(directory):
        raise _refuse("the central directory holds more records than the end record counts")
    return records


def _decode_name(raw: bytes, flags: int) -> str:
    if flags & _UTF8:
        try:
            name = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _refuse(
                "an entry's name is flagged as UTF-8 but is not UTF-8",
                raw.decode("utf-8", "backslashreplace"),
            ) from None
    elif raw.isascii():
        name = raw.decode("ascii")
    else:
        raise _refuse(
            "an entry's name is neither ASCII nor flagged as UTF-8 (each tool would read it "
            "in another character set)",
            raw.decode("ascii", "backslashreplace"),
        )
    # No CR or LF either (allowed in an unzipped folder, where a file is what it is named): Info-ZIP unzip, the
    # stock route's extractor, strips control characters, so such an entry extracts over another file's name.
    reason = unsafe_reason(name[:-1] if name.endswith("/") else name, allow_line_breaks=False)
    if reason:
        raise _refuse(reason, name)
    return name


def _check_version(name: str, needed: int, system: int) -> None:
    """The version needed to extract: at most 4.5, with no operating system in its upper byte."""
    if needed > _MAX_VERSION_NEEDED or system:
        raise _refuse(
            f"the entry asks for zip version {needed // 10}.{needed % 10} to extract it (some extractors "
            "skip such an entry); a bundle needs at most 4.5", name,
        )


def _check_kind(name: str, flags: int, method: int, external: int) -> None:
    if flags & 0x1 or flags & 0x40:
        raise BundleError("the zip entry is encrypted; bundles are never encrypted", path=name)
    if flags & 0x8:
        raise _refuse(
            "the entry's sizes follow its data (a data descriptor, which streaming extractors "
            "read differently); unzip the bundle and verify the folder",
            name,
        )
    if flags & ~_ALLOWED_FLAGS:
        raise _refuse(f"the entry uses zip features a bundle never uses (flags {flags:#06x})", name)
    if method not in (STORED, DEFLATED):
        raise _refuse(f"the entry is compressed with method {method}, not stored or deflated", name)
    mode, dos = external >> 16, external & 0xFF
    kind = stat.S_IFMT(mode)
    if name.endswith("/"):
        if kind not in (0, stat.S_IFDIR):
            raise _refuse("a folder entry has the mode of a file, link or device", name)
        if kind and mode & 0o700 != 0o700:
            raise _refuse(f"a folder entry's mode ({mode & 0o7777:04o}) would lock its owner out of the folder "
                          "once extracted (its files could not be read or checked)", name)
        return
    if kind == stat.S_IFLNK:
        raise _refuse("it is a symbolic link", name)
    if kind == stat.S_IFDIR or dos & _DOS_FOLDER:
        raise _refuse("a file entry has a folder's mode (some extractors make a folder of it)", name)
    if kind not in (0, stat.S_IFREG):
        raise _refuse("it is a special file (device, pipe or socket)", name)
    if kind and not mode & stat.S_IRUSR:
        raise _refuse(f"a file entry's mode ({mode & 0o7777:04o}) would make it unreadable to its owner once "
                      "extracted", name)
    if mode & (stat.S_ISUID | stat.S_ISGID):
        raise _refuse("a file entry asks to run with its owner's rights (setuid or setgid)", name)


def _resolve_zip64(extra: bytes, name: str, values: tuple[int, ...], *, local: bool) -> tuple[int, ...]:
    """The real (size, compressed size[, offset]) after the zip64 extra field; checks every extra field."""
    if len(extra) > _MAX_EXTRA:
        raise _refuse("the entry's extra fields are larger than any bundle needs", name)
    position = 0
    seen: set[int] = set()
    zip64: bytes | None = None
    while position < len(extra):
        if position + 4 > len(extra):
            raise _refuse("the entry's extra fields are damaged", name)
        kind, length = struct.unpack_from("<2H", extra, position)
        body = extra[position + 4 : position + 4 + length]
        position += 4 + length
        if len(body) != length:
            raise _refuse("the entry's extra fields are damaged", name)
        if kind in seen:
            raise _refuse(
                f"the entry repeats extra field {kind:#06x} (tools would pick different ones)", name
            )
        seen.add(kind)
        if kind in (_UNICODE_PATH, _UNICODE_COMMENT):
            what = "path" if kind == _UNICODE_PATH else "comment"
            raise _refuse(
                f"the entry carries an Info-ZIP Unicode {what} field (bsdtar, and unzip where built "
                "with Unicode support, use it instead of the name that was checked)",
                name,
            )
        if kind == _ZIP64:
            zip64 = body
        elif kind not in _HARMLESS_EXTRAS:
            raise _refuse(f"the entry carries extra field {kind:#06x}, which some extractors honour", name)
    wanted = [index for index, value in enumerate(values) if value == _MAX32]
    if local and wanted and wanted != [0, 1]:
        raise _refuse("the local header gives one size in zip64 form and the other not", name)
    if zip64 is None:
        if wanted:
            raise _refuse("the entry's sizes point to a zip64 field that is not there", name)
        return values
    if len(zip64) != 8 * len(wanted) or not wanted:
        raise _refuse("the entry's zip64 field does not match the sizes it replaces", name)
    resolved = list(values)
    for slot, index in enumerate(wanted):
        resolved[index] = struct.unpack_from("<Q", zip64, 8 * slot)[0]
    return tuple(resolved)


def _check_local(
    header: bytes,
    name: str,
    raw_name: bytes,
    fields: tuple[int, int, int, int, int, int],
    crc: int,
    compress_size: int,
    file_size: int,
) -> None:
    """The local header must say exactly what the central directory says, and fill its space exactly."""
    (
        signature,
        needed,
        needed_system,
        flags,
        method,
        time,
        date,
        local_crc,
        local_compressed,
        local_size,
        name_length,
        extra_length,
    ) = _LOCAL.unpack_from(header)
    if signature != _LOCAL_SIG:
        raise _refuse("the entry's local header is missing (the directory points elsewhere)", name)
    if _LOCAL.size + name_length + extra_length != len(header):
        raise _refuse(
            "hidden bytes lie between the entry's header and its data, or it overlaps the next", name
        )
    if header[_LOCAL.size : _LOCAL.size + name_length] != raw_name:
        raise _refuse(
            "the local header names another file than the central directory "
            "(streaming extractors would write that name)",
            name,
        )
    if (method, flags, time, date) != fields[:4]:
        raise _refuse("the local header and the central directory disagree on method, flags or date", name)
    local_needed = needed + 256 * needed_system
    if local_needed != fields[4] and not fields[5] <= local_needed < fields[4]:
        raise _refuse("the local header and the central directory disagree on the version needed", name)
    extra = header[_LOCAL.size + name_length :]
    local_size, local_compressed = _resolve_zip64(extra, name, (local_size, local_compressed), local=True)
    if (local_crc, local_compressed, local_size) != (crc, compress_size, file_size):
        raise _refuse("the local header and the central directory disagree on the entry's size or CRC", name)
