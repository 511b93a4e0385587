"""What the pre-filing check and the compliance watch share: the run's result, and reading the replies.

A run's result (:class:`CheckRun`) holds one :class:`~app.sources.takedown.DomainState`
per domain, in the case's order (registry, registrable domain, name), what got no
reply, how each server's pace went, and which exhibits the replies became. The
same states can be read back later from the newest records in the case
(:func:`latest_readings`), which is what the window shows when a case opens.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from app.core.changes import Changes
from app.core.model import Domain
from app.sources.appendix_data import safe_cell
from app.sources.domains import normalise_domain
from app.sources.takedown import (
    DnsReading,
    DomainState,
    Flag,
    RegistryReading,
    dns_reading,
    registry_reading,
)
from app.store import CaseFile

from .domains import registry_table
from .watch import PoliteLookups, ServerPace, StoredTarget, targets_of

__all__ = ["CheckRun", "DomainState", "Flag", "latest_readings", "write_run_csv"]

CSV_COLUMNS = ("domain", "unicode", "registrable", "registry", "registered", "resolving", "statuses", "name_servers",
               "delegation", "registrar", "created", "expires", "verdict", "how", "missing", "observed_at",
               "flags", "exhibits")


@dataclass
class CheckRun:
    """One run of the pre-filing check ("precheck") or the compliance watch ("compliance")."""

    kind: str
    started_at: str
    finished_at: str = ""
    states: list[DomainState] = field(default_factory=list)
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # (name, kind, reason)
    paces: list[ServerPace] = field(default_factory=list)
    collateral: list[Flag] = field(default_factory=list)
    exhibits: dict[int, int] = field(default_factory=dict)  # item id -> exhibit number
    replies: int = 0
    since: str = ""  # compliance: the order's date
    hearing: str = ""  # precheck: the hearing's date
    remedy: str = ""
    sinkholes: tuple[str, ...] = ()
    changes: Changes = field(default_factory=Changes)  # a run that looked up: items, exhibits and custody

    @property
    def ok(self) -> bool:
        """Every domain as expected (the commands' exit status)."""
        return all(state.ok for state in self.states)

    def counts(self) -> dict[str, int]:
        """Verdicts (compliance) or ready/not ready (precheck), for summaries."""
        result: dict[str, int] = {}
        for state in self.states:
            key = state.verdict or ("ready" if state.ok else "not-ready")
            result[key] = result.get(key, 0) + 1
        return result

    def exhibit_labels(self, state: DomainState) -> list[int]:
        return [self.exhibits[i] for i in state.evidence if i in self.exhibits]


def domains_to_check(case: CaseFile, names: Sequence[str] | None) -> list[Domain]:
    """The case's domains in its order, or just ``names`` (those not in the case are checked all the same)."""
    domains = case.domains()
    if not names:
        return domains
    wanted = [normalise_domain(name) for name in names]
    known = {d.ascii: d for d in domains}
    table = registry_table(case)
    return [known.get(w.ascii) or Domain(0, w.ascii, w.unicode, w.tld, w.registrable,
                                         table.for_tld(w.tld).id, "", "command line", w.flags)
            for w in wanted]


def base_state(domain: Domain, registry: str) -> DomainState:
    return DomainState(domain=domain.ascii, unicode=domain.unicode, registrable=domain.registrable,
                       registry=registry, registry_id=domain.registry_id, registered=None, resolving=None)


def pick_registry(records: Iterable[tuple[int, Mapping[str, Any]]]) -> tuple[RegistryReading | None, list[int]]:
    """The registry's answer among a target's registry replies (throttled ones first, RDAP before WHOIS):
    the first that says something usable, else the last; and the ids of every reply."""
    ids: list[int] = []
    chosen: RegistryReading | None = None
    last: RegistryReading | None = None
    for item_id, record in records:
        ids.append(item_id)
        reading = registry_reading(record)
        last = reading
        if chosen is None and reading.registered is not None:
            chosen = reading
    return chosen or last, ids


def dns_for_names(target_names: Sequence[str], registrable: str,
                  records: Iterable[tuple[int, Mapping[str, Any]]]) -> dict[str, tuple[DnsReading, list[int]]]:
    """Each name's DNS reading: the delegation of its registrable domain, its own addresses."""
    by_name: dict[str, tuple[int, DnsReading]] = {}
    for item_id, record in records:
        by_name[str(record.get("query") or record.get("domain") or "").lower()] = (item_id, dns_reading(record))
    parent = by_name.get(registrable)
    result: dict[str, tuple[DnsReading, list[int]]] = {}
    for name in target_names:
        own = by_name.get(name)
        ids = [i for i in (parent[0] if parent else None, own[0] if own else None) if i is not None]
        if parent is None and own is None:
            continue
        zone = parent[1] if parent else DnsReading()
        addresses = own[1] if own else DnsReading()
        result[name] = (DnsReading(delegated=zone.delegated, delegation=zone.delegation,
                                   addresses=addresses.addresses, resolved=addresses.resolved,
                                   observed_at=max(zone.observed_at, addresses.observed_at)),
                        list(dict.fromkeys(ids)))
    return result


@dataclass
class Readings:
    """Per target of a run (or per name from the case's newest records): what the registry and DNS said."""

    registry: dict[str, tuple[RegistryReading | None, list[int]]] = field(default_factory=dict)  # by registrable
    dns: dict[str, tuple[DnsReading, list[int]]] = field(default_factory=dict)  # by name

    def add(self, stored: StoredTarget) -> None:
        target = stored.target
        self.registry[target.registrable] = pick_registry(stored.registry)
        self.dns.update(dns_for_names(target.names, target.registrable, stored.dns))


def latest_readings(case: CaseFile, domains: Sequence[Domain], *, since: str = "") -> Readings:
    """The readings the case's newest records give (acquired at or after ``since``), without any lookup."""
    wanted = {d.registrable for d in domains} | {d.ascii for d in domains}
    registry: dict[str, tuple[str, int, Mapping[str, Any]]] = {}  # name -> (acquired_at, id, record)
    dns: dict[str, tuple[int, Mapping[str, Any]]] = {}
    for item in case.latest_domain_records(since=since):
        record = item.record
        name = str(record.get("query") or record.get("domain") or "").lower()
        if name not in wanted:
            continue
        if record.get("format") == "dns":
            dns[name] = (item.id, record)
        elif (name not in registry or item.acquired_at > registry[name][0]) and \
                registry_reading(record).registered is not None:
            registry[name] = (item.acquired_at, item.id, record)
    readings = Readings()
    by_registrable: dict[str, list[str]] = {}
    for d in domains:
        by_registrable.setdefault(d.registrable, []).append(d.ascii)
    for registrable, names in by_registrable.items():
        if registrable in registry:
            _, item_id, found = registry[registrable]
            readings.registry[registrable] = (registry_reading(found), [item_id])
        records = [dns[n] for n in dict.fromkeys([registrable, *names]) if n in dns]
        readings.dns.update(dns_for_names(names, registrable, records))
    return readings


def state_row(state: DomainState, exhibits: Mapping[int, int]) -> list[str]:
    """One CSV row (see CSV_COLUMNS), every cell formula-safe."""
    def yes(value: bool | None) -> str:
        return "" if value is None else ("yes" if value else "no")

    cells = [
        state.domain, state.unicode, state.registrable, state.registry, yes(state.registered), yes(state.resolving),
        " ".join(state.statuses), " ".join(state.name_servers), " ".join(state.delegation), state.registrar,
        state.created, state.expires, state.verdict, state.how, "; ".join(state.missing), state.observed_at,
        " ".join(f.code for f in state.flags),
        " ".join(str(exhibits[i]) for i in state.evidence if i in exhibits),
    ]
    return [safe_cell(c) for c in cells]


class _Sink:
    """Where the CSV text goes a row at a time: encoded, hashed and, when a file is open, written."""

    def __init__(self, out: BinaryIO | None) -> None:
        self.digest = hashlib.sha256()
        self.out = out

    def write(self, text: str) -> int:
        data = text.encode("utf-8")
        self.digest.update(data)
        if self.out is not None:
            self.out.write(data)
        return len(text)


def write_run_csv(run: CheckRun, out: BinaryIO | None = None) -> str:
    """The run as CSV (UTF-8 with a byte-order mark, CRLF, every cell quoted and formula-safe), written to
    ``out`` a row at a time (10,000 rows never sit in memory as one text); returns its SHA-256."""
    sink = _Sink(out)
    sink.write("\ufeff")
    writer = csv.writer(sink, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(CSV_COLUMNS)
    for state in run.states:
        writer.writerow(state_row(state, run.exhibits))
    return sink.digest.hexdigest()


def run_digest(run: CheckRun) -> str:
    """SHA-256 of the run's CSV: what the custody entry of the run records."""
    return write_run_csv(run)


def judged_as_replies_arrive(lookups: PoliteLookups, domains: Sequence[Domain],
                             judge: Callable[[Domain, Readings], DomainState]
                             ) -> tuple[list[DomainState], list[tuple[str, str, str]]]:
    """Look the domains up and judge each as its target's replies arrive (only the small states stay in
    memory, never the replies): the states in the domains' order, and the lookups that failed."""
    by_name = {d.ascii: d for d in domains}
    states: list[DomainState] = []
    failures: list[tuple[str, str, str]] = []

    def received(stored: StoredTarget) -> None:
        failures.extend(stored.failures)
        readings = Readings()
        readings.add(stored)
        states.extend(judge(by_name[name], readings) for name in stored.target.names)

    lookups.run(targets_of(domains), received)
    order = {d.ascii: i for i, d in enumerate(domains)}
    return sorted(states, key=lambda state: order[state.domain]), failures
