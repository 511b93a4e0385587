"""Default exhibit descriptions, in the words a declaration uses; counsel edits them."""

from __future__ import annotations

from typing import Any

from app.core.model import ItemKind


def default_description(
    kind: ItemKind, name: str, record: dict[str, Any], metadata: dict[str, Any]
) -> str:
    if kind is ItemKind.SCREENSHOT:
        url = metadata.get("url")
        return f"a screenshot of the web page at {url}" if url else f"a screenshot ({name})"
    if kind in (ItemKind.EMAIL, ItemKind.MAILBOX_MESSAGE):
        subject = record.get("subject")
        if subject:
            return f'an email message with the subject "{subject}"'
        return f"an email message without a subject ({name})"
    if kind is ItemKind.WEB_CAPTURE:
        return f"a capture of the web page at {metadata.get('url') or record.get('requested_url') or name}"
    if kind is ItemKind.DOMAIN_RECORD:
        return _record_description(name, record)
    return name


def _record_description(name: str, record: dict[str, Any]) -> str:
    """What a WHOIS or RDAP reply is, said of the reply itself: a registration record, a "not registered"
    answer, a refusal, or a reply holding no record (never a file name passed off as a domain)."""
    source = "RDAP" if record.get("format") == "rdap" else "WHOIS"
    reply = "an RDAP reply" if source == "RDAP" else "a WHOIS reply"
    domain = str(record.get("domain") or "")
    if record.get("not_found"):
        return (f"{reply} stating that the domain {domain} is not registered" if domain
                else f"{reply} stating that the name asked for is not registered ({name})")
    if not domain:
        if record.get("throttled") or record.get("unavailable"):
            return f"{reply} in which the server declined to answer ({name})"
        return f"{reply} that holds no registration record ({name})"
    if "." not in domain:
        return f"the {source} record for the top-level domain .{domain}"
    return f"the {source} record for the domain {domain}"
