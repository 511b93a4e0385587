"""The hash-chained custody log.

Each entry's hash covers its own fields and the previous entry's hash, so
removing, reordering or editing any entry breaks every hash after it. The
same canonical JSON is written to ``custody.jsonl`` in the bundle, where
anyone can recompute the chain with a few lines of any language.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64

# Actions that record something done *with* the evidence rather than *to* the
# case. A bundle includes the log up to the last entry of any other action, so
# that sealing an unchanged case twice gives the same bundle.
OUTPUT_ACTIONS = frozenset({"bundle-built", "documents-exported", "wacz-exported", "check-papers-written"})


@dataclass(frozen=True)
class CustodyEntry:
    """One line of the hash-chained custody log."""

    seq: int
    at: str  # UTC ISO 8601 with 'Z'
    actor: str
    action: str  # "case-created", "acquired", "parsed", "exhibit-numbered", ...
    item_id: int | None
    sha256: str | None  # the evidence object concerned, if any
    details: dict[str, Any]
    prev_hash: str
    entry_hash: str


def utc_now() -> str:
    """UTC time as ISO 8601 with a 'Z' and whole microseconds."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_body(
    seq: int,
    at: str,
    actor: str,
    action: str,
    item_id: int | None,
    sha256: str | None,
    details: dict[str, Any],
    prev_hash: str,
) -> dict[str, Any]:
    return {
        "seq": seq,
        "at": at,
        "actor": actor,
        "action": action,
        "item_id": item_id,
        "sha256": sha256,
        "details": details,
        "prev_hash": prev_hash,
    }


def compute_entry_hash(body: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


def entry_to_json(entry: CustodyEntry) -> dict[str, Any]:
    body = entry_body(
        entry.seq, entry.at, entry.actor, entry.action, entry.item_id,
        entry.sha256, entry.details, entry.prev_hash,
    )
    body["entry_hash"] = entry.entry_hash
    return body


def entry_from_json(data: dict[str, Any]) -> CustodyEntry:
    return CustodyEntry(
        seq=int(data["seq"]),
        at=str(data["at"]),
        actor=str(data["actor"]),
        action=str(data["action"]),
        item_id=data.get("item_id"),
        sha256=data.get("sha256"),
        details=dict(data.get("details") or {}),
        prev_hash=str(data["prev_hash"]),
        entry_hash=str(data["entry_hash"]),
    )


def to_jsonl(entries: Iterable[CustodyEntry]) -> bytes:
    lines = [canonical_json(entry_to_json(e)) for e in entries]
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    problem: str

    def __str__(self) -> str:
        return f"custody entry {self.seq}: {self.problem}"


def verify_chain(entries: Iterable[CustodyEntry]) -> list[ChainProblem]:
    """Every break in the chain, in order; an empty list means the chain holds."""
    problems: list[ChainProblem] = []
    prev = GENESIS
    expected_seq = 1
    for entry in entries:
        if entry.seq != expected_seq:
            problems.append(
                ChainProblem(entry.seq, f"out of sequence (expected entry {expected_seq})")
            )
        if entry.prev_hash != prev:
            problems.append(
                ChainProblem(entry.seq, "does not follow the previous entry (link broken)")
            )
        body = entry_body(
            entry.seq, entry.at, entry.actor, entry.action, entry.item_id,
            entry.sha256, entry.details, entry.prev_hash,
        )
        if compute_entry_hash(body) != entry.entry_hash:
            problems.append(ChainProblem(entry.seq, "was altered after it was written"))
        prev = entry.entry_hash
        expected_seq = entry.seq + 1
    return problems


def bundle_prefix(entries: list[CustodyEntry]) -> list[CustodyEntry]:
    """The part of the log a bundle carries: up to the last entry that changed the case."""
    last = 0
    for index, entry in enumerate(entries):
        if entry.action not in OUTPUT_ACTIONS:
            last = index + 1
    return entries[:last]
