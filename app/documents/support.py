"""Which exhibits show that each listed domain belongs in the order, and which tie a defendant to it.

Derived from the evidence alone, never from free text: a spam message that links to a
domain (or to a host under it: a link to a listed subdomain also shows the listed domain above
it), a screenshot of a page on it, its registration record or
lookup reply, a record whose registrant, e-mail address or address is a defendant's, and
a record whose name servers are in a listed domain or in a domain of a defendant. Each link
carries what the exhibit shows in the exhibit's own words (``shows``: a host, a URL, a
registrant's name, a name server), so the declaration can say it and a check can find it
in the exhibit. The user's own links (a declarant's note) and removals are laid over these
by :func:`effective_links`; the functions here are pure, for the documents and the review.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from app.core.model import Domain, ItemKind, Party, PartyRole, SupportKind, SupportLink
from app.core.urls import url_host
from app.documents.inputs import ExhibitEntry

MAIL = (ItemKind.EMAIL, ItemKind.MAILBOX_MESSAGE)


def listed_domain(host: str, exact: Mapping[str, Domain]) -> str:
    """The most specific listed domain that is ``host`` or a parent of it, or ""."""
    host = host.strip().rstrip(".").lower()
    while host:
        if host in exact:
            return host
        if "." not in host:
            return ""
        host = host.split(".", 1)[1]
    return ""


def listed_ancestors(host: str, exact: Mapping[str, Domain]) -> list[str]:
    """Every listed domain that is ``host`` or a parent of it, the most specific first: a link to
    km78py.free-kel.cc shows that subdomain and the listed provider domain free-kel.cc above it."""
    found: list[str] = []
    host = host.strip().rstrip(".").lower()
    while host:
        if host in exact:
            found.append(host)
        if "." not in host:
            break
        host = host.split(".", 1)[1]
    return found


def _norm(value: str) -> str:
    """A name or address as compared: case-folded, punctuation and spacing ignored."""
    return " ".join(re.sub(r"[^\w@]+", " ", value.casefold()).split())


def _email_domain(address: str) -> str:
    return address.rsplit("@", 1)[1].strip().lower().rstrip(".") if "@" in address else ""


def registrant_matches(record: Mapping[str, Any], party: Party) -> list[tuple[str, str]]:
    """The registrant fields of a record that are this party's name, alias, organisation, e-mail
    address or postal address: (field, value as the record gives it); [] when none, or a privacy
    service stands in for the registrant."""
    registrant = record.get("registrant")
    if not isinstance(registrant, Mapping) or record.get("registrant_proxy"):
        return []
    names = {_norm(n) for n in (party.name, *party.aliases, *party.organisations) if _norm(n)}
    emails = {e.strip().lower() for e in party.emails}
    addresses = [_norm(a) for a in party.addresses if _norm(a)]
    found: list[tuple[str, str]] = []
    for key in ("name", "organization", "email", "street", "address"):
        value = str(registrant.get(key) or "").strip()
        if not value:
            continue
        norm = _norm(value)
        matched = (norm in names if key in ("name", "organization") else
                   value.lower() in emails if key == "email" else
                   len(norm) >= 8 and any(norm == a or norm in a for a in addresses))
        if matched:
            found.append((key, value))
    return found


def derive_links(exhibits: Sequence[ExhibitEntry], domains: Sequence[Domain],
                 parties: Sequence[Party]) -> list[SupportLink]:
    """Every support link the exhibits show, in exhibit order, each (domain, how, exhibit, defendant) once."""
    exact = {d.ascii: d for d in domains}
    defendants = [p for p in parties if p.role is PartyRole.DEFENDANT and p.id]
    out: dict[tuple[str, str, int, int], SupportLink] = {}

    def add(domain: str, how: SupportKind, item_id: int, shows: str, party_id: int = 0) -> None:
        link = SupportLink(domain, how, item_id, party_id, shows)
        out.setdefault(link.key, link)

    records: list[tuple[ExhibitEntry, str]] = []
    for entry in exhibits:
        item = entry.item
        record = item.record or {}
        if item.kind in MAIL:
            for link in record.get("links") or []:
                if isinstance(link, Mapping):
                    host = str(link.get("host") or "") or url_host(str(link.get("url") or ""))
                    for domain in listed_ancestors(host, exact):
                        add(domain, SupportKind.ADVERTISED, item.id, host)
        elif item.kind in (ItemKind.SCREENSHOT, ItemKind.WEB_CAPTURE):
            urls = [str((item.metadata or {}).get("url") or "").strip()]
            if item.kind is ItemKind.WEB_CAPTURE:  # the page asked for, and the page the browser ended on
                urls += [str(record.get(k) or "").strip() for k in ("requested_url", "final_url")]
            for url in dict.fromkeys(u for u in urls if u):
                for domain in listed_ancestors(url_host(url), exact):
                    add(domain, SupportKind.CAPTURE, item.id, url)
        elif item.kind is ItemKind.DOMAIN_RECORD and not record.get("not_found"):
            name = str(record.get("domain") or "").strip().lower()
            domain = listed_domain(name, exact) if name else ""
            if domain and (record.get("format") != "dns" or any((record.get("answers") or {}).values())):
                add(domain, SupportKind.RECORD, item.id, name)
                records.append((entry, domain))
                for party in defendants:
                    for _, value in registrant_matches(record, party):
                        add(domain, SupportKind.REGISTRANT, item.id, value, party.id)
    controlled = _controlled_domains(defendants, out.values())
    for entry, domain in records:
        for listed in entry.item.record.get("name_servers") or []:
            server = str(listed).strip().rstrip(".").lower()
            ns_domain = listed_domain(server, exact)
            if ns_domain and ns_domain != domain:
                add(ns_domain, SupportKind.NAME_SERVERS, entry.item.id, server)
            for party_id, owned in controlled.items():
                if any(server == d or server.endswith("." + d) for d in owned if d != domain):
                    add(domain, SupportKind.NAME_SERVERS, entry.item.id, server, party_id)
    return list(out.values())


def _controlled_domains(defendants: Sequence[Party], links: Iterable[SupportLink]) -> dict[int, set[str]]:
    """Each defendant's domains: those of its e-mail addresses and those registered to it."""
    owned: dict[int, set[str]] = {p.id: {d for d in (_email_domain(e) for e in p.emails) if d} for p in defendants}
    for link in links:
        if link.how is SupportKind.REGISTRANT and link.party_id in owned:
            owned[link.party_id].add(link.domain)
    return owned


def effective_links(derived: Sequence[SupportLink], decisions: Sequence[SupportLink]) -> list[SupportLink]:
    """The derived links with the user's decisions laid over them: a note added, a link taken out
    (kept, flagged ``removed``), a link of the user's own added (``derived`` False)."""
    by_key = {d.key: d for d in decisions}
    out: list[SupportLink] = []
    for link in derived:
        decision = by_key.pop(link.key, None)
        out.append(link if decision is None else replace(link, note=decision.note, removed=decision.removed))
    out.extend(by_key.values())
    return out


def supported(links: Iterable[SupportLink]) -> dict[str, list[SupportLink]]:
    """Domain -> the links that cite an exhibit for it (removed ones left out)."""
    found: dict[str, list[SupportLink]] = {}
    for link in links:
        if not link.removed and link.item_id:
            found.setdefault(link.domain, []).append(link)
    return found
