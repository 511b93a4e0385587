"""Domain records as the pre-filing check and the compliance watch read them: the newest per name.

Every reply of a lookup is an item of its own (and an exhibit); a watch of
10,000 domains adds 20,000 of them per run. These reads pick, in SQL, the
newest record of each kind (RDAP, WHOIS, DNS, or a saved file) per domain
name asked about, so a page or a report reads one record per name and kind,
however many runs the case holds.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.core.model import Item, ItemKind

from .connection import CaseConnection
from .items import _ITEM_COLUMNS, _ITEM_FROM, _item

# The name a record is about: the name asked (live lookups) or, for a saved file, the domain it names.
_NAME = "lower(COALESCE(NULLIF(json_extract(record, '$.query'), ''), json_extract(record, '$.domain'), ''))"
_KIND = ItemKind.DOMAIN_RECORD.value


class RecordStore(CaseConnection):
    """Reads over the case's domain records (RDAP, WHOIS, DNS replies and saved files)."""

    def latest_domain_records(self, *, since: str = "", before: str = "") -> list[Item]:
        """The newest domain record per (name, format) acquired at or after ``since`` and before ``before``
        (UTC ISO 8601 prefixes; "" for no bound), in item order."""
        sql = (
            f"SELECT {_ITEM_COLUMNS} FROM {_ITEM_FROM} WHERE i.id IN ("
            f" SELECT MAX(id) FROM items WHERE kind = ? AND acquired_at >= ? AND (? = '' OR acquired_at < ?)"
            f" GROUP BY {_NAME}, json_extract(record, '$.format')) ORDER BY i.id"
        )
        rows = self._conn().execute(sql, (_KIND, since, before, before))
        return [_item(row) for row in rows]

    def latest_record_values(self, field: str, *, before: str = "", formats: tuple[str, ...] = ("rdap", "whois"),
                             ) -> dict[str, str]:
        """Name → the value of one parsed ``field`` (such as "registrar") in the newest record of those
        ``formats`` acquired before ``before`` that gives one."""
        if not field.isidentifier():
            raise ValueError(f"not a record field: {field!r}")
        path = "$." + field
        marks = ",".join("?" * len(formats))
        sql = (
            f"SELECT {_NAME}, json_extract(record, ?) FROM items WHERE id IN ("
            f" SELECT MAX(id) FROM items WHERE kind = ? AND json_extract(record, '$.format') IN ({marks})"
            f" AND (? = '' OR acquired_at < ?) AND COALESCE(json_extract(record, ?), '') != ''"
            f" GROUP BY {_NAME})"
        )
        rows = self._conn().execute(sql, (path, _KIND, *formats, before, before, path))
        return {str(name): str(value) for name, value in rows if name}

    def domain_records_of(self, names: Iterable[str], *, limit: int = 100) -> list[Item]:
        """The domain records about any of ``names`` (A-labels), newest first."""
        wanted = sorted({n.lower() for n in names if n})
        if not wanted:
            return []
        marks = ",".join("?" * len(wanted))
        rows = self._conn().execute(
            f"SELECT {_ITEM_COLUMNS} FROM {_ITEM_FROM} WHERE i.kind = ? AND {_NAME.replace('record', 'i.record')}"
            f" IN ({marks}) ORDER BY i.id DESC LIMIT ?",
            (_KIND, *wanted, limit),
        )
        return [_item(row) for row in rows]

    def exhibit_numbers(self, item_ids: Iterable[int]) -> dict[int, int]:
        """Item id → exhibit number, for the given items that are exhibits."""
        ids = sorted(set(item_ids))
        found: dict[int, int] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            found.update((int(a), int(b)) for a, b in self._conn().execute(
                f"SELECT item_id, number FROM exhibits WHERE item_id IN ({marks})", chunk))
        return found
