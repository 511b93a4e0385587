"""Who else a takedown would hurt: shared services among the domains to seize (pure: no store, no I/O).

Kelihos took down cz.cc, a free-subdomain service, and with it thousands of
unrelated sites; the 2014 No-IP seizure cut off millions of legitimate
dynamic-DNS users. An order that reaches a registrable domain reaches every
name under it, so a domain is flagged when taking it down may hurt others:

- ``known-provider``: it is (or belongs to) a shared-hosting, dynamic-DNS,
  URL-shortener or free-subdomain provider on the curated list
  (``resources/providers.json``, each entry with its source);
- ``shared-service``: its registrable domain is in the Public Suffix List's
  private section, where operators list the domains under which their users
  get names of their own (the list ships with ``publicsuffixlist``);
- ``many-subdomains``: the case and the evidence name many distinct
  subdomains of it (what a free-subdomain or dynamic-DNS service looks like);
- ``appendix-b-parent``: subdomains of it are listed in Appendix B, so the
  registry's action on it reaches every other subdomain too;
- ``ns-host``: it hosts name servers that other domains in the records use;
- ``shared-address``: it resolves to an address that many unrelated domains in
  the records share (shared hosting): act through registries, never on the address.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from app.core.paths import resource
from app.sources.domains import registrable_domain
from app.sources.takedown import BLOCKING, WARNING, Flag

KINDS = {
    "dynamic-dns": "dynamic-DNS",
    "free-subdomain": "free-subdomain",
    "url-shortener": "URL-shortener",
    "shared-hosting": "shared-hosting",
}
MANY_SUBDOMAINS = 10
SHARED_BY = 10


class Named(Protocol):
    """What triage needs of a domain (``app.core.model.Domain`` has it)."""

    @property
    def ascii(self) -> str: ...

    @property
    def registrable(self) -> str: ...


@dataclass(frozen=True)
class Provider:
    """One curated provider: a domain under which its users get names, and where that fact comes from."""

    domain: str
    kind: str  # a key of KINDS
    name: str
    source: str
    note: str = ""


@dataclass(frozen=True)
class ProviderList:
    """The curated list, by domain."""

    providers: Mapping[str, Provider]
    as_of: str = ""

    def find(self, name: str) -> Provider | None:
        """The provider whose domain is ``name`` or one of its parents."""
        labels = name.lower().rstrip(".").split(".")
        for start in range(len(labels) - 1):
            found = self.providers.get(".".join(labels[start:]))
            if found is not None:
                return found
        return None


def load_providers(path: Path | None = None) -> ProviderList:
    """The curated provider list shipped in ``resources/providers.json`` (or another file of that form)."""
    text = path.read_text(encoding="utf-8") if path else resource("providers.json").read_text(encoding="utf-8")
    data = json.loads(text)
    providers = {}
    for entry in data.get("providers", []):
        kind = str(entry["kind"])
        if kind not in KINDS:
            raise ValueError(f"provider {entry.get('domain')}: unknown kind {kind!r}")
        domain = str(entry["domain"]).lower().rstrip(".")
        providers[domain] = Provider(domain, kind, str(entry["name"]), str(entry["source"]), str(entry.get("note", "")))
    return ProviderList(providers, str(data.get("as_of", "")))


@functools.cache
def shipped_providers() -> ProviderList:
    return load_providers()


_OPERATOR = re.compile(r"^//\s*(.+?)(?:\s+:\s+\S+.*)?$")


@functools.cache
def psl_private_operators() -> dict[str, str]:
    """Registrable domain → the operator that lists names under it in the PSL's private section."""
    from importlib import resources

    try:
        text = resources.files("publicsuffixlist").joinpath("public_suffix_list.dat").read_text(encoding="utf-8")
    except (OSError, ModuleNotFoundError):  # a build without the list: the curated list still applies
        return {}
    operators: dict[str, str] = {}
    private = False
    operator = ""
    block_start = True
    for raw in text.splitlines():
        line = raw.strip()
        if "===BEGIN PRIVATE DOMAINS===" in line:
            private = True
            continue
        if not private:
            continue
        if not line:
            block_start = True
            continue
        if line.startswith("//"):
            lowered = line.lower()
            if block_start and not lowered.startswith(("// submitted", "// updated", "// (note", "// ===")):
                match = _OPERATOR.match(line)
                operator = match.group(1).strip() if match else operator
            block_start = False
            continue
        block_start = False
        suffix = line.lstrip("!").removeprefix("*.").lower()
        registrable = registrable_domain(suffix) if "." in suffix else None
        if registrable:
            operators.setdefault(registrable, operator or "an operator")
    return operators


def collateral_flags(
    domains: Sequence[Named],
    *,
    evidence_hosts: Iterable[str] = (),
    name_servers: Mapping[str, Sequence[str]] | None = None,
    addresses: Mapping[str, Sequence[str]] | None = None,
    providers: ProviderList | None = None,
    psl_private: Mapping[str, str] | None = None,
    many_subdomains: int = MANY_SUBDOMAINS,
    shared_by: int = SHARED_BY,
) -> list[Flag]:
    """Every collateral-damage flag for the case's domains, blocking first, then by where.

    ``evidence_hosts`` are the host names the evidence links to or shows (spam links, capture
    URLs); ``name_servers`` and ``addresses`` map domain → what its latest records give.
    """
    providers = providers if providers is not None else shipped_providers()
    psl_private = psl_private if psl_private is not None else psl_private_operators()
    listed = {d.ascii for d in domains}
    registrables = {d.registrable for d in domains}
    appendix_b: dict[str, set[str]] = {}
    for d in domains:
        if d.ascii != d.registrable:
            appendix_b.setdefault(d.registrable, set()).add(d.ascii)
    seen_sub: dict[str, set[str]] = {r: set(names) for r, names in appendix_b.items()}
    for shown in evidence_hosts:
        host = shown.lower().rstrip(".")
        parent = registrable_domain(host)
        if parent in registrables and host != parent and not host.startswith("www."):
            seen_sub.setdefault(parent, set()).add(host)
    flags: list[Flag] = []
    for registrable in sorted(registrables):
        provider = providers.find(registrable)
        if provider is None:
            provider = next((providers.find(name) for name in sorted(appendix_b.get(registrable, ()))
                             if providers.find(name) is not None), None)
        operator = psl_private.get(registrable)
        subdomains = seen_sub.get(registrable, set())
        hint = (f"Say in the order what happens to legitimate users of {registrable}: reach only the listed "
                "names (direct the provider to disable them), or redirect the domain to the sinkhole with "
                "legitimate names still answered, and how users are restored if an innocent name is hit.")
        if provider is not None:
            flags.append(Flag(
                "known-provider", BLOCKING,
                f"{registrable} belongs to {provider.name}, a {KINDS[provider.kind]} service; its users' names go "
                f"down with it (source: {provider.source})" + (f"; {provider.note}" if provider.note else ""),
                registrable, hint=hint))
        elif operator is not None:
            flags.append(Flag(
                "shared-service", BLOCKING,
                f"{registrable} is listed in the Public Suffix List's private section by {operator}: names "
                "under it belong to the operator's users, not to one registrant", registrable, hint=hint))
        if len(subdomains) >= many_subdomains:
            in_case = len(appendix_b.get(registrable, ()))
            flags.append(Flag(
                "many-subdomains", WARNING,
                f"{registrable} has {len(subdomains):,} distinct subdomains in the case and the evidence "
                f"({in_case:,} listed): a free-subdomain or dynamic-DNS service looks like this, and taking "
                f"{registrable} down takes down every name under it", registrable, hint=hint))
        if registrable in appendix_b:
            count = len(appendix_b[registrable])
            also = "; it is itself listed in Appendix A" if registrable in listed else ""
            flags.append(Flag(
                "appendix-b-parent", WARNING,
                f"{registrable} is the parent of {count:,} subdomain{'s' if count != 1 else ''} listed in Appendix B: "
                f"the registry can act only on {registrable} itself, which reaches every other name under it "
                f"too{also}", registrable, hint=hint))
    flags += _shared_infrastructure(domains, name_servers or {}, addresses or {}, shared_by)
    return sorted(flags, key=lambda f: (f.severity != BLOCKING, f.where, f.code))


def _shared_infrastructure(domains: Sequence[Named], name_servers: Mapping[str, Sequence[str]],
                           addresses: Mapping[str, Sequence[str]], shared_by: int) -> list[Flag]:
    registrable_of = {d.ascii: d.registrable for d in domains}
    case_registrables = set(registrable_of.values())
    flags: list[Flag] = []
    # A case domain that hosts name servers other domains use: out of the DNS, it takes them along.
    served: dict[str, set[str]] = {}
    for name, servers in name_servers.items():
        own = registrable_of.get(name, name)
        for server in servers:
            host_registrable = registrable_domain(server)
            if host_registrable in case_registrables and host_registrable != own:
                served.setdefault(host_registrable, set()).add(own)
    for host, users in sorted(served.items()):
        flags.append(Flag(
            "ns-host", WARNING,
            f"{host} hosts name servers that {len(users):,} other domain{'s' if len(users) != 1 else ''} in the "
            f"records use ({', '.join(sorted(users)[:5])}{', …' if len(users) > 5 else ''}): out of the DNS, it "
            "stops them resolving too, and any domain not in the case that uses them", host,
            hint=f"Name in the declaration the domains that depend on {host}'s name servers."))
    sharing: dict[str, set[str]] = {}
    for name, values in addresses.items():
        for address in values:
            sharing.setdefault(address, set()).add(registrable_of.get(name, name))
    for address, users in sorted(sharing.items()):
        if len(users) >= shared_by:
            flags.append(Flag(
                "shared-address", WARNING,
                f"{len(users):,} unrelated registrable domains in the records resolve to {address} (shared "
                "hosting): act on the domains through their registries, never on the address, which would reach "
                "the host's other customers", address))
    return flags
