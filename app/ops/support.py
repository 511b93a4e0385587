"""Support links: for every domain the order lists, the exhibits that show it belongs there, and how.

Derived from the evidence at each call (``app.documents.support``); the user adds what the
evidence cannot show (the declarant's statement citing an exhibit, say "found in the
malware's configuration"), annotates a derived link, or takes a wrong one out. Each of
those decisions is kept in the case with its custody entry. The declaration is drafted
from these links and the pre-filing review blocks while a listed domain has none.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from app.core.changes import Changes
from app.core.errors import CaseFileError
from app.core.model import Domain, PartyRole, SupportKind, SupportLink
from app.documents.inputs import ExhibitEntry
from app.documents.support import derive_links, effective_links
from app.sources.domains import normalise_domain
from app.store import CaseFile

from .parties import case_parties

__all__ = [
    "DomainSupport", "SupportChanged", "SupportKind", "SupportLink", "add_support", "domain_support",
    "remove_support", "restore_support", "support_links",
]

CHANGED = Changes.to_case(paragraphs=True)  # the declaration is drafted from the links


def support_links(case: CaseFile) -> list[SupportLink]:
    """Every support link of the case: derived ones (with the user's notes and removals) and the user's own."""
    exhibits = [ExhibitEntry(n, item, d) for n, item, d in case.exhibits()]
    derived = derive_links(exhibits, case.domains(), case_parties(case))
    return effective_links(derived, case.support_decisions())


@dataclass(frozen=True)
class DomainSupport:
    """One listed domain and its links (taken-out ones included, flagged)."""

    domain: Domain
    links: tuple[SupportLink, ...]

    @property
    def supported(self) -> bool:
        """Whether at least one link that is not taken out cites an exhibit (display text is no support)."""
        return any(link.item_id and not link.removed and link.how.is_support for link in self.links)


def domain_support(case: CaseFile, links: Sequence[SupportLink] | None = None) -> list[DomainSupport]:
    """Each listed domain with its links, in the appendices' order (registered domains, then subdomains)."""
    links = support_links(case) if links is None else links
    by_domain: dict[str, list[SupportLink]] = {}
    for link in links:
        by_domain.setdefault(link.domain, []).append(link)
    domains = sorted(case.domains(), key=lambda d: (d.is_subdomain, d.registrable, d.ascii))
    return [DomainSupport(d, tuple(by_domain.get(d.ascii, ()))) for d in domains]


@dataclass(frozen=True)
class SupportChanged:
    """The links a change was about."""

    links: list[SupportLink]
    changes: Changes = CHANGED


def _domains(case: CaseFile, names: Iterable[str]) -> list[str]:
    listed = {d.ascii for d in case.domains()}
    out: list[str] = []
    for name in names:
        ascii_name = normalise_domain(name).ascii
        if ascii_name not in listed:
            raise CaseFileError("the case does not list that domain; add it first", path=case.path, found=name)
        if ascii_name not in out:
            out.append(ascii_name)
    return out


def _exhibit_item(case: CaseFile, item_id: int) -> None:
    if item_id and not any(item.id == item_id for _, item, _ in case.exhibits()):
        raise CaseFileError("that item is not an exhibit of the case", path=case.path, found=str(item_id))


def _defendant(case: CaseFile, party_id: int) -> None:
    if party_id and case.party(party_id).role is not PartyRole.DEFENDANT:
        raise CaseFileError("only a defendant can be tied to a domain", path=case.path, found=str(party_id))


def add_support(case: CaseFile, domains: Iterable[str], item_id: int, note: str, *,
                how: SupportKind = SupportKind.NOTE, party_id: int = 0) -> SupportChanged:
    """Link each domain to the exhibit of ``item_id`` with the declarant's ``note`` (the words the
    declaration prints after "it was", e.g. "found in the malware's configuration"), tying it to
    defendant ``party_id`` when given. On a derived link (same domain, how, exhibit, defendant) the
    note is added to it. Logged, one entry per link, in one change."""
    words = " ".join(note.split())
    if how is SupportKind.NOTE and not words:
        raise CaseFileError("a link of your own needs the declarant's statement (its note)", path=case.path)
    if not item_id:
        raise CaseFileError("a support link cites an exhibit", path=case.path)
    _exhibit_item(case, item_id)
    _defendant(case, party_id)
    links = [SupportLink(d, how, item_id, party_id, note=words, derived=False)
             for d in _domains(case, domains)]
    case.keep_support_decisions(links, action="support-link-added")
    return SupportChanged(links)


def _matching(case: CaseFile, domains: Iterable[str], how: SupportKind | None, item_id: int | None,
              party_id: int | None) -> list[SupportLink]:
    wanted = set(_domains(case, domains))
    found = [link for link in support_links(case) if link.domain in wanted
             and (how is None or link.how is how) and (item_id is None or link.item_id == item_id)
             and (party_id is None or link.party_id == party_id)]
    if not found:
        raise CaseFileError("no support link matches", path=case.path, found=", ".join(sorted(wanted)))
    return found


def remove_support(case: CaseFile, domains: Iterable[str], *, how: SupportKind | None = None,
                   item_id: int | None = None, party_id: int | None = None) -> SupportChanged:
    """Take out the matching links of each domain: a derived one stays on record as taken out, one
    the user added is dropped. Logged."""
    found = [link for link in _matching(case, domains, how, item_id, party_id) if not link.removed]
    derived = [replace(link, removed=True) for link in found if link.derived]
    added = [link for link in found if not link.derived]
    if derived:
        case.keep_support_decisions(derived, action="support-link-removed")
    if added:
        case.forget_support_decisions(added, action="support-link-removed")
    return SupportChanged(derived + added, CHANGED if found else Changes())


def restore_support(case: CaseFile, domains: Iterable[str], *, how: SupportKind | None = None,
                    item_id: int | None = None, party_id: int | None = None) -> SupportChanged:
    """Put back derived links that were taken out (their notes kept). Logged."""
    found = [replace(link, removed=False) for link in _matching(case, domains, how, item_id, party_id)
             if link.removed]
    if found:
        case.keep_support_decisions(found, action="support-link-restored")
    return SupportChanged(found, CHANGED if found else Changes())
