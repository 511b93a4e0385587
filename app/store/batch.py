"""Many imported files per commit, each still all-or-nothing: what makes a 10,000-message import fast.

Committing a transaction waits for the disk (``synchronous = FULL``), and
on a busy disk that wait, not the work, decides how long an import takes.
A :class:`FileBatch` keeps one transaction open for up to half a second of
imports and gives each file a SAVEPOINT inside it: a file that is refused
or fails rolls back alone, exactly as before; the files before it stay. A
crash loses at most the last half second of imports, never part of one.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING

from .connection import CaseWriteFailed
from .transaction import Transaction

if TYPE_CHECKING:
    from .casefile import CaseFile

COMMIT_EVERY_SECONDS = 0.5
COMMIT_EVERY_FILES = 200
CACHE_KIB = 32 * 1024  # SQLite's page cache for an import's connection (the default is 2 MiB)
CHECKPOINT_PAGES = 8192  # pages of write-ahead log before it is copied back (the default is 1000)


class FileBatch:
    """An open transaction shared by several file imports; close() commits what they did."""

    def __init__(self, case: CaseFile, *, cache_kib: int = CACHE_KIB) -> None:
        self._case = case
        self._cache_kib = cache_kib
        self._writing: AbstractContextManager[sqlite3.Connection] | None = None
        self._conn: sqlite3.Connection | None = None
        self._opened = 0.0
        self._files = 0

    @contextmanager
    def file(self) -> Iterator[Transaction]:
        """One file's changes: kept when the block ends, undone alone when it raises."""
        if self._conn is None:
            self._writing = self._case._writing()
            self._conn = self._writing.__enter__()
            self._opened, self._files = time.monotonic(), 0
            # A batch's pages stay in memory until its commit, and the write-ahead log is copied back into
            # the case file less often. Neither touches durability: each commit still waits for the disk.
            self._conn.execute(f"PRAGMA cache_size = -{int(self._cache_kib)}")
            self._conn.execute(f"PRAGMA wal_autocheckpoint = {CHECKPOINT_PAGES}")
        conn = self._conn
        conn.execute("SAVEPOINT import_file")
        steps = Transaction(self._case, conn)
        try:
            yield steps
        except BaseException as exc:
            # After a full disk or an I/O error SQLite may have undone the whole transaction itself (the
            # earlier files of the batch too): then there is no savepoint left, and the caller must stop.
            if conn.in_transaction:
                conn.execute("ROLLBACK TO import_file")
                conn.execute("RELEASE import_file")
            if isinstance(exc, sqlite3.Error):
                raise CaseWriteFailed.of(exc, self._case.path) from exc
            raise
        finally:
            steps.close()
        conn.execute("RELEASE import_file")
        self._files += 1

    def maybe_commit(self) -> None:
        """Commit when the batch is half a second old or large; the next file opens a new one."""
        if self._conn is not None and (
            self._files >= COMMIT_EVERY_FILES or time.monotonic() - self._opened >= COMMIT_EVERY_SECONDS
        ):
            self.close()

    def close(self) -> None:
        """Commit the files imported so far (also when the import stops on a cancel or an error)."""
        writing, self._writing, self._conn = self._writing, None, None
        if writing is not None:
            writing.__exit__(None, None, None)
