"""The proposed order's findings, its zone operators and its service terms, from what the declaration states.

A judge signs the findings as facts, so each is built here only from a fact the declaration (or the
case's own data about the parties) states, with the declaration paragraph that states it
(``declaration_cites``); a finding with nothing behind it is left out or printed as a marked blank.

- **Counts**: the e-mail finding uses the declaration's own counting rule (the listed domains the
  messages link to, as its summary paragraph counts them) and the same number.
- **Registration records**: how many of the Appendix A domains the held records cover.
- **The Defendants**: which are not identified (Does) and which gave an address abroad, from the parties.
- **Zone operators** of Appendix B parents: named from the case (counsel's designation, a defendant
  that a record of the parent ties to it, or the registrant organisation of a held record of the
  parent); otherwise a marked blank, which the pre-filing review blocks.
- **Service abroad**: defendants with an address in a Hague Service Convention country, and whether
  that country objects to service through postal channels (``templates/courts/hague_service.json``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from app.core.model import ItemKind, Party, PartyRole, SupportKind
from app.core.paths import template
from app.documents.declaration_cites import cite
from app.documents.inputs import DeclarationInput
from app.documents.order_facts import label_list, plain_name
from app.documents.profile import CourtProfile
from app.documents.support import registrant_matches

UNIDENTIFIED_OPERATOR = "[OPERATOR OF THE ZONE OF {parent}: NOT IDENTIFIED IN THE CASE]"
HAGUE_TABLE = "hague_service.json"


@lru_cache(maxsize=1)
def hague_table() -> dict[str, Any]:
    """The Hague Service Convention table shipped in ``templates/courts/`` (editable by a firm)."""
    data: dict[str, Any] = json.loads(template("courts", HAGUE_TABLE).read_text(encoding="utf-8"))
    return data


def country_code(value: str) -> str:
    """An ISO code from a country name, code or alias ("Czech Republic", "CZ", "Czechia"), or ""."""
    text = " ".join(value.split()).strip(" .,")
    if not text:
        return ""
    table = hague_table()
    if text.upper() in table["countries"]:
        return text.upper()
    folded = text.casefold()
    for code, entry in table["countries"].items():
        if str(entry["name"]).casefold() == folded:
            return str(code)
    for alias, code in table["aliases"].items():
        if alias.casefold() == folded:
            return str(code)
    return ""


def _party_countries(party: Party, records: Mapping[int, Mapping[str, Any]],
                     links: Sequence[tuple[int, int]]) -> list[str]:
    """The countries of a defendant's known addresses: its own (the last part of each address line),
    and the registrant country of each record tied to it."""
    codes = [country_code(address.rsplit(",", 1)[-1]) for address in party.addresses]
    for party_id, item_id in links:
        registrant = (records.get(item_id) or {}).get("registrant")
        if party_id == party.id and isinstance(registrant, Mapping):
            codes.append(country_code(str(registrant.get("country") or "")))
    return list(dict.fromkeys(c for c in codes if c))


def service_abroad(inp: DeclarationInput) -> list[dict[str, Any]]:
    """Each defendant with a known address in a Hague Service Convention country: its name, the
    country, whether that country objects to service by postal channels (Article 10(a))."""
    records = {e.item.id: e.item.record or {} for e in inp.exhibits if e.item.kind is ItemKind.DOMAIN_RECORD}
    links = [(link.party_id, link.item_id) for link in inp.support
             if link.how is SupportKind.REGISTRANT and not link.removed]
    table = hague_table()["countries"]
    out: list[dict[str, Any]] = []
    for party in inp.parties:
        if party.role is not PartyRole.DEFENDANT:
            continue
        for code in _party_countries(party, records, links):
            entry = table.get(code)
            if entry:
                out.append({"party_id": party.id, "name": party.name, "country": country_name(str(entry["name"])),
                            "code": code,
                            "postal_objection": bool(entry["postal_objection"]),
                            "confirmed": bool(entry.get("confirmed"))})
    return out


_WITH_THE = ("Czech Republic", "Netherlands", "United Kingdom", "Republic of Korea", "Russian Federation",
             "Philippines", "Slovak Republic")


def country_name(name: str) -> str:
    """A country as running text names it: "the Czech Republic", "Germany"."""
    return f"the {name}" if name in _WITH_THE else name


def _and(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


def _hague(abroad: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """Who has an address in a Convention country, which countries, which of them object to postal service."""
    if not abroad:
        return None
    names = list(dict.fromkeys(f"Defendant {plain_name(str(a['name']))}" for a in abroad))
    countries = list(dict.fromkeys(str(a["country"]) for a in abroad))
    objecting = list(dict.fromkeys(str(a["country"]) for a in abroad if a["postal_objection"]))
    called = _and(names)
    if len(names) > 1:
        called = "Defendants " + _and([n.removeprefix("Defendant ") for n in names])
    return {"called": called, "plural": len(names) > 1, "countries": _and(countries), "several": len(countries) > 1,
            "objecting": _and(objecting), "several_objecting": len(objecting) > 1}


def _surname(name: str) -> str:
    words = name.split()
    return words[-1] if words else "[NAME]"


def _numbers(cites: Mapping[str, Any], exhibit_numbers: Sequence[int]) -> list[int]:
    return [cites["exhibits"][n] for n in exhibit_numbers if n in cites["exhibits"]]


def zone_operators(inp: DeclarationInput, labels: Mapping[int, str]) -> dict[str, dict[str, Any]]:
    """Who operates the zone of each Appendix B parent, as the case shows it: counsel's designation
    ("parent=name"), else a defendant a record of the parent ties to it (registrant), else the
    registrant organisation (or name) of a held record of the parent. Parents with none are absent."""
    out: dict[str, dict[str, Any]] = {}
    parents = sorted({d.registrable for d in inp.domains if d.is_subdomain})
    named = {p.id: p for p in inp.parties if p.role is PartyRole.DEFENDANT}
    number = {e.item.id: e.number for e in inp.exhibits}
    for entry in inp.case.zone_operators:
        parent, sep, name = entry.partition("=")
        if sep and parent.strip() and name.strip():
            out[parent.strip().lower().rstrip(".")] = {"name": " ".join(name.split()), "defendant": False,
                                                       "exhibits": [], "basis": "counsel"}
    for link in inp.support:
        if (link.how is SupportKind.REGISTRANT and not link.removed and link.domain in parents
                and link.domain not in out and link.party_id in named and link.item_id in number):
            out[link.domain] = {"name": named[link.party_id].name, "defendant": True,
                                "exhibits": [number[link.item_id]], "basis": "record"}
    for e in inp.exhibits:
        record = e.item.record or {}
        domain = str(record.get("domain") or "").lower()
        registrant = record.get("registrant")
        if (e.item.kind is ItemKind.DOMAIN_RECORD and domain in parents and domain not in out
                and isinstance(registrant, Mapping) and not record.get("registrant_proxy")):
            name = str(registrant.get("organization") or registrant.get("name") or "").strip()
            if name and "redacted" not in name.lower():
                out[domain] = {"name": name, "defendant": False, "exhibits": [e.number], "basis": "record"}
    defendant_names = {p.name for p in named.values()}
    for facts in out.values():
        facts["cited"] = " and ".join(labels[n] for n in facts["exhibits"] if n in labels)
        facts["defendant"] = facts["defendant"] or facts["name"] in defendant_names  # named by counsel or a record
    return out


def add_order_findings(facts: dict[str, Any], inp: DeclarationInput, profile: CourtProfile,
                       cites: Mapping[str, Any]) -> None:
    """Add to ``facts`` (the filing facts) what the order's findings, the operators' paragraphs and
    the service terms say, each with the declaration paragraphs that state it."""
    decl = f"{_surname(facts['declarant']['name'])} Decl."
    kinds = {ex["number"]: ex["kind"] for ex in facts["exhibits"]}
    by_item = {e.item.id: e.number for e in inp.exhibits}
    live = [link for link in inp.support if not link.removed]

    def where(numbers: Sequence[int], *keys: str) -> str:
        found = [*_numbers(cites, numbers), *(cites["by_key"][k] for k in keys if k in cites["by_key"])]
        return f"{decl} {cite(found)}" if found else ""

    mails = [n for n, k in kinds.items() if k == "email"]
    linked = {link.domain for link in live if link.how is SupportKind.ADVERTISED and by_item.get(link.item_id) in mails}
    captures = sorted({by_item[link.item_id] for link in live
                       if link.how is SupportKind.CAPTURE and link.item_id in by_item})
    records = [ex for ex in facts["exhibits"] if ex["kind"] == "domain-record" and ex.get("domain")]
    record_domains = {str(ex["domain"]).lower() for ex in records}
    listed = {d.ascii for d in inp.domains if not d.is_subdomain}
    defendants = [p for p in inp.parties if p.role is PartyRole.DEFENDANT]
    abroad = service_abroad(inp)
    registrant_emails: list[dict[str, Any]] = []
    records_by_item = {e.item.id: e.item.record or {} for e in inp.exhibits}
    for party in defendants:
        shown = sorted({by_item[link.item_id] for link in live if link.party_id == party.id
                        and link.how is SupportKind.REGISTRANT and link.item_id in by_item
                        and any(key == "email" for key, _ in registrant_matches(records_by_item[link.item_id], party))})
        if shown:
            registrant_emails.append({"called": f"Defendant {plain_name(party.name)}",
                                      "cited": label_list(shown, profile),
                                      "where": where([], f"defendant:{party.id}")})
    facts["findings"].update({
        "decl": decl,
        "decl_intro": f"the declaration of {facts['declarant']['name']} (the \u201c{decl}\u201d)",
        "domains_cited": f"{decl} {cites['sections']['domains']}" if "domains" in cites["sections"] else "",
        "emails": len(mails), "emails_cited": label_list(mails, profile), "linked": len(linked),
        "emails_where": where(mails, "summary:mail"),
        "captures": len(captures), "captures_cited": label_list(captures, profile),
        "captures_where": where(captures),
        "records": len(records), "record_domains": len(record_domains & listed),
        "records_cited": label_list([ex["number"] for ex in records], profile),
        "records_where": where([ex["number"] for ex in records], "summary:records"),
        "harm_where": f"{decl} {cites['sections']['harm']}" if cites["stated"].get("harm") else "",
        "notice_where": f"{decl} {cites['sections']['notice']}" if cites["stated"].get("notice") else "",
        "how_fast": cites["how_fast"]["words"],
        "how_fast_sentence": cites["how_fast"]["sentence"],
        "how_fast_cite": cites["how_fast"]["cite"],  # "¶ 49" alone: the public memorandum names no witness
        "how_fast_where": f"{decl} {cites['how_fast']['cite']}" if cites["how_fast"]["cite"] else "",
        "does": [{"called": f"Defendant{'s' if 'does' in p.name.lower() else ''} {p.name}",
                  "where": where([], f"defendant:{p.id}")} for p in defendants if p.doe],
        "abroad": [{"called": f"Defendant {plain_name(a['name'])}", "country": a["country"],
                    "where": where([], f"defendant:{a['party_id']}")} for a in abroad],
        "registrant_emails": registrant_emails,
    })
    facts["findings"]["hague"] = _hague(abroad)
    if abroad:
        facts["findings"]["hague"]["where"] = where([], *dict.fromkeys(f"defendant:{a['party_id']}" for a in abroad))
    facts["service_abroad"] = abroad
    facts["postal_objection_countries"] = sorted({a["country"] for a in abroad if a["postal_objection"]})
    for group in facts["subdomain_groups"]:
        found = group.get("operator_found")
        operator = next((p for p in defendants if found and p.name == found["name"]), None)
        basis = ""
        if found and found["cited"]:
            basis = f"as its registration record shows ({found['cited']}"
            decl_where = where(found["exhibits"], *([f"defendant:{operator.id}"] if operator else []))
            basis += f"; {decl_where})" if decl_where else ")"
        group["operator_basis"] = basis


def apply_zone_operators(facts: dict[str, Any], inp: DeclarationInput) -> None:
    """Name the zone operator of each Appendix B group (see :func:`zone_operators`), or a marked blank."""
    labels = {ex["number"]: ex["label"] for ex in facts["exhibits"]}
    defendants = [p for p in inp.parties if p.role is PartyRole.DEFENDANT]
    operators = zone_operators(inp, labels)
    for group in facts["subdomain_groups"]:
        found = operators.get(group["name"])
        group["operator_found"] = found
        group["operator_identified"] = found is not None
        group["operator_basis"] = ""
        group["operator_address"] = []
        group["operator_emails"] = []
        if found is None:
            group["operator"] = UNIDENTIFIED_OPERATOR.format(parent=group["name"])
            group["operator_called"] = group["operator"]
            group["operator_defendant"] = False
            continue
        party = next((p for p in defendants if p.name == found["name"]), None)
        group["operator"] = plain_name(found["name"])
        group["operator_defendant"] = found["defendant"]
        group["operator_called"] = (f"Defendant {group['operator']}" if group["operator_defendant"]
                                    else group["operator"])
        group["operator_address"] = list(party.addresses) if party else []
        group["operator_emails"] = list(party.emails) if party else []
