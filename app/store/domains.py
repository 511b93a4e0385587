"""The case's domains, and the registry names and addresses corrected for this case.

The domains page shows a million rows: it asks for the ids that match a
filter in display order (:meth:`DomainStore.domain_ids`, run off the GUI
thread), then for the rows of one page at a time (:meth:`domains_by_id`).
"""

from __future__ import annotations

import json
import sqlite3
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.core import custody
from app.core.errors import OperationCancelled
from app.core.model import Domain
from app.core.reporting import NULL_REPORTER, Reporter
from app.core.text import storable

from .connection import CaseConnection, sha256_of

_DOMAIN_COLUMNS = "id, ascii, unicode, tld, registrable, registry_id, added_at, source, flags"

ORDERS = {
    "registry": "registry_id, registrable, ascii",
    "domain": "ascii",
    "registrable": "registrable, ascii",
    "status": "record_status IS NULL, record_status, registry_id, registrable, ascii",
    "problems": "flags = '[]', registry_id, registrable, ascii",
}
NOT_REGISTERED = "not registered"
STATUS_FILTERS = {  # what the page's status filter offers, as SQL over the latest record's status
    "record": "record_status IS NOT NULL",
    "no-record": "record_status IS NULL",
    "not-registered": f"record_status = '{NOT_REGISTERED}'",
    "hold": "record_status LIKE '%hold%'",
}
PROBLEM_FILTERS = ("any", "lookalike", "unconfirmed-registry", "not-registered")


@dataclass(frozen=True)
class RegistryCorrection:
    """A registry's name and address as corrected (or added) in this case."""

    registry_id: str
    name: str
    address: tuple[str, ...]
    tlds: tuple[str, ...]
    note: str
    changed_at: str
    changed_by: str


class DomainStore(CaseConnection):
    """The part of the case file that lists domains and corrected registries."""

    def _add_domains(self, conn: sqlite3.Connection, domains: Iterable[Domain], *, source: str) -> int:
        """Add domains not already in the case; returns how many were new. One custody entry."""
        now = custody.utc_now()
        added = []
        for domain in domains:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO domains(ascii, unicode, tld, registrable, registry_id, added_at, source,"
                " flags) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (domain.ascii, domain.unicode, domain.tld, domain.registrable, domain.registry_id, now, source,
                 json.dumps(list(domain.flags), ensure_ascii=False)),
            )
            if cursor.rowcount:
                added.append(domain.ascii)
        if added:
            listing = "\n".join(added).encode("utf-8")
            self._log(
                conn, "domains-added",
                details={"source": source, "count": len(added),
                         "first": added[:5], "list_sha256": sha256_of(listing)},
            )
        return len(added)

    def add_domains(self, domains: Iterable[Domain], *, source: str) -> int:
        """Add domains not already in the case, in one change; returns how many were new."""
        with self._writing() as conn:
            return self._add_domains(conn, domains, source=storable(source))  # a file name may not be UTF-8

    def remove_domains(self, names: Sequence[str]) -> list[Domain]:
        """Take the domains named (ASCII form) out of the case in one change with one custody entry
        naming them; returns the domains as they were (what :meth:`restore_domains` puts back)."""
        removed: list[Domain] = []
        with self._writing() as conn:
            for name in dict.fromkeys(names):
                row = conn.execute(f"SELECT {_DOMAIN_COLUMNS} FROM domains WHERE ascii = ?", (name,)).fetchone()
                if row is not None:
                    conn.execute("DELETE FROM domains WHERE id = ?", (row[0],))
                    removed.append(_domain(row))
            if removed:
                names_removed = [d.ascii for d in removed]
                self._log(conn, "domains-removed", details={
                    "count": len(removed), "first": names_removed[:5],
                    "list_sha256": sha256_of("\n".join(names_removed).encode("utf-8"))})
        return removed

    def restore_domains(self, domains: Sequence[Domain]) -> int:
        """Put domains taken out back as they were (when and whence added, flags), in one change with one
        custody entry; returns how many came back (one listed again meanwhile is left as it is)."""
        back: list[str] = []
        with self._writing() as conn:
            for domain in domains:
                cursor = conn.execute(
                    "INSERT OR IGNORE INTO domains(ascii, unicode, tld, registrable, registry_id, added_at, source,"
                    " flags) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (domain.ascii, domain.unicode, domain.tld, domain.registrable, domain.registry_id,
                     domain.added_at, domain.source, json.dumps(list(domain.flags), ensure_ascii=False)))
                if cursor.rowcount:
                    back.append(domain.ascii)
            if back:
                self._log(conn, "domains-restored", details={
                    "count": len(back), "first": back[:5],
                    "list_sha256": sha256_of("\n".join(back).encode("utf-8"))})
        return len(back)

    def domains(self, *, offset: int = 0, limit: int = -1) -> list[Domain]:
        rows = self._conn().execute(
            f"SELECT {_DOMAIN_COLUMNS} FROM domains ORDER BY registry_id, registrable, ascii LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [_domain(row) for row in rows]

    def count_domains(self) -> int:
        return int(self._conn().execute("SELECT COUNT(*) FROM domains").fetchone()[0])

    def domains_by_id(self, ids: Sequence[int]) -> dict[int, Domain]:
        """The domains with these ids (a page of the domains table)."""
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self._conn().execute(
            f"SELECT {_DOMAIN_COLUMNS} FROM domains WHERE id IN ({marks})", list(ids),
        ).fetchall()
        return {row[0]: _domain(row) for row in rows}

    def registry_ids_in_use(self) -> list[str]:
        """The registries the case's domains are listed under."""
        return [str(row[0]) for row in self._conn().execute("SELECT DISTINCT registry_id FROM domains")]

    def domain_counts_by_registry(self) -> dict[str, int]:
        rows = self._conn().execute("SELECT registry_id, COUNT(*) FROM domains GROUP BY registry_id")
        return {str(rid): int(count) for rid, count in rows}

    def domain_ids(
        self,
        *,
        text: str = "",
        registry_id: str | None = None,
        status: str = "",
        problem: str = "",
        order: str = "registry",
        descending: bool = False,
        record_statuses: Callable[[], Mapping[str, str]],
        unconfirmed_registries: Callable[[], set[str]],
        reporter: Reporter = NULL_REPORTER,
    ) -> array[int]:
        """The ids of the domains that match, in display order (run it off the GUI thread for big cases).

        `text` matches anywhere in the ASCII or Unicode form; `registry_id` keeps one registry;
        `status` is a key of STATUS_FILTERS, `problem` one of PROBLEM_FILTERS. The records' statuses
        (domain -> status) and the unconfirmed registries are asked for only when the filter needs them.
        """
        where: list[str] = []
        args: list[object] = []
        if text.strip():
            needle = text.strip().lower()
            where.append("(instr(ascii, ?) > 0 OR instr(unicode, ?) > 0)")
            args += [needle, needle]
        if registry_id:
            where.append("registry_id = ?")
            args.append(registry_id)
        if status in STATUS_FILTERS:
            where.append(STATUS_FILTERS[status])
        if problem in PROBLEM_FILTERS:
            wanted = {"lookalike": ["flags != '[]'"],
                      "unconfirmed-registry": ["registry_id IN (SELECT value FROM json_each(?))"],
                      "not-registered": [STATUS_FILTERS["not-registered"]]}
            terms = wanted.get(problem) or [t for ts in wanted.values() for t in ts]
            where.append("(" + " OR ".join(terms) + ")")
            if problem in ("any", "unconfirmed-registry"):
                args.append(json.dumps(sorted(unconfirmed_registries())))
        terms = ORDERS.get(order, ORDERS["registry"]).split(", ")
        if text.strip():
            # Few rows match a text: scan the table once and sort the matches ('+' keeps SQLite
            # from walking the index in order and reading every row at random).
            terms = [t if " " in t else "+" + t for t in terms]
        columns = ", ".join(f"{t} DESC" if descending else t for t in terms)
        conn = self._conn()  # this thread's own connection (WAL: a read never blocks the writer)
        source = "domains"
        if "record_status" in " ".join(where) + columns:
            # The few records' statuses go into a temporary table of this connection, joined by name.
            conn.execute("CREATE TEMP TABLE IF NOT EXISTS record_status_of (name TEXT PRIMARY KEY, record_status TEXT)")
            conn.execute("DELETE FROM temp.record_status_of")
            conn.executemany("INSERT INTO temp.record_status_of VALUES (?, ?)", record_statuses().items())
            source = "domains LEFT JOIN temp.record_status_of ON record_status_of.name = domains.ascii"
        queries = [(where, columns)]
        if order == "status":
            # Sorting a million joined rows takes seconds; the domains with a record are few. Sort
            # those, and read the rest in the registry index's order (no sort at all).
            rest = ", ".join(f"{t} DESC" if descending else t for t in ORDERS["registry"].split(", "))
            queries = [([*where, "record_status IS NOT NULL"], columns), ([*where, "record_status IS NULL"], rest)]
            if descending:
                queries.reverse()
        ids: array[int] = array("q")
        # SQLite itself stops a long sort when asked (each ~10,000 steps).
        conn.set_progress_handler(lambda: int(reporter.cancelled()), 10_000)
        try:
            for conditions, ordering in queries:
                sql = f"SELECT domains.id FROM {source}" + (" WHERE " + " AND ".join(conditions) if conditions else "")
                cursor = conn.execute(sql + f" ORDER BY {ordering}", args)
                while rows := cursor.fetchmany(10_000):
                    ids.extend(row[0] for row in rows)
        except sqlite3.OperationalError:
            if reporter.cancelled():
                raise OperationCancelled() from None
            raise
        finally:
            conn.set_progress_handler(None, 0)
        return ids

    # -- registries corrected for this case ----------------------------------------------------

    def registry_corrections(self) -> list[RegistryCorrection]:
        """The registries corrected or added in this case, by id."""
        rows = self._conn().execute(
            "SELECT registry_id, name, address, tlds, note, changed_at, changed_by FROM registry_overrides"
            " ORDER BY registry_id"
        ).fetchall()
        return [RegistryCorrection(row[0], row[1], tuple(json.loads(row[2])), tuple(json.loads(row[3])),
                                   row[4], row[5], row[6]) for row in rows]

    def correct_registry(self, registry_id: str, *, name: str, address: Sequence[str], tlds: Sequence[str],
                         note: str, old_name: str, old_address: Sequence[str]) -> None:
        """Keep a registry's corrected name and address (and move the domains of ``tlds`` to it), logged
        with the old and new values, in one change."""
        moved = tuple(tlds)
        with self._writing() as conn:
            conn.execute(
                "INSERT INTO registry_overrides(registry_id, name, address, tlds, note, changed_at, changed_by)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(registry_id) DO UPDATE SET name = excluded.name,"
                " address = excluded.address, tlds = excluded.tlds, note = excluded.note,"
                " changed_at = excluded.changed_at, changed_by = excluded.changed_by",
                (registry_id, name, json.dumps(list(address), ensure_ascii=False),
                 json.dumps(list(moved)), note, custody.utc_now(), self.actor),
            )
            if moved:
                placeholders = ",".join("?" * len(moved))
                conn.execute(f"UPDATE domains SET registry_id = ? WHERE tld IN ({placeholders})",
                             (registry_id, *moved))
            self._log(conn, "registry-corrected", details={
                "registry": registry_id,
                "old": {"name": old_name, "address": list(old_address)},
                "new": {"name": name, "address": list(address), "tlds": list(moved)},
                "note": note,
            })


    def withdraw_registry_correction(self, registry_id: str) -> bool:
        """Drop this case's correction of a registry (the bundled name and address apply again); logged
        with what it said. False when there was none. Domains it moved to the registry stay with it."""
        with self._writing() as conn:
            old = conn.execute("SELECT name, address FROM registry_overrides WHERE registry_id = ?",
                               (registry_id,)).fetchone()
            if old is None:
                return False
            conn.execute("DELETE FROM registry_overrides WHERE registry_id = ?", (registry_id,))
            self._log(conn, "registry-correction-withdrawn", details={
                "registry": registry_id, "old": {"name": old[0], "address": json.loads(old[1])}})
        return True

def _domain(row: tuple[Any, ...]) -> Domain:
    return Domain(id=row[0], ascii=row[1], unicode=row[2], tld=row[3], registrable=row[4], registry_id=row[5],
                  added_at=row[6], source=row[7], flags=tuple(json.loads(row[8])) if row[8] != "[]" else ())
