"""Counsel's edits to the drafted declaration, and the Rule 5.2 decisions on exhibits' personal data.

Paragraphs are drafted afresh from the evidence at every render; what is
kept here is only what counsel changed (words, place, left out), each change
with its custody entry. Redaction decisions record the text (which the
custody log never does: it keeps the text's hash) so that rendering can
remove it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from app.core import custody
from app.core.model import ParagraphEdit

from .connection import CaseConnection

ADDED_PREFIX = "added:"  # the key of a paragraph counsel wrote (drafted ones are named by the draft)


@dataclass(frozen=True)
class RedactionDecision:
    """Counsel's decision on one piece of text in one exhibit, with what the custody log records of it."""

    item_id: int
    text: str
    replacement: str
    reason: str
    log_details: dict[str, Any]


Decision = Literal["confirm", "dismiss", "withdraw"]
_ACTIONS = {"confirm": "redaction-confirmed", "dismiss": "redaction-dismissed", "withdraw": "redaction-withdrawn"}


class ParagraphStore(CaseConnection):
    """The part of the case file that keeps counsel's paragraph edits and redaction decisions."""

    def paragraph_edits(self) -> list[ParagraphEdit]:
        rows = self._conn().execute("SELECT key, section, position, text, removed FROM paragraphs ORDER BY key")
        return [ParagraphEdit(r[0], r[1], int(r[2]), r[3], bool(r[4])) for r in rows]

    def save_paragraph(self, paragraph: ParagraphEdit, *, action: str, details: dict[str, Any]) -> None:
        """Keep counsel's version of one paragraph; logged as ``action``."""
        with self._writing() as conn:
            _store(conn, paragraph)
            self._log(conn, action, details=details)

    def place_paragraphs(self, paragraphs: Sequence[ParagraphEdit], *, details: dict[str, Any]) -> None:
        """Keep several paragraphs' new places in one change, logged once as a move."""
        with self._writing() as conn:
            for paragraph in paragraphs:
                _store(conn, paragraph)
            self._log(conn, "paragraph-moved", details=details)

    def forget_paragraph(self, key: str) -> bool:
        """Drop counsel's version (the drafted words and place come back); False when there was none."""
        with self._writing() as conn:
            if not conn.execute("DELETE FROM paragraphs WHERE key = ?", (key,)).rowcount:
                return False
            self._log(conn, "paragraph-reset", details={"key": key})
            return True

    def add_paragraph(self, section: str, text: str) -> str:
        """Counsel's own paragraph, placed at the end of ``section``; returns its key."""
        with self._writing() as conn:
            number = conn.execute(
                "SELECT COUNT(*) FROM paragraphs WHERE key LIKE ?", (ADDED_PREFIX + "%",)).fetchone()[0] + 1
            while conn.execute("SELECT 1 FROM paragraphs WHERE key = ?", (f"{ADDED_PREFIX}{number}",)).fetchone():
                number += 1
            key = f"{ADDED_PREFIX}{number}"
            conn.execute("INSERT INTO paragraphs(key, section, position, text, removed) VALUES (?, ?, ?, ?, 0)",
                         (key, section, 10**9, text))
            self._log(conn, "paragraph-added", details={"key": key, "section": section, "text": text})
        return key

    def restore_paragraph_edits(self, edits: Sequence[ParagraphEdit], keys: Sequence[str]) -> list[str]:
        """Make counsel's versions of the paragraphs ``keys`` exactly ``edits`` (a key without an edit
        goes back to its draft, or away if counsel added it): what undo and redo put back. One change,
        logged once with the keys that changed; returns them."""
        wanted = {e.key: e for e in edits}
        changed: list[str] = []
        with self._writing() as conn:
            current = {e.key: e for e in self.paragraph_edits() if e.key in set(keys) | set(wanted)}
            for key in sorted(set(keys) | set(wanted)):
                if current.get(key) == wanted.get(key):
                    continue
                changed.append(key)
                if key in wanted:
                    _store(conn, wanted[key])
                else:
                    conn.execute("DELETE FROM paragraphs WHERE key = ?", (key,))
            if changed:
                self._log(conn, "paragraphs-restored", details={"keys": changed})
        return changed

    def paragraph_confirmations(self) -> dict[str, str]:
        """Paragraph key -> SHA-256 of the words the declarant confirmed."""
        return {str(r[0]): str(r[1]) for r in self._conn().execute(
            "SELECT key, text_sha256 FROM paragraph_confirmations ORDER BY key")}

    def confirm_paragraph(self, key: str, text_sha256: str, *, by: str) -> None:
        """Record that ``by`` (the declarant) confirmed the words of paragraph ``key`` whose SHA-256 is
        ``text_sha256``; logged with the key and that hash."""
        with self._writing() as conn:
            conn.execute(
                "INSERT INTO paragraph_confirmations(key, text_sha256, confirmed_by, confirmed_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET text_sha256 = excluded.text_sha256,"
                " confirmed_by = excluded.confirmed_by, confirmed_at = excluded.confirmed_at",
                (key, text_sha256, by, custody.utc_now()))
            self._log(conn, "paragraph-confirmed", details={"key": key, "text_sha256": text_sha256, "by": by})

    def withdraw_paragraph_confirmation(self, key: str) -> bool:
        """Forget the declarant's confirmation of paragraph ``key`` (an undone confirmation); logged. False
        when there was none."""
        with self._writing() as conn:
            gone = conn.execute("DELETE FROM paragraph_confirmations WHERE key = ?", (key,)).rowcount > 0
            if gone:
                self._log(conn, "paragraph-confirmation-withdrawn", details={"key": key})
        return gone

    # -- Rule 5.2 ----------------------------------------------------------------------------

    def confirmed_redactions(self) -> list[tuple[int, str, str]]:
        """(item id, text, replacement) of every confirmed redaction, by item."""
        return [(int(r[0]), str(r[1]), str(r[2])) for r in self._conn().execute(
            "SELECT item_id, text, replacement FROM redactions ORDER BY item_id, id")]

    def redaction_reasons(self) -> dict[int, list[str]]:
        """Item id -> the reasons recorded with its confirmed redactions, each once, in the order confirmed."""
        out: dict[int, list[str]] = {}
        for item_id, reason in self._conn().execute("SELECT item_id, reason FROM redactions ORDER BY item_id, id"):
            if str(reason) not in out.setdefault(int(item_id), []):
                out[int(item_id)].append(str(reason))
        return out

    def dismissed_redactions(self) -> set[tuple[int, str]]:
        """(item id, text) of every candidate counsel dismissed."""
        return {(int(r[0]), str(r[1])) for r in self._conn().execute(
            "SELECT item_id, text FROM redaction_dismissals")}

    def decide_redactions(self, decisions: Sequence[RedactionDecision], decision: Decision) -> int:
        """Store one decision for each piece of text, in one change: "confirm" (removed from the
        rendered exhibit), "dismiss" (stays) or "withdraw" (undecided again). Each change gets its
        custody entry; a decision already stored changes nothing and logs nothing. Returns how many
        changed."""
        changes = 0
        with self._writing() as conn:
            for d in decisions:
                key = (d.item_id, d.text)
                removed = conn.execute("DELETE FROM redactions WHERE item_id = ? AND text = ?", key).rowcount \
                    if decision != "confirm" else 0
                undismissed = conn.execute("DELETE FROM redaction_dismissals WHERE item_id = ? AND text = ?",
                                           key).rowcount if decision != "dismiss" else 0
                added = 0
                if decision == "confirm":
                    added = conn.execute(
                        "INSERT OR IGNORE INTO redactions(item_id, text, replacement, reason, confirmed_at)"
                        " VALUES (?, ?, ?, ?, ?)",
                        (*key, d.replacement, d.reason, custody.utc_now())).rowcount
                elif decision == "dismiss":
                    added = conn.execute(
                        "INSERT OR IGNORE INTO redaction_dismissals(item_id, text, dismissed_at) VALUES (?, ?, ?)",
                        (*key, custody.utc_now())).rowcount
                changed = (removed or undismissed) if decision == "withdraw" else (added or removed)
                if changed:
                    changes += 1
                    self._log(conn, _ACTIONS[decision], item_id=d.item_id, details=d.log_details)
        return changes


def _store(conn: sqlite3.Connection, p: ParagraphEdit) -> None:
    conn.execute(
        "INSERT INTO paragraphs(key, section, position, text, removed) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT(key) DO UPDATE SET section = excluded.section, position = excluded.position,"
        " text = excluded.text, removed = excluded.removed",
        (p.key, p.section, p.position, p.text, int(p.removed)),
    )
