"""What the registry and the DNS say of a domain, before filing and after the order (pure: no store, no I/O).

A :class:`RegistryReading` is read from one RDAP or WHOIS record (what the
registry says: registered or not, EPP statuses, name servers, registrar,
dates), a :class:`DnsReading` from one DNS capture (whether the TLD zone
delegates the domain, and to which name servers; whether its name has
addresses). :func:`precheck_state` turns them into the pre-filing facts and
flags; :func:`compliance_state` compares them with what the order requires of
the registry (:class:`Requirement`) and gives the verdict: complied, partly or
not-yet, with what is still missing in words a follow-up letter can quote.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from sys import intern
from typing import Any

HOLD = "serverHold"
CLIENT_HOLD = "clientHold"
LOCKS = ("serverTransferProhibited", "serverUpdateProhibited", "serverDeleteProhibited")
PENDING_DELETE = ("pendingDelete", "redemptionPeriod")
BLOCKING, WARNING = "blocking", "warning"


@dataclass(frozen=True, slots=True)
class Flag:
    """One finding about a domain: ``severity`` is "blocking" (resolve before filing) or "warning" (look at it).

    ``where`` names what it is about (a domain, or "" for the case); ``hint`` says, for the
    declaration's drafting, what the order should do about it (may be "").
    """

    code: str
    severity: str
    message: str
    where: str = ""
    hint: str = ""

    def as_json(self) -> dict[str, str]:
        return {"code": self.code, "severity": self.severity, "message": self.message, "where": self.where}


@dataclass(frozen=True, slots=True)
class RegistryReading:
    """What one RDAP or WHOIS reply says of a registration; ``registered`` None when it says nothing usable."""

    registered: bool | None
    statuses: tuple[str, ...] = ()  # EPP codes: serverHold, clientTransferProhibited, ok...
    name_servers: tuple[str, ...] = ()
    registrar: str = ""
    created: str = ""  # ISO 8601 as the registry gives it
    expires: str = ""
    registrant: str = ""  # name or organisation, when the record shows one
    observed_at: str = ""  # UTC, when the reply was received
    source: str = ""  # "rdap" or "whois"
    throttled: bool = False
    problem: str = ""  # why the reply says nothing usable (HTTP 500, a help page, no reply...)


@dataclass(frozen=True, slots=True)
class DnsReading:
    """What one DNS capture says: the TLD zone's delegation, and whether the name has addresses."""

    delegated: bool | None = None  # None: the TLD's servers were not asked or did not answer
    delegation: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    resolved: bool | None = None  # None: no address query was answered
    observed_at: str = ""


@dataclass(frozen=True)
class Requirement:
    """What the order asks of each registry: hold (serverHold) or redirect to the sinkhole, and the locks."""

    remedy: str = "hold"  # "hold" | "redirect"
    sinkholes: frozenset[str] = frozenset()
    locks: tuple[str, ...] = LOCKS


@dataclass(frozen=True, slots=True)
class DomainState:
    """One domain as a check found it: the facts, the flags, and for the compliance watch the verdict."""

    domain: str
    unicode: str
    registrable: str
    registry: str  # the registry's name
    registry_id: str
    registered: bool | None
    resolving: bool | None
    statuses: tuple[str, ...] = ()
    name_servers: tuple[str, ...] = ()
    registrar: str = ""
    created: str = ""
    expires: str = ""
    observed_at: str = ""
    flags: tuple[Flag, ...] = ()
    verdict: str = ""  # compliance only: complied | partly | not-yet
    how: str = ""  # compliance only: hold | sinkhole | "" (neither seen)
    missing: tuple[str, ...] = ()  # compliance only: what the registry has not done yet, in words
    evidence: tuple[int, ...] = ()  # item ids of the replies this state rests on
    delegation: tuple[str, ...] = ()  # the TLD zone's name servers for the domain

    @property
    def ok(self) -> bool:
        """As expected: complied (compliance), or registered, resolving and nothing blocking (pre-filing)."""
        if self.verdict:
            return self.verdict == "complied"
        return bool(self.registered and self.resolving) and not any(f.severity == BLOCKING for f in self.flags)

    def as_json(self, exhibits: Mapping[int, int] | None = None) -> dict[str, Any]:
        """The object ``--json`` prints for this domain (the keys are fixed by the command line's contract)."""
        data: dict[str, Any] = {
            "domain": self.domain, "registered": self.registered, "resolving": self.resolving,
            "statuses": list(self.statuses), "name_servers": list(self.name_servers),
            "registrar": self.registrar or None, "created": self.created or None, "expires": self.expires or None,
            "flags": [f.code for f in self.flags],
        }
        if self.verdict:
            data.update(verdict=self.verdict, how=self.how or None, observed_at=self.observed_at or None,
                        missing=list(self.missing))
        else:
            data["observed_at"] = self.observed_at or None
        data["registry"] = self.registry
        data["delegation"] = list(self.delegation)
        data["notes"] = [f"{f.severity}: {f.message}" for f in self.flags]
        if exhibits is not None:
            data["exhibits"] = [exhibits[i] for i in self.evidence if i in exhibits]
        return data


# -- reading records -------------------------------------------------------------------------------

def registry_reading(record: Mapping[str, Any], observed_at: str = "") -> RegistryReading:
    """Read the parsed record of an RDAP or WHOIS reply (``app.sources.rdap`` / ``whois``)."""
    source = str(record.get("format") or "")
    when = observed_at or str(record.get("queried_at") or "")
    lookup = record.get("lookup") if isinstance(record.get("lookup"), Mapping) else {}
    status_code = lookup.get("http_status") if isinstance(lookup, Mapping) else None
    if record.get("throttled"):
        return RegistryReading(None, observed_at=when, source=source, throttled=True,
                               problem="the registry is throttling queries")
    if record.get("not_found"):
        return RegistryReading(False, observed_at=when, source=source)
    if not record.get("domain") and not record.get("name_servers") and not record.get("status"):
        problem = str(record.get("error_title") or record.get("notice") or "")
        if isinstance(status_code, int) and status_code >= 400:
            problem = f"HTTP {status_code}" + (f": {problem}" if problem else "")
        return RegistryReading(None, observed_at=when, source=source, problem=problem or "no domain in the reply")
    codes = record.get("epp_status") or record.get("status") or []
    statuses = tuple(dict.fromkeys(intern(str(c)) for c in codes if str(c))) if isinstance(codes, list) else ()
    registrant = record.get("registrant")
    who = ""
    if isinstance(registrant, Mapping):
        who = str(registrant.get("organization") or registrant.get("name") or "")
    return RegistryReading(
        True, statuses=statuses, name_servers=_names(record.get("name_servers")),
        registrar=intern(str(record.get("registrar") or "")),
        created=str(record.get("created_utc") or record.get("created") or ""),
        expires=str(record.get("expires_utc") or record.get("expires") or ""),
        registrant=who, observed_at=when, source=source,
    )


def dns_reading(record: Mapping[str, Any], observed_at: str = "") -> DnsReading:
    """Read the parsed record of a DNS capture (``app.sources.lookup_clients.parse_dns_capture``)."""
    answers = record.get("answers") if isinstance(record.get("answers"), Mapping) else {}
    rcodes = record.get("rcodes") if isinstance(record.get("rcodes"), Mapping) else {}
    addresses: list[str] = []
    asked = False
    for rdtype in ("A", "AAAA"):
        if isinstance(rcodes, Mapping) and rdtype in rcodes:
            asked = True
            values = answers.get(rdtype) if isinstance(answers, Mapping) else None
            addresses += [str(v) for v in values or []]
    delegated = record.get("delegated")
    return DnsReading(
        delegated=delegated if isinstance(delegated, bool) else None,
        delegation=_names(record.get("delegation")),
        addresses=tuple(addresses),
        resolved=bool(addresses) if asked else None,
        observed_at=observed_at or str(record.get("queried_at") or ""),
    )


def _names(value: Any) -> tuple[str, ...]:
    """Host names as compared (lower case, no trailing dot), each kept once in memory: 10,000 domains share a
    few name servers."""
    if not isinstance(value, list):
        return ()
    return tuple(dict.fromkeys(intern(str(v).strip().rstrip(".").lower()) for v in value if str(v).strip()))


def normalise_servers(names: Any) -> frozenset[str]:
    """Name-server host names as compared: lower case, no trailing dot."""
    return frozenset(str(n).strip().rstrip(".").lower() for n in names or () if str(n).strip())


def parse_day(value: str) -> date | None:
    """The calendar day (UTC) of an ISO 8601 date or time; None when it is not one."""
    text = value.strip()
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            return None
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return when.date()


# -- before filing ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class PrecheckRules:
    """What the pre-filing check looks for beyond the registry's answer."""

    hearing: date | None = None  # "expires before the hearing"
    recent_days: int = 30  # "registered recently"
    sinkholes: frozenset[str] = frozenset()  # "already sinkholed"
    today: date = field(default_factory=lambda: datetime.now(UTC).date())


def _resolving(reading: RegistryReading, dns: DnsReading | None) -> bool | None:
    if dns is None:
        return None
    if dns.delegated is False:
        return False
    if dns.resolved is not None:
        return dns.resolved
    return dns.delegated


def precheck_state(base: DomainState, reading: RegistryReading | None, dns: DnsReading | None, rules: PrecheckRules,
                   *, previous_registrar: str = "") -> DomainState:
    """The pre-filing facts and flags of one domain (``base`` names it; its flags are kept)."""
    flags = list(base.flags)
    name = base.domain
    reading = reading or RegistryReading(None, problem="not looked up")
    if reading.registered is False:
        flags.append(Flag("not-registered", BLOCKING, f"{base.registrable} is not registered: the registry has "
                          "no such domain, so an order against it would have nothing to act on", name))
    elif reading.registered is None:
        why = "the registry throttled every try" if reading.throttled else reading.problem or "no usable reply"
        flags.append(Flag("no-answer", WARNING, f"the registry's record of {base.registrable} could not be read "
                          f"({why}); run the check again", name))
    statuses = set(reading.statuses)
    if reading.registered:
        expires = parse_day(reading.expires)
        if expires is not None and expires < rules.today:
            flags.append(Flag("expired", BLOCKING, f"the registration expired on {expires.isoformat()}", name))
        elif expires is not None and rules.hearing is not None and expires <= rules.hearing:
            flags.append(Flag("expires-before-hearing", BLOCKING,
                              f"the registration expires on {expires.isoformat()}, before the hearing on "
                              f"{rules.hearing.isoformat()}: ask the order to keep it registered (renewed) "
                              "for its term", name,
                              hint=f"Direct the registry to keep {base.registrable} registered past its expiry "
                                   f"({expires.isoformat()}) while the order is in force."))
        if statuses & {HOLD, CLIENT_HOLD}:
            held = " and ".join(sorted(statuses & {HOLD, CLIENT_HOLD}))
            flags.append(Flag("on-hold", WARNING, f"already on hold ({held}): out of the DNS before any order", name))
        if statuses & set(PENDING_DELETE):
            flags.append(Flag("pending-delete", WARNING, "the registry is about to delete it ("
                              + ", ".join(sorted(statuses & set(PENDING_DELETE))) + ")", name))
        created = parse_day(reading.created)
        if created is not None and (rules.today - created) <= timedelta(days=rules.recent_days):
            flags.append(Flag("recently-registered", WARNING,
                              f"registered on {created.isoformat()}, within {rules.recent_days} days: check that "
                              "the registrant is still the one the evidence shows", name))
        if previous_registrar and reading.registrar and _plain(previous_registrar) != _plain(reading.registrar):
            flags.append(Flag("registrar-changed", WARNING, f"the registrar is now {reading.registrar}; the case's "
                              f"earlier record named {previous_registrar}", name))
    servers = set(dns.delegation if dns is not None and dns.delegation else reading.name_servers)
    if servers and (servers <= set(rules.sinkholes) or any("sinkhole" in s for s in servers)):
        flags.append(Flag("sinkholed", WARNING, "already delegated to sinkhole name servers ("
                          + ", ".join(sorted(servers)) + ")", name))
    resolving = _resolving(reading, dns)
    if reading.registered and resolving is False:
        why = "the TLD zone does not delegate it" if dns is not None and dns.delegated is False \
            else "its name has no A or AAAA record"
        flags.append(Flag("not-resolving", WARNING, f"not resolving: {why}", name))
    return _with(base, reading, dns, resolving, flags)


def _plain(name: str) -> str:
    return " ".join(name.lower().replace(",", " ").replace(".", " ").split())


def _with(base: DomainState, reading: RegistryReading, dns: DnsReading | None, resolving: bool | None,
          flags: list[Flag]) -> DomainState:
    observed = max(reading.observed_at, dns.observed_at if dns is not None else "")
    return DomainState(
        domain=base.domain, unicode=base.unicode, registrable=base.registrable, registry=base.registry,
        registry_id=base.registry_id, registered=reading.registered, resolving=resolving,
        statuses=reading.statuses, name_servers=reading.name_servers, registrar=reading.registrar,
        created=reading.created, expires=reading.expires, observed_at=observed, flags=tuple(flags),
        evidence=base.evidence, delegation=dns.delegation if dns is not None else (),
    )


# -- after the order -------------------------------------------------------------------------------

def compliance_state(base: DomainState, reading: RegistryReading | None, dns: DnsReading | None,
                     requirement: Requirement) -> DomainState:
    """Compare what the registry and the TLD zone show with what the order requires of the registry.

    complied: the remedy is in effect at the registry and in the zone (serverHold and no
    delegation, or the zone delegating to the sinkhole name servers only) and the locks are set;
    partly: some of it (locked but still resolving, on hold but still delegated, redirected
    without locks); not-yet: none of it, or nothing could be read.
    """
    reading = reading or RegistryReading(None, problem="not looked up")
    flags = list(base.flags)
    statuses = set(reading.statuses)
    sinkholes = requirement.sinkholes
    zone = dns.delegation if dns is not None else ()
    zone_sinkholed = bool(zone) and bool(sinkholes) and set(zone) <= sinkholes
    registry_sinkholed = bool(reading.name_servers) and bool(sinkholes) and set(reading.name_servers) <= sinkholes
    out_of_zone = dns is not None and dns.delegated is False
    held = HOLD in statuses
    done: list[str] = []
    missing: list[str] = []
    how = ""
    if reading.registered is False:
        how = ""  # out of the zone because nobody holds it: not the registry's doing
    elif zone_sinkholed or (registry_sinkholed and (dns is None or dns.delegated is None)):
        how = "sinkhole"
    elif held or CLIENT_HOLD in statuses or out_of_zone:
        how = "hold"
    if reading.registered is False:
        missing.append("the registry reports no such domain: it is no longer registered, so it can be neither "
                       "held nor redirected")
        flags.append(Flag("not-registered", BLOCKING, "no longer registered", base.domain))
    elif reading.registered is None:
        missing.append("the registry's record could not be read (" + (
            "throttled" if reading.throttled else reading.problem or "no reply") + ")")
        flags.append(Flag("no-answer", WARNING, "the registry's record could not be read", base.domain))
    else:
        wants_sinkhole = requirement.remedy == "redirect" or (how == "sinkhole" and bool(sinkholes))
        if wants_sinkhole:
            if registry_sinkholed:
                done.append("name servers changed to the sinkhole")
            else:
                missing.append("the registry's name servers are not the sinkhole's ("
                               + (", ".join(sorted(sinkholes)) or "none named") + ")")
            if dns is not None and dns.delegated is not None:
                if zone_sinkholed:
                    done.append("the zone delegates to the sinkhole")
                else:
                    missing.append("the TLD zone does not delegate it to the sinkhole name servers")
            if held:
                missing.append("it is on serverHold, out of the DNS, instead of redirected to the sinkhole")
        else:
            if held:
                done.append("serverHold set")
            else:
                missing.append("serverHold is not set" + (" (the registrar's clientHold is)"
                                                           if CLIENT_HOLD in statuses else ""))
            if dns is not None and dns.delegated is not None:
                if out_of_zone:
                    done.append("out of the TLD zone")
                else:
                    missing.append("still delegated in the TLD zone")
        locks = [lock for lock in requirement.locks if lock in statuses]
        done += [f"{lock} set" for lock in locks]
        missing += [f"{lock} is not set" for lock in requirement.locks if lock not in statuses]
    if not missing:
        verdict = "complied"
    elif done:
        verdict = "partly"
    else:
        verdict = "not-yet"
    state = _with(base, reading, dns, _resolving(reading, dns), flags)
    return replace(state, verdict=verdict, how=how, missing=tuple(missing))
