"""The case's view of registries: the bundled table plus the user's corrections, kept with the case.

The bundled table is public data and can be wrong or incomplete for a given
filing (a registry moved, a ccTLD manager's address is missing). Counsel
corrects a registry's name and address here; the correction is stored in the
case file with a custody entry (who, when, old and new values) and is what
Appendix A prints.
"""

from __future__ import annotations

import functools
from array import array
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from app.core.changes import Changes
from app.core.errors import EvidenceError
from app.core.model import Domain, ItemKind, Registry
from app.core.reporting import NULL_REPORTER, Reporter
from app.sources.appendix_data import Check, domain_problems, prefiling_checks, record_names
from app.sources.registries import UNKNOWN_PREFIX, RegistryTable
from app.store import CaseFile
from app.store import domains as store_domains


class RegistryNotFound(EvidenceError):
    """A registry id that is neither in the table nor a TLD's placeholder."""


@dataclass(frozen=True)
class RegistryCorrected:
    """The registry as it now reads in this case."""

    registry: Registry
    changes: Changes = field(default_factory=lambda: Changes.to_case(registries=True, domains=True))


def registry_overrides(case: CaseFile) -> dict[str, Registry]:
    """The registries corrected or added in this case, by id."""
    return {
        c.registry_id: Registry(
            id=c.registry_id, name=c.name, address=c.address, tlds=c.tlds,
            source=f"corrected in this case by {c.changed_by} on {c.changed_at[:10]}"
                   + (f": {c.note}" if c.note else ""),
        )
        for c in case.registry_corrections()
    }


def registry_namer() -> Callable[[str], str]:
    """Turn a registry id into the name the bundled table gives it (cached: a million rows repeat a few ids)."""
    table = RegistryTable.load()

    @functools.lru_cache(maxsize=1024)
    def name(registry_id: str) -> str:
        try:
            return table.get(registry_id).name
        except KeyError:
            return registry_id

    return name


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
) -> RegistryCorrected:
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
    case.correct_registry(registry_id, name=new_name, address=new_address, tlds=moved, note=note,
                          old_name=old.name, old_address=old.address)
    return RegistryCorrected(registry_table(case).get(registry_id))


def find_registry(case: CaseFile, registry: str) -> Registry:
    """A registry by its id or one of its TLDs, as this case reads it."""
    table = registry_table(case)
    return table.get(registry) if registry in table.registries else table.for_tld(registry)


@dataclass(frozen=True)
class DomainRow:
    """One domain as listed: with its registry's name and what is wrong with it."""

    domain: Domain
    registry: str
    problems: list[str]

    def as_json(self) -> dict[str, object]:
        d = self.domain
        return {"domain": d.ascii, "ascii": d.ascii, "unicode": d.unicode, "registrable": d.registrable,
                "tld": d.tld, "registry_id": d.registry_id, "registry": self.registry,
                "flags": list(d.flags), "problems": self.problems}


def domain_listing(case: CaseFile) -> list[DomainRow]:
    """Every domain by registry, with its problems (look-alikes, a TLD the registry does not run…)."""
    table = registry_table(case)
    return [DomainRow(d, table.get(d.registry_id).name, domain_problems(d, table)) for d in case.domains()]


def check_domains(case: CaseFile, *, max_record_age_days: int = 30) -> list[Check]:
    """The pre-filing checks for the case's domains, against its records and corrected registry table."""
    domains: list[Domain] = case.domains()
    records = list(case.items(ItemKind.DOMAIN_RECORD))
    return prefiling_checks(domains, registry_table(case), records, max_record_age_days=max_record_age_days)


# -- the domains page: ids in display order, then rows by id (a million rows stay cheap) ------

NOT_REGISTERED = store_domains.NOT_REGISTERED
STATUS_FILTERS = store_domains.STATUS_FILTERS
PROBLEM_FILTERS = store_domains.PROBLEM_FILTERS


def record_statuses(case: CaseFile) -> dict[str, str]:
    """Each domain's status as its latest WHOIS or RDAP record gives it.

    'not registered', the record's EPP status codes ('clientHold, serverTransferProhibited'),
    or 'registered' when the record lists none. Domains without a record are absent. DNS replies
    are left out: a name out of the DNS may still be registered (serverHold takes it out).
    """
    latest: dict[str, tuple[str, str]] = {}  # name -> (acquired_at, status)
    for item in case.items(ItemKind.DOMAIN_RECORD):
        if item.record.get("format") == "dns":
            continue
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
    return {rid for rid in case.registry_ids_in_use()
            if rid.startswith(UNKNOWN_PREFIX) or not table.is_confirmed(rid)}


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
    reporter: Reporter = NULL_REPORTER,
) -> array[int]:
    """The ids of the domains that match, in display order (run it off the GUI thread for big cases).

    `text` matches anywhere in the ASCII or Unicode form; `registry_id` keeps one registry;
    `status` is a key of STATUS_FILTERS, `problem` one of PROBLEM_FILTERS. `statuses` and
    `unconfirmed` are :func:`record_statuses` and :func:`unconfirmed_registries` when the caller
    already has them.
    """
    return case.domain_ids(
        text=text, registry_id=registry_id, status=status, problem=problem, order=order, descending=descending,
        record_statuses=lambda: statuses if statuses is not None else record_statuses(case),
        unconfirmed_registries=lambda: unconfirmed if unconfirmed is not None else unconfirmed_registries(case),
        reporter=reporter,
    )


def registry_choices(case: CaseFile) -> list[tuple[str, str, int]]:
    """(registry id, name, domain count) for the registries the case's domains use, by name."""
    table = registry_table(case)
    counts = case.domain_counts_by_registry()
    return sorted(((rid, table.get(rid).name, count) for rid, count in counts.items()), key=lambda r: r[1].lower())
