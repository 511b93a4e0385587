"""Defanged URLs and hosts: the one place that reads ``hxxps://bad[.]example/x`` as the URL it stands for.

Investigators write malicious URLs defanged so that nobody clicks them by accident; the case keeps
what they typed, and everything that needs the host (the review, the declaration's drafting, the
collateral-damage flags) reads it through :func:`url_host`, which never raises.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_DEFANG = [
    (re.compile(r"h[xX]{2}p(s?)", re.IGNORECASE), r"http\1"),
    (re.compile(r"\[\s*(?:\.|dot)\s*\]|\(\s*(?:\.|dot)\s*\)|\{\s*(?:\.|dot)\s*\}", re.IGNORECASE), "."),
    (re.compile(r"\[:\]"), ":"),
    (re.compile(r"\[/\]"), "/"),
]


def refang(text: str) -> str:
    """Undo the usual defanging: hxxp://, [.], (.), {.}, [dot], [:], [/]."""
    for pattern, replacement in _DEFANG:
        text = pattern.sub(replacement, text)
    return text


def url_host(url: str) -> str:
    """The lower-case host of a URL as typed (defanged or not, with or without a scheme); "" when it has none
    or cannot be read (a malformed address is not an error here: it simply names no host)."""
    value = refang(url.strip())
    if not value:
        return ""
    if "//" not in value:
        value = "http://" + value
    try:
        return (urlsplit(value).hostname or "").rstrip(".").lower()
    except ValueError:
        return ""
