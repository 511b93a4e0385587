"""The case's parties (plaintiffs and defendants) and its counsel, each change logged with old and new values."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, fields, replace
from typing import Any

from app.core.errors import CaseFileError
from app.core.model import Counsel, Party, PartyRole

from .connection import CaseConnection, dump

_LIST_FIELDS = ("aliases", "emails", "organisations", "addresses")


class PartyStore(CaseConnection):
    """The part of the case file that names the parties and counsel."""

    def parties(self, role: PartyRole | None = None) -> list[Party]:
        """The parties in caption order: plaintiffs first, then defendants (or one side only)."""
        sql = "SELECT id, role, position, data FROM parties"
        args: tuple[str, ...] = ()
        if role is not None:
            sql += " WHERE role = ?"
            args = (role.value,)
        rows = self._conn().execute(sql + " ORDER BY role = 'defendant', position, id", args)
        return [_party(row) for row in rows]

    def party(self, party_id: int) -> Party:
        row = self._conn().execute("SELECT id, role, position, data FROM parties WHERE id = ?",
                                   (party_id,)).fetchone()
        if row is None:
            raise CaseFileError(f"no party {party_id} in this case", path=self.path)
        return _party(row)

    def add_party(self, party: Party) -> Party:
        """Add a party at the end of its side of the caption; logged."""
        with self._writing() as conn:
            position = conn.execute("SELECT COALESCE(MAX(position), 0) + 1 FROM parties WHERE role = ?",
                                    (party.role.value,)).fetchone()[0]
            cursor = conn.execute("INSERT INTO parties(role, position, data) VALUES (?, ?, ?)",
                                  (party.role.value, position, dump(_data(party))))
            added = replace(party, id=int(cursor.lastrowid or 0), position=int(position))
            self._log(conn, "party-added", details={"party": added.id, **_data(added)})
        return added

    def update_party(self, party: Party) -> Party:
        """Replace a party's facts (its side and place stay); logged with the fields that changed."""
        with self._writing() as conn:
            old = self.party(party.id)
            new = replace(party, role=old.role, position=old.position)
            diff = {k: {"old": v, "new": _data(new)[k]} for k, v in _data(old).items() if _data(new)[k] != v}
            if diff:
                conn.execute("UPDATE parties SET data = ? WHERE id = ?", (dump(_data(new)), party.id))
                self._log(conn, "party-edited", details={"party": party.id, **diff})
        return new

    def remove_party(self, party_id: int) -> None:
        with self._writing() as conn:
            old = self.party(party_id)
            conn.execute("DELETE FROM parties WHERE id = ?", (party_id,))
            self._log(conn, "party-removed", details={"party": party_id, **_data(old)})

    def restore_parties(self, parties: Sequence[Party], *, action: str = "parties-restored") -> bool:
        """Make the case's parties exactly ``parties``, ids and places included (what undo and redo put
        back, or a new caption order): one change, logged as ``action`` with the ids removed and the ids
        added back or changed; False when nothing was."""
        with self._writing() as conn:
            current = {p.id: p for p in self.parties()}
            wanted = {p.id: p for p in parties}
            removed = sorted(set(current) - set(wanted))
            changed = sorted(i for i in wanted if current.get(i) != wanted[i])
            for party_id in removed:
                conn.execute("DELETE FROM parties WHERE id = ?", (party_id,))
            for party_id in changed:
                p = wanted[party_id]
                conn.execute("INSERT INTO parties(id, role, position, data) VALUES (?, ?, ?, ?)"
                             " ON CONFLICT(id) DO UPDATE SET role = excluded.role, position = excluded.position,"
                             " data = excluded.data", (p.id, p.role.value, p.position, dump(_data(p))))
            if removed or changed:
                self._log(conn, action, details={"removed": removed, "restored": changed})
        return bool(removed or changed)

    def counsel(self) -> Counsel:
        row = self._conn().execute("SELECT data FROM people WHERE role = 'counsel'").fetchone()
        return _counsel(json.loads(row[0])) if row else Counsel()

    def set_counsel(self, counsel: Counsel) -> Counsel:
        """Keep counsel's details; logged with the fields that changed."""
        with self._writing() as conn:
            old, new = asdict(self.counsel()), asdict(counsel)
            diff = {k: {"old": v, "new": new[k]} for k, v in old.items() if new[k] != v}
            if diff:
                conn.execute("INSERT INTO people(role, data) VALUES ('counsel', ?)"
                             " ON CONFLICT(role) DO UPDATE SET data = excluded.data", (dump(new),))
                self._log(conn, "counsel-edited", details=diff)
        return counsel


def _data(party: Party) -> dict[str, Any]:
    """What a party row keeps as JSON (its id, side and place are columns)."""
    data = {f.name: getattr(party, f.name) for f in fields(Party) if f.name not in ("id", "role", "position")}
    return {k: list(v) if k in _LIST_FIELDS else v for k, v in data.items()}


def _party(row: tuple[Any, ...]) -> Party:
    data = json.loads(row[3])
    known = {f.name for f in fields(Party)} - {"id", "role", "position"}
    values: dict[str, Any] = {k: tuple(v) if k in _LIST_FIELDS else v for k, v in data.items() if k in known}
    return Party(id=int(row[0]), role=PartyRole(row[1]), position=int(row[2]), **values)


def _counsel(data: dict[str, Any]) -> Counsel:
    known = {f.name for f in fields(Counsel)}
    values: dict[str, Any] = {k: tuple(v) if k == "address" else v for k, v in data.items() if k in known}
    return Counsel(**values)
