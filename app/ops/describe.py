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
        subject = str(record.get("subject") or "").strip()
        if not subject:  # the file's name is not the message's subject
            return f"an email message without a subject line (the file {name})"
        return f'an email message with the subject "{subject}"'
    if kind is ItemKind.WEB_CAPTURE:
        return f"a capture of the web page at {metadata.get('url') or record.get('requested_url') or name}"
    if kind is ItemKind.DOMAIN_RECORD:
        domain = record.get("domain") or name
        source = "RDAP" if record.get("format") == "rdap" else "WHOIS"
        return f"the {source} record for the domain {domain}"
    return name
