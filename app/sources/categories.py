"""What a spam sample is selling, suggested from its words; the investigator confirms.

A declaration groups the botnet's mail by what it advertised (Kelihos sent
pharmacy, pump-and-dump stock and fake anti-virus spam). These keyword
rules only *suggest* a category, with the words that matched so the user
can judge; the confirmed category is stored in the item's metadata, where
every change is logged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

CATEGORIES: dict[str, str] = {
    "pharma": "Pharmacy",
    "stock": "Stock scam",
    "fake-av": "Fake anti-virus",
    "malware": "Malware",
    "other": "Other",
}

_RULES: dict[str, tuple[str, ...]] = {
    "pharma": (
        "viagra", "cialis", "levitra", "pharmacy", "pharma", "pills?", "prescription", "rx", "meds",
        "medication", "erection", "erectile", "tramadol", "xanax", "valium", "phentermine", "weight loss",
        "generic drugs?", "canadian (?:drug|pharmacy)", "male enhancement", "penis", "dosage", "vicodin",
    ),
    "stock": (
        "stock", "shares?", "otc", "pink sheets", "ticker", "symbol", "investors?", "penny stock",
        "price target", "trading", "breakout", "market cap", "strong buy", "nasdaq", "press release",
        "gold", "bullion",
    ),
    "fake-av": (
        "antivirus", "anti-virus", "virus(?:es)? (?:detected|found)", "infected", "malware detected",
        "security alert", "norton", "mcafee", "scan your (?:pc|computer)", "spyware", "trojan",
        "your (?:pc|computer) is at risk", "subscription (?:expired|renewal)", "protection expired",
    ),
    "malware": (
        "invoice", "attached", "attachment", "document", "quotation", "quote", "payment", "receipt",
        "shipment", "delivery", "tracking", "fax", "scan", "remittance", "order",
    ),
}
_EXECUTABLE_ATTACHMENT = re.compile(r"\.(?:exe|scr|com|pif|bat|cmd|js|jse|vbs|vbe|wsf|hta|jar|lnk|iso|img|msi)$", re.I)
_ARCHIVE_OR_RISKY = ("zip", "rar", "7z", "iso", "x-msdownload", "x-executable", "ace", "cab")
# One pass over the text for every rule: each category is a named group, the match says which.
_WORDS = re.compile(
    r"\b(?:"
    + "|".join(f"(?P<{name.replace('-', '_')}>" + "|".join(words) + ")" for name, words in _RULES.items())
    + r")\b",
    re.IGNORECASE,
)


def _matches(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {name: [] for name in _RULES}
    for match in _WORDS.finditer(text):
        if match.lastgroup:
            found[match.lastgroup.replace("_", "-")].append(match.group(0).lower())
    return found


@dataclass(frozen=True)
class Suggestion:
    """A suggested category, the words that led to it, and whether anything matched at all."""

    category: str
    reasons: tuple[str, ...]

    @property
    def label(self) -> str:
        return CATEGORIES[self.category]


def suggest_category(record: dict[str, Any]) -> Suggestion:
    """Suggest pharma / stock / fake-av / malware / other for a parsed message record."""
    subject = str(record.get("subject") or "")
    body = str(record.get("text_body") or "")[:8_000]  # the pitch comes first; keeps a 10,000-message import fast
    attachments = record.get("attachments") or []
    risky = [
        str(a.get("name") or a.get("sniffed_type") or "attachment")
        for a in attachments
        if _EXECUTABLE_ATTACHMENT.search(str(a.get("name") or ""))
        or any(t in str(a.get("sniffed_type") or a.get("content_type") or "") for t in _ARCHIVE_OR_RISKY)
    ]
    scores: dict[str, float] = {}
    reasons: dict[str, list[str]] = {}
    in_subject, in_body = _matches(subject), _matches(body)
    for name in _RULES:
        words, body_words = in_subject[name], in_body[name]
        scores[name] = 3 * len(words) + len(body_words)
        reasons[name] = list(dict.fromkeys(words + body_words))[:5]
    if risky:
        scores["malware"] += 10
        reasons["malware"] = [f"attachment {n}" for n in risky[:3]] + reasons["malware"]
    else:
        scores["malware"] = 0  # lure words alone ("invoice", "order") are not malware without a payload
    best = max(scores, key=lambda n: scores[n])
    if scores[best] < 2:
        return Suggestion("other", ())
    return Suggestion(best, tuple(reasons[best]))


def category_label(category: str) -> str:
    """The words shown for a stored category id ('' when none)."""
    return CATEGORIES.get(category, category)
