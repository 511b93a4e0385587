"""The user's decisions on support links: links added with the declarant's note, derived links taken out.

Links derived from the evidence are not kept here (they are derived afresh at each render, as
the declaration's paragraphs are); a row records what only the user can say. Each change is
one transaction with its custody entry, which records the link and its note.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.core import custody
from app.core.model import SupportKind, SupportLink

from .connection import CaseConnection


class SupportStore(CaseConnection):
    """The part of the case file that keeps the user's support-link decisions."""

    def support_decisions(self) -> list[SupportLink]:
        """Every stored decision, as links (``derived`` False; ``removed`` for a link taken out)."""
        rows = self._conn().execute(
            "SELECT domain, how, item_id, party_id, note, removed FROM support_links"
            " ORDER BY domain, how, item_id, party_id")
        return [SupportLink(str(r[0]), SupportKind(r[1]), int(r[2]), int(r[3]), note=str(r[4]), derived=False,
                            removed=bool(r[5])) for r in rows]

    def keep_support_decisions(self, links: Sequence[SupportLink], *, action: str) -> None:
        """Store the decision on each link (its note, whether it is taken out) in one change; each
        link gets its custody entry, logged as ``action``."""
        with self._writing() as conn:
            for link in links:
                conn.execute(
                    "INSERT INTO support_links(domain, how, item_id, party_id, note, removed, changed_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(domain, how, item_id, party_id) DO UPDATE SET"
                    " note = excluded.note, removed = excluded.removed, changed_at = excluded.changed_at",
                    (link.domain, link.how.value, link.item_id, link.party_id, link.note, int(link.removed),
                     custody.utc_now()))
                self._log(conn, action, item_id=link.item_id or None, details=_details(link))

    def forget_support_decisions(self, links: Sequence[SupportLink], *, action: str) -> int:
        """Drop the decision on each link (a derived link comes back as derived; one the user added
        goes), in one change; returns how many there were."""
        gone = 0
        with self._writing() as conn:
            for link in links:
                if conn.execute(
                        "DELETE FROM support_links WHERE domain = ? AND how = ? AND item_id = ? AND party_id = ?",
                        (link.domain, link.how.value, link.item_id, link.party_id)).rowcount:
                    gone += 1
                    self._log(conn, action, item_id=link.item_id or None, details=_details(link))
        return gone


def _details(link: SupportLink) -> dict[str, object]:
    details: dict[str, object] = {"domain": link.domain, "how": link.how.value}
    if link.item_id:
        details["item"] = link.item_id
    if link.party_id:
        details["party"] = link.party_id
    if link.note:
        details["note"] = link.note
    return details
