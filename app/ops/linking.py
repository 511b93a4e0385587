"""Which of the case's domains each spam sample advertises, and which advertised domains are not in the case yet.

This is what lets a declaration say "Exhibit 12 is a spam email advertising
pharmaceuticals at domain X, listed in Appendix A": the parsed record holds
the registrable domains a message links to (``record["domains"]``, from
href targets, text URLs, de-obfuscated and bare names, reduced through the
Public Suffix List); here they are matched against the case's domains,
both as registered names and as the exact hosts linked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app.core.model import Domain, Item, ItemKind
from app.store import CaseFile

if TYPE_CHECKING:
    from .intake import DomainReport


MAIL_KINDS = (ItemKind.EMAIL, ItemKind.MAILBOX_MESSAGE)


@dataclass(frozen=True)
class ItemLinks:
    """One message's links: the case domains it advertises, and the domains it advertises that the case lacks."""

    item_id: int
    exhibit_label: str
    subject: str
    advertised: list[str]  # registrable domains linked, in order of appearance
    in_case: list[str]  # the case's domains (A-labels) this message links to
    unknown: list[str]  # advertised registrable domains the case does not name
    mismatches: list[dict[str, Any]] = field(default_factory=list)  # links whose text names another host
    category: str = ""  # confirmed category (metadata), if any

    def as_json(self) -> dict[str, Any]:
        return {
            "item": self.item_id, "exhibit": self.exhibit_label or None, "subject": self.subject,
            "advertised": self.advertised, "in_case": self.in_case, "unknown": self.unknown,
            "mismatches": self.mismatches, "category": self.category or None,
        }


def links_of_item(item: Item, domains: Sequence[Domain]) -> ItemLinks:
    """Match one message's linked domains against the case's domains (pure: no case access)."""
    record = item.record or {}
    advertised = [str(d) for d in record.get("domains") or [] if d]
    hosts = {str(link.get("host") or "") for link in record.get("links") or [] if isinstance(link, dict)}
    by_registrable: dict[str, list[str]] = {}
    exact = {d.ascii for d in domains}
    for domain in domains:
        by_registrable.setdefault(domain.registrable, []).append(domain.ascii)
    in_case: list[str] = []
    unknown: list[str] = []
    for registrable in advertised:
        matches = [name for name in by_registrable.get(registrable, []) if name == registrable or name in hosts]
        if not matches and registrable in by_registrable:
            matches = by_registrable[registrable][:1]  # a listed subdomain of the same registration
        if matches:
            in_case.extend(m for m in matches if m not in in_case)
        else:
            unknown.append(registrable)
    in_case.extend(h for h in sorted(hosts & exact) if h not in in_case)
    return ItemLinks(
        item_id=item.id, exhibit_label=item.exhibit_label, subject=str(record.get("subject") or item.name),
        advertised=advertised, in_case=in_case, unknown=unknown,
        mismatches=[m for m in record.get("link_mismatches") or [] if isinstance(m, dict)],
        category=str(item.metadata.get("category") or ""),
    )


def spam_links(case: CaseFile, item_ids: Iterable[int] | None = None) -> list[ItemLinks]:
    """Every message's (or the given messages') links matched against the case's domains, in item order."""
    wanted = set(item_ids) if item_ids is not None else None
    domains = case.domains()
    result = []
    for kind in MAIL_KINDS:
        for item in case.items(kind):
            if wanted is None or item.id in wanted:
                result.append(links_of_item(item, domains))
    return sorted(result, key=lambda links: links.item_id)


def exhibit_domains(case: CaseFile) -> dict[int, list[str]]:
    """For the declaration: exhibit number → the case domains (Appendix A) that the spam exhibit advertises."""
    numbers = {item.id: item.exhibit_number for item in case.items() if item.exhibit_number is not None}
    return {numbers[links.item_id]: links.in_case for links in spam_links(case) if links.item_id in numbers}


def unknown_domains(case: CaseFile, item_ids: Iterable[int] | None = None) -> list[str]:
    """Registrable domains advertised by the spam but not yet in the case, de-duplicated in order."""
    found: list[str] = []
    for links in spam_links(case, item_ids):
        found.extend(d for d in links.unknown if d not in found)
    return found


def add_unknown_domains(case: CaseFile, item_ids: Iterable[int] | None = None) -> DomainReport:
    """Add the advertised domains the case lacks; the custody entry names the spam they came from."""
    from .intake import DomainReport, add_domains  # domain-list parsing: loaded only when domains are added

    wanted = list(item_ids) if item_ids is not None else None
    names = unknown_domains(case, wanted)
    if not names:
        return DomainReport(added=0, duplicates=0, problems=[])
    source = "spam links" if wanted is None else "spam links of item " + ", ".join(str(i) for i in wanted)
    return add_domains(case, "\n".join(names), source=source)
