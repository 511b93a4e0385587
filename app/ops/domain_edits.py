"""Taking domains out of the case, and putting them (or a domain's support links) back as they were.

The window's Domains page removes a domain listed by mistake (a typo, a victim's site, a domain
the review says no exhibit supports) and undoes that; its "Link to exhibit…" is
:func:`app.ops.support.add_support`, undone with :func:`put_support_decisions`. Each change is
one transaction with its custody entry, like every change to the case.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.core.changes import Changes
from app.core.model import Domain, SupportLink
from app.sources.domains import normalise_domain
from app.store import CaseFile

CHANGED = Changes.to_case(domains=True, paragraphs=True)  # the appendices and the declaration list them


@dataclass(frozen=True)
class DomainsRemoved:
    """The domains taken out, as they were (what undo puts back)."""

    domains: list[Domain]
    changes: Changes


def remove_domains(case: CaseFile, names: Iterable[str]) -> DomainsRemoved:
    """Take the named domains out of the case (any form: Unicode, ASCII, upper case); names the case
    does not list are ignored. Their records and support links stay in the case (evidence is never
    deleted), so putting a domain back restores its links too. Logged."""
    wanted = [normalise_domain(name).ascii for name in names]
    removed = case.remove_domains(wanted)
    return DomainsRemoved(removed, CHANGED if removed else Changes())


def restore_domains(case: CaseFile, domains: Sequence[Domain]) -> Changes:
    """Put domains taken out back as they were. Logged."""
    return CHANGED if case.restore_domains(domains) else Changes()


def support_decisions(case: CaseFile, domains: Iterable[str]) -> list[SupportLink]:
    """The user's stored support decisions about these domains (ASCII names)."""
    wanted = set(domains)
    return [link for link in case.support_decisions() if link.domain in wanted]


def put_support_decisions(case: CaseFile, domains: Iterable[str], wanted: Sequence[SupportLink]) -> Changes:
    """Make the stored support decisions about ``domains`` exactly ``wanted`` (undo and redo of a link
    added in the window). Logged, one entry per decision changed."""
    names = list(domains)
    current = support_decisions(case, names)
    key = _key
    goal = {key(link): link for link in wanted}
    stale = [link for link in current if key(link) not in goal]
    changed = [link for link in wanted if link not in current]
    if stale:
        case.forget_support_decisions(stale, action="support-link-removed")
    if changed:
        case.keep_support_decisions(changed, action="support-link-added")
    return Changes.to_case(paragraphs=True) if stale or changed else Changes()


def _key(link: SupportLink) -> tuple[str, str, int, int]:
    return (link.domain, link.how.value, link.item_id, link.party_id)
