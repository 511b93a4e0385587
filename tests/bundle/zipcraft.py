"""Write zips byte by byte, with every field under the test's control (hostile zips for the verifier).

Python's zipfile refuses to write most of what an attacker would: a local
header that names another file than the central directory, Unicode path
fields, data descriptors on stored entries, bytes hidden between entries. This
writer takes each field as given, so the tests can build exactly the zip that
extracts one way under Info-ZIP unzip or libarchive and another way elsewhere.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field, replace

FILE = 0o100644 << 16
FOLDER = (0o040755 << 16) | 0x10


@dataclass
class Entry:
    name: bytes
    data: bytes = b""
    method: int = 0  # 0 stored, 8 deflated
    flags: int = 0
    external: int = FILE
    create_system: int = 3  # Unix
    local_name: bytes | None = None  # None: the same as name
    local_extra: bytes = b""
    central_extra: bytes = b""
    comment: bytes = b""
    crc: int | None = None  # None: the real CRC-32
    local_crc: int | None = None
    local_sizes: tuple[int, int] | None = None  # (compressed, uncompressed) in the local header
    payload: bytes | None = None  # the bytes stored (None: data, deflated if method 8)
    after: bytes = b""  # bytes written after this entry's data (a data descriptor, hidden bytes)
    time: tuple[int, int] = (0, 0x5862)  # DOS time, date
    needed: int = 20  # version needed to extract (both headers)
    central_sizes: tuple[int, int] | None = None  # (compressed, uncompressed) in the central record
    central_needed: int | None = None  # the central record's version needed (None: ``needed``)
    zip64_offset: bool = False  # the central record gives its offset in a zip64 field

    def stored(self) -> bytes:
        if self.payload is not None:
            return self.payload
        if self.method == 8:
            packer = zlib.compressobj(6, zlib.DEFLATED, -15)
            return packer.compress(self.data) + packer.flush()
        return self.data


def extra(kind: int, body: bytes) -> bytes:
    return struct.pack("<2H", kind, len(body)) + body


def unicode_path(name: bytes, real_name: bytes) -> bytes:
    """Info-ZIP Unicode Path extra field (0x7075): bsdtar writes ``name``, not the entry's own name."""
    return extra(0x7075, b"\x01" + struct.pack("<L", zlib.crc32(real_name)) + name)


@dataclass
class Layout:
    entries: list[Entry]
    prefix: bytes = b""  # before the first entry
    before_directory: bytes = b""  # between the last entry and the central directory
    trailing: bytes = b""  # after the end record
    comment: bytes = b""
    directory_order: list[int] | None = None  # central records in another order than the entries
    extra_records: list[tuple[int, Entry]] = field(default_factory=list)  # (entry index it points to, record)
    count_override: int | None = None
    comment_length: int | None = None  # what the end record declares (None: the comment's real length)


def build(layout: Layout) -> bytes:
    out = bytearray(layout.prefix)
    offsets: list[int] = []
    for entry in layout.entries:
        offsets.append(len(out))
        body = entry.stored()
        crc = zlib.crc32(entry.data) if entry.crc is None else entry.crc
        local_crc = crc if entry.local_crc is None else entry.local_crc
        compressed, size = entry.local_sizes or (len(body), len(entry.data))
        name = entry.name if entry.local_name is None else entry.local_name
        out += struct.pack(
            "<4s2B4HL2L2H",
            b"PK\x03\x04",
            entry.needed,
            0,
            entry.flags,
            entry.method,
            *entry.time,
            local_crc,
            compressed,
            size,
            len(name),
            len(entry.local_extra),
        )
        out += name + entry.local_extra + body + entry.after
    out += layout.before_directory
    directory_start = len(out)
    order = layout.directory_order or list(range(len(layout.entries)))
    records = [(offsets[i], layout.entries[i]) for i in order]
    records += [(offsets[i], record) for i, record in layout.extra_records]
    for offset, entry in records:
        body = entry.stored()
        crc = zlib.crc32(entry.data) if entry.crc is None else entry.crc
        central_extra = entry.central_extra
        if entry.zip64_offset:
            central_extra = extra(0x0001, struct.pack("<Q", offset)) + central_extra
            offset = 0xFFFFFFFF
        out += struct.pack(
            "<4s4B4HL2L5H2L",
            b"PK\x01\x02",
            20,
            entry.create_system,
            entry.needed if entry.central_needed is None else entry.central_needed,
            0,
            entry.flags,
            entry.method,
            *entry.time,
            crc,
            *(entry.central_sizes or (len(body), len(entry.data))),
            len(entry.name),
            len(central_extra),
            len(entry.comment),
            0,
            0,
            entry.external,
            offset,
        )
        out += entry.name + central_extra + entry.comment
    size = len(out) - directory_start
    count = len(records) if layout.count_override is None else layout.count_override
    out += struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, size, directory_start,
        len(layout.comment) if layout.comment_length is None else layout.comment_length,
    )
    return bytes(out + layout.comment + layout.trailing)


def from_files(files: list[tuple[str, bytes]]) -> list[Entry]:
    """Plain entries (folders for every parent, as our writer makes them), to start a hostile layout from."""
    entries: list[Entry] = []
    folders: set[str] = set()
    for name, data in files:
        parts = name.split("/")
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth]) + "/"
            if folder not in folders:
                folders.add(folder)
                entries.append(Entry(folder.encode(), external=FOLDER))
        entries.append(
            Entry(
                name.encode(),
                data,
                method=8 if name.endswith(".txt") else 0,
                flags=0 if name.isascii() else 0x800,
            )
        )
    return entries


__all__ = ["Entry", "Layout", "build", "extra", "from_files", "replace", "unicode_path", "FILE", "FOLDER"]
