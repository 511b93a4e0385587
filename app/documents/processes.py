"""How each exhibit came into the case, and the facts its bytes hold, for sworn text.

The certification under Fed. R. Evid. 902(13)/(14) must describe the process that
produced each kind of item, and the declaration may state only what the app recorded
or read from the evidence. Three processes are told apart from what the app itself
recorded, never from what a user typed:

- ``lookup``: an RDAP, WHOIS or DNS reply the app requested and stored as received
  (the record holds the app's ``lookup`` details): output of an electronic process, 902(13);
- ``capture``: a screenshot the app's own screen capture made (its tool is the app's), or a web
  capture made by the app's own capture browser: 902(13);
- ``copy``: a file copied into the case byte for byte (a saved message, an image, a saved
  record): data copied from a file, authenticated by its hash value, 902(14).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app.core.model import Item, ItemKind
from app.documents.inputs import ExhibitEntry
from app.documents.profile import CourtProfile
from app.documents.wording import exhibit_labels, long_date, short_utc_date, text

APP_CAPTURE_TOOLS = ("evbundle",)  # the in-app capture records its tool as "evbundle in-app capture"


def acquisition(item: Item) -> str:
    """"lookup", "capture" or "copy" (see the module docstring)."""
    record = item.record or {}
    if item.kind is ItemKind.DOMAIN_RECORD and isinstance(record.get("lookup"), Mapping):
        return "lookup"
    tool = str((item.metadata or {}).get("tool") or "").strip().lower()
    if item.kind is ItemKind.WEB_CAPTURE or (item.kind is ItemKind.SCREENSHOT and tool.startswith(APP_CAPTURE_TOOLS)):
        return "capture"
    return "copy"


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[str]:
    return [text(v) for v in value if text(v)] if isinstance(value, (list, tuple)) else []


def record_facts(record: Mapping[str, Any]) -> dict[str, Any]:
    """A registration record's or lookup reply's facts, read through the parsers' keys."""
    registrant = _mapping(record.get("registrant"))
    lookup = _mapping(record.get("lookup"))
    fmt = text(record.get("format")).lower()
    statuses = _list(record.get("epp_status")) or _list(record.get("status"))
    return {
        "domain": text(record.get("domain")),
        "registrar": text(record.get("registrar")),
        "record_format": {"rdap": "RDAP", "whois": "WHOIS", "dns": "DNS"}.get(fmt, ""),
        "created": long_date(short_utc_date(record.get("created_utc") or record.get("created"))),
        "expires": long_date(short_utc_date(record.get("expires_utc") or record.get("expires"))),
        "statuses": statuses,
        "name_servers": _list(record.get("name_servers")),
        "registrant": {str(k): text(v) for k, v in registrant.items() if text(v)},
        "registrant_proxy": bool(record.get("registrant_proxy")),
        "database_updated": text(record.get("database_updated")),
        "lookup_server": text(lookup.get("final_url") or lookup.get("server")),
        "lookup_at": text(lookup.get("queried_at")),
        "not_registered": bool(record.get("not_found")),
        "no_record": not text(record.get("domain")) and not record.get("not_found"),  # a refusal or an error
        "top_level": bool(text(record.get("domain"))) and "." not in text(record.get("domain")),
    }


def mail_route(record: Mapping[str, Any]) -> dict[str, Any]:
    """What a message's own headers show of its route: the hop that handed it to the first server
    that recorded it (the last Received header), the number of hops, and the SPF/DKIM/DMARC
    verdicts the receiving server recorded (Authentication-Results)."""
    hops = [h for h in record.get("received") or [] if isinstance(h, Mapping)]
    origin = hops[-1] if hops else {}
    verdicts: dict[str, str] = {}
    for result in record.get("authentication_results") or []:
        if isinstance(result, Mapping) and isinstance(result.get("verdicts"), Mapping):
            for key, value in result["verdicts"].items():
                verdicts.setdefault(str(key), text(value))
    return {
        "hop_count": len(hops),
        "origin_ip": text(origin.get("ip")),
        "origin_host": text(origin.get("from")),
        "received_by": text(origin.get("by")),
        "spf": verdicts.get("spf", ""),
        "dkim": verdicts.get("dkim", ""),
        "dmarc": verdicts.get("dmarc", ""),
    }


def process_groups(entries: Sequence[ExhibitEntry], facts: Sequence[Mapping[str, Any]],
                   profile: CourtProfile) -> list[dict[str, Any]]:
    """The exhibits grouped by kind and process, in exhibit order, as the declaration and the
    certification describe them: kind, process, rule, count, labels ("Exhibits 4–8"), formats."""
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for entry, fact in zip(entries, facts):
        key = (str(fact["kind"]), acquisition(entry.item))
        group = groups.setdefault(key, {"kind": key[0], "process": key[1], "numbers": [], "formats": []})
        group["numbers"].append(int(fact["number"]))
        if fact.get("record_format") and fact["record_format"] not in group["formats"]:
            group["formats"].append(fact["record_format"])
    out = list(groups.values())
    for group in out:
        group["count"] = len(group["numbers"])
        group["labels"] = exhibit_labels(group["numbers"], profile)
        group["rule"] = "902(14)" if group["process"] == "copy" else "902(13)"
    return out


def certification_rules(groups: Sequence[Mapping[str, Any]]) -> str:
    """The rules the certification relies on, for every paper that names them: "902(14)", or
    "902(13) and 902(14)" when some exhibit is the app's own record."""
    rules = sorted({str(g["rule"]) for g in groups}) or ["902(14)"]
    return " and ".join(rules)
