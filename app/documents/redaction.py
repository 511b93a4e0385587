"""Fed. R. Civ. P. 5.2: find personal data in what an exhibit shows, for counsel to confirm; remove it everywhere.

A filing may show only the last four digits of a social-security, taxpayer or
financial-account number and only the year of a birth date; spam headers carry
victims' e-mail addresses. This module proposes candidates with the replacement
5.2 allows (searching everything an exhibit prints: headers, text, the HTML part as
text, attachment names); counsel confirm them. A confirmed text is then removed from
every place it could be filed, by one pass each: :func:`redact_document` over the
format-neutral document model (body, caption, tables, headings and so bookmarks, title
and subject metadata) before either renderer draws it, and :func:`redact_entry` /
:func:`redact_message` over what an exhibit draws (slip sheet, face, body, attachment
names, PDF title). Every confirmed text is removed from every document, whichever
exhibit it was found in. The original stays in the bundle untouched. Screenshots are
images: their pixels are not searched here.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

from app.core.model import Item, ItemKind, MessageView
from app.documents import model as dm
from app.documents.inputs import ExhibitEntry

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
        attachments = "\n".join(name for name, _, _ in message.attachments if name)
        return "\n".join((headers, message.body, message.html_text, attachments)), recipients
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


# -- removing confirmed text everywhere --------------------------------------------------

Redactor = Callable[[str], str]


def no_redaction(value: str) -> str:
    return value


def redactor(redactions: Sequence[tuple[str, str]]) -> Redactor:
    """A function replacing each confirmed text by its replacement, longest text first."""
    pairs = sorted({p for p in redactions if p[0]}, key=lambda p: (-len(p[0]), p))
    if not pairs:
        return no_redaction

    def redact(value: str) -> str:
        for old, new in pairs:
            if old in value:
                value = value.replace(old, new)
        return value

    return redact


def _runs(runs: dm.Runs, redact: Redactor) -> dm.Runs:
    return tuple(replace(run, text=redact(run.text)) for run in runs)


def _lines(lines: Sequence[dm.CaptionLine], redact: Redactor) -> tuple[dm.CaptionLine, ...]:
    return tuple(replace(line, text=redact(line.text)) for line in lines)


def _block(block: dm.Block, redact: Redactor) -> dm.Block:
    if isinstance(block, (dm.Title, dm.NumberedParagraph, dm.Paragraph)):
        return replace(block, runs=_runs(block.runs, redact))
    if isinstance(block, dm.Caption):
        return replace(block, court_lines=tuple(redact(t) for t in block.court_lines),
                       division=redact(block.division), parties=_lines(block.parties, redact),
                       right=_lines(block.right, redact))
    if isinstance(block, dm.Heading):
        return replace(block, text=redact(block.text))
    if isinstance(block, dm.SignatureBlock):
        return replace(block, lines=tuple(redact(t) for t in block.lines))
    if isinstance(block, dm.AppendixTitle):
        return replace(block, text=redact(block.text))
    if isinstance(block, dm.RegistryGroup):
        return replace(block, title=redact(block.title), address=tuple(redact(t) for t in block.address),
                       note=redact(block.note),
                       domains=tuple(replace(d, ascii=redact(d.ascii), unicode=redact(d.unicode))
                                     for d in block.domains))
    if isinstance(block, dm.Table):
        return replace(block, header=tuple(redact(t) for t in block.header), title=redact(block.title),
                       rows=tuple(tuple(redact(t) for t in row) for row in block.rows))
    return block


def redact_document(document: dm.Document, redactions: Sequence[tuple[str, str]]) -> dm.Document:
    """The document with every confirmed text replaced in every block and in its metadata (title,
    subject, author): what both renderers then draw, bookmarks included (they are block text)."""
    redact = redactor(redactions)
    if redact is no_redaction:
        return document
    info = replace(document.info, title=redact(document.info.title), subject=redact(document.info.subject),
                   author=redact(document.info.author))
    return dm.Document(info, tuple(_block(b, redact) for b in document.blocks))


def redact_value(value: Any, redact: Redactor) -> Any:
    """Every string in a parsed record or metadata (nested lists and dicts) with confirmed text replaced."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, Mapping):
        return {k: redact_value(v, redact) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(redact_value(v, redact) for v in value)
    return value


def redact_item(item: Item, redact: Redactor) -> Item:
    """The item as documents may print it: name, original file name, record and metadata redacted
    (the evidence itself, its hashes and its stored record are untouched)."""
    if redact is no_redaction:
        return item
    return replace(item, name=redact(item.name), original_name=redact(item.original_name),
                   record=redact_value(item.record, redact), metadata=redact_value(item.metadata, redact),
                   parse_error=redact(item.parse_error))


def redact_entry(entry: ExhibitEntry, redact: Redactor) -> ExhibitEntry:
    """An exhibit as filed: its description (slip sheet, index, PDF title) and item redacted."""
    if redact is no_redaction:
        return entry
    return replace(entry, item=redact_item(entry.item, redact), description=redact(entry.description))


def removed_words(reason: str) -> str:
    """What a confirmed redaction took out, as the declaration and certification say it ("the recipient's
    e-mail address", "the social-security number"), from the reason recorded with it."""
    if reason.startswith("recipient"):
        return "the recipient's e-mail address"
    return "the " + reason.split(" (", 1)[0].strip()


def redact_message(message: MessageView, redact: Redactor) -> MessageView:
    """What a message exhibit draws, redacted: headers, text, HTML as text, links, attachment names."""
    if redact is no_redaction:
        return message
    values = {f.name: redact_value(getattr(message, f.name), redact) for f in fields(message)
              if f.name not in ("parsed", "attachments")}
    attachments = tuple((redact(name), size, sha) for name, size, sha in message.attachments)
    return MessageView(parsed=message.parsed, attachments=attachments, **values)


def filed_document(document: dm.Document, redactions: Sequence[tuple[str, str]], *, draft: bool) -> dm.Document:
    """The document as it is filed: the Rule 5.2 pass over the model and, for a draft, the DRAFT mark.
    Every document of the filing set goes through here before either renderer sees it."""
    document = redact_document(document, redactions)
    return replace(document, info=replace(document.info, draft=True)) if draft else document
