"""After the order: did each registry comply, and what is still missing?

The order asks each registry to take its domains out of the DNS (serverHold)
or, at the plaintiff's election, to delegate them to the plaintiff's sinkhole
name servers, and to lock them (server transfer, update and delete
prohibited). :func:`run_compliance` asks each registry's RDAP service (WHOIS
where a TLD has none) and the TLD's authoritative name servers what they show
now, politely (:mod:`app.ops.watch`), keeps every reply as an exhibit with its
custody entry, and gives each domain a verdict: complied, partly (locked but
still resolving, on hold but still delegated...) or not-yet, with the time of
each observation and what is still missing.

The remedy and the sinkhole name servers are case details (``CaseInfo.remedy``,
``CaseInfo.sinkhole_nameservers``); sinkhole names given to a run replace the
case's, with a custody entry, so every later run and the window use the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from app.core.changes import Changes
from app.core.custody import utc_now
from app.core.errors import EvidenceError
from app.core.model import Domain
from app.core.reporting import NULL_REPORTER, Reporter
from app.sources.registries import RegistryTable
from app.sources.takedown import DomainState, Requirement, compliance_state, normalise_servers
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

REMEDIES = ("hold", "redirect")


def order_date(value: str) -> str:
    """The order's date or time as given (YYYY-MM-DD or ISO 8601), checked; "" stays ""."""
    text = value.strip()
    if not text:
        return ""
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise EvidenceError(f"'{value}' is not a date: give the order's date as YYYY-MM-DD") from exc
    return text


def requirement_of(case: CaseFile, sinkholes: Sequence[str] | None = None) -> Requirement:
    """What the order asks of each registry, from the case's details (or these sinkhole names)."""
    info = case.info()
    names = normalise_servers(sinkholes if sinkholes is not None else info.sinkhole_nameservers)
    remedy = info.remedy if info.remedy in REMEDIES else "hold"
    if remedy == "redirect" and not names:
        raise EvidenceError("the order redirects the domains to the sinkhole, but no sinkhole name servers are "
                            "named: give them with --sinkhole NS (repeat it), or set them with "
                            "'evbundle details CASE --sinkhole NS'")
    return Requirement(remedy=remedy, sinkholes=names)


def keep_sinkholes(case: CaseFile, sinkholes: Sequence[str] | None) -> bool:
    """Make ``sinkholes`` the case's sinkhole name servers (logged); True when they changed."""
    if sinkholes is None:
        return False
    names = tuple(sorted(normalise_servers(sinkholes)))
    if names == tuple(case.info().sinkhole_nameservers):
        return False
    case.update_info(sinkhole_nameservers=names)
    return True


def run_compliance(
    case: CaseFile,
    names: Sequence[str] | None = None,
    *,
    since: str = "",
    sinkholes: Sequence[str] | None = None,
    servers: LookupServers | None = None,
    pace: Pace | None = None,
    resolve: bool = True,
    whois: bool = False,
    reporter: Reporter = NULL_REPORTER,
) -> CheckRun:
    """Check every domain (or ``names``) against what the order requires of its registry; every reply kept."""
    since = order_date(since)
    started = utc_now()
    requirement = requirement_of(case, sinkholes)
    changed_case = keep_sinkholes(case, sinkholes)
    domains = domains_to_check(case, names)
    lookups = PoliteLookups(case, servers=servers or LookupServers(), pace=pace or Pace(), whois=whois,
                            resolve=resolve, reporter=reporter)
    table = registry_table(case)
    states, failures = judged_as_replies_arrive(
        lookups, domains, lambda domain, readings: _state(domain, readings, requirement, table))
    run = CheckRun("compliance", started, since=since, remedy=requirement.remedy,
                   sinkholes=tuple(sorted(requirement.sinkholes)), states=states)
    run.failures, run.paces, run.replies = failures, lookups.paces, len(lookups.stored_items)
    run.exhibits = case.exhibit_numbers(lookups.stored_items)
    run.finished_at = utc_now()
    run.changes = Changes.to_case(items=True, exhibits=True, case=changed_case)
    counts = run.counts()
    case.record_compliance_checked({
        "domains": len(run.states), "replies": run.replies, "since": since, "remedy": requirement.remedy,
        "sinkholes": sorted(requirement.sinkholes), "complied": counts.get("complied", 0),
        "partly": counts.get("partly", 0), "not_yet": counts.get("not-yet", 0), "started_at": started,
        "first_item": min(lookups.stored_items, default=None), "last_item": max(lookups.stored_items, default=None),
        "results_sha256": run_digest(run),
    })
    return run


def latest_compliance(case: CaseFile, *, since: str = "") -> CheckRun:
    """The verdicts the case's newest records (acquired since the order) give, without any lookup."""
    since = order_date(since)
    domains = case.domains()
    try:
        requirement = requirement_of(case)
    except EvidenceError:
        requirement = Requirement(remedy="redirect")  # no sinkhole named yet: nothing can be "sinkholed"
    run = _run(case, domains, latest_readings(case, domains, since=since), requirement, since, "")
    run.exhibits = case.exhibit_numbers(i for s in run.states for i in s.evidence)
    run.finished_at = max((s.observed_at for s in run.states), default="")
    return run


def _run(case: CaseFile, domains: Sequence[Domain], readings: Readings, requirement: Requirement, since: str,
         started: str) -> CheckRun:
    table = registry_table(case)
    return CheckRun("compliance", started, since=since, remedy=requirement.remedy,
                    sinkholes=tuple(sorted(requirement.sinkholes)),
                    states=[_state(domain, readings, requirement, table) for domain in domains])


def _state(domain: Domain, readings: Readings, requirement: Requirement, table: RegistryTable) -> DomainState:
    reading, registry_ids = readings.registry.get(domain.registrable, (None, []))
    dns, dns_ids = readings.dns.get(domain.ascii, (None, []))
    base = replace(base_state(domain, table.get(domain.registry_id).name),
                   evidence=tuple(dict.fromkeys(registry_ids + dns_ids)))
    return compliance_state(base, reading, dns, requirement)
