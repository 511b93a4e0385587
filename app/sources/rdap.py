"""Saved RDAP replies (RFC 9083 JSON): the domain's registrar, dates, status and name servers.

Includes the registry's "last update of RDAP database" event, which the
record-per-artifact rules in LEGAL.md ask for. Error objects, help replies
and text that is not JSON are reported, never raised.
"""

from __future__ import annotations

import json
from typing import Any

from app.core.model import ParseStatus

_EVENTS = {
    "registration": "created",
    "last changed": "updated",
    "expiration": "expires",
    "last update of rdap database": "database_updated",
    "transfer": "transferred",
}


def parse_rdap(data: bytes) -> tuple[ParseStatus, str, dict[str, Any], str]:
    """Parse an RDAP reply: (status, name, record, error). Never raises for content problems."""
    notes: list[str] = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("utf-8-sig", errors="replace")
        notes.append("not valid UTF-8; bytes replaced")
    if not text.strip():
        return ParseStatus.FAILED, "", {}, "empty RDAP reply"
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        return ParseStatus.FAILED, "", {}, f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
    except RecursionError:
        return ParseStatus.FAILED, "", {}, "not usable JSON: nested too deeply"
    if not isinstance(document, dict):
        return ParseStatus.FAILED, "", {}, f"not an RDAP reply: the JSON is a {type(document).__name__}, not an object"

    if "errorCode" in document:
        code = document.get("errorCode")
        title = _text(document.get("title"))
        description = " ".join(_text(d) for d in _list(document.get("description")))
        record: dict[str, Any] = {"error_code": code, "error_title": title, "error_description": description}
        if code == 404:
            record["not_found"] = True
        detail = ": ".join(x for x in (title, description) if x)
        return ParseStatus.FAILED, "", record, f"RDAP error {code}" + (f": {detail}" if detail else "")

    object_class = _text(document.get("objectClassName"))
    if not object_class:
        if document.get("rdapConformance") and document.get("notices"):
            return ParseStatus.FAILED, "", {"object_class": "help"}, "an RDAP help reply, with no domain in it"
        return ParseStatus.FAILED, "", {}, "not an RDAP reply: no objectClassName, rdapConformance or errorCode"

    record = {
        "object_class": object_class,
        "handle": _text(document.get("handle")),
        "domain": _text(document.get("ldhName")).rstrip(".").lower(),
        "unicode_name": _text(document.get("unicodeName")).rstrip("."),
        "port43": _text(document.get("port43")),
        "conformance": [_text(c) for c in _list(document.get("rdapConformance"))],
    }
    record.update(_events(document.get("events")))
    statuses = [_text(s) for s in _list(document.get("status")) if _text(s)]
    record["status"] = statuses
    record["epp_status"] = [_epp(s) for s in statuses]
    record.update(_registrar(document.get("entities")))
    record["name_servers"] = _name_servers(document)
    secure = document.get("secureDNS")
    if isinstance(secure, dict) and "delegationSigned" in secure:
        record["dnssec"] = "signed" if secure.get("delegationSigned") else "unsigned"
    record["self_link"] = _self_link(document.get("links"))
    related = _related_rdap(document.get("links"))
    if related:
        record["registrar_rdap"] = related
    registrant = _contact(document.get("entities"), "registrant")
    if registrant:
        record["registrant"] = registrant
    redactions = _redactions(document.get("redacted"))
    if redactions:
        record["redacted"] = redactions
    if "rdapConformance" in document and not isinstance(document.get("rdapConformance"), list):
        notes.append("rdapConformance is not a list (not conformant to RFC 9083)")
    if document.get("events") is not None and not isinstance(document.get("events"), list):
        notes.append("events is not a list (not conformant to RFC 9083)")
    if not record["conformance"]:
        notes.append("no rdapConformance member (not conformant to RFC 9083)")

    name = record["unicode_name"] or record["domain"]
    if object_class != "domain":
        notes.append(f"an RDAP {object_class} object, not a domain")
    elif not record["domain"]:
        notes.append("domain object without an ldhName")
    status = ParseStatus.PARTIAL if notes else ParseStatus.OK
    if notes:
        record["notes"] = notes
    return status, name, record, "; ".join(notes)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else (str(value) if isinstance(value, (int, float)) else "")


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _epp(status: str) -> str:
    """RDAP status ("client delete prohibited") to its EPP name ("clientDeleteProhibited"), RFC 8056."""
    words = status.split()
    if not words:
        return status
    if status.lower() == "active":
        return "ok"
    return words[0].lower() + "".join(w.capitalize() for w in words[1:])


def _events(events: Any) -> dict[str, str]:
    result: dict[str, str] = {}
    for event in _list(events):
        if not isinstance(event, dict):
            continue
        key = _EVENTS.get(_text(event.get("eventAction")).lower())
        if key and key not in result:
            result[key] = _text(event.get("eventDate"))
    return result


def _registrar(entities: Any) -> dict[str, str]:
    for entity in _list(entities):
        if not isinstance(entity, dict) or "registrar" not in [_text(r) for r in _list(entity.get("roles"))]:
            continue
        iana_id = ""
        for public_id in _list(entity.get("publicIds")):
            if isinstance(public_id, dict) and "iana" in _text(public_id.get("type")).lower():
                iana_id = _text(public_id.get("identifier"))
        return {"registrar": _vcard_name(entity.get("vcardArray")) or _text(entity.get("handle")),
                "registrar_iana_id": iana_id}
    return {}


def _vcard_name(vcard: Any) -> str:
    items = _list(vcard)
    if len(items) < 2:
        return ""
    for prop in _list(items[1]):
        if isinstance(prop, list) and len(prop) >= 4 and prop[0] == "fn":
            return _text(prop[3])
    return ""


def _name_servers(document: dict[str, Any]) -> list[str]:
    servers: list[str] = []
    candidates = _list(document.get("nameservers"))
    nsset = document.get("fred_nsset")  # CZ.NIC's extension keeps them in an nsset
    if not candidates and isinstance(nsset, dict):
        candidates = _list(nsset.get("nameservers"))
    for server in candidates:
        if isinstance(server, dict):
            name = _text(server.get("ldhName")).rstrip(".").lower()
            if name and name not in servers:
                servers.append(name)
    return servers


def _related_rdap(links: Any) -> str:
    """The registrar's own RDAP URL for the domain (a thin registry's 'related' link)."""
    for link in _list(links):
        if isinstance(link, dict) and link.get("rel") == "related" and "rdap" in _text(link.get("type")):
            return _text(link.get("href"))
    return ""


def _contact(entities: Any, role: str) -> dict[str, str]:
    """Name, organisation, address, country and e-mail of the first entity with this role, as given."""
    for entity in _list(entities):
        if not isinstance(entity, dict) or role not in [_text(r) for r in _list(entity.get("roles"))]:
            continue
        items = _list(entity.get("vcardArray"))
        props = _list(items[1]) if len(items) > 1 else []
        found: dict[str, str] = {}
        for prop in props:
            if not isinstance(prop, list) or len(prop) < 4:
                continue
            key, value = prop[0], prop[3]
            if key == "adr" and isinstance(value, list):
                parts = [p for p in value if isinstance(p, str) and p.strip()]
                if parts:
                    found.setdefault("address", ", ".join(parts))
                label = prop[1].get("label") if isinstance(prop[1], dict) else None
                if isinstance(label, str) and label.strip():
                    found.setdefault("address", label.strip())
            elif key in ("fn", "org", "email", "tel") and _text(value):
                found.setdefault({"fn": "name", "org": "organization", "tel": "phone"}.get(key) or key, _text(value))
        return found
    return {}


def _redactions(redacted: Any) -> list[dict[str, str]]:
    """RFC 9537 'redacted' members: what was removed or emptied, and why."""
    result: list[dict[str, str]] = []
    for entry in _list(redacted):
        if not isinstance(entry, dict):
            continue
        name = entry.get("name")
        reason = entry.get("reason")
        result.append({
            "name": _text(name.get("description") or name.get("type")) if isinstance(name, dict) else _text(name),
            "method": _text(entry.get("method")) or "removal",
            "path": _text(entry.get("prePath") or entry.get("postPath") or entry.get("replacementPath")),
            "reason": _text(reason.get("description") or reason.get("type")) if isinstance(reason, dict)
            else _text(reason),
        })
    return result


def _self_link(links: Any) -> str:
    for link in _list(links):
        if isinstance(link, dict) and link.get("rel") == "self":
            return _text(link.get("href")) or _text(link.get("value"))
    return ""
