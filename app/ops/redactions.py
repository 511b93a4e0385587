"""Rule 5.2 redactions: list the candidates in a case's exhibits; confirm, dismiss or withdraw them.

Confirmed redactions are stored in the case (with a custody entry that records a hash of
the text, never the personal data itself) and applied whenever exhibits are rendered;
the original evidence is never changed. A dismissed candidate (counsel judged it is not
personal data) stays in the exhibit and is recorded the same way, so the review shows
what was decided and the custody log shows who decided it when. Withdrawing undoes
either decision.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from app.core.changes import Changes
from app.core.errors import CaseFileError
from app.core.reporting import NULL_REPORTER, Reporter, check_cancelled
from app.documents.redaction import Candidate, find_candidates
from app.store import CaseFile
from app.store.paragraphs import Decision as Decision  # the decisions counsel make, for the front ends
from app.store.paragraphs import RedactionDecision

from .message_views import message_view


@dataclass(frozen=True)
class RedactionRow:
    """A candidate and whether counsel confirmed it."""

    candidate: Candidate
    exhibit_number: int | None
    confirmed: bool
    dismissed: bool = False

    @property
    def decision(self) -> str:
        """"confirmed", "dismissed" or "" (not yet decided)."""
        return "confirmed" if self.confirmed else ("dismissed" if self.dismissed else "")


def list_redactions(case: CaseFile, *, item_ids: Collection[int] | None = None,
                    reporter: Reporter = NULL_REPORTER) -> list[RedactionRow]:
    """Every candidate in every exhibit (or only in the exhibits of ``item_ids``), in exhibit
    order, with counsel's decisions marked; every exhibit's text is read, so it reports and stops
    between exhibits when asked."""
    confirmed = {(item_id, text) for item_id, text, _ in case.confirmed_redactions()}
    dismissed = case.dismissed_redactions()
    rows = []
    exhibits = case.exhibits()
    for index, (number, item, _) in enumerate(exhibits):
        check_cancelled(reporter)
        reporter.progress(index, len(exhibits), "Reading the exhibits")
        if item_ids is not None and item.id not in item_ids:
            continue
        original = case.read_object(item.sha256)
        for candidate in find_candidates(item, original, message_view(item, original)):
            key = (item.id, candidate.text)
            rows.append(RedactionRow(candidate, number, key in confirmed, key in dismissed and key not in confirmed))
    return rows


def all_confirmed_redactions(case: CaseFile) -> tuple[tuple[str, str], ...]:
    """Every confirmed (text, replacement), whichever exhibit it was found in: a text confirmed as
    personal data is removed from every document and exhibit filed (a subject quoted in the
    declaration, an attachment name in the index), not only from the exhibit where it was found."""
    return tuple(sorted({(text, replacement) for _, text, replacement in case.confirmed_redactions()}))


def confirmed_redactions(case: CaseFile) -> dict[int, list[tuple[str, str]]]:
    """Item id -> the (text, replacement) pairs to remove from its rendered exhibit."""
    out: dict[int, list[tuple[str, str]]] = {}
    for item_id, text, replacement in case.confirmed_redactions():
        out.setdefault(item_id, []).append((text, replacement))
    return out


def _find(case: CaseFile, candidate_ids: Sequence[str], item_ids: Collection[int] | None) -> list[Candidate]:
    """The candidates named by id (or a unique prefix), the exhibits' text searched once."""
    rows = list_redactions(case, item_ids=item_ids)
    found = []
    for candidate_id in candidate_ids:
        matches = [r.candidate for r in rows if r.candidate.id.startswith(candidate_id)]
        if len(matches) != 1:
            raise CaseFileError("no single redaction candidate with that id"
                                if not matches else "more than one candidate starts with that id",
                                path=case.path, found=candidate_id)
        found.append(matches[0])
    return found


@dataclass(frozen=True)
class Decided:
    """The candidates a decision was about, and whether anything changed."""

    candidates: list[Candidate]
    changes: Changes


def decide_redactions(case: CaseFile, candidate_ids: Sequence[str], decision: Decision, *,
                      item_ids: Collection[int] | None = None) -> Decided:
    """Store counsel's decision for each candidate (by id or a unique prefix), in one transaction:
    "confirm" (the text is removed from the rendered exhibit), "dismiss" (not personal data:
    it stays) or "withdraw" (undecided again). Each change gets its custody entry; a decision
    already stored changes nothing and logs nothing. ``item_ids`` limits the search for the
    ids to those exhibits (the GUI knows them: a large case is not searched whole)."""
    if decision not in ("confirm", "dismiss", "withdraw"):
        raise ValueError(f"unknown redaction decision {decision!r}")
    candidates = _find(case, candidate_ids, item_ids)
    changed = case.decide_redactions(
        [RedactionDecision(c.item_id, c.text, c.replacement, c.reason, _details(c)) for c in candidates],
        decision)
    return Decided(candidates, Changes.to_case(redactions=True) if changed else Changes())





def _details(candidate: Candidate) -> dict[str, str]:
    return {"candidate": candidate.id, "reason": candidate.reason,
            "text_sha256": hashlib.sha256(candidate.text.encode("utf-8")).hexdigest(),
            "replacement": candidate.replacement}
