"""The pre-filing review's problems (``app.core.model.Problem``), one a row, for the review dialog.

Each row says what the problem is about (its ``where``: a domain, "Exhibit 12", "the declarant")
before the sentence, and how to settle it in the window. The checks' sentences are shared with
the command line and may end with the command that settles it there ("('evbundle redactions CASE
confirm|dismiss 7794606aad')"); a user of the window is not sent to a terminal: that hint is cut
and the window's way is said instead, chosen by the problem's stable ``code``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QStyle

Index = QModelIndex | QPersistentModelIndex

# A command-line hint inside a check's sentence: "('evbundle details CASE ...')", "add one with
# 'evbundle parties CASE add plaintiff --name ...'", "confirm it and record it with 'domains CASE
# registry set norid'", "('--bundle-date')", with the words that lead into it.
_COMMAND = re.compile(
    r"[\s;,]*(?:(?:confirm it and )?record it with|add one with|decide it|with)?\s*"
    r"\(?'(?:evbundle |domains |--)[^']*'\)?")

DETAILS = "Edit → Case details…"
PARAGRAPH = "Documents: select the paragraph and edit its words"
LINK = "Domains: right-click the domain → Link to exhibit… (or Remove from case)"
DOMAIN_RECORD = "Domains: right-click the domain → Look up again, or Remove from case"
REGISTRY = "Domains: select a domain of this registry → Registry…"
LEAVE_OUT = "Exhibits: right-click the exhibit → Leave out of exhibits, or say why in a paragraph"

# code → how to settle it in the window
WINDOW_WAY: dict[str, str] = {
    "unsupported-domain": LINK,
    "claim-not-in-exhibit": "Documents: edit the paragraph that makes this claim (your words replace the "
                            "drafted ones), or Domains → Link to exhibit… with the declarant's own statement",
    "rule-5-2-undecided": "Documents → Rule 5.2 review: Redact or Keep",
    "prompt-not-replaced": PARAGRAPH,
    "paragraph-unconfirmed": "Documents: select the paragraph → Declarant confirms (once the declarant has read "
                             "it), or edit it to cite the exhibits",
    "placeholder": DETAILS,
    "qualifications-missing": DETAILS + " → Declarant → Qualifications",
    "declarant-missing": DETAILS,
    "no-plaintiff": DETAILS + " → Parties",
    "no-defendant": DETAILS + " → Parties",
    "no-entity-form": DETAILS + " → Parties",
    "date-contradiction": "Build with a later date of execution, or check the exhibit's dates",
    "registry-unconfirmed": REGISTRY,
    "registry-mismatch": REGISTRY,
    "duplicate": "Domains: right-click the duplicate → Remove from case",
    "lookalike": "Domains: make sure the name is meant, or Remove from case",
    "stale-record": "Domains: right-click the domain → Look up again",
    "entry-gap": "Documents: add a paragraph saying who kept the files between capture and import",
    "zone-operator-is-defendant": "Counsel decides; nothing to change in the case if the order stands as drafted",
    "exhibit-unreadable": LEAVE_OUT,
    "reply-without-record": LEAVE_OUT,
    "not-registered": DOMAIN_RECORD,
    "expired": DOMAIN_RECORD,
    "expires-before-hearing": DOMAIN_RECORD,
    "pending-delete": DOMAIN_RECORD,
    "on-hold": DOMAIN_RECORD,
    "not-checked": "Tools → Check domains are live…, or Domains → Look up",
    "appendix-b-parent-missing": "Add domains… (the parent domain)",
    "zone-operator-unnamed": DETAILS,
    "remedy-unknown": DETAILS,
    "redirect-without-sinkholes": DETAILS,
    "one-sinkhole": DETAILS,
    "sinkholes-unused": DETAILS,
    "sinkhole-not-a-host-name": DETAILS,
    "tro-expiry-too-long": DETAILS,
    "sealing-unsigned": DETAILS + " → Counsel",
    "counsel-incomplete": DETAILS + " → Counsel",
}


def without_command(message: str) -> str:
    """The sentence without the command-line hint it may carry."""
    return _COMMAND.sub("", message).strip().rstrip(":;,").strip()


def window_way(problem: Any) -> str:
    """How to settle ``problem`` in the window ("" when nothing more than Go there is known)."""
    way = WINDOW_WAY.get(str(problem.code), "")
    if way:
        return way
    target = str(getattr(problem, "target", "") or "")
    if target.startswith("domain:"):
        return DOMAIN_RECORD
    return DETAILS if target == "details" else ""


def problem_text(problem: Any) -> str:
    """The row's words: what it is about, the sentence, and the window's way to settle it."""
    where = str(getattr(problem, "where", "") or "").strip()
    sentence = without_command(str(problem.message))
    line = f"{where}: {sentence}" if where else sentence
    way = window_way(problem)
    return f"{line}\n    → {way}" if way else line


class ProblemsModel(QAbstractListModel):
    """The problems, one a row: an icon for how serious, where and what, the way to settle it."""

    def __init__(self, problems: Sequence[Any], style: QStyle, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.problems = list(problems)
        self._icons = {"blocking": style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical),
                       "warning": style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)}

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.problems)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.problems):
            return None
        problem = self.problems[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return problem_text(problem)
        if role == Qt.ItemDataRole.DecorationRole:
            return self._icons.get(problem.severity, self._icons["warning"])
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{'Blocks a final filing' if problem.severity == 'blocking' else 'Worth a look'} " \
                   f"({problem.code})"
        return None
