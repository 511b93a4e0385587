"""The case's view of registries: the bundled table plus the user's corrections, kept with the case.

The bundled table is public data and can be wrong or incomplete for a given
filing (a registry moved, a ccTLD manager's address is missing). Counsel
corrects a registry's name and address here; the correction is stored in the
case file with a custody entry (who, when, old and new values) and is what
Appendix A prints.
"""

from __future__ import annotations

import json
import sqlite3
from array import array
from collections.abc import Callable, Mapping, Sequence

from app.core import custody
from app.core.errors import EvidenceError, OperationCancelled
from app.core.model import Domain, Registry
from app.sources.appendix_data import Check, prefiling_checks, record_names
from app.sources.registries import UNKNOWN_PREFIX, RegistryTable
from app.store import CaseFile


class RegistryNotFound(EvidenceError):
    """A registry id that is neither in the table nor a TLD's placeholder."""


def registry_overrides(case: CaseFile) -> dict[str, Registry]:
    """The registries corrected or added in this case, by id."""
    with case.transaction() as tx:
        rows = tx.execute(
            "SELECT registry_id, name, address, tlds, note, changed_at, changed_by FROM registry_overrides"
            " ORDER BY registry_id"
        ).fetchall()
    return {
        row[0]: Registry(
            id=row[0], name=row[1], address=tuple(json.loads(row[2])), tlds=tuple(json.loads(row[3])),
            source=f"corrected in this case by {row[6]} on {row[5][:10]}" + (f": {row[4]}" if row[4] else ""),
        )
        for row in rows
    }


def registry_table(case: CaseFile) -> RegistryTable:
    """The bundled registry table with this case's corrections applied (what Appendix A uses)."""
    return RegistryTable.load().with_overrides(registry_overrides(case))


def set_registry(
    case: CaseFile,
    registry_id: str,
    *,
    name: str | None = None,
    address: Sequence[str] | None = None,
    tlds: Sequence[str] = (),
    note: str = "",
) -> Registry:
    """Correct a registry's name and/or postal address for this case (or add one for a TLD); logged."""
    bundled = RegistryTable.load()
    current = registry_table(case)
    registry_id = registry_id.strip()
    if registry_id not in current.registries and not registry_id.startswith(UNKNOWN_PREFIX):
        tld = registry_id.lstrip(".").lower()
        if bundled.is_known(tld) or tld.isalnum():
            registry_id = current.for_tld(tld).id  # "tv" or ".tv" means the registry of .tv
        else:
            raise RegistryNotFound(f"no registry '{registry_id}' in the table; give its id or one of its TLDs")
    old = current.get(registry_id)
    new_name = (name if name is not None else old.name).strip()
    new_address = tuple(line.strip() for line in (address if address is not None else old.address) if line.strip())
    if not new_name:
        raise EvidenceError(f"registry {registry_id}: the name cannot be empty")
    moved = tuple(sorted({t.lstrip(".").lower() for t in tlds}))
    with case.transaction() as tx:
        tx.execute(
            "INSERT INTO registry_overrides(registry_id, name, address, tlds, note, changed_at, changed_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(registry_id) DO UPDATE SET name = excluded.name,"
            " address = excluded.address, tlds = excluded.tlds, note = excluded.note,"
            " changed_at = excluded.changed_at, changed_by = excluded.changed_by",
            (registry_id, new_name, json.dumps(list(new_address), ensure_ascii=False),
             json.dumps(list(moved)), note, custody.utc_now(), case.actor),
        )
        if moved:
            placeholders = ",".join("?" * len(moved))
            tx.execute(f"UPDATE domains SET registry_id = ? WHERE tld IN ({placeholders})", (registry_id, *moved))
        case._log(tx, "registry-corrected", details={
            "registry": registry_id,
            "old": {"name": old.name, "address": list(old.address)},
            "new": {"name": new_name, "address": list(new_address), "tlds": list(moved)},
            "note": note,
        })
    return registry_table(case).get(registry_id)


def check_domains(case: CaseFile, *, max_record_age_days: int = 30) -> list[Check]:
    """The pre-filing checks for the case's domains, against its records and corrected registry table."""
    from app.core.model import ItemKind

    domains: list[Domain] = case.domains()
    records = [item for item in case.items(ItemKind.DOMAIN_RECORD)]
    return prefiling_checks(domains, registry_table(case), records, max_record_age_days=max_record_age_days)


# -- the domains page: ids in display order, then rows by id (a million rows stay cheap) ------

_ORDERS = {
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


def record_statuses(case: CaseFile) -> dict[str, str]:
    """Each domain's status as its latest WHOIS, RDAP or DNS record gives it.

    'not registered', the record's EPP status codes ('clientHold, serverTransferProhibited'),
    or 'registered' when the record lists none. Domains without a record are absent.
    """
    from app.core.model import ItemKind

    latest: dict[str, tuple[str, str]] = {}  # name -> (acquired_at, status)
    for item in case.items(ItemKind.DOMAIN_RECORD):
        if item.record.get("not_found"):
            status = NOT_REGISTERED
        else:
            codes = item.record.get("epp_status") or item.record.get("status") or []
            status = ", ".join(str(code) for code in codes) if isinstance(codes, list) and codes else "registered"
        for name in record_names(item):
            if name not in latest or item.acquired_at > latest[name][0]:
                latest[name] = (item.acquired_at, status)
    return {name: status for name, (_, status) in latest.items()}


def unconfirmed_registries(case: CaseFile) -> set[str]:
    """The registry ids the case's domains use that have no checked name and postal address."""
    table = registry_table(case)
    used = [row[0] for row in case._conn().execute("SELECT DISTINCT registry_id FROM domains")]
    return {rid for rid in used if rid.startswith(UNKNOWN_PREFIX) or not table.is_confirmed(rid)}


def domain_ids(
    case: CaseFile,
    *,
    text: str = "",
    registry_id: str | None = None,
    status: str = "",
    problem: str = "",
    order: str = "registry",
    descending: bool = False,
    statuses: Mapping[str, str] | None = None,
    unconfirmed: set[str] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> array[int]:
    """The ids of the domains that match, in display order (run it off the GUI thread for big cases).

    `text` matches anywhere in the ASCII or Unicode form; `registry_id` keeps one registry;
    `status` is a key of STATUS_FILTERS, `problem` one of PROBLEM_FILTERS. `statuses` and
    `unconfirmed` are :func:`record_statuses` and :func:`unconfirmed_registries` when the caller
    already has them.
    """
    where, args = [], []  # type: ignore[var-annotated]
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
            args.append(json.dumps(sorted(unconfirmed if unconfirmed is not None else unconfirmed_registries(case))))
    terms = _ORDERS.get(order, _ORDERS["registry"]).split(", ")
    if text.strip():
        # Few rows match a text: scan the table once and sort the matches ('+' keeps SQLite
        # from walking the index in order and reading every row at random).
        terms = [t if " " in t else "+" + t for t in terms]
    columns = ", ".join(f"{t} DESC" if descending else t for t in terms)
    conn = case._conn()  # this thread's own connection (WAL: a read never blocks the writer)
    source = "domains"
    if "record_status" in " ".join(where) + columns:
        # The few records' statuses go into a temporary table of this connection, joined by name.
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS record_status_of (name TEXT PRIMARY KEY, record_status TEXT)")
        conn.execute("DELETE FROM temp.record_status_of")
        found = statuses if statuses is not None else record_statuses(case)
        conn.executemany("INSERT INTO temp.record_status_of VALUES (?, ?)", found.items())
        source = "domains LEFT JOIN temp.record_status_of ON record_status_of.name = domains.ascii"
    queries = [(where, columns)]
    if order == "status":
        # Sorting a million joined rows takes seconds; the domains with a record are few. Sort
        # those, and read the rest in the registry index's order (no sort at all).
        rest = ", ".join(f"{t} DESC" if descending else t for t in _ORDERS["registry"].split(", "))
        queries = [(where + ["record_status IS NOT NULL"], columns), (where + ["record_status IS NULL"], rest)]
        if descending:
            queries.reverse()
    ids: array[int] = array("q")
    if cancelled is not None:  # SQLite itself stops a long sort when asked (each ~10,000 steps)
        conn.set_progress_handler(lambda: int(cancelled()), 10_000)
    try:
        for conditions, ordering in queries:
            sql = f"SELECT domains.id FROM {source}" + (" WHERE " + " AND ".join(conditions) if conditions else "")
            cursor = conn.execute(sql + f" ORDER BY {ordering}", args)
            while rows := cursor.fetchmany(10_000):
                ids.extend(row[0] for row in rows)
    except sqlite3.OperationalError:
        if cancelled is not None and cancelled():
            raise OperationCancelled() from None
        raise
    finally:
        conn.set_progress_handler(None, 0)
    return ids

def domains_by_id(case: CaseFile, ids: Sequence[int]) -> dict[int, Domain]:
    """The domains with these ids (a page of the domains table)."""
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = case._conn().execute(
        "SELECT id, ascii, unicode, tld, registrable, registry_id, added_at, source, flags FROM domains"
        f" WHERE id IN ({marks})", list(ids),
    ).fetchall()
    return {row[0]: Domain(*row[:8], flags=tuple(json.loads(row[8])) if row[8] != "[]" else ()) for row in rows}


def registry_choices(case: CaseFile) -> list[tuple[str, str, int]]:
    """(registry id, name, domain count) for the registries the case's domains use, by name."""
    table = registry_table(case)
    rows = case._conn().execute("SELECT registry_id, COUNT(*) FROM domains GROUP BY registry_id").fetchall()
    return sorted(((rid, table.get(rid).name, count) for rid, count in rows), key=lambda r: r[1].lower())
