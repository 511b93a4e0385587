"""Turn the case snapshot into the plain facts a template prints.

Templates are edited by firms, so they see only strings, numbers, lists and
dicts (never live objects), and every field has a value: anything missing from
the evidence becomes a visible "[bracketed]" placeholder or an empty string the
template can test, never an exception.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from app.core.model import Domain, ItemKind, Registry
from app.documents.inputs import DeclarationInput, ExhibitEntry
from app.documents.model import ListedDomain
from app.documents.order_facts import order_facts
from app.documents.parties_facts import parties_from_text, party_facts
from app.documents.processes import acquisition, certification_rules, mail_route, process_groups, record_facts
from app.documents.profile import CourtProfile
from app.documents.support import MAIL, target_domains
from app.documents.wording import long_date, short_utc_date, text, utc_time

UNKNOWN_REGISTRY = "Registry not identified"
DATE_AT_END = re.compile(r"\b[A-Z][a-z]+ \d{1,2}, \d{4}$")  # "October 14, 2026": a comma closes it mid-sentence


def _attachments(record: Mapping[str, Any]) -> list[dict[str, str]]:
    out = []
    for entry in record.get("attachments") or []:
        if isinstance(entry, Mapping):
            out.append(
                {
                    "name": text(entry.get("filename") or entry.get("name")) or "[unnamed]",
                    "size": text(entry.get("size")),
                    "sha256": text(entry.get("sha256")),
                    "type": text(entry.get("content_type")),
                }
            )
        else:
            out.append({"name": text(entry) or "[unnamed]", "size": "", "sha256": "", "type": ""})
    return out


SWORN_CHOICES = ("captured_by", "tool", "tool_version", "notes", "source", "server")
"""Metadata the user typed, printed in sworn text only when chosen for it (``metadata["sworn"]``)."""


def sworn_metadata(meta: Mapping[str, Any]) -> dict[str, str]:
    """The metadata fields the user chose to state under oath (``metadata["sworn"]``), with their values."""
    chosen = meta.get("sworn")
    names = [str(n) for n in chosen] if isinstance(chosen, (list, tuple)) else []
    return {n: text(meta.get(n)) for n in SWORN_CHOICES if n in names and text(meta.get(n))}


def exhibit_facts(
    entry: ExhibitEntry, profile: CourtProfile, bates: tuple[str, str] | None, *, parts: int = 1,
    declarant: str = "",
) -> dict[str, Any]:
    """What the declaration says about one exhibit: facts the app recorded or read from the evidence,
    and of the metadata the user typed only what was chosen for sworn text (:func:`sworn_metadata`);
    the capture notes never. ``declarant`` lets a capture the user chose to state, made by the
    declarant, read "I captured it"."""
    item = entry.item
    record = item.record or {}
    meta = item.metadata or {}
    sworn = sworn_metadata(meta)
    captured_by = text(meta.get("captured_by"))
    facts: dict[str, Any] = {
        "number": entry.number,
        "label": profile.exhibit_label(entry.number),
        "description": text(entry.description).rstrip(".") or text(item.name) or "[description]",
        "kind": item.kind.value,
        "kind_label": item.kind.label,
        "name": text(item.name),
        "file_name": text(item.original_name),
        "sha256": text(item.sha256),
        "size": item.size,
        "acquired_at": utc_time(item.acquired_at),
        "acquired_by": text(item.acquired_by),
        "parse_failed": item.parse_status.value == "failed",
        "bates_first": bates[0] if bates else "",
        "bates_last": bates[1] if bates else "",
        "parts": parts,
        # screenshot
        "url": text(meta.get("url")),
        "captured_at": utc_time(meta.get("captured_at")),
        "captured_by_me": "captured_by" in sworn and captured_by.casefold() == text(declarant).casefold(),
        "captured_by": sworn.get("captured_by", ""),
        "tool": " ".join(v for v in (sworn.get("tool", ""), sworn.get("tool_version", "")) if v),
        "sworn": sworn,
        "process": acquisition(item),
        # email
        "sender": text(record.get("from")),
        "subject": text(record.get("subject")),
        "received_at": utc_time(record.get("date_utc")) or text(record.get("date")),
        "advertised_domains": target_domains(record) if item.kind in MAIL else [],  # never link text alone
        "attachments": _attachments(record),
        **mail_route(record),
        # domain record
        **record_facts(record),
        "record_source": text(record.get("source") or record.get("server") or record.get("query")),
        "retrieved_at": utc_time(record.get("retrieved_at") or meta.get("retrieved_at")),
    }
    for key in ("lookup_at", "database_updated"):
        facts[key] = utc_time(facts[key])
    if item.kind in (ItemKind.EMAIL, ItemKind.MAILBOX_MESSAGE):
        facts["kind"] = "email"
        facts["outlook"] = record.get("format") == "outlook-msg"
        # Outlook keeps a message's internet headers only when it came over the internet: no Received hop and
        # no Date header read from them means the exhibit shows the Outlook properties instead.
        facts["headers_kept"] = not facts["outlook"] or bool(record.get("hop_count") or record.get("date"))
    if item.kind is ItemKind.WEB_CAPTURE:
        from app.documents.capture_facts import capture_facts

        facts["capture"] = capture_facts(record, meta)
        # the app's own capture browser recorded its name and version: a fact, not typed text
        facts["tool"] = " ".join(v for v in (text(meta.get("tool")), text(meta.get("tool_version"))) if v)
    facts["date"] = short_utc_date(
        meta.get("captured_at") if item.kind is ItemKind.SCREENSHOT else
        record.get("date_utc") if facts["kind"] == "email" else
        record.get("retrieved_at") or meta.get("retrieved_at") or meta.get("captured_at")
    ) or short_utc_date(item.acquired_at)
    facts["source"] = (facts["url"] if item.kind is ItemKind.SCREENSHOT else
                       # where the message was acquired (the mailbox), as stated under oath; else the From line,
                       # said as such (it may be forged)
                       (sworn.get("source") or (f"From: {facts['sender']}" if facts["sender"] else ""))
                       if facts["kind"] == "email" else
                       facts["record_source"] or text(meta.get("url")) or text(meta.get("server"))
                       ) or facts["file_name"]
    facts["bates_range"] = (f"{facts['bates_first']} \u2013 {facts['bates_last']}"
                            if facts["bates_first"] else "")
    facts["redacted"] = list(entry.removed)
    facts["description_ends_with_date"] = bool(DATE_AT_END.search(facts["description"]))
    facts["acquired_utc"] = _short_utc(item.acquired_at)
    facts["origin"] = _origin(facts, sworn)
    return facts


def _short_utc(value: Any) -> str:
    """An ISO 8601 time as "2026-10-20 15:41:07" in UTC ("" when unreadable or without a zone)."""
    try:
        moment = dt.datetime.fromisoformat(text(value).replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        return ""
    if moment.tzinfo is None:
        return ""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def _origin(facts: Mapping[str, Any], sworn: Mapping[str, str]) -> str:
    """Where the certified file came from, in facts the case holds: the server the software queried, the
    page it captured, or what the user chose to state under oath (the mailbox, the WHOIS server); else
    "not recorded", never a guess."""
    if facts["process"] == "lookup" and facts["lookup_server"]:
        return f"{facts['record_format'] or 'lookup'} reply from {facts['lookup_server']}".strip()
    if facts["kind"] == "web-capture" and facts["url"]:
        return f"capture of {facts['url']}"
    if sworn.get("source"):
        return sworn["source"]
    if sworn.get("server"):
        return f"{facts['record_format']} server {sworn['server']}".strip()
    if facts["kind"] == "screenshot" and facts["url"]:
        return f"screenshot of {facts['url']}"
    return "not recorded"


def _registry_name(registries: Mapping[str, Registry], registry_id: str) -> str:
    registry = registries.get(registry_id)
    return registry.name if registry else UNKNOWN_REGISTRY


def registry_groups(
    domains: list[Domain], registries: Mapping[str, Registry]
) -> list[dict[str, Any]]:
    """Appendix A: registered domains grouped by registry, groups by registry name, domains sorted."""
    grouped: dict[str, list[Domain]] = defaultdict(list)
    for domain in domains:
        if not domain.is_subdomain:
            grouped[domain.registry_id].append(domain)
    groups = []
    for registry_id, members in grouped.items():
        registry = registries.get(registry_id)
        groups.append(
            {
                "name": registry.name if registry else UNKNOWN_REGISTRY,
                "address": list(registry.address) if registry else [],
                "tlds": sorted({d.tld for d in members}),
                "domains": [
                    {"ascii": d.ascii, "unicode": d.unicode if d.unicode != d.ascii else ""}
                    for d in sorted(members, key=lambda d: d.ascii)
                ],
            }
        )
    groups.sort(key=lambda g: (g["name"] == UNKNOWN_REGISTRY, str(g["name"]).lower()))
    return groups


def subdomain_groups(
    domains: list[Domain], registries: Mapping[str, Registry]
) -> list[dict[str, Any]]:
    """Appendix B: subdomains grouped under their registrable domain."""
    grouped: dict[str, list[Domain]] = defaultdict(list)
    for domain in domains:
        if domain.is_subdomain:
            grouped[domain.registrable].append(domain)
    groups = []
    for registrable in sorted(grouped):
        members = sorted(grouped[registrable], key=lambda d: d.ascii)
        groups.append(
            {
                "name": registrable,
                "registry": _registry_name(registries, members[0].registry_id),
                "domains": [
                    {"ascii": d.ascii, "unicode": d.unicode if d.unicode != d.ascii else ""}
                    for d in members
                ],
            }
        )
    return groups


def domain_lists(
    registries: list[dict[str, Any]], subdomains: list[dict[str, Any]]
) -> dict[str, tuple[ListedDomain, ...]]:
    """Each appendix group's domains as model entries, under a key the group carries as "list".

    A template writes ``<domains list="{{ group.list }}"/>`` and the markup parser puts the
    list straight into the document: a list of 100,000 domains never passes through Jinja
    and XML one element at a time.
    """
    lists: dict[str, tuple[ListedDomain, ...]] = {}
    for prefix, groups in (("A", registries), ("B", subdomains)):
        for index, group in enumerate(groups, start=1):
            key = f"{prefix}{index}"
            group["list"] = key
            lists[key] = tuple(ListedDomain(d["ascii"], d["unicode"]) for d in group["domains"])
    return lists


def _electronic_appendix(inp: DeclarationInput) -> dict[str, Any] | None:
    """The CSV list filed beside the appendices (name, SHA-256, rows), or None when there is none."""
    listed = inp.electronic_appendix
    if listed is None:
        return None
    return {"file": listed.file_name, "sha256": listed.sha256, "rows": listed.rows}


def declaration_facts(inp: DeclarationInput, profile: CourtProfile) -> dict[str, Any]:
    """The template context for the declaration (and, through ``filing_facts``, the other documents)."""
    case = inp.case
    domains = list(inp.domains)
    parties = party_facts(inp.parties or parties_from_text(case))
    plaintiff_short = parties["plaintiff_short"]
    registries = registry_groups(domains, inp.registries)  # each registry's directions: order_facts
    subdomains = subdomain_groups(domains, inp.registries)
    lists = domain_lists(registries, subdomains)
    exhibits = [exhibit_facts(e, profile, inp.bates.get(e.number), parts=inp.parts.get(e.number, 1),
                              declarant=case.declarant) for e in inp.exhibits]
    processes = process_groups(inp.exhibits, exhibits, profile)
    facts = {
        "court": {
            "name": profile.name,
            "lines": list(profile.court_lines),
            "division": profile.division,
            "case_number_label": profile.case_number_label,
            "sealed_legend": profile.sealed_legend,
        },
        "parties": parties,
        "case": {
            "title": text(case.title),
            "short_title": parties["short_title"],
            "number": text(case.case_number) or profile.blank_case_number,
            "has_number": bool(text(case.case_number)),
            "plaintiff": parties["plaintiffs"][0]["caption"] if parties["plaintiffs"] else parties["plaintiff_short"],
            "plaintiff_short": plaintiff_short,
            "defendants": [d["caption"] for d in parties["defendants"]] or [parties["caption_defendants"][0]],
            "sealed": case.sealed,
            "fictional": case.fictional,
            "legend": profile.fictional_legend if case.fictional else "",
            "draft": inp.draft,
        },
        "declarant": {
            "name": text(case.declarant) or "[NAME]",
            "title": text(case.declarant_title) or "[TITLE]",
            "organisation": text(case.organisation) or "[EMPLOYER]",
            "qualifications": " ".join(text(case.declarant_qualifications).split()),
        },
        "bundle_date": text(case.bundle_date),
        "signed_in_us": case.signed_in_us,
        "executed_on": long_date(case.bundle_date) or "[DATE]",
        "executed_at": text(case.signing_place) or "[CITY, STATE]",
        "exhibits": exhibits,
        "processes": processes,
        "certification_rules": certification_rules(processes),
        "registry_groups": registries,
        "subdomain_groups": subdomains,
        "domain_lists": lists,
        "electronic_appendix": _electronic_appendix(inp),
        "domain_count": sum(1 for d in domains if not d.is_subdomain),
        "subdomain_count": sum(1 for d in domains if d.is_subdomain),
        "signer_fingerprint": text(inp.signer_fingerprint),
        "tool": {"name": text(inp.tool_name), "version": text(inp.tool_version)},
    }
    return order_facts(facts, inp, profile)  # the order's, letters' and sealing papers' facts
