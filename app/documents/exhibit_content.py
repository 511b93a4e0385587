"""What an exhibit's pages show, as plain sections: the one source for the exhibit PDF and for checks.

The PDF renderer (``exhibits``) draws these sections; the declaration's claims about an
exhibit are checked against :func:`exhibit_text` of the same sections, so a claim is
found in exactly what the court sees.

- **E-mail**: every header in the order the message carries them (the Received chain from
  the last hop to the first, Authentication-Results, Return-Path, Message-ID, Date...),
  the text part, the HTML part rendered as text with every link shown as
  ``[link text -> target host]`` (nothing loaded), and the attachments with their
  declared type, size and SHA-256 (listed, never opened).
- **Domain record**: registrar, registrant (as the reply gives it, and what it withholds),
  statuses, name servers, dates and DNSSEC under plain labels, then the raw reply.
- **Screenshot**: the image, then its capture details as recorded; the investigator's
  notes only when chosen for the filing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.core.model import ItemKind, MessageView
from app.documents.facts import sworn_metadata
from app.documents.inputs import ExhibitEntry
from app.documents.wording import text, utc_time

MAIL = (ItemKind.EMAIL, ItemKind.MAILBOX_MESSAGE)


@dataclass(frozen=True)
class Fields:
    """Labelled values in a two-column table."""

    heading: str
    rows: tuple[tuple[str, str], ...]
    label_width: float = 1.3  # inches


@dataclass(frozen=True)
class Text:
    """Text shown as it is, in the monospace font, long lines wrapped."""

    heading: str
    text: str


@dataclass(frozen=True)
class Picture:
    """The screenshot itself."""


Section = Fields | Text | Picture


def exhibit_sections(entry: ExhibitEntry, original: bytes, message: MessageView | None) -> list[Section]:
    """The exhibit's body, section by section (see the module docstring)."""
    kind = entry.item.kind
    if kind is ItemKind.SCREENSHOT:
        return [Picture(), Fields("Capture details, as recorded", tuple(_capture_rows(entry)))]
    if kind in MAIL:
        if message is None:
            raise ValueError("a message exhibit is rendered from its MessageView")
        return _email(entry, message)
    if kind is ItemKind.DOMAIN_RECORD:
        return _record(entry, original)
    return [Text("Content, as received", original.decode("utf-8", errors="backslashreplace"))]


def exhibit_text(entry: ExhibitEntry, original: bytes, message: MessageView | None) -> str:
    """Everything the exhibit prints as text, in order (its slip sheet's description first)."""
    lines = [entry.description]
    for section in exhibit_sections(entry, original, message):
        if isinstance(section, Fields):
            lines.append(section.heading)
            lines.extend(f"{label} {value}" for label, value in section.rows)
        elif isinstance(section, Text):
            lines.extend((section.heading, section.text))
    return "\n".join(lines)


def _capture_rows(entry: ExhibitEntry) -> list[tuple[str, str]]:
    meta = entry.item.metadata or {}
    rows = [
        ("URL", text(meta.get("url")) or "not recorded"),
        ("Captured at", utc_time(meta.get("captured_at")) or "not recorded"),
        ("Captured by", text(meta.get("captured_by")) or "not recorded"),
        ("Tool", " ".join(v for v in (text(meta.get("tool")), text(meta.get("tool_version"))) if v)
         or "not recorded"),
    ]
    for key, label in (("page_title", "Page title"), ("resolved_ip", "Resolved IP address"),
                       ("http_status", "HTTP status"), ("screen", "Screen")):
        if text(meta.get(key)):
            rows.append((label, text(meta.get(key))))
    rows.append(("SHA-256", entry.item.sha256))
    notes = sworn_metadata(meta).get("notes")
    if notes:  # the investigator's notes reach a filed exhibit only when chosen for it
        rows.append(("Notes", notes))
    return rows


def _email(entry: ExhibitEntry, message: MessageView) -> list[Section]:
    record = entry.item.record or {}
    if not message.parsed:
        return [Text("The message could not be split into headers and body; shown as received", message.body),
                Fields("File", (("SHA-256", entry.item.sha256),))]
    headers = tuple((name, " ".join(value.split()) or "(could not be decoded)") for name, value in message.headers)
    if message.outlook:
        summary = [(name, utc_time(value) if name == "Sent (UTC)" else text(value)) for name, value in message.summary]
        summary.append(("SHA-256", entry.item.sha256))
        sections: list[Section] = [
            Fields("Summary, read from the message's Outlook properties (an Outlook .msg file)", tuple(summary)),
            Fields("Internet headers Outlook kept with the message, in their order (the last hop's Received "
                   "header first)", headers, 1.75) if headers else
            Fields("Internet headers", (("None kept", "Outlook keeps the internet headers only of a message that "
                                         "came over the internet; this file has none"),), 1.75),
            Text("The message's text", message.body),
        ]
    else:
        summary = [(name, text(message.header(name))) for name in ("From", "Subject") if text(message.header(name))]
        if text(record.get("date_utc")):
            summary.append(("Date (UTC)", utc_time(record.get("date_utc"))))
        summary.append(("SHA-256", entry.item.sha256))
        sections = [
            Fields("Summary, read from the headers below", tuple(summary)),
            Fields("Message headers: all of them, in the order the message carries them (the last hop's Received "
                   "header first)", headers, 1.75),
            Text("The message's text (text/plain)", message.body),
        ]
    if message.html_text:
        sections.append(Text("The message's HTML version, rendered as text: nothing was loaded and no style "
                             "applied; each link is shown as [link text -> target host]", message.html_text))
    sections.append(Fields("Attachments (listed, not opened)", tuple(_attachment_rows(entry, message))
                           or (("None", ""),), 1.8))
    return sections


def _attachment_rows(entry: ExhibitEntry, message: MessageView) -> list[tuple[str, str]]:
    listed = (entry.item.record or {}).get("attachments")
    rows: list[tuple[str, str]] = []
    if isinstance(listed, list) and listed:
        for a in listed:
            if isinstance(a, Mapping):
                declared, sniffed = text(a.get("content_type")), text(a.get("sniffed_type"))
                kind = declared + (f" (content looks like {sniffed})" if sniffed and sniffed != declared else "")
                rows.append((text(a.get("filename") or a.get("name")) or "[unnamed]",
                             _attachment_value(kind, text(a.get("size")), text(a.get("sha256")))))
        return rows
    types = list(message.attachment_types) + [""] * len(message.attachments)
    for (name, size, sha), kind in zip(message.attachments, types):
        rows.append((text(name) or "[unnamed]", _attachment_value(kind, str(size), sha)))
    return rows


def _attachment_value(kind: str, size: str, sha256: str) -> str:
    parts = [f"type {kind}" if kind else "", f"{size} bytes" if size else "", f"SHA-256 {sha256}" if sha256 else ""]
    return ", ".join(p for p in parts if p)


_CONTACT_LABELS = {"name": "Name", "organization": "Organization", "street": "Street", "city": "City",
                   "state/province": "State or province", "postal code": "Postal code", "country": "Country",
                   "phone": "Phone", "email": "E-mail", "address": "Address"}


def _registrant(record: Mapping[str, Any]) -> str:
    registrant = record.get("registrant")
    given = []
    if isinstance(registrant, Mapping):
        given = [f"{_CONTACT_LABELS.get(str(k), str(k).capitalize())}: {text(v)}"
                 for k, v in registrant.items() if text(v)]
    withheld = [str(w) for w in record.get("registrant_redacted") or [] if str(w)]
    withheld += [text(r.get("name")) for r in record.get("redacted") or []
                 if isinstance(r, Mapping) and "registrant" in text(r.get("name")).lower()]
    value = "; ".join(given) or "not given in the reply"
    if record.get("registrant_proxy"):
        value += " (a privacy or proxy service)"
    if withheld:
        value += f"; withheld by the reply: {', '.join(dict.fromkeys(withheld))}"
    return value


def _join(values: Any) -> str:
    return ", ".join(text(v) for v in values if text(v)) if isinstance(values, (list, tuple)) else text(values)


def _record(entry: ExhibitEntry, original: bytes) -> list[Section]:
    record = entry.item.record or {}
    meta = entry.item.metadata or {}
    fmt = text(record.get("format")).lower()
    rows: list[tuple[str, str]] = []
    if fmt == "dns":
        rows.append(("Name queried", text(record.get("domain") or record.get("query"))))
        answers: Mapping[str, Any] = record.get("answers") or {}
        answers = answers if isinstance(answers, Mapping) else {}
        for rtype, values in sorted(answers.items()):
            rows.append((f"{rtype} records", _join(values) or "none"))
        codes = record.get("rcodes") if isinstance(record.get("rcodes"), Mapping) else {}
        if codes:
            rows.append(("Response codes", ", ".join(f"{k} {v}" for k, v in sorted(codes.items()))))
    else:
        lookup = record.get("lookup") if isinstance(record.get("lookup"), Mapping) else {}
        rows += [
            ("Domain", text(record.get("domain")) or "not given"),
            ("Registrar", text(record.get("registrar")) + (f" (IANA ID {text(record.get('registrar_iana_id'))})"
                                                          if text(record.get("registrar_iana_id")) else "")),
            ("Registrant, as given", _registrant(record)),
            ("Status", _join(record.get("status")) or "none listed"),
            ("Name servers", _join(record.get("name_servers")) or "none listed"),
            ("Created", text(record.get("created"))),
            ("Last updated", text(record.get("updated"))),
            ("Expires", text(record.get("expires"))),
            ("DNSSEC", text(record.get("dnssec"))),
            ("Registry domain ID", text(record.get("registry_domain_id") or record.get("handle"))),
            ("Database last updated", text(record.get("database_updated"))),
        ]
        if record.get("not_found") or record.get("error_code"):
            rows.insert(0, ("Reply", "the registry says the domain is not registered" if record.get("not_found")
                            else f"error {text(record.get('error_code'))}: {text(record.get('error_title'))}"))
        if lookup:
            rows.append(("Requested by the software", f"{text(lookup.get('final_url') or lookup.get('server'))}, "
                                                       f"{utc_time(lookup.get('queried_at'))}".strip(", ")))
    if not record.get("lookup") and (text(meta.get("server")) or text(meta.get("url"))):
        rows.append(("Source, as recorded", text(meta.get("url") or meta.get("server"))))
    rows.append(("Format", {"rdap": "RDAP (JSON)", "whois": "WHOIS (text)", "dns": "DNS"}.get(fmt, fmt or "unknown")))
    rows.append(("SHA-256", entry.item.sha256))
    raw = original.decode("utf-8", errors="backslashreplace")
    return [Fields("The record", tuple((k, v) for k, v in rows if v)), Text("Raw reply, as received", raw)]
