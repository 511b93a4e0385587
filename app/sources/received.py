"""The Date header and the Received chain, read as found: a bad date is shown, never invented.

Each Received header becomes a hop (from, by, IP, time); the Date header
is kept verbatim and converted to UTC only when both the date and its zone
can be read (RFC 5322 "-0000" means UTC with the local zone unknown).
"""

from __future__ import annotations

import re
from datetime import UTC
from email.utils import parsedate_to_datetime

_IP = re.compile(r"\[?((?:\d{1,3}\.){3}\d{1,3}|IPv6:[0-9a-fA-F:]+|[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{0,4}){2,7})\]?")
_ZONE = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?\s*(?:[+-]\d{2,4}\b|\(?(?:UT|UTC|GMT|Z|[ECMP][SD]T)\b)", re.IGNORECASE)


def date_fields(found: str, defects: list[str]) -> dict[str, str]:
    """The Date header as found, plus UTC ISO 8601 only when the date and its zone can be read."""
    result = {"date": found, "date_utc": ""}
    if not found:
        return result
    try:
        parsed = parsedate_to_datetime(found)
    except (TypeError, ValueError, IndexError, OverflowError):
        defects.append("Date header cannot be read as a date")
        return result
    if parsed.tzinfo is None and not _ZONE.search(found):
        defects.append("Date header has no time zone")
        return result
    if parsed.tzinfo is None:  # "-0000": UTC, local zone unknown (RFC 5322)
        parsed = parsed.replace(tzinfo=UTC)
    result["date_utc"] = parsed.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return result


def received_hop(value: str) -> dict[str, str]:
    """One Received header as a hop: from, by, IP and time, as found."""
    text = re.sub(r"\s+", " ", value).strip()
    head, _, when = text.rpartition(";")
    if not head:
        head, when = text, ""
    from_match = re.match(r"from\s+(\S+)", head, re.IGNORECASE)
    by_match = re.search(r"\bby\s+([^\s;()]+)", head, re.IGNORECASE)
    from_part = head[: by_match.start()] if by_match else head
    ip_match = _IP.search(from_part)
    return {
        "from": from_match.group(1) if from_match else "",
        "by": by_match.group(1) if by_match else "",
        "ip": ip_match.group(1) if ip_match else "",
        "time": when.strip(),
        "raw": text[:2000],
    }
