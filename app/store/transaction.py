"""One change made of several of the store's steps, handed to operations instead of a connection."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from app.core.custody import CustodyEntry
from app.core.hashing import Digests, Readable
from app.core.model import Domain, ItemKind, ParseStatus
from app.core.reporting import NULL_REPORTER, Reporter

if TYPE_CHECKING:
    from .casefile import CaseFile


class Transaction:
    """The steps of one atomic change (see :meth:`CaseFile.transaction`); valid only inside its block."""

    def __init__(self, case: CaseFile, conn: sqlite3.Connection) -> None:
        self._case = case
        self._conn: sqlite3.Connection | None = conn

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:  # kept past its block, a step would commit on its own: refuse it
            raise RuntimeError("this change is over: its steps belong inside the `with case.transaction()` block")
        return self._conn

    def close(self) -> None:
        """End the steps (the block is over)."""
        self._conn = None

    def store_object(self, stream: Readable, *, reporter: Reporter = NULL_REPORTER) -> Digests:
        """Copy evidence bytes in, hashing them on the way (deduplicated by SHA-256)."""
        return self._case._store_object(self._connection(), stream, reporter)

    def add_item(
        self,
        *,
        kind: ItemKind,
        digests: Digests,
        name: str,
        original_name: str,
        source_path: str,
        parse_status: ParseStatus,
        parse_error: str = "",
        record: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
        parent_id: int | None = None,
        description: str | None = None,
    ) -> int:
        """Record an acquired item whose object this change stored; numbers it as an exhibit."""
        return self._case._add_item(
            self._connection(), kind=kind, digests=digests, name=name, original_name=original_name,
            source_path=source_path, parse_status=parse_status, parse_error=parse_error, record=record,
            metadata=metadata, parent_id=parent_id, description=description,
        )

    def add_domains(self, domains: Iterable[Domain], *, source: str) -> int:
        return self._case._add_domains(self._connection(), domains, source=source)

    def record_lookup(self, item_id: int, sha256: str, details: dict[str, Any]) -> CustodyEntry:
        """The lookup that produced an item stored in this change: query, server, time, HTTP status."""
        return self._case._log(self._connection(), "looked-up", item_id=item_id, sha256=sha256, details=details)

    def record_web_capture(self, item_id: int, sha256: str, details: dict[str, Any]) -> CustodyEntry:
        """The web capture stored in this change: its URL, outcome, server and the items it became."""
        return self._case._log(self._connection(), "web-captured", item_id=item_id, sha256=sha256, details=details)
