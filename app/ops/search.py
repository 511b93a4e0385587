"""Search across all of a case's evidence: names, subjects, senders, domains, URLs and hashes.

One box for "where is that message from the pharmacy spammer?", "which exhibit has this
hash?" or "do we have anything on c2-example.net?". Text is matched case-insensitively
anywhere in the fields below (invisible characters ignored, a defanged ``hxxp://bad[.]com``
found as ``bad.com``); a run of 8 or more hex digits also matches the start of a SHA-256.
Items are read through the store once; domains by the store's indexed filter, so a
million-domain case answers in milliseconds. Read-only: nothing is logged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from app.core.model import Item
from app.core.reporting import NULL_REPORTER, Reporter, check_cancelled
from app.store import CaseFile

HEX = re.compile(r"[0-9a-f]{8,64}")
DEFANG = (("hxxp", "http"), ("[.]", "."), ("(.)", "."), ("{.}", "."), ("[:]", ":"))


@dataclass(frozen=True)
class Hit:
    """One thing that matched: what it is, what it is called, where the text was found, and where
    the window shows it (``where``: "item:<id>" or "domain:<ascii name>")."""

    kind: str  # "Screenshot", "Email", "Domain"…
    label: str  # "Exhibit 4", or "" when it is not an exhibit
    name: str
    field: str  # "subject", "sender", "URL", "SHA-256"…
    text: str  # the matching value as stored, from a little before the match
    where: str


def _fields(item: Item) -> list[tuple[str, Any]]:
    record, metadata = item.record or {}, item.metadata or {}
    return [  # the most telling first: the first field that matches is the one shown
        ("subject", record.get("subject")), ("sender", record.get("from")), ("reply-to", record.get("reply_to")),
        ("recipient", record.get("to")), ("URL", metadata.get("url")), ("domains", record.get("domains")),
        ("links", record.get("urls")), ("domain", record.get("domain") or record.get("query")),
        ("notes", metadata.get("notes")), ("captured by", metadata.get("captured_by")),
        ("Message-ID", record.get("message_id")), ("name", item.name), ("file name", item.original_name),
    ]


def _flat(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(_flat(v) for v in value)
    return str(value)


def _plain(text: str) -> str:
    """Lower case, defanged forms refanged, invisible format characters dropped."""
    text = "".join(ch for ch in text.lower() if ch not in "\u200b\u200c\u200d\u2060\ufeff")
    for fanged, plain in DEFANG:
        text = text.replace(fanged, plain)
    return text


def _around(text: str, at: int, before: int = 30) -> str:
    """The text from a little before the match (a long note or list is shown where it matched)."""
    return text if at <= before else "…" + text[at - before:]


def search_evidence(case: CaseFile, text: str, *, limit: int = 500,
                    reporter: Reporter = NULL_REPORTER) -> list[Hit]:
    """Everything in the case that matches ``text``: items first (in exhibit order), then domains."""
    wanted = _plain(text.strip())
    if not wanted:
        return []
    hits: list[Hit] = []
    items = sorted(case.items(), key=lambda i: (i.exhibit_number is None, i.exhibit_number or 0, i.id))
    for index, item in enumerate(items):
        if index % 200 == 0:
            check_cancelled(reporter)
        kind = item.kind.label
        if HEX.fullmatch(wanted) and (item.sha256.startswith(wanted) or item.sha512.startswith(wanted)):
            hits.append(Hit(kind, item.exhibit_label, item.name, "SHA-256", item.sha256, f"item:{item.id}"))
            continue
        for field, value in _fields(item):
            shown = _flat(value)
            at = _plain(shown).find(wanted) if shown else -1
            if at >= 0:
                hits.append(Hit(kind, item.exhibit_label, item.name, field, _around(shown, at), f"item:{item.id}"))
                break
        if len(hits) >= limit:
            return hits
    name = wanted.split("://", 1)[-1].split("/", 1)[0]  # a URL's host is what the domains hold
    ids = list(case.domain_ids(text=name, order="domain", record_statuses=dict, unconfirmed_registries=set,
                               reporter=reporter)[: max(0, limit - len(hits))])
    domains = case.domains_by_id(ids)
    for domain in (domains[i] for i in ids if i in domains):
        hits.append(Hit("Domain", "", domain.unicode or domain.ascii, "domain", domain.ascii,
                        f"domain:{domain.ascii}"))
    return hits
