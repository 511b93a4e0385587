"""Checks before filing, for the order side: what would make the proposed order unenforceable, a
registry's directions wrong, or a sealed filing incomplete.

Each check is a plain function ``(case) -> list[Problem]``; :data:`ORDER_CHECKS` lists them in
the order a reviewer reads them, for the pre-filing review to run beside its own checks. A
"blocking" problem means the papers should not be filed as they stand; a "warning" is something a
litigator should look at (a blank the court fills in is not a problem at all).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from app.core.errors import EvidenceError
from app.core.model import Problem
from app.documents.filing_documents import (
    ORDER_STEM,
    SEALING,
    build_filing_document,
    filing_document_names,
    filing_facts,
)
from app.documents.inputs import DeclarationInput
from app.documents.model import Document, NameList, Paragraph, plain_text
from app.documents.profile import CourtProfile, load_profile
from app.ops.filing import declaration_input
from app.store import CaseFile

BLOCKING = "blocking"
WARNING = "warning"
_NAME = re.compile(r"^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(?:\.(?!-)[a-z0-9-]{1,63}(?<!-))+$")
# Domain-like words in running text ("kelihos-sample-c2-01.com", "ns1.sinkhole.example"), lower-cased.
_WORD = re.compile(r"(?<![\w.@-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}(?![\w-])", re.I)


def appendix_b_parents(case: CaseFile) -> list[Problem]:
    """Every Appendix B subdomain's parent (registrable) domain must be in Appendix A: the order directs
    the parent's registry to lock it and its zone operator to disable the subdomains; a parent the
    order does not list is a domain no one is directed to act on."""
    domains = case.domains()
    listed = {d.ascii for d in domains if not d.is_subdomain}
    missing: dict[str, int] = {}
    for domain in domains:
        if domain.is_subdomain and domain.registrable not in listed:
            missing[domain.registrable] = missing.get(domain.registrable, 0) + 1
    problems = [Problem(
        BLOCKING, "appendix-b-parent-missing",
        f"{parent} is not in Appendix A, yet Appendix B lists {count} subdomain{'s' if count != 1 else ''} of it:"
        " the order cannot direct its registry to lock it; add the domain to the case",
        f"Appendix B: {parent}", f"domain:{parent}") for parent, count in sorted(missing.items())]
    return problems


def zone_operators_named(case: CaseFile) -> list[Problem]:
    """The order directs the operator of each Appendix B parent's zone to disable the listed subdomains: Rule
    65(d) needs a person who can be named and given notice. The case must identify it (a defendant or the
    registrant that a held record of the parent names, or counsel's designation); otherwise the order and
    Appendix B print a marked blank, and the papers are not fileable."""
    from app.documents.order_findings import zone_operators

    inp = declaration_input(case)
    if not any(d.is_subdomain for d in inp.domains):
        return []
    known = zone_operators(inp, {})
    defendants = [Problem(
        "warning", "zone-operator-is-defendant",
        f"{found['name']}, who operates the zone of {parent}, is a defendant: given no notice, it is ordered to"
        " disable the Appendix B subdomains only once served, after the registries have acted, so they stay live"
        " until then. Decide whether that is enough, or whether the registry should take the whole parent domain"
        " out of service (cutting off its other users too)", f"Appendix B: {parent}", f"domain:{parent}")
        for parent, found in sorted(known.items()) if found["defendant"]]
    return defendants + [Problem(
        BLOCKING, "zone-operator-unidentified",
        f"nothing in the case identifies who operates the zone of {parent}, whose subdomains Appendix B lists: the"
        " order would direct an unnamed person; add a registration record of the parent domain that names its"
        " registrant, tie a defendant to it, or name the operator ('evbundle details CASE --zone-operator"
        f" {parent}=NAME')", f"Appendix B: {parent}", f"domain:{parent}")
        for parent in sorted({d.registrable for d in inp.domains if d.is_subdomain}) if parent not in known]


def service_abroad(case: CaseFile) -> list[Problem]:
    """A defendant with a known address in a Hague Service Convention country: service under Rule 4(f)(3)
    must not be prohibited by the Convention, and a country's objection to Article 10 rules out service by
    post there (the order then drops mail to that address); counsel should check the means ordered."""
    from app.documents.order_findings import service_abroad as abroad

    return [Problem(
        WARNING, "hague-service-country",
        f"{entry['name']} has given an address in {entry['country']} (the parties' data or a registration record),"
        " a party to the Hague Service Convention"
        + (", which objects to service through postal channels (Article 10): the order does not serve by mail"
           " there" if entry["postal_objection"] else "") + "; check the means of service the order sets"
        + ("" if entry["confirmed"] else " (the table's entry for this country is unconfirmed)"),
        f"Service: {entry['name']}", "parties") for entry in abroad(declaration_input(case))]


def remedy_and_sinkholes(case: CaseFile) -> list[Problem]:
    """A redirect needs the sinkhole name servers named (the registries cannot carry out "the name
    servers Plaintiff designates"); names that are not host names are refused; sinkholes given for a
    hold are not used and are flagged."""
    info = case.info()
    servers = info.sinkhole_nameservers
    problems: list[Problem] = []
    if info.remedy not in ("hold", "redirect"):
        problems.append(Problem(BLOCKING, "remedy-unknown",
                                     f"the remedy must be hold or redirect, not {info.remedy!r}", "Proposed order"))
    elif info.remedy == "redirect" and not servers:
        problems.append(Problem(
            BLOCKING, "redirect-without-sinkholes",
            "redirection is chosen but no sinkhole name server is named: the order and the letters would direct the"
            " registries to name servers they cannot identify", "Proposed order and letters"))
    elif info.remedy == "redirect" and len(servers) < 2:
        problems.append(Problem(
            WARNING, "one-sinkhole", "only one sinkhole name server is named; registries usually want two or more",
            "Proposed order and letters"))
    elif info.remedy == "hold" and servers:
        problems.append(Problem(
            WARNING, "sinkholes-unused",
            "sinkhole name servers are set but the remedy is hold (serverHold): the order does not name them",
            "Proposed order"))
    problems += [Problem(BLOCKING, "sinkhole-not-a-host-name", f"{name!r} is not a host name",
                              "Proposed order and letters")
                 for name in servers if not _NAME.match(name)]
    return problems


def order_terms(case: CaseFile) -> list[Problem]:
    """Terms Rule 65 fixes: an ex parte TRO expires within 14 days of entry (65(b)(2))."""
    info = case.info()
    if info.tro_days > 14:
        return [Problem(BLOCKING, "tro-expiry-too-long",
                             f"the order would expire {info.tro_days} days after entry; Rule 65(b)(2) allows at"
                             " most 14 unless the court extends it", "Proposed order")]
    return []


def sealing_papers(case: CaseFile) -> list[Problem]:
    """A sealed case files the motion to seal, the nonconfidential memorandum, the notice and a proposed
    sealing order (E.D. Va. Local Civil Rule 5(C)); each must be in the filing set and render, and
    counsel must be named to sign them."""
    info = case.info()
    if not info.sealed:
        return []
    inp = declaration_input(case)
    profile = load_profile(info.court)
    facts = filing_facts(inp, profile)
    names = {stem for stem, _ in filing_document_names(facts)}
    problems: list[Problem] = []
    for stem, name, _ in SEALING:
        if stem not in names:
            problems.append(Problem(BLOCKING, "sealing-paper-missing",
                                         f"the case is sealed but the filing set has no {name.lower()}", name))
            continue
        try:
            build_filing_document(inp, profile, stem, facts=facts)
        except EvidenceError as exc:
            problems.append(Problem(BLOCKING, "sealing-paper-broken", f"{name} cannot be made: {exc}", name))
    if not case.counsel().is_set:
        problems.append(Problem(
            BLOCKING, "sealing-unsigned",
            "the case is sealed but counsel is not named: the motion to seal and its papers need counsel's"
            " signature, bar number and address", "Motion to seal"))
    return problems


def counsel_for_letters(case: CaseFile) -> list[Problem]:
    """The letters and counsel's declaration print placeholders until counsel is named."""
    counsel = case.counsel()
    missing = [label for label, value in (("name", counsel.name), ("bar number", counsel.bar_number),
                                          ("phone", counsel.phone), ("e-mail", counsel.email)) if not value.strip()]
    if not missing:
        return []
    return [Problem(WARNING, "counsel-incomplete",
                         f"counsel's {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set: the letters"
                         " and counsel's declaration print a placeholder, and registries have no one to confirm to",
                         "Letters to the registries")]


def _sections(document: Document, starts: Sequence[str]) -> dict[str, str]:
    """The text of the paragraphs that begin with each of ``starts``, up to the next "IT IS ..." paragraph."""
    out: dict[str, list[str]] = {}
    current: str | None = None
    for block in document.blocks:
        text = plain_text(block.runs) if isinstance(block, Paragraph) else ""
        if isinstance(block, Paragraph):
            current = next((s for s in starts if text.startswith(s)), None if text.startswith("IT IS") else current)
        if current is None:
            continue
        if isinstance(block, NameList):
            out.setdefault(current, []).extend(block.names)
        elif text:
            out.setdefault(current, []).append(text)
    return {key: "\n".join(lines) for key, lines in out.items()}


def registry_directions_text(case: CaseFile) -> dict[str, dict[str, str]]:
    """Per registry (by name): the text of its directions in the proposed order ("order") and of its
    letter ("letter"), as the filing set prints them."""
    inp = declaration_input(case)
    profile = load_profile(inp.case.court)
    return _directions_text(inp, profile, filing_facts(inp, profile))


def _directions_text(inp: DeclarationInput, profile: CourtProfile,
                     facts: dict[str, Any]) -> dict[str, dict[str, str]]:
    order = build_filing_document(inp, profile, ORDER_STEM, facts=facts)
    starts = {group["name"]: f"IT IS FURTHER ORDERED that {group['name']}" for group in facts["registry_groups"]}
    sections = _sections(order, tuple(starts.values()))
    letters = {name.removeprefix("Letter to "): stem for stem, name in filing_document_names(facts)
               if name.startswith("Letter to ")}
    return {name: {"order": sections.get(start, ""),
                   "letter": build_filing_document(inp, profile, letters[name], facts=facts).text()
                   if name in letters else ""}
            for name, start in starts.items()}


def directions_name_only_own_domains(case: CaseFile) -> list[Problem]:
    """Each registry's directions (in the order and in its letter) may name only domains it operates:
    a domain of another registry there would be a direction the named registry cannot carry out."""
    inp = declaration_input(case)
    profile = load_profile(inp.case.court)
    facts = filing_facts(inp, profile)
    owner: dict[str, str] = {}
    for group in facts["registry_groups"]:
        for domain in [*group["domains"], *group["parents"]]:
            owner[domain["ascii"]] = group["name"]
    problems: list[Problem] = []
    for registry, texts in _directions_text(inp, profile, facts).items():
        for where, text in (("proposed order", texts["order"]), ("letter", texts["letter"])):
            foreign = sorted({w.lower() for w in _WORD.findall(text)
                              if owner.get(w.lower(), registry) != registry})
            if foreign:
                problems.append(Problem(
                    BLOCKING, "directions-name-other-registry",
                    f"the directions to {registry} name {len(foreign)} domain{'s' if len(foreign) != 1 else ''} of"
                    f" another registry ({', '.join(foreign[:3])}{'…' if len(foreign) > 3 else ''})",
                    f"{where.capitalize()}: {registry}"))
    return problems


# A bracketed blank for counsel ("[Describe any earlier action ...]", "[E-MAIL ADDRESS OF THE OPERATOR]"); not the
# order's "[PROPOSED]" title or the checklist's "[ ]" boxes.
_BLANK = re.compile(r"\[(?!PROPOSED\])[A-Z][^\[\]]{3,}\]")


def placeholders_in_papers(case: CaseFile) -> list[Problem]:
    """Every bracketed blank the order side's papers still print (counsel's declaration, the disclosure
    statement, the letters, the order), one warning per paper and blank, so that none is missed on a fast
    read before filing (the blanks the court fills are underscores, not brackets)."""
    inp = declaration_input(case)
    profile = load_profile(inp.case.court)
    facts = filing_facts(inp, profile)
    problems: list[Problem] = []
    for stem, name in filing_document_names(facts):
        if stem.startswith(("00-filing", "01-", "02-", "03-", "05-")):
            continue  # the checklist lists; the declaration side's papers have their own review; appendices: lists
        text = " ".join(build_filing_document(inp, profile, stem, facts=facts).text().split())
        for blank in dict.fromkeys(_BLANK.findall(text)):
            shown = blank if len(blank) <= 90 else blank[:86] + "\u2026]"
            problems.append(Problem(WARNING, "blank-to-complete",
                                    f"{name} still prints {shown}: complete it or strike it", name))
    return problems


ORDER_CHECKS: tuple[Callable[[CaseFile], list[Problem]], ...] = (
    appendix_b_parents,
    zone_operators_named,
    remedy_and_sinkholes,
    order_terms,
    sealing_papers,
    directions_name_only_own_domains,
    counsel_for_letters,
    service_abroad,
    placeholders_in_papers,
)


def order_problems(case: CaseFile) -> list[Problem]:
    """Every order-side problem of the case, blocking ones first."""
    found = [problem for check in ORDER_CHECKS for problem in check(case)]
    return sorted(found, key=lambda p: p.severity != BLOCKING)
