from __future__ import annotations

import json
from dataclasses import replace

from app.core import custody
from app.core.custody import CustodyEntry


def make_chain(n: int) -> list[CustodyEntry]:
    entries, prev = [], custody.GENESIS
    for seq in range(1, n + 1):
        body = custody.entry_body(seq, f"2026-01-01T00:00:0{seq}Z", "ann", "acquired", seq, "ab" * 32,
                                  {"n": seq}, prev)
        entry = CustodyEntry(seq, body["at"], "ann", "acquired", seq, "ab" * 32, {"n": seq}, prev,
                             custody.compute_entry_hash(body))
        entries.append(entry)
        prev = entry.entry_hash
    return entries


def test_intact_chain_has_no_problems() -> None:
    assert custody.verify_chain(make_chain(5)) == []


def test_edited_entry_is_named() -> None:
    chain = make_chain(4)
    chain[1] = replace(chain[1], actor="mallory")
    problems = custody.verify_chain(chain)
    assert [p.seq for p in problems] == [2]
    assert "altered" in str(problems[0])


def test_removed_entry_breaks_the_link() -> None:
    chain = make_chain(4)
    del chain[1]
    messages = [str(p) for p in custody.verify_chain(chain)]
    assert any("entry 3" in m and "sequence" in m for m in messages)
    assert any("entry 3" in m and "link" in m for m in messages)


def test_jsonl_round_trip() -> None:
    chain = make_chain(3)
    lines = custody.to_jsonl(chain).decode("utf-8").splitlines()
    assert [custody.entry_from_json(json.loads(line)) for line in lines] == chain


def test_bundle_prefix_leaves_out_trailing_builds() -> None:
    chain = make_chain(3)
    built = replace(chain[2], action="bundle-built")
    assert custody.bundle_prefix([*chain[:2], built]) == chain[:2]
    assert custody.bundle_prefix([built, *chain[:2]]) == [built, *chain[:2]]
