"""Evidence bytes: stored content-addressed, hashed while they are copied in, read back as streams.

Objects are stored as 1 MiB chunks in a WITHOUT ROWID table, so every row
spills onto overflow pages; when SQLite seeks to a key in such a table it
reads each row it compares in full, so one seek costs several MiB of reads.
``open_object`` seeks once per chunk (fine for one object); the
:class:`ObjectReader` seeks once per object with one ordered query, and not
at all when the next object asked for is the next one stored (a case's items
are usually sealed in the order they were imported): reading a 1 GiB case
then costs about a third of the CPU.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, Self, cast

from app.core.errors import CaseFileError, ImportRefused
from app.core.hashing import BLOCK_SIZE, Digests, MultiHasher, Readable, iter_blocks
from app.core.reporting import NULL_REPORTER, Reporter, check_cancelled

from .connection import CaseConnection

_CHUNKS_FROM = "SELECT object_id, seq, data FROM chunks WHERE object_id >= ? ORDER BY object_id, seq"


class ObjectStore(CaseConnection):
    """The part of the case file that holds evidence bytes."""

    def _store_object(self, conn: sqlite3.Connection, stream: Readable, reporter: Reporter = NULL_REPORTER,
                      ) -> Digests:
        """Copy a stream into the case inside the caller's transaction, hashing it on the way;
        deduplicated by SHA-256, so that a failure leaves nothing."""
        placeholder = f"pending-{uuid.uuid4()}"
        cursor = conn.execute(
            "INSERT INTO objects(sha256, sha512, size) VALUES (?, '', 0)", (placeholder,)
        )
        object_id = cursor.lastrowid
        hasher = MultiHasher()
        for seq, block in enumerate(iter_blocks(stream, BLOCK_SIZE)):
            check_cancelled(reporter)
            hasher.update(block)
            if hasher.size > self.max_item_bytes:
                raise ImportRefused(
                    "too large for the case file; nothing was stored",
                    expected=f"at most {self.max_item_bytes:,} bytes",
                    found="more",
                )
            conn.execute(
                "INSERT INTO chunks(object_id, seq, data) VALUES (?, ?, ?)", (object_id, seq, block)
            )
        digests = hasher.digests()
        existing = conn.execute("SELECT id FROM objects WHERE sha256 = ?", (digests.sha256,)).fetchone()
        if existing is not None:
            conn.execute("DELETE FROM chunks WHERE object_id = ?", (object_id,))
            conn.execute("DELETE FROM objects WHERE id = ?", (object_id,))
        else:
            conn.execute(
                "UPDATE objects SET sha256 = ?, sha512 = ?, size = ? WHERE id = ?",
                (digests.sha256, digests.sha512, digests.size, object_id),
            )
        return digests

    def read_object(self, sha256: str) -> bytes:
        return b"".join(self.iter_object(sha256))

    def iter_object(self, sha256: str) -> Iterator[bytes]:
        conn = self._conn()
        row = conn.execute("SELECT id FROM objects WHERE sha256 = ?", (sha256,)).fetchone()
        if row is None:
            raise CaseFileError(f"evidence object {sha256[:12]}… is missing", path=self.path)
        # Read chunk by chunk so memory stays flat for large objects.
        seq = 0
        while True:
            chunk = conn.execute(
                "SELECT data FROM chunks WHERE object_id = ? AND seq = ?", (row[0], seq)
            ).fetchone()
            if chunk is None:
                return
            yield chunk[0]
            seq += 1


    def object_reader(self) -> ObjectReader:
        """Opens objects as streams, on a connection of its own (one object at a time); close it after."""
        return ObjectReader(self.path)

    def count_objects(self) -> int:
        return int(self._conn().execute("SELECT COUNT(*) FROM objects").fetchone()[0])

    def stored_objects(self) -> list[tuple[str, str, int]]:
        """(SHA-256, SHA-512, size) of every stored object, in the order stored."""
        return [(str(r[0]), str(r[1]), int(r[2]))
                for r in self._conn().execute("SELECT sha256, sha512, size FROM objects ORDER BY id")]


class ObjectReader:
    """Opens objects by SHA-256, read-only, on a connection of its own; use as a context manager."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._conn.execute("PRAGMA query_only = ON")
        self._conn.execute("PRAGMA busy_timeout = 30000")
        self._rows: sqlite3.Cursor | None = None
        self._ahead: tuple[int, int, bytes] | None = None  # the row the open query stands on
        self._closed = False

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """End the query (and its read transaction) and the connection; idempotent."""
        self._forget()
        self._conn.close()
        self._closed = True

    def open(self, sha256: str) -> BinaryIO:
        """A read-only stream over one stored object; CaseFileError when the case does not hold it."""
        try:
            row = self._conn.execute("SELECT id FROM objects WHERE sha256 = ?", (sha256,)).fetchone()
        except sqlite3.Error as exc:
            raise CaseFileError(f"cannot read the case file: {exc}", path=self.path) from exc
        if row is None:
            raise CaseFileError(f"evidence object {sha256[:12]}… is missing", path=self.path)
        return cast(BinaryIO, BlockStream(self._chunks(int(row[0]), sha256)))

    def _forget(self) -> None:
        if self._rows is not None:
            self._rows.close()
        self._rows, self._ahead = None, None

    def _chunks(self, object_id: int, sha256: str) -> Iterator[bytes]:
        try:
            if self._ahead is None or self._ahead[0] != object_id:
                self._forget()
                self._rows = self._conn.execute(_CHUNKS_FROM, (object_id,))
                self._ahead = self._rows.fetchone()
            rows, expected = self._rows, 0
            while self._ahead is not None and self._ahead[0] == object_id:
                _, seq, data = self._ahead
                if seq != expected:
                    raise CaseFileError(f"evidence object {sha256[:12]}… has a missing chunk", path=self.path)
                self._ahead = None  # a reader that stops here leaves nothing half-read behind
                yield data
                if self._rows is not rows:
                    why = "was closed" if self._closed else "opened another object before this one was read"
                    raise CaseFileError(f"the evidence reader {why}", path=self.path)
                assert rows is not None
                self._ahead = rows.fetchone()
                expected += 1
        except sqlite3.Error as exc:
            self._forget()
            raise CaseFileError(f"cannot read the case file: {exc}", path=self.path) from exc


class BlockStream:
    """A minimal read-only file object over an iterator of blocks; no copy when sizes line up."""

    def __init__(self, blocks: Iterator[bytes]) -> None:
        self._blocks = blocks
        self._buffer = b""

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            block = next(self._blocks, None)
            if block is None:
                break
            self._buffer = block if not self._buffer else self._buffer + block
        if size < 0 or size >= len(self._buffer):
            data, self._buffer = self._buffer, b""
        else:
            data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

    def close(self) -> None:
        self._buffer = b""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
