"""What the proposed order, the registry letters and the sealing papers say, as plain template facts.

The declaration's facts (``facts.declaration_facts``) give the case, the exhibits and the appendices;
this module adds what only the order side needs and calls nothing but plain data:

- each registry's *parent* domains (those to which Appendix B subdomains belong), marked among its
  Appendix A domains: the order directs the registry to lock a parent but leave it in the DNS, and
  directs the operator of the parent's zone to disable the listed subdomains, so that the legitimate
  users of a shared service are not cut off (No-IP, 2014);
- each registry's directions from the court profile, for the remedy the case chose (serverHold or
  the sinkhole name servers), the production clause when it is on, the sealed-case clause while sealed;
- the Rule 65 blanks and terms (entry date and hour, expiry, hearing, opposition, bond, service,
  seal), findings of injury drawn from the exhibits, counsel's signature block, the Rule 7.1 entities.

Anything the case leaves open is a blank line for the court or counsel to fill, never a made-up value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from app.core.model import CaseInfo, Counsel, Party, PartyRole
from app.documents.inputs import DeclarationInput
from app.documents.profile import CourtProfile
from app.documents.wording import long_date, number_runs

BLANK_DATE = "____________, 20__"
BLANK_TIME = "____ __.m."
BLANK_AMOUNT = "$____________"
BLANK_SITE = "____________________"
BLANK_EMAIL = "____________________"
_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                 "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
                 "nineteen", "twenty")
# What an exhibit of each confirmed category shows, in words a finding can use.
CATEGORY_WORDS = {
    "pharma": "the sale of pharmaceuticals",
    "stock": "stock-promotion schemes",
    "fake-av": "fake anti-virus software",
    "malware": "malicious software",
}
_STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California", "CO": "Colorado",
    "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia", "FL": "Florida", "GA": "Georgia",
    "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas",
    "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts",
    "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana",
    "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico",
    "NY": "New York", "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
    "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
}
_CITY_STATE_ZIP = re.compile(r"^(?P<city>.+?),\s*(?P<state>[A-Z]{2})\.?\s+(?P<zip>\d{5}(?:-\d{4})?)$")
_CITY_FULL_STATE_ZIP = re.compile(r"^.+?,\s*(?:" + "|".join(_STATES.values()) + r")\s+\d{5}(?:-\d{4})?$")
_US = {"united states", "united states of america", "usa", "u.s.a.", "us", "u.s."}


def number_words(n: int) -> str:
    """"two (2)" as orders write small numbers; larger ones as digits alone."""
    return f"{_NUMBER_WORDS[n]} ({n})" if 0 <= n < len(_NUMBER_WORDS) else str(n)


def count_of(n: int, unit: str) -> str:
    """"one (1) day", "fourteen (14) days": a number of units as an order writes it."""
    return f"{number_words(n)} {unit}{'' if n == 1 else 's'}"


def address_lines(lines: Sequence[str]) -> list[str]:
    """One address style for every document: state names spelt out ("Tempe, Arizona 85284") and no
    "United States" line under a U.S. address (the court, the registries and the letters are all in
    the U.S.); a foreign address keeps its country."""
    out: list[str] = []
    domestic = False
    for line in lines:
        text = " ".join(str(line).split())
        match = _CITY_STATE_ZIP.match(text)
        if match and match.group("state") in _STATES:
            text = f"{match.group('city')}, {_STATES[match.group('state')]} {match.group('zip')}"
            domestic = True
        elif _CITY_FULL_STATE_ZIP.match(text):
            domestic = True
        if text:
            out.append(text)
    if domestic and out and out[-1].lower() in _US:
        out.pop()
    return out


def plain_name(name: str) -> str:
    """A party's name for running text: a name typed in capitals, as captions print it
    ("FICTIONAL CORPORATION"), in title case; a name typed in mixed case as typed."""
    if name != name.upper():
        return name
    words = []
    for word in name.split():
        keep = len(word) <= 4 and "." in word  # "S.R.O.", "L.L.C."
        words.append(word if keep else word.capitalize())
    return " ".join(words)


def label_list(numbers: Sequence[int], profile: CourtProfile) -> str:
    """"Exhibits 1–3 and 7" (or "Exhibit 4") in the court's exhibit label style."""
    numbers = sorted(set(numbers))
    if not numbers:
        return ""
    if len(numbers) == 1:
        return profile.exhibit_label(numbers[0])
    runs = [str(first) if first == last else f"{first}\u2013{last}" for first, last in number_runs(numbers)]
    word = profile.exhibit_label(0).replace("0", "").strip()
    listed = runs[0] if len(runs) == 1 else ", ".join(runs[:-1]) + " and " + runs[-1]
    return f"{word}s {listed}"


def mark_parents(facts: dict[str, Any], info: CaseInfo) -> None:
    """Mark in each Appendix A registry group its *parents* (domains to which Appendix B subdomains belong),
    with their numbers in the group's list, and count its other domains: the order directs the registry
    to lock a parent but keep it in service, and the other domains to be held or redirected. The list
    itself is not split, so every domain keeps the number the declaration cites. Add to each Appendix B
    group whether its parent is in Appendix A (who operates its zone: ``order_findings.apply_zone_operators``)."""
    parent_names = {group["name"] for group in facts["subdomain_groups"]}
    listed_parents: set[str] = set()
    for group in facts["registry_groups"]:
        group["address"] = address_lines(group["address"])
        group["parents"] = [{**d, "number": number} for number, d in enumerate(group["domains"], start=1)
                            if d["ascii"] in parent_names]
        group["others_count"] = len(group["domains"]) - len(group["parents"])
        group["parent_numbers"] = ", ".join(str(d["number"]) for d in group["parents"])
        listed_parents.update(d["ascii"] for d in group["parents"])
    for group in facts["subdomain_groups"]:
        group["in_appendix_a"] = group["name"] in listed_parents


def _place(address: Sequence[str]) -> str:
    """Where counsel signs, from the address's city line ("Washington, District of Columbia")."""
    for line in reversed(address):
        match = re.match(r"^(?P<place>.+?,\s*[A-Za-z .]+?)\s+\d{5}(?:-\d{4})?$", line)
        if match:
            return match.group("place")
    return "[CITY, STATE]"


def _counsel(counsel: Counsel | None, plaintiff: str) -> dict[str, Any]:
    c = counsel or Counsel()
    address = address_lines(c.address)
    return {
        "set": c.is_set,
        "name": c.name or "[COUNSEL'S NAME]",
        "bar_number": c.bar_number or "[VSB No. _____]",
        "firm": c.firm or "[FIRM]",
        "address": address or ["[ADDRESS]"],
        "place": _place(address),
        "phone": c.phone or "[TELEPHONE]",
        "email": c.email or "[E-MAIL]",
        "for_party": c.for_party or f"Counsel for Plaintiff {plaintiff}",
    }


def _service(parties: Sequence[Party], info: CaseInfo) -> list[str]:
    emails: list[str] = []
    for party in parties:
        if party.role is PartyRole.DEFENDANT:
            emails.extend(party.emails)
    emails.extend(info.service_emails)
    return list(dict.fromkeys(e.strip().lower() for e in emails if e.strip()))


def _findings(exhibits: Sequence[Mapping[str, Any]], items_meta: Mapping[int, str],
              profile: CourtProfile) -> dict[str, Any]:
    """What the exhibits show, for the findings of injury: each kind with its exhibit labels."""
    by_kind: dict[str, list[int]] = {"email": [], "screenshot": [], "domain-record": []}
    categories: dict[str, list[int]] = {}
    advertised: set[str] = set()
    for ex in exhibits:
        by_kind.setdefault(ex["kind"], []).append(ex["number"])
        category = items_meta.get(ex["number"], "")
        if category in CATEGORY_WORDS:
            categories.setdefault(category, []).append(ex["number"])
        advertised.update(ex.get("advertised_domains") or ())
    return {
        "emails": len(by_kind["email"]), "emails_cited": label_list(by_kind["email"], profile),
        "screenshots": len(by_kind["screenshot"]), "screenshots_cited": label_list(by_kind["screenshot"], profile),
        "records": len(by_kind["domain-record"]), "records_cited": label_list(by_kind["domain-record"], profile),
        "advertised": len(advertised),
        "schemes": [{"what": CATEGORY_WORDS[c], "cited": label_list(n, profile)}
                    for c, n in sorted(categories.items())],
        "all_cited": label_list([ex["number"] for ex in exhibits], profile),
    }


def _disclosure(info: CaseInfo) -> dict[str, Any]:
    entries = [" ".join(e.split()) for e in info.disclosure if e.strip()]
    none = [e.lower() for e in entries] == ["none"]
    return {"none": none, "entities": [] if none else entries, "confirmed": bool(entries)}


def order_facts(facts: dict[str, Any], inp: DeclarationInput, profile: CourtProfile) -> dict[str, Any]:
    """The order, letters and sealing papers' facts, added to ``facts`` (the declaration's facts for ``inp``)."""
    info, parties = inp.case, inp.parties
    categories = {e.number: str((e.item.metadata or {}).get("category") or "") for e in inp.exhibits}
    mark_parents(facts, info)
    from app.documents.order_findings import apply_zone_operators  # it uses this module's helpers

    apply_zone_operators(facts, inp)
    plaintiffs = [p for p in parties if p.role is PartyRole.PLAINTIFF]
    plaintiff = plain_name(plaintiffs[0].name) if plaintiffs else plain_name(facts["case"]["plaintiff_short"])
    defaults = profile.order
    remedy = info.remedy if info.remedy in ("hold", "redirect") else "hold"
    tro_days = info.tro_days or defaults.tro_days
    for group in facts["registry_groups"]:
        group["directions"] = profile.directions(group["name"], plaintiff, remedy=remedy,
                                                 production=info.production_clause, sealed=info.sealed,
                                                 production_days=number_words(defaults.production_days),
                                                 compliance_days=number_words(defaults.compliance_business_days))
        group["contact"] = {"attention": "", "email": "", **profile.registry_contacts.get(group["name"], {})}
    defendants = [p for p in parties if p.role is PartyRole.DEFENDANT]
    facts["plaintiff"] = plaintiff
    # The nonconfidential sealing papers' caption and metadata: neutral, naming no party (the court profile's words).
    public_title = f"{plain_name(profile.public_plaintiff)} v. {plain_name(profile.public_defendants)}"
    facts["case_public"] = {**facts["case"], "sealed": False, "title": public_title, "short_title": public_title}
    facts["parties_public"] = {**facts["parties"], "caption_plaintiffs": [f"{profile.public_plaintiff},"],
                               "caption_defendants": [f"{profile.public_defendants},"],
                               "plaintiff_word": "Plaintiff,", "defendant_word": "Defendants."}
    facts["public_plaintiff"] = profile.public_plaintiff
    facts["defendant_names"] = [plain_name(p.name) for p in defendants]
    facts["counsel"] = _counsel(inp.counsel, plaintiff)
    facts["findings"] = _findings(facts["exhibits"], categories, profile)
    facts["disclosure"] = _disclosure(info)
    facts["order"] = {
        "remedy": remedy,
        "sinkholes": list(info.sinkhole_nameservers),
        "tro_days": tro_days,
        "tro_term": count_of(tro_days, "day"),
        "hearing_date": long_date(info.hearing_date) or BLANK_DATE,
        "hearing_time": info.hearing_time.strip() or BLANK_TIME,
        "opposition_by": (f"on or before {long_date(info.opposition_deadline)}" if info.opposition_deadline.strip()
                          else f"no later than {count_of(defaults.opposition_days_before_hearing, 'day')} before"
                               " the hearing"),
        "reply_by": f"no later than {count_of(defaults.reply_days_before_hearing, 'day')} before the hearing",
        "dissolve_notice": count_of(defaults.dissolve_notice_days, "day"),
        "bond": info.bond_amount.strip() or BLANK_AMOUNT,
        "bond_term": count_of(defaults.bond_business_days, "business day"),
        "hearing_place": profile.hearing_place,
        "production": info.production_clause,
        "production_term": count_of(defaults.production_days, "day"),
        "service_emails": _service(parties, info),
        "publication_site": info.publication_site.strip() or BLANK_SITE,
        "seal_days": info.seal_days or defaults.seal_days,
        "seal_term": count_of(info.seal_days or defaults.seal_days, "day"),
        "seal_objection_term": count_of(defaults.seal_objection_days, "day"),
        "operator_term": count_of(defaults.zone_operator_hours, "hour"),
        "blank_date": BLANK_DATE,
        "blank_email": BLANK_EMAIL,
        "blank_time": BLANK_TIME,
    }
    return facts


