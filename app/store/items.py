"""Evidence items and their exhibit numbers.

An item is what was acquired (its bytes are an object; see objects.py), what
its parser made of it (``record``) and what the user says of it
(``metadata``). Items of the kinds that are exhibits are numbered when they
are added; counsel's order renumbers them all in one change.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from typing import Any

from app.core import custody
from app.core.errors import CaseFileError
from app.core.hashing import Digests
from app.core.model import Item, ItemKind, ParseStatus
from app.core.text import storable, storable_value

from .connection import CaseConnection, dump

_ITEM_COLUMNS = (
    "i.id, i.kind, i.name, i.original_name, i.sha256, o.sha512, o.size, i.acquired_at,"
    " i.acquired_by, i.source_path, i.parse_status, i.parse_error, i.record, i.metadata,"
    " i.parent_id, e.number, e.description"
)
_ITEM_FROM = (
    "items i JOIN objects o ON o.sha256 = i.sha256 LEFT JOIN exhibits e ON e.item_id = i.id"
)


class ItemStore(CaseConnection):
    """The part of the case file that lists evidence items and exhibits."""

    def _add_item(
        self,
        conn: sqlite3.Connection,
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
        """Record an acquired item (its object already stored in this transaction); numbers it as an
        exhibit. Logged: acquired (with both hashes), a parse problem, the exhibit number.

        Names and texts are made storable first (app.core.text): a file name that is not UTF-8, or a
        parser's words quoting raw bytes, are kept with those bytes escaped instead of failing the import."""
        name, original_name, source_path = storable(name), storable(original_name), storable(source_path)
        parse_error, description = storable(parse_error), storable(description) if description else description
        record, metadata = storable_value(record or {}), storable_value(metadata or {})
        now = custody.utc_now()
        cursor = conn.execute(
            "INSERT INTO items(kind, name, original_name, sha256, acquired_at, acquired_by,"
            " source_path, parse_status, parse_error, record, metadata, parent_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                kind.value, name, original_name, digests.sha256, now, self.actor, source_path,
                parse_status.value, parse_error, dump(record), dump(metadata), parent_id,
            ),
        )
        item_id = int(cursor.lastrowid or 0)
        self._log(
            conn, "acquired", item_id=item_id, sha256=digests.sha256,
            details={
                "kind": kind.value, "original_name": original_name, "source_path": source_path,
                "sha512": digests.sha512, "size": digests.size,
            },
        )
        if parse_status is not ParseStatus.OK:
            self._log(
                conn, "parse-" + parse_status.value, item_id=item_id, sha256=digests.sha256,
                details={"error": parse_error},
            )
        if kind.is_exhibit_kind:
            number = conn.execute("SELECT COALESCE(MAX(number), 0) + 1 FROM exhibits").fetchone()[0]
            conn.execute(
                "INSERT INTO exhibits(number, item_id, description) VALUES (?, ?, ?)",
                (number, item_id, description or ""),
            )
            self._log(conn, "exhibit-numbered", item_id=item_id, details={"number": number})
        return item_id

    def items(self, kind: ItemKind | None = None) -> list[Item]:
        sql = f"SELECT {_ITEM_COLUMNS} FROM {_ITEM_FROM}"
        args: tuple[Any, ...] = ()
        if kind is not None:
            sql += " WHERE i.kind = ?"
            args = (kind.value,)
        sql += " ORDER BY i.id"
        return [_item(row) for row in self._conn().execute(sql, args)]

    def item(self, item_id: int) -> Item:
        row = self._conn().execute(
            f"SELECT {_ITEM_COLUMNS} FROM {_ITEM_FROM} WHERE i.id = ?", (item_id,)
        ).fetchone()
        if row is None:
            raise CaseFileError(f"no item {item_id} in this case", path=self.path)
        return _item(row)

    def children(self, item_id: int) -> list[Item]:
        """The items whose parent is ``item_id`` (a mailbox's messages, a web capture's other files), in order."""
        rows = self._conn().execute(
            f"SELECT {_ITEM_COLUMNS} FROM {_ITEM_FROM} WHERE i.parent_id = ? ORDER BY i.id", (item_id,)
        )
        return [_item(row) for row in rows]

    def find_item_by_sha256(self, sha256: str) -> Item | None:
        row = self._conn().execute(
            f"SELECT {_ITEM_COLUMNS} FROM {_ITEM_FROM} WHERE i.sha256 = ? ORDER BY i.id LIMIT 1",
            (sha256,),
        ).fetchone()
        return _item(row) if row else None

    def count_items(self) -> int:
        return int(self._conn().execute("SELECT COUNT(*) FROM items").fetchone()[0])

    def item_hashes(self) -> list[tuple[int, str]]:
        """(item id, SHA-256) of every item, for checking them against their custody records."""
        return [(int(r[0]), str(r[1])) for r in self._conn().execute("SELECT id, sha256 FROM items")]

    def update_metadata(self, item_id: int, changes: Mapping[str, Any]) -> Item:
        """Edit user-entered fields (URL, capture time, notes...); each change is logged."""
        with self._writing() as conn:
            item = self.item(item_id)
            metadata = dict(item.metadata)
            diff = {}
            for key, value in changes.items():
                if metadata.get(key) != value:
                    diff[key] = {"old": metadata.get(key), "new": value}
                    metadata[key] = value
            if diff:
                conn.execute("UPDATE items SET metadata = ? WHERE id = ?", (dump(metadata), item_id))
                self._log(conn, "metadata-edited", item_id=item_id, sha256=item.sha256, details=diff)
        return self.item(item_id)

    # -- exhibits --------------------------------------------------------------------------

    def exhibits(self) -> list[tuple[int, Item, str]]:
        """(number, item, description) in exhibit order."""
        rows = self._conn().execute(
            f"SELECT {_ITEM_COLUMNS} FROM {_ITEM_FROM} WHERE e.number IS NOT NULL ORDER BY e.number"
        ).fetchall()
        return [(row[15], _item(row), row[16]) for row in rows]

    def renumber_exhibits(self, mapping: Mapping[int, int]) -> None:
        """Give every exhibit its new number (old -> new, a permutation), in one change; logged."""
        changed = {old: new for old, new in mapping.items() if old != new}
        if not changed:
            return
        with self._writing() as conn:
            # Two steps, because exhibit numbers are unique: first out of the way, then into place.
            conn.execute("UPDATE exhibits SET number = -number")
            for old, new in mapping.items():
                conn.execute("UPDATE exhibits SET number = ? WHERE number = ?", (new, -old))
            self._log(conn, "exhibits-renumbered",
                      details={"changes": {str(old): new for old, new in sorted(changed.items())}})


def _item(row: tuple[Any, ...]) -> Item:
    return Item(
        id=row[0], kind=ItemKind(row[1]), name=row[2], original_name=row[3], sha256=row[4],
        sha512=row[5], size=row[6], acquired_at=row[7], acquired_by=row[8], source_path=row[9],
        parse_status=ParseStatus(row[10]), parse_error=row[11], record=json.loads(row[12]),
        metadata=json.loads(row[13]), parent_id=row[14], exhibit_number=row[15],
    )
