"""The one entry point from an evidence file's bytes to what the case shows about it.

The original is always kept as evidence by the caller, so content problems
in mail and domain records never raise here: they come back as a FAILED or
PARTIAL status with the reason. Screenshots are the exception: a broken
image is refused (ImageRefused), because an exhibit nobody can see is
worthless and a decompression bomb must not reach the renderer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from app.core.errors import ImportRefused
from app.core.model import ItemKind, ParseStatus
from app.sources.categories import suggest_category
from app.sources.detect import OLE2_MAGIC, looks_like_json
from app.sources.mail import parse_email
from app.sources.mailbox import MailboxPart, split_mailbox
from app.sources.outlook import parse_msg
from app.sources.rdap import parse_rdap
from app.sources.screenshot import DEFAULT_MAX_PIXELS, read_screenshot
from app.sources.whois import parse_whois

__all__ = ["MailboxPart", "Parsed", "parse_item", "split_mailbox"]


@dataclass(frozen=True)
class Parsed:
    """What was read from one evidence file.

    `name` is what the user sees (subject, domain, file name); `record` holds
    JSON-serialisable parsed fields; `error` says what went wrong when the
    status is PARTIAL or FAILED.
    """

    status: ParseStatus
    name: str
    record: dict[str, Any] = field(default_factory=dict)
    error: str = ""


def parse_item(
    kind: ItemKind,
    data: bytes,
    file_name: str,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> Parsed:
    """Parse an evidence file of a known kind.

    Raises ImageRefused only for screenshots that are corrupt, truncated or over
    `max_pixels`; every other content problem is reported in the result.
    """
    if kind is ItemKind.SCREENSHOT:
        record = read_screenshot(data, max_pixels=max_pixels)
        return Parsed(ParseStatus.OK, file_name, record)
    try:
        return _parse(kind, data, file_name)
    except ImportRefused:
        raise
    except Exception as exc:  # a parser bug must not lose the evidence: keep the original, say why
        return Parsed(
            ParseStatus.FAILED, file_name, {}, f"internal parser error ({type(exc).__name__}: {exc}); original kept"
        )


def _parse(kind: ItemKind, data: bytes, file_name: str) -> Parsed:
    if not kind.importable:
        raise ImportRefused(f"{kind.label.lower()}s are made by `evbundle capture`, not imported", path=file_name)
    if kind is ItemKind.MAILBOX:
        return _mailbox_summary(data, file_name)
    if kind in (ItemKind.EMAIL, ItemKind.MAILBOX_MESSAGE):
        is_msg = data.startswith(OLE2_MAGIC)
        status, name, record, error = parse_msg(data) if is_msg else parse_email(data)
        if record:
            record["format"] = "outlook-msg" if is_msg else "rfc5322"
            suggestion = suggest_category(record)
            record["suggested_category"] = suggestion.category
            record["category_reasons"] = list(suggestion.reasons)
        return Parsed(status, name or file_name, record, error)
    if kind is ItemKind.DOMAIN_RECORD:
        if looks_like_json(data) or file_name.lower().endswith((".json", ".rdap")):
            status, name, record, error = parse_rdap(data)
            if record:
                record["format"] = "rdap"
        else:
            status, name, record, error = parse_whois(data, query=_names_in(file_name))
            if record:
                record["format"] = "whois"
        return Parsed(status, name or file_name, record, error)
    raise ValueError(f"no parser for {kind!r}")


def _mailbox_summary(data: bytes, file_name: str) -> Parsed:
    try:
        parts = split_mailbox(data)
    except ImportRefused as exc:
        return Parsed(ParseStatus.FAILED, file_name, {"messages": 0}, exc.message)
    problems = [f"message {p.index + 1}: {p.problem}" for p in parts if p.problem]
    record = {"messages": len(parts), "problems": problems}
    status = ParseStatus.PARTIAL if problems else ParseStatus.OK
    return Parsed(status, file_name, record, "; ".join(problems[:5]))


def _names_in(file_name: str) -> str:
    """Domain-like words in a file name ('verisign_cc_google.cc_registered.txt' → 'google.cc'): the query asked."""
    stem = re.sub(r"\.(txt|whois|log)$", "", file_name.rsplit("/", 1)[-1], flags=re.IGNORECASE)
    return " ".join(t for t in re.split(r"[_\s]+", stem) if "." in t.strip("."))
