"""Fed. R. Civ. P. 5.2: find personal data in what an exhibit shows, for counsel to confirm.

A filing may show only the last four digits of a social-security, taxpayer or
financial-account number and only the year of a birth date; spam headers carry
victims' e-mail addresses. This module proposes candidates with the replacement
5.2 allows; counsel confirm them, and the exhibit is rendered with the text
removed (``exhibits.render_exhibit(redactions=...)``). The original stays in the
bundle untouched. Screenshots are images: their pixels are not searched here.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from app.core.model import Item, ItemKind, MessageView

SSN = re.compile(r"\b(?!000|666|9\d\d)(\d{3})[- ](?!00)(\d{2})[- ](?!0000)(\d{4})\b")
LABELLED_SSN = re.compile(r"(?i)\b(?:ssn|social security(?: number| no\.?)?|tin|ein)\s*[:#]?\s*(\d{9})\b")
ACCOUNT = re.compile(
    r"(?i)\b(?:account|acct|a/c|card|routing|iban)\s*(?:number|no\.?|#)?\s*[:#]?\s*"
    r"([A-Z]{2}\d{2}[A-Z0-9 ]{10,30}[A-Z0-9]|\d[\d -]{6,22}\d)"
)
CARD = re.compile(r"\b(\d{4}[ -]?\d{4}[ -]?\d{4}[ -]?\d{1,7})\b")
DOB = re.compile(
    r"(?i)\b(?:date of birth|d\.?o\.?b\.?|birth ?date|born(?: on)?)\s*[:\-]?\s*"
    r"(\d{1,2}[/.-]\d{1,2}[/.-](\d{4}|\d{2})|(\d{4})-\d{2}-\d{2}|[A-Z][a-z]+\.? \d{1,2},? (\d{4}))"
)
EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
RECIPIENT_HEADERS = ("To", "Cc", "Bcc", "Delivered-To", "X-Original-To", "Envelope-To", "X-Rcpt-To")
RECEIVED_FOR = re.compile(r"(?i)\bfor\s+<?([A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+)>?")


@dataclass(frozen=True)
class Candidate:
    """A stretch of exhibit text that may be personal data under Rule 5.2."""

    item_id: int
    text: str
    replacement: str
    reason: str
    # What counsel see when deciding; not part of the identity (id, equality) of a candidate.
    kind: str = field(default="", compare=False)  # "SSN", "account number", "date of birth", ...
    context: str = field(default="", compare=False)  # the line around the text, as the exhibit shows it

    @property
    def id(self) -> str:
        """A short stable id counsel can type to confirm it (``evbundle redactions CASE confirm ID``)."""
        return hashlib.sha256(f"{self.item_id}\0{self.text}".encode()).hexdigest()[:10]


def _last_four(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    return "XXXX" + digits[-4:] if len(digits) > 4 else "XXXX"


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def exhibit_text(item: Item, original: bytes, message: MessageView | None = None) -> tuple[str, list[str]]:
    """The text an exhibit draws (body or raw response) and, for email, its recipient addresses;
    a message's text is read from ``message``, as its exhibit shows it."""
    if item.kind in (ItemKind.EMAIL, ItemKind.MAILBOX_MESSAGE):
        if message is None:
            raise ValueError("a message's text is read from its MessageView")
        recipients: list[str] = []
        for name in RECIPIENT_HEADERS:
            for value in message.all_of(name):
                recipients.extend(m.group(0) for m in EMAIL.finditer(value))
        for value in message.all_of("Received"):
            recipients.extend(m.group(1) for m in RECEIVED_FOR.finditer(value))
        headers = "\n".join(f"{k}: {v}" for k, v in message.headers)
        return headers + "\n" + message.body, recipients
    if item.kind is ItemKind.SCREENSHOT:
        return "", []
    if item.kind is ItemKind.WEB_CAPTURE:  # the face page's facts; the screenshot itself is an image
        from app.documents.capture_exhibit import face_rows

        return "\n".join(f"{k}: {v}" for k, v in face_rows(item.record or {}, item.metadata or {})), []
    return original.decode("utf-8", errors="replace"), []


CONTEXT_CHARS = 40  # shown on each side of a candidate, so counsel can judge it


def context_of(body: str, text: str, start: int = -1) -> str:
    """The candidate with up to ``CONTEXT_CHARS`` of its line on each side, on one line."""
    at = start if start >= 0 else body.find(text)
    if at < 0:
        return text
    line_start = body.rfind("\n", 0, at) + 1
    line_end = body.find("\n", at + len(text))
    line_end = len(body) if line_end < 0 else line_end
    left = max(line_start, at - CONTEXT_CHARS)
    right = min(line_end, at + len(text) + CONTEXT_CHARS)
    snippet = " ".join(body[left:right].split())
    return ("…" if left > line_start else "") + snippet + ("…" if right < line_end else "")


def _recipient_line(body: str, address: str) -> int:
    """Where the address first shows in a recipient header (To:, Cc: ...), else anywhere (-1)."""
    for name in RECIPIENT_HEADERS:
        line = body.find(f"{name}: ")
        while line >= 0:
            end = body.find("\n", line)
            at = body.find(address, line, len(body) if end < 0 else end)
            if at >= 0 and (line == 0 or body[line - 1] == "\n"):
                return at
            line = body.find(f"{name}: ", line + 1)
    return -1


def find_candidates(item: Item, original: bytes, message: MessageView | None = None) -> list[Candidate]:
    """Every candidate in one exhibit, each text once, in the order found."""
    body, recipients = exhibit_text(item, original, message)
    found: dict[str, Candidate] = {}

    def add(text: str, replacement: str, reason: str, kind: str, start: int = -1) -> None:
        stripped = text.strip()
        if stripped and stripped not in found:
            at = start + text.find(stripped) if start >= 0 else -1
            found[stripped] = Candidate(item.id, stripped, replacement, reason, kind,
                                        context_of(body, stripped, at))

    for m in SSN.finditer(body):
        add(m.group(0), f"XXX-XX-{m.group(3)}", "social-security number (5.2(a)(1): last four digits only)",
            "SSN", m.start(0))
    for m in LABELLED_SSN.finditer(body):
        add(m.group(1), _last_four(m.group(1)), "taxpayer-identification number (5.2(a)(1))",
            "SSN or TIN", m.start(1))
    for m in ACCOUNT.finditer(body):
        add(m.group(1), _last_four(m.group(1)), "financial-account number (5.2(a)(4): last four digits only)",
            "account number", m.start(1))
    for m in CARD.finditer(body):
        digits = re.sub(r"\D", "", m.group(1))
        if 13 <= len(digits) <= 19 and _luhn(digits):
            add(m.group(1), _last_four(digits), "payment-card number (5.2(a)(4): last four digits only)",
                "card number", m.start(1))
    for m in DOB.finditer(body):
        year = m.group(2) or m.group(3) or m.group(4) or ""
        add(m.group(1), year if len(year) == 4 else "[year of birth]", "date of birth (5.2(a)(2): year only)",
            "date of birth", m.start(1))
    for address in recipients:
        domain = address.rsplit("@", 1)[1]
        add(address, f"[redacted]@{domain}", "recipient (victim) e-mail address in the spam headers",
            "address in headers", _recipient_line(body, address))
    return list(found.values())
