"""An item's parsed view as plain text: what ``evbundle show`` prints and what an examiner reads first.

Nothing here renders HTML or fetches anything: the body is the text
rendering made at import, and every invisible or direction-changing
character in headers and bodies is shown as a ``⟦U+XXXX⟧`` marker.
"""

from __future__ import annotations

from typing import Any

from app.core.model import Item, ItemKind
from app.sources.categories import category_label, suggest_category
from app.sources.html_safe import remote_resources
from app.sources.visible import reveal_invisible
from app.store import CaseFile

from .linking import links_of_item

MAIL_KINDS = (ItemKind.EMAIL, ItemKind.MAILBOX_MESSAGE)
HEADER_FIELDS = (
    ("Subject", "subject"), ("From", "from"), ("Reply-To", "reply_to"), ("Return-Path", "return_path"),
    ("To", "to"), ("Cc", "cc"), ("Date", "date"), ("Date (UTC)", "date_utc"), ("Message-ID", "message_id"),
)


def item_view(case: CaseFile, item_id: int, *, body: bool = True) -> str:
    """The whole parsed view of one item as text lines."""
    item = case.item(item_id)
    lines = [
        f"Item {item.id}" + (f" ({item.exhibit_label})" if item.exhibit_label else "") + f": {item.kind.label}",
        f"Name:        {_v(item.name)}",
        f"File:        {_v(item.original_name)}  ({item.size:,} bytes)",
        f"SHA-256:     {item.sha256}",
        f"Acquired:    {item.acquired_at} by {item.acquired_by}",
        f"Parse:       {item.parse_status.value}" + (f": {_v(item.parse_error)}" if item.parse_error else ""),
    ]
    if item.kind in MAIL_KINDS:
        lines += mail_lines(item, case, body=body)
    elif item.kind is ItemKind.SCREENSHOT:
        lines += screenshot_lines(item)
    elif item.kind is ItemKind.DOMAIN_RECORD:
        lines += record_lines(item.record or {})
    else:
        lines += [f"{key}: {_v(value)}" for key, value in sorted(item.record.items())
                  if not isinstance(value, (dict, list))]
    if item.metadata:
        lines.append("")
        lines.append("Metadata")
        lines += [f"  {key}: {_v(value)}" for key, value in sorted(item.metadata.items())]
    return "\n".join(lines)


def header_lines(record: dict[str, Any]) -> list[str]:
    """The message's headers, one per line, invisible characters revealed."""
    return [f"{label + ':':<13}{_v(record.get(key))}" for label, key in HEADER_FIELDS if record.get(key)]


def mail_lines(item: Item, case: CaseFile, *, body: bool = True) -> list[str]:
    record = item.record or {}
    lines = ["", "Headers"] + ["  " + line for line in header_lines(record)]
    hops = record.get("received") or []
    lines.append(f"\nReceived hops: {len(hops)} (newest first)")
    for number, hop in enumerate(hops, 1):
        lines.append(f"  {number}. from {_v(hop.get('from')) or '?'} [{hop.get('ip') or '?'}] "
                     f"by {_v(hop.get('by')) or '?'}; {_v(hop.get('time'))}")
    for result in record.get("authentication_results") or []:
        verdicts = ", ".join(f"{k}={v}" for k, v in (result.get("verdicts") or {}).items())
        lines.append(f"Authentication-Results ({_v(result.get('server')) or '?'}): {verdicts or 'none read'}")
    if record.get("dkim_domains"):
        lines.append("DKIM signed by (d=): " + ", ".join(record["dkim_domains"]))
    links = links_of_item(item, case.domains())
    lines.append(f"\nLinked domains: {', '.join(links.advertised) or 'none'}")
    if links.in_case:
        lines.append(f"  in the case (Appendix A): {', '.join(links.in_case)}")
    if links.unknown:
        lines.append(f"  not in the case: {', '.join(links.unknown)} (evbundle links CASE --add-unknown)")
    for link in (record.get("links") or [])[:50]:
        shown = f"  (text shows {link['shown_host']}: MISMATCH)" if link.get("mismatch") else ""
        lines.append(f"  {link.get('source', ''):<5} {_v(link.get('url'))}{shown}")
    blocked = remote_resources(str(record.get("html_body") or ""))
    if blocked:
        lines.append(f"Remote content in the HTML (never loaded): {len(blocked)} item(s)")
    attachments = record.get("attachments") or []
    lines.append(f"\nAttachments: {len(attachments)}")
    for a in attachments:
        flag = "  TYPE MISMATCH" if a.get("type_mismatch") else ""
        lines.append(f"  {_v(a.get('name')) or '(no name)'}  declared {a.get('content_type') or '?'}, "
                     f"bytes are {a.get('sniffed_type') or '?'}, {a.get('size', 0):,} bytes, "
                     f"sha256 {a.get('sha256', '')}{flag}")
    suggestion = suggest_category(record)
    confirmed = str(item.metadata.get("category") or "")
    category = f"{category_label(confirmed)} (confirmed)" if confirmed else f"{suggestion.label} (suggested)"
    lines.append(f"\nCategory: {category}")
    if body:
        lines.append("\nBody (text rendering; HTML is never rendered here)")
        lines.append(_v(record.get("text_body")) or "(empty)")
    return lines


def screenshot_lines(item: Item) -> list[str]:
    record = item.record or {}
    return [
        "",
        f"Image:       {record.get('format', '?')} {record.get('width', '?')} × {record.get('height', '?')} "
        f"pixels, mode {record.get('mode', '?')}, {record.get('frames', 1)} frame(s)",
    ] + ([f"Trailing:    {record['trailing_bytes']:,} bytes after the image end"]
         if record.get("trailing_bytes") else []) + [
        f"Metadata:    damaged ({_v(warning)})" for warning in record.get("decoder_warnings", [])]


RECORD_FACTS = (
    ("Domain", "domain"), ("Format", "format"), ("Registrar", "registrar"), ("IANA id", "registrar_iana_id"),
    ("Created", "created"), ("Updated", "updated"), ("Expires", "expires"), ("DNSSEC", "dnssec"),
    ("Database", "database_updated"),
)
_SHOWN = {key for _, key in RECORD_FACTS} | {
    "status", "epp_status", "name_servers", "registrant", "registrant_redacted", "redacted", "lookup", "answers",
    "rcodes", "delegation", "delegated", "delegation_rcode", "nxdomain", "not_found", "notes", "missing",
    "query", "queried_at",
}


def record_lines(record: dict[str, Any]) -> list[str]:
    """A WHOIS, RDAP or DNS record: what the registry says (statuses, name servers, registrant, dates)
    first, then how it was asked (server, time, HTTP status), then every other parsed field."""
    lines = [""]
    if record.get("not_found"):
        lines.append("Registered:  NO (the registry has no such domain)")
    if record.get("throttled"):
        lines.append("Reply:       the server was throttling queries (no record in this reply)")
    lines += [f"{label + ':':<13}{_v(record[key])}" for label, key in RECORD_FACTS if record.get(key)]
    statuses = [str(s) for s in record.get("status") or []]
    codes = [str(c) for c in record.get("epp_status") or []]
    if statuses or (record.get("format") in ("rdap", "whois") and not record.get("not_found")):
        shown = ", ".join(_v(s) for s in statuses) or "none given"
        if codes and codes != statuses:
            shown += f"  (EPP: {', '.join(codes)})"
        lines.append(f"Statuses:    {shown}")
    servers = [str(n) for n in record.get("name_servers") or []]
    if servers or (record.get("format") in ("rdap", "whois") and not record.get("not_found")):
        lines.append(f"Name servers: {', '.join(_v(n) for n in servers) or 'none given'}")
    registrant = record.get("registrant")
    if isinstance(registrant, dict) and registrant:
        lines.append("Registrant:")
        lines += [f"  {key}: {_v(value)}" for key, value in registrant.items()]
    elif record.get("format") in ("rdap", "whois") and not record.get("not_found"):
        lines.append("Registrant:  not given in this record")
    if record.get("registrant_redacted"):
        lines.append(f"  redacted: {', '.join(str(x) for x in record['registrant_redacted'])}")
    for entry in record.get("redacted") or []:
        if isinstance(entry, dict):
            lines.append(f"  redacted: {_v(entry.get('name'))} ({_v(entry.get('reason')) or 'no reason given'})")
    if "delegated" in record:
        delegation = ", ".join(str(n) for n in record.get("delegation") or [])
        lines.append(f"Delegation:  {delegation or 'none'} (the TLD's servers said "
                     f"{record.get('delegation_rcode', '?')})")
    answers = record.get("answers")
    if isinstance(answers, dict):
        for rdtype, values in answers.items():
            rcode = (record.get("rcodes") or {}).get(rdtype, "")
            lines.append(f"DNS {rdtype + ':':<9}{', '.join(str(v) for v in values) or '(none)'}"
                         + (f"  [{rcode}]" if rcode and rcode != "NOERROR" else ""))
    lookup = record.get("lookup")
    if isinstance(lookup, dict):
        status = f", HTTP {lookup['http_status']}" if "http_status" in lookup else ""
        lines.append(f"Asked:       {_v(lookup.get('server'))} at {_v(lookup.get('queried_at'))}{status}")
        if lookup.get("error"):
            lines.append(f"Problem:     {_v(lookup['error'])}")
    for note in record.get("notes") or []:
        lines.append(f"Note:        {_v(note)}")
    rest = [f"{key}: {_v(value)}" for key, value in sorted(record.items())
            if key not in _SHOWN and not isinstance(value, (dict, list)) and value not in (None, "")]
    if rest:
        lines += ["", "Other fields"] + ["  " + line for line in rest]
    return lines


def domain_detail(case: CaseFile, name: str, registrable: str = "") -> str:
    """A domain's records for the window's detail pane: the newest registry record and DNS reply in full,
    then every record the case holds about it (newest first, at most 100)."""
    items = case.domain_records_of([name, registrable or name])
    if not items:
        return f"{name}\n\nNo WHOIS, RDAP or DNS record in the case yet. Look it up, run the pre-filing check, " \
               "or import a saved record."
    lines = [name + (f"  (registered as {registrable})" if registrable and registrable != name else "")]
    registry = next((i for i in items if i.record.get("format") in ("rdap", "whois")), None)
    dns = next((i for i in items if i.record.get("format") == "dns"), None)
    for label, item in (("Registry record", registry), ("DNS", dns)):
        if item is not None:
            lines += ["", f"{label}: {item.exhibit_label or f'item {item.id}'}, acquired {item.acquired_at[:19]} UTC"]
            lines += [line for line in record_lines(item.record or {}) if line][:40]
    lines += ["", f"Records ({len(items)}{'+' if len(items) >= 100 else ''}), newest first:"]
    lines += [f"  {item.exhibit_label or f'item {item.id}':<13} {item.record.get('format') or '?'!s:<6} "
              f"{item.acquired_at[:19]}  {_v(item.record.get('query') or item.name)}"
              + ("  [not registered]" if item.record.get("not_found") else "") for item in items]
    return "\n".join(lines)


def _v(value: Any) -> str:
    return reveal_invisible(str(value)) if value not in (None, "") else ""
