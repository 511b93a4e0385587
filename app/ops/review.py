"""The pre-filing review: what should be settled before a case is built or exported for filing.

Each :class:`Problem` says how serious it is ("blocking": a filing would be wrong or would
expose personal data; "warning": worth a look), a stable code, one plain sentence, and where
in the window it can be fixed (``where``: "details", "domain:<name>", "item:<id>",
"paragraph:<key>", "redaction:<id>", or "" for nowhere in particular).

This is the window's first version, with one check (Rule 5.2 candidates nobody has decided);
the full review (issue 13) replaces it behind the same two names.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.store import CaseFile

__all__ = ["Problem", "review_case"]


@dataclass(frozen=True)
class Problem:
    """One thing to settle before filing."""

    severity: str  # "blocking" | "warning"
    code: str  # stable, e.g. "redaction-undecided"
    message: str  # one plain sentence
    # what "go there" opens: "details", "domain:<name>", "item:<id>", "paragraph:<key>", "redaction:<id>", ""
    where: str


def review_case(case: CaseFile) -> list[Problem]:
    """Every problem found, blocking ones first."""
    from app.ops.redactions import list_redactions  # reads every exhibit's text: only when asked

    problems = [
        Problem("blocking", "redaction-undecided",
                f"Exhibit {row.exhibit_number}: a possible {row.candidate.kind or row.candidate.reason} "
                f"(redacted, it would read {row.candidate.replacement}) is neither redacted nor kept yet "
                "(Rule 5.2).",
                f"redaction:{row.candidate.id}")
        for row in list_redactions(case) if not row.decision
    ]
    return sorted(problems, key=lambda p: p.severity != "blocking")
