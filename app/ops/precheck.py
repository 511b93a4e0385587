"""Before filing: is each domain still registered and resolving, and would taking it down hurt others?

:func:`run_precheck` asks each domain's registry (RDAP, bootstrap-routed; WHOIS
where a TLD has no RDAP) and the TLD's authoritative name servers, politely
(:mod:`app.ops.watch`); every reply becomes an exhibit with its custody entry.
Each domain's facts (registered, resolving, EPP statuses, registrar, dates,
name servers) come with flags: not registered, expiring before the hearing,
already on hold or sinkholed, registered recently, registrar changed since the
case's last record; and the collateral-damage flags (:func:`collateral_flags`).

For the review before filing and the declaration's drafting (issue 13 wires
them in), :func:`review_problems` and :func:`drafting_hints` read only what the
case already holds: no network.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime

from app.core.changes import Changes
from app.core.custody import utc_now
from app.core.model import Domain, ItemKind, Problem
from app.core.reporting import NULL_REPORTER, Reporter
from app.core.urls import url_host
from app.sources.collateral import collateral_flags as triage
from app.sources.registries import RegistryTable
from app.sources.takedown import BLOCKING, DomainState, Flag, PrecheckRules, normalise_servers, precheck_state
from app.store import CaseFile

from .checks import (
    CheckRun,
    Readings,
    base_state,
    domains_to_check,
    judged_as_replies_arrive,
    latest_readings,
    run_digest,
)
from .domains import registry_table
from .lookups import LookupServers
from .watch import Pace, PoliteLookups

__all__ = ["Problem", "collateral_flags", "drafting_hints", "review_problems", "run_precheck"]


def run_precheck(
    case: CaseFile,
    names: Sequence[str] | None = None,
    *,
    kinds: Sequence[str] = ("rdap", "dns"),
    servers: LookupServers | None = None,
    pace: Pace | None = None,
    resolve: bool = True,
    hearing: date | None = None,
    recent_days: int = 30,
    sinkholes: Sequence[str] | None = None,
    reporter: Reporter = NULL_REPORTER,
) -> CheckRun:
    """Look up every domain (or ``names``) and say what stands in the way of filing; each reply is kept."""
    started = utc_now()
    domains = domains_to_check(case, names)
    info = case.info()
    rules = PrecheckRules(hearing=hearing, recent_days=recent_days,
                          sinkholes=normalise_servers(sinkholes if sinkholes is not None
                                                      else info.sinkhole_nameservers),
                          today=datetime.now(UTC).date())
    previous = case.latest_record_values("registrar", before=started)
    lookups = PoliteLookups(case, servers=servers or LookupServers(), pace=pace or Pace(),
                            registry="rdap" in kinds, whois="whois" in kinds, dns="dns" in kinds,
                            resolve=resolve, reporter=reporter)
    table = registry_table(case)
    states, failures = judged_as_replies_arrive(
        lookups, domains, lambda domain, readings: _state(domain, readings, rules, table, previous))
    run = CheckRun("precheck", started, hearing=hearing.isoformat() if hearing else "",
                   sinkholes=tuple(sorted(rules.sinkholes)), failures=failures, paces=lookups.paces,
                   replies=len(lookups.stored_items), changes=Changes.to_case(items=True, exhibits=True))
    run.collateral = collateral_flags(case, domains)  # with the name servers and addresses just received
    run.states = with_collateral(states, run.collateral)
    run.exhibits = case.exhibit_numbers(lookups.stored_items)
    run.finished_at = utc_now()
    counts = run.counts()
    case.record_prefiling_checked({
        "domains": len(run.states), "replies": run.replies, "ready": counts.get("ready", 0),
        "not_ready": counts.get("not-ready", 0), "hearing": run.hearing, "started_at": started,
        "first_item": min(lookups.stored_items, default=None), "last_item": max(lookups.stored_items, default=None),
        "results_sha256": run_digest(run),
    })
    return run


def _state(domain: Domain, readings: Readings, rules: PrecheckRules, table: RegistryTable,
           previous: dict[str, str]) -> DomainState:
    reading, registry_ids = readings.registry.get(domain.registrable, (None, []))
    dns, dns_ids = readings.dns.get(domain.ascii, (None, []))
    base = replace(base_state(domain, table.get(domain.registry_id).name),
                   evidence=tuple(dict.fromkeys(registry_ids + dns_ids)))
    return precheck_state(base, reading, dns, rules, previous_registrar=previous.get(domain.registrable, ""))


def with_collateral(states: list[DomainState], collateral: Sequence[Flag]) -> list[DomainState]:
    """The states with the collateral-damage flags that concern each (by its name or registrable domain) first."""
    by_where: dict[str, list[Flag]] = {}
    for flag in collateral:
        by_where.setdefault(flag.where, []).append(flag)
    result = []
    for state in states:
        extra = by_where.get(state.domain, []) + by_where.get(state.registrable, [])
        result.append(replace(state, flags=tuple(dict.fromkeys([*extra, *state.flags]))) if extra else state)
    return result


def latest_precheck(case: CaseFile, *, hearing: date | None = None, recent_days: int = 30) -> CheckRun:
    """The pre-filing states the case's newest records give, without any lookup (what the window shows)."""
    domains = case.domains()
    info = case.info()
    rules = PrecheckRules(hearing=hearing, recent_days=recent_days, sinkholes=normalise_servers(
        info.sinkhole_nameservers), today=datetime.now(UTC).date())
    run = CheckRun("precheck", "", hearing=hearing.isoformat() if hearing else "")
    run.collateral = collateral_flags(case, domains)
    table = registry_table(case)
    readings = latest_readings(case, domains)
    run.states = with_collateral([_state(d, readings, rules, table, {}) for d in domains], run.collateral)
    run.exhibits = case.exhibit_numbers(i for s in run.states for i in s.evidence)
    run.finished_at = max((s.observed_at for s in run.states), default="")
    return run


# -- collateral damage, for the review before filing and the declaration's drafting ----------------

def collateral_flags(case: CaseFile, domains: Sequence[Domain] | None = None) -> list[Flag]:
    """Who else taking the case's domains down would hurt (see :mod:`app.sources.collateral`).

    Reads the case's domains, the hosts its evidence links to or shows, and the name servers
    and addresses its newest records give. No network."""
    domains = case.domains() if domains is None else domains
    hosts: list[str] = []
    for kind in (ItemKind.EMAIL, ItemKind.MAILBOX_MESSAGE):
        for item in case.items(kind):
            hosts += [str(link.get("host") or "") for link in item.record.get("links") or []
                      if isinstance(link, dict) and link.get("host")]
    for item in case.items(ItemKind.SCREENSHOT):
        url = str(item.metadata.get("url") or "")
        if url:
            hosts.append(url_host(url))
    readings = latest_readings(case, domains)
    name_servers = {registrable: list(reading.name_servers) for registrable, (reading, _) in readings.registry.items()
                    if reading is not None and reading.name_servers}
    for name, (dns, _) in readings.dns.items():
        if dns.delegation:
            name_servers[name] = list(dns.delegation)
    addresses = {name: list(dns.addresses) for name, (dns, _) in readings.dns.items() if dns.addresses}
    return triage(domains, evidence_hosts=[h for h in hosts if h], name_servers=name_servers, addresses=addresses)


def review_problems(case: CaseFile) -> list[Problem]:
    """What the review before filing should show from the pre-filing facts: the collateral-damage flags and
    the flags the case's newest registry and DNS records give (not registered, expired, on hold...).

    Blocking first. Reads only the case (run the pre-filing check to refresh the records)."""
    run = latest_precheck(case)
    problems = [Problem(f.severity, f.code, f.message, f.where, _target(f.where)) for f in run.collateral]
    seen = {(p.code, p.where) for p in problems}
    unchecked = [s for s in run.states if s.registered is None and not s.evidence]
    if unchecked:
        problems.append(Problem("warning", "not-checked", f"{len(unchecked):,} domain(s) have no registry record in "
                                "the case, so nobody has checked that they are still registered and resolving: run "
                                "the pre-filing check", ""))
    skip = {s.domain for s in unchecked}
    for state in run.states:
        if state.domain in skip:
            continue
        for flag in state.flags:
            key = (flag.code, flag.where or state.domain)
            if key not in seen:
                seen.add(key)
                problems.append(Problem(flag.severity, flag.code, flag.message, flag.where or state.domain,
                                        _target(flag.where or state.domain)))
    return sorted(problems, key=lambda p: (p.severity != BLOCKING, p.where, p.code))


def drafting_hints(case: CaseFile) -> list[str]:
    """Sentences for the declaration's drafting hints: what the order should do for legitimate users."""
    hints: list[str] = []
    for flag in collateral_flags(case):
        text = f"{flag.where}: {flag.message}." + (f" {flag.hint}" if flag.hint else "")
        if text not in hints:
            hints.append(text)
    return hints


def _target(where: str) -> str:
    """The Domains page's row for a problem about a domain."""
    return f"domain:{where}" if where and " " not in where and "." in where else ""
