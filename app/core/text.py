"""Text that can be stored: what a parser or a file name hands over may hold lone surrogates.

Python keeps undecodable bytes as lone surrogates: a file name that is not UTF-8 on Linux
(``spam-\\udce9.eml``), a raw 8-bit header in a parser's defect text, a JSON ``"\\ud800"``. SQLite and
JSON-as-UTF-8 cannot hold them, and writing one raised ``UnicodeEncodeError`` mid-import. These
functions make such text storable and still exact to a reader: an escaped byte shows as ``\\xe9``,
any other lone surrogate as ``\\ud800``. Evidence bytes never pass through here; only the names and
descriptions derived from them.
"""

from __future__ import annotations

import re
from typing import Any

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def storable(text: str) -> str:
    """``text`` with each lone surrogate written as an escape (unchanged when it has none)."""
    if text.isascii():
        return text
    return _LONE_SURROGATE.sub(_escaped, text)


def storable_value(value: Any) -> Any:
    """A JSON-like value (dicts, lists, strings, numbers) with every string and key :func:`storable`."""
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, dict):
        return {storable_value(k): storable_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [storable_value(v) for v in value]
    return value


def file_slug(name: str, limit: int = 60, fallback: str = "registry") -> str:
    """``name`` as a file-name part that e-filing upload tools accept: ASCII only (accents folded:
    "Française" → "francaise"), lower case, words joined by hyphens, cut at most ``limit`` characters
    at a word's end, never mid-word ("…-en-cooperation", not "…-en-coopératio")."""
    import unicodedata

    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    if len(slug) > limit:
        cut = slug[:limit + 1]
        slug = cut[:cut.rfind("-")] if "-" in cut else slug[:limit]
    return slug.strip("-") or fallback
