"""What Appendix A and B say, and what to check before filing them (pure: no store, no I/O).

- Appendix A: registered domains grouped by registry (name, address, TLDs).
- Appendix B: subdomains grouped under their registrable domain (the Kelihos
  order listed 3,723 ``*.cz.cc`` names under ``cz.cc``).
- Pre-filing checks: a TLD not run by the registry listed, duplicates,
  look-alikes, registries whose address nobody checked, domains whose last
  record says they are not registered, and records too old to rely on.
- The electronic appendix: above a size (default 5,000) the list is also
  filed as CSV with its SHA-256, each cell safe from spreadsheet formulas.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from app.core.model import Domain, Item, Registry
from app.sources.registries import UNKNOWN_PREFIX, RegistryTable

ELECTRONIC_APPENDIX_THRESHOLD = 5000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "|", "%")


@dataclass(frozen=True)
class RegistryGroup:
    """Appendix A: one registry and the registered domains it must act on."""

    registry: Registry
    domains: tuple[Domain, ...]


@dataclass(frozen=True)
class SubdomainGroup:
    """Appendix B: the subdomains listed under one registrable domain."""

    registrable: str
    registry_id: str
    subdomains: tuple[Domain, ...]


@dataclass(frozen=True)
class Check:
    """One finding before filing. `severity` is 'problem' (fix it) or 'warning' (look at it)."""

    code: str  # registry-mismatch, registry-unconfirmed, duplicate, lookalike, not-registered, stale-record, no-record
    severity: str
    domain: str
    message: str

    def __str__(self) -> str:
        return f"{self.severity}: {self.domain}: {self.message}" if self.domain else f"{self.severity}: {self.message}"


def registry_groups(domains: Iterable[Domain], table: RegistryTable) -> list[RegistryGroup]:
    """Registered (not sub-) domains by registry, registries by name, domains by name."""
    groups: dict[str, list[Domain]] = {}
    for domain in domains:
        if not domain.is_subdomain:
            groups.setdefault(domain.registry_id, []).append(domain)
    result = [RegistryGroup(table.get(rid), tuple(sorted(ds, key=lambda d: d.ascii))) for rid, ds in groups.items()]
    return sorted(result, key=lambda g: (g.registry.name.lower(), g.registry.id))


def subdomain_groups(domains: Iterable[Domain]) -> list[SubdomainGroup]:
    """Subdomains under their registrable domain, in name order."""
    groups: dict[str, list[Domain]] = {}
    for domain in domains:
        if domain.is_subdomain:
            groups.setdefault(domain.registrable, []).append(domain)
    return [
        SubdomainGroup(name, ds[0].registry_id, tuple(sorted(ds, key=lambda d: d.ascii)))
        for name, ds in sorted(groups.items())
    ]


def domain_problems(domain: Domain, table: RegistryTable) -> list[str]:
    """Short problem texts for one domain (what `domains list` and the domains page show)."""
    problems = list(domain.flags)
    expected = table.for_tld(domain.tld).id
    if domain.registry_id != expected:
        problems.append(f"registry-mismatch: .{domain.tld} is run by {table.get(expected).name}")
    if domain.registry_id.startswith(UNKNOWN_PREFIX):
        problems.append(f"registry-unknown: .{domain.tld} is not in the registry table")
    elif not table.is_confirmed(domain.registry_id):
        problems.append("registry-unconfirmed: no checked postal address for the registry")
    return problems


def prefiling_checks(
    domains: Sequence[Domain],
    table: RegistryTable,
    records: Iterable[Item] = (),
    *,
    max_record_age_days: int = 30,
    now: datetime | None = None,
) -> list[Check]:
    """Every finding before filing, problems first, then by domain."""
    now = now or datetime.now(UTC)
    checks: list[Check] = []
    seen: dict[str, str] = {}
    readings: dict[str, str] = {}
    for domain in domains:
        if domain.ascii in seen:
            checks.append(Check("duplicate", "problem", domain.ascii, "listed twice"))
        seen[domain.ascii] = domain.unicode
        expected = table.for_tld(domain.tld)
        if domain.registry_id != expected.id:
            checks.append(Check("registry-mismatch", "problem", domain.ascii,
                                f"listed under {table.get(domain.registry_id).name}, but .{domain.tld} "
                                f"is run by {expected.name}"))
        for flag in domain.flags:
            checks.append(Check("lookalike", "warning", domain.ascii, f"{domain.unicode}: {flag}"))
        for reading in _readings(domain):
            other = readings.get(reading)
            if other and other != domain.ascii:
                checks.append(Check("lookalike", "warning", domain.ascii,
                                    f"looks like {other}, also listed; make sure both are meant"))
            readings.setdefault(reading, domain.ascii)
    for registry_id in sorted({d.registry_id for d in domains}):
        registry = table.get(registry_id)
        if registry_id.startswith(UNKNOWN_PREFIX) or not table.is_confirmed(registry_id):
            checks.append(Check("registry-unconfirmed", "problem", "",
                                f"{registry.name} (.{', .'.join(registry.tlds)}): no checked postal address; "
                                f"confirm it and record it with 'domains CASE registry set {registry_id}'"))
    checks.extend(_record_checks(domains, records, max_record_age_days, now))
    return sorted(checks, key=lambda c: (c.severity != "problem", c.domain, c.code))


def _readings(domain: Domain) -> list[str]:
    from app.sources.lookalikes import latin_reading

    if domain.unicode.isascii():
        return [domain.ascii]
    reading = ".".join(latin_reading(label) or label for label in domain.unicode.split("."))
    return [reading]


def _record_checks(domains: Sequence[Domain], records: Iterable[Item], max_age: int, now: datetime) -> list[Check]:
    latest: dict[str, Item] = {}
    for item in records:
        for name in record_names(item):
            if name not in latest or item.acquired_at > latest[name].acquired_at:
                latest[name] = item
    checks: list[Check] = []
    for domain in domains:
        record = latest.get(domain.ascii) or latest.get(domain.unicode) or latest.get(domain.registrable)
        if record is None:
            checks.append(Check("no-record", "warning", domain.ascii, "no WHOIS, RDAP or DNS record in the case"))
            continue
        if record.record.get("not_found") and domain.ascii in record_names(record):
            checks.append(Check("not-registered", "problem", domain.ascii,
                                f"the latest record (item {record.id}, {record.acquired_at[:10]}) says it is "
                                "not registered"))
        age = _age_days(record, now)
        if age is not None and age > max_age:
            checks.append(Check("stale-record", "warning", domain.ascii,
                                f"the latest record (item {record.id}) is {age} days old (limit {max_age})"))
    return checks


def record_names(item: Item) -> set[str]:
    names = {str(item.record.get(key, "")).lower().rstrip(".") for key in ("domain", "domain_ascii", "query")}
    return {n for n in names if n}


def _age_days(item: Item, now: datetime) -> int | None:
    stamp = item.metadata.get("captured_at") or item.record.get("queried_at") or item.acquired_at
    try:
        when = datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return (now - when).days


def needs_electronic_appendix(count: int, threshold: int = ELECTRONIC_APPENDIX_THRESHOLD) -> bool:
    """Whether a list this long is also filed electronically (CSV + SHA-256)."""
    return count > threshold


def safe_cell(value: str) -> str:
    """A CSV cell that a spreadsheet shows as text instead of running it as a formula (OWASP rule)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


CSV_HEADER = ("appendix", "number", "ascii", "unicode", "registrable domain", "tld", "registry",
              "registry address", "flags")


def appendix_csv(domains: Iterable[Domain], table: RegistryTable) -> tuple[bytes, str]:
    """The electronic appendix and its SHA-256 hex digest.

    UTF-8 with a byte-order mark (so spreadsheets read IDNs right), CRLF line ends, every
    cell quoted and formula-safe, a header row (``CSV_HEADER``), then one row per domain:
    Appendix A by registry, then Appendix B by registrable domain, each numbered as the
    printed appendix numbers it.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(CSV_HEADER)
    all_domains = list(domains)
    for group in registry_groups(all_domains, table):
        address = "; ".join(group.registry.address)
        writer.writerows(_csv_rows("A", group.domains, group.registry.name, address))
    for sub in subdomain_groups(all_domains):
        registry = table.get(sub.registry_id)
        writer.writerows(_csv_rows("B", sub.subdomains, registry.name, "; ".join(registry.address)))
    data = ("\ufeff" + buffer.getvalue()).encode("utf-8")
    return data, hashlib.sha256(data).hexdigest()


def _csv_rows(appendix: str, domains: Sequence[Domain], registry: str, address: str) -> Iterable[list[str]]:
    for number, d in enumerate(domains, start=1):
        yield [safe_cell(v) for v in (appendix, str(number), d.ascii, d.unicode, d.registrable, d.tld,
                                      registry, address, " | ".join(d.flags))]
