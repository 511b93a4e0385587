"""Rule 5.2 redactions: list the candidates in a case's exhibits, confirm or withdraw them.

Confirmed redactions are stored in the case (with a custody entry that records a hash of
the text, never the personal data itself) and applied whenever exhibits are rendered;
the original evidence is never changed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from app.core import custody
from app.core.errors import CaseFileError
from app.documents.redaction import Candidate, find_candidates
from app.store import CaseFile


@dataclass(frozen=True)
class RedactionRow:
    """A candidate and whether counsel confirmed it."""

    candidate: Candidate
    exhibit_number: int | None
    confirmed: bool


def list_redactions(case: CaseFile) -> list[RedactionRow]:
    """Every candidate in every exhibit, in exhibit order, with confirmed ones marked."""
    confirmed = {(item_id, text) for item_id, text, _ in _confirmed_rows(case)}
    rows = []
    for number, item, _ in case.exhibits():
        for candidate in find_candidates(item, case.read_object(item.sha256)):
            rows.append(RedactionRow(candidate, number, (item.id, candidate.text) in confirmed))
    return rows


def _confirmed_rows(case: CaseFile) -> list[tuple[int, str, str]]:
    return [(int(r[0]), str(r[1]), str(r[2])) for r in case._conn().execute(
        "SELECT item_id, text, replacement FROM redactions ORDER BY item_id, id")]


def confirmed_redactions(case: CaseFile) -> dict[int, list[tuple[str, str]]]:
    """Item id -> the (text, replacement) pairs to remove from its rendered exhibit."""
    out: dict[int, list[tuple[str, str]]] = {}
    for item_id, text, replacement in _confirmed_rows(case):
        out.setdefault(item_id, []).append((text, replacement))
    return out


def _find(case: CaseFile, candidate_id: str) -> Candidate:
    matches = [r.candidate for r in list_redactions(case) if r.candidate.id.startswith(candidate_id)]
    if len(matches) != 1:
        raise CaseFileError("no single redaction candidate with that id"
                            if not matches else "more than one candidate starts with that id",
                            path=case.path, found=candidate_id)
    return matches[0]


def confirm_redaction(case: CaseFile, candidate_id: str) -> Candidate:
    """Confirm one candidate (by id or a unique prefix): its text is removed from the exhibit."""
    candidate = _find(case, candidate_id)
    with case.transaction() as tx:
        cursor = tx.execute(
            "INSERT OR IGNORE INTO redactions(item_id, text, replacement, reason, confirmed_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (candidate.item_id, candidate.text, candidate.replacement, candidate.reason, custody.utc_now()),
        )
        if cursor.rowcount:
            case._log(tx, "redaction-confirmed", item_id=candidate.item_id, details=_details(candidate))
    return candidate


def withdraw_redaction(case: CaseFile, candidate_id: str) -> Candidate:
    """Withdraw a confirmation: the text shows again in the rendered exhibit."""
    candidate = _find(case, candidate_id)
    with case.transaction() as tx:
        cursor = tx.execute("DELETE FROM redactions WHERE item_id = ? AND text = ?",
                            (candidate.item_id, candidate.text))
        if cursor.rowcount:
            case._log(tx, "redaction-withdrawn", item_id=candidate.item_id, details=_details(candidate))
    return candidate


def _details(candidate: Candidate) -> dict[str, str]:
    return {"candidate": candidate.id, "reason": candidate.reason,
            "text_sha256": hashlib.sha256(candidate.text.encode("utf-8")).hexdigest(),
            "replacement": candidate.replacement}
