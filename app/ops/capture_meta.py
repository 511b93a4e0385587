"""What a screenshot or spam sample needs besides its bytes: who captured it, where, when, with what; and its thumbnail.

Metadata is what the investigator says about an item (the URL shown, the
capture time, the tool), so it is edited, never parsed; every change goes
through CaseFile.update_metadata and lands in the custody log with its old
and new value. Thumbnails are derived data, cached in the user data
folder by the image's SHA-256, never stored in the case or the bundle.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.core.changes import Changes
from app.core.errors import EvidenceError
from app.core.files import write_atomic
from app.core.model import Item, ItemKind
from app.core.paths import user_data_dir
from app.sources.categories import CATEGORIES
from app.store import CaseFile

SCREENSHOT_FIELDS = ("url", "captured_at", "captured_by", "tool", "tool_version", "screen", "notes")
MAIL_FIELDS = ("category", "notes")
FIELD_LABELS = {
    "url": "URL shown", "captured_at": "Captured at (UTC)", "captured_by": "Captured by", "tool": "Tool",
    "tool_version": "Tool version", "screen": "Screen", "notes": "Notes", "category": "Category",
}


class MetadataRefused(EvidenceError):
    """A metadata value that cannot be recorded as given (a time without a zone, an unknown category)."""


def normalise_metadata(kind: ItemKind, changes: dict[str, Any]) -> dict[str, str]:
    """Check and normalise edited fields: trimmed, the capture time as UTC ISO 8601 with 'Z'.

    A URL is kept as typed: an investigator who writes a malicious site's address defanged
    (``hxxp://bad[.]example``) wants it printed that way, where no PDF reader makes it a live link."""
    allowed = SCREENSHOT_FIELDS if kind is ItemKind.SCREENSHOT else (*MAIL_FIELDS, "url")
    result: dict[str, str] = {}
    for key, value in changes.items():
        if key not in allowed:
            raise MetadataRefused(f"'{key}' is not a field of a {kind.label.lower()}",
                                  expected=", ".join(allowed), found=key)
        text = str(value if value is not None else "").strip()
        if key == "captured_at" and text:
            text = utc_iso(text)
        elif key == "category" and text and text not in CATEGORIES:
            raise MetadataRefused("unknown category", expected=", ".join(CATEGORIES), found=text)
        result[key] = text
    return result


def utc_iso(text: str) -> str:
    """A time with its zone as UTC ISO 8601 ('2026-11-28T12:00:00Z'); refuses a time whose zone is unknown."""
    value = text.strip().replace(" ", "T", 1) if "T" not in text else text.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise MetadataRefused("not a date and time", expected="ISO 8601, e.g. 2026-11-28T14:05:00Z",
                              found=text) from None
    if parsed.tzinfo is None:
        raise MetadataRefused("the capture time needs its time zone (add Z for UTC)",
                              expected="e.g. 2026-11-28T14:05:00Z", found=text)
    return parsed.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class MetadataEdited:
    """The item as it now reads."""

    item: Item
    changes: Changes


def edit_metadata(case: CaseFile, item_id: int, changes: dict[str, Any]) -> MetadataEdited:
    """Record the investigator's edits to an item; each changed field is logged with its old and new value."""
    before = case.item(item_id)
    after = case.update_metadata(item_id, normalise_metadata(before.kind, changes))
    return MetadataEdited(after, Changes.to_case(items=True) if after.metadata != before.metadata else Changes())


def now_utc() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def thumbnail_cache_dir() -> Path:
    return user_data_dir() / "thumbnails"


def thumbnail(case: CaseFile, item: Item, *, side: int | None = None, cache_dir: Path | None = None) -> Path:
    """The cached thumbnail PNG of a screenshot (or of a web capture's full-page screenshot), made on first
    use (derived data, outside the case).
    The image library loads on the first thumbnail made, not with the window."""
    from app.sources.thumbnails import THUMBNAIL_SIDE, make_thumbnail

    side = side or THUMBNAIL_SIDE
    if item.kind not in (ItemKind.SCREENSHOT, ItemKind.WEB_CAPTURE):
        raise EvidenceError(f"item {item.id} is not a screenshot")
    folder = cache_dir or thumbnail_cache_dir()
    target = folder / f"{item.sha256}-{side}.png"
    if target.is_file():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(target, make_thumbnail(case.read_object(item.sha256), side), durable=False)  # derived data
    return target
