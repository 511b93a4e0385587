"""The parties and counsel of a case: who is suing whom, and who signs for the plaintiff.

Each change is one change to the case with its custody entry (``party-added``,
``party-edited``, ``party-removed``, ``counsel-edited``). A case made before
parties were data names them in free text (``CaseInfo.plaintiff`` and
``defendants``); :func:`case_parties` reads those as parties until the user
enters them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from app.core.changes import Changes
from app.core.errors import EvidenceError
from app.core.model import Counsel, Party, PartyRole
from app.documents.parties_facts import parties_from_text
from app.store import CaseFile

__all__ = [
    "Counsel",
    "Party",
    "PartyChanged",
    "PartyRole",
    "add_party",
    "case_parties",
    "edit_party",
    "remove_party",
    "restore_parties",
    "set_counsel",
]

CHANGED = Changes.to_case(case=True)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class PartyRefused(EvidenceError):
    """A party or counsel entry that cannot be kept as given."""


@dataclass(frozen=True)
class PartyChanged:
    """The party as it now reads (None once removed)."""

    party: Party | None
    changes: Changes = CHANGED


def case_parties(case: CaseFile) -> list[Party]:
    """The parties in caption order; for an older case without any, those its free-text details name."""
    parties = case.parties()
    return parties if parties else parties_from_text(case.info())


def _checked(party: Party) -> Party:
    name = " ".join(party.name.split())
    if not name:
        raise PartyRefused("a party needs a name", found=repr(party.name))
    bad = [e for e in party.emails if not _EMAIL.match(e.strip())]
    if bad:
        raise PartyRefused("not an e-mail address", found=bad[0])
    return replace(party, name=name, entity_form=" ".join(party.entity_form.split()),
                   description=" ".join(party.description.split()),
                   aliases=_clean(party.aliases), emails=_clean(tuple(e.lower() for e in party.emails)),
                   organisations=_clean(party.organisations), addresses=_clean(party.addresses))


def _clean(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(" ".join(v.split()) for v in values if v.strip()))


def add_party(case: CaseFile, party: Party) -> PartyChanged:
    """Add a plaintiff or defendant at the end of its side of the caption."""
    return PartyChanged(case.add_party(_checked(party)))


def edit_party(case: CaseFile, party: Party) -> PartyChanged:
    """Replace a party's name, entity form, description and what the evidence may show of it."""
    return PartyChanged(case.update_party(_checked(party)))


def remove_party(case: CaseFile, party_id: int) -> PartyChanged:
    case.remove_party(party_id)
    return PartyChanged(None)


def restore_parties(case: CaseFile, parties: Sequence[Party], *, reordered: bool = False) -> Changes:
    """Make the case's parties exactly ``parties`` (ids and places kept): how the window undoes and
    redoes party changes, and puts them in a new caption order (``reordered``). One change, logged."""
    action = "parties-reordered" if reordered else "parties-restored"
    return CHANGED if case.restore_parties([_checked(p) for p in parties], action=action) else Changes()


@dataclass(frozen=True)
class CounselSet:
    counsel: Counsel
    changes: Changes = CHANGED


def set_counsel(case: CaseFile, counsel: Counsel) -> CounselSet:
    """Keep counsel's name, bar number, firm, address, phone and e-mail (what letters and orders print)."""
    if counsel.email.strip() and not _EMAIL.match(counsel.email.strip()):
        raise PartyRefused("counsel's e-mail is not an e-mail address", found=counsel.email)
    tidy = replace(counsel, name=" ".join(counsel.name.split()), email=counsel.email.strip(),
                   address=_clean(counsel.address))
    return CounselSet(case.set_counsel(tidy))
