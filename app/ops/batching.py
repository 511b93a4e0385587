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
from contextlib import ExitStack, contextmanager

from app.store import CaseFile

COMMIT_EVERY_SECONDS = 0.5
COMMIT_EVERY_FILES = 200


class FileBatch:
    """An open transaction shared by several file imports; close() commits what they did."""

    def __init__(self, case: CaseFile) -> None:
        self._case = case
        self._stack: ExitStack | None = None
        self._tx: sqlite3.Connection | None = None
        self._opened = 0.0
        self._files = 0

    @contextmanager
    def file(self) -> Iterator[sqlite3.Connection]:
        """One file's changes: kept when the block ends, undone alone when it raises."""
        if self._tx is None:
            self._stack = ExitStack()
            self._tx = self._stack.enter_context(self._case.transaction())
            self._opened, self._files = time.monotonic(), 0
        tx = self._tx
        tx.execute("SAVEPOINT import_file")
        try:
            yield tx
        except BaseException:
            tx.execute("ROLLBACK TO import_file")
            tx.execute("RELEASE import_file")
            raise
        tx.execute("RELEASE import_file")
        self._files += 1

    def maybe_commit(self) -> None:
        """Commit when the batch is half a second old or large; the next file opens a new one."""
        if self._tx is not None and (
            self._files >= COMMIT_EVERY_FILES or time.monotonic() - self._opened >= COMMIT_EVERY_SECONDS
        ):
            self.close()

    def close(self) -> None:
        """Commit the files imported so far (also when the import stops on a cancel or an error)."""
        stack, self._stack, self._tx = self._stack, None, None
        if stack is not None:
            stack.close()
