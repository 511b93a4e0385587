"""The case file's connections and transactions, and the custody entry every change writes.

Each thread gets its own connection (WAL mode lets the GUI read while a
worker writes); SQLite's own lock serialises writers. Every change runs in
one ``BEGIN IMMEDIATE`` transaction together with the custody entry that
records it, so a crash, a kill or a full disk leaves the case as it was
before the change or after it, never between. Only this package sees a
connection: the store's modules are mixins of :class:`CaseConnection`, and
operations get a :class:`Transaction`, which offers the store's changes,
never SQL.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from app.core import custody
from app.core.custody import CustodyEntry
from app.core.errors import CaseFileError
from app.core.files import is_disk_full
from app.core.text import storable_value

DEFAULT_MAX_ITEM_BYTES = 2 * 1024**3  # an item larger than this is refused, never truncated


class CaseWriteFailed(CaseFileError):
    """SQLite could not write the case file (a full disk, a read-only file, an I/O error); the change was
    undone."""

    def __init__(self, message: str, *, path: str | Path, disk_full: bool, read_only: bool = False) -> None:
        super().__init__(message, path=path)
        self.disk_full = disk_full
        self.read_only = read_only

    @classmethod
    def of(cls, exc: sqlite3.Error, path: str | Path) -> CaseWriteFailed:
        full = is_disk_full(exc)
        read_only = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF == sqlite3.SQLITE_READONLY
        why = ("the disk is full" if full else "the case file is read-only here" if read_only
               else f"the case file could not be written ({exc})")
        return cls(f"the change could not be saved: {why}; nothing was changed", path=path,
                   disk_full=full, read_only=read_only)


class CaseConnection:
    """An open case file's connections; the base of every part of the store."""

    def __init__(self, path: Path, *, actor: str | None = None) -> None:
        self.path = Path(path)
        self.actor = actor or default_actor()
        self.max_item_bytes = DEFAULT_MAX_ITEM_BYTES
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def read_only_reason(self) -> str | None:
        """Why this case cannot be changed here, in the user's words, or None when it can: SQLite writes
        the case file and, beside it, its ``-wal`` and ``-shm`` files, so both the file and its folder
        must be writable."""
        return read_only_reason(self.path)

    def close(self) -> None:
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    def _conn(self) -> sqlite3.Connection:
        """This thread's connection (made on first use)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = FULL")
                conn.execute("PRAGMA foreign_keys = ON")
                conn.execute("PRAGMA busy_timeout = 30000")
            except sqlite3.Error:
                conn.close()  # not yet in the list close() empties: the file would stay open
                raise
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One atomic change on this thread's connection: commits when the block ends, rolls back on
        any exception."""
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except sqlite3.Error as exc:  # a full disk, an I/O error: said in the case file's words
            rollback(conn)
            raise CaseWriteFailed.of(exc, self.path) from exc
        except BaseException:
            rollback(conn)
            raise
        else:
            try:
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                rollback(conn)
                raise CaseWriteFailed.of(exc, self.path) from exc

    # -- the custody log -----------------------------------------------------------------

    def _log(self, conn: sqlite3.Connection, action: str, *, item_id: int | None = None,
             sha256: str | None = None, details: dict[str, Any] | None = None) -> CustodyEntry:
        """Append a custody entry inside the caller's transaction, chained to the one before."""
        row = conn.execute("SELECT seq, entry_hash FROM custody ORDER BY seq DESC LIMIT 1").fetchone()
        seq, prev = (row[0] + 1, row[1]) if row else (1, custody.GENESIS)
        details = storable_value(details or {})  # names quoted in details may hold undecodable bytes
        body = custody.entry_body(seq, custody.utc_now(), self.actor, action, item_id, sha256, details, prev)
        entry_hash = custody.compute_entry_hash(body)
        conn.execute(
            "INSERT INTO custody(seq, at, actor, action, item_id, sha256, details, prev_hash, entry_hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (seq, body["at"], self.actor, action, item_id, sha256, custody.canonical_json(body["details"]),
             prev, entry_hash),
        )
        return CustodyEntry(seq, body["at"], self.actor, action, item_id, sha256, body["details"], prev,
                            entry_hash)

    # -- what is done with the case without changing it, each with its custody entry ------------

    def record_bundle_built(self, details: dict[str, Any]) -> CustodyEntry:
        """A bundle was sealed from the case (its name, SHA-256, signer, date, documents)."""
        return self._record("bundle-built", details=details)

    def record_bundle_renewed(self, details: dict[str, Any]) -> CustodyEntry:
        """A bundle of the case was renewed with an archive timestamp (its new name, the timestamp's facts)."""
        return self._record("bundle-renewed", details=details)

    def record_documents_exported(self, details: dict[str, Any]) -> CustodyEntry:
        """The filing set was written (the folder, the bundle date, each file's SHA-256)."""
        return self._record("documents-exported", details=details)

    def record_attachments_exported(self, item_id: int, sha256: str, details: dict[str, Any]) -> CustodyEntry:
        """A message's attachments were written out for analysis (where, how many, their SHA-256)."""
        return self._record("attachments-exported", item_id=item_id, sha256=sha256, details=details)

    def record_wacz_exported(self, details: dict[str, Any]) -> CustodyEntry:
        """The web captures were written as a WACZ package (its name, SHA-256, pages, signer)."""
        return self._record("wacz-exported", details=details)

    def record_prefiling_checked(self, details: dict[str, Any]) -> CustodyEntry:
        """A pre-filing check ran (how many domains and replies, the verdict counts, its results' SHA-256)."""
        return self._record("prefiling-checked", details=details)

    def record_compliance_checked(self, details: dict[str, Any]) -> CustodyEntry:
        """A compliance check ran after the order (the remedy asked, the verdict counts, its results' SHA-256)."""
        return self._record("compliance-checked", details=details)

    def record_check_papers_written(self, details: dict[str, Any]) -> CustodyEntry:
        """A check's report, letters or status report were written (each file's SHA-256)."""
        return self._record("check-papers-written", details=details)

    def _record(self, action: str, *, item_id: int | None = None, sha256: str | None = None,
                details: dict[str, Any]) -> CustodyEntry:
        with self._writing() as conn:
            return self._log(conn, action, item_id=item_id, sha256=sha256, details=details)

    def records_swap(self, swap: str) -> bool:
        """Whether a custody entry names the output swap ``swap`` (its commit; see app.core.workfolder)."""
        row = self._conn().execute(
            "SELECT 1 FROM custody WHERE json_extract(details, '$.swap') = ? LIMIT 1", (swap,)
        ).fetchone()
        return row is not None

    def custody(self) -> list[CustodyEntry]:
        rows = self._conn().execute(
            "SELECT seq, at, actor, action, item_id, sha256, details, prev_hash, entry_hash"
            " FROM custody ORDER BY seq"
        )
        return [
            CustodyEntry(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]), r[7], r[8]) for r in rows
        ]


def read_only_reason(path: Path) -> str | None:
    """See :meth:`CaseConnection.read_only_reason` (also for a case that cannot be opened)."""
    folder = path.parent
    if not os.access(folder, os.W_OK):
        return f"the folder holding the case file ({folder}) is read-only here"
    if path.exists() and not os.access(path, os.W_OK):
        return "the case file is read-only here"
    return None


def rollback(conn: sqlite3.Connection) -> None:
    """Undo an open transaction. After a full disk or an I/O error SQLite may have undone it already:
    then there is nothing to do, and the error that did it is the one to report, not this one's."""
    if conn.in_transaction:
        with suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


def dump(value: Any) -> str:
    """JSON as the store keeps it: sorted keys, Unicode as is."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def default_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
