"""Read the bundle's larger tag files with flat memory, and JSON only when it is small and its hash matched.

The payload manifests grow with the number of files and the custody log with
the case's history; both are read line by line, each line bounded. case.json
is parsed only below a small size and only after its hash matched the signed
tag manifest, because parsing hostile JSON costs many times its size in
memory. Every way a hostile line can fail (bad UTF-8, nesting too deep,
numbers too large, lone surrogates, wrong types) becomes a problem, never an
exception.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from typing import Any, cast

from app.core import custody

from . import bagit_text
from .safezip import BagFiles, ReadLimits

MAX_LISTED_ERRORS = 100  # malformed lines or chain breaks listed one by one in a file; the rest are counted
# What a hostile line can raise while it is parsed or its hash recomputed.
JSON_ERRORS = (ValueError, TypeError, KeyError, AttributeError, OverflowError, RecursionError, UnicodeError)

Add = Callable[..., None]


def lines(bag: BagFiles, name: str, max_line: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes without the line end) of one file; None for a line longer than ``max_line``."""
    with bag.open(name) as raw:
        buffered = isinstance(raw, io.BufferedReader)
        stream = raw if buffered else io.BufferedReader(cast(Any, raw), 1024 * 1024)
        number = 0
        while True:
            line = stream.readline(max_line + 1)
            if not line:
                return
            number += 1
            if len(line) > max_line and not line.endswith(b"\n"):
                while line and not line.endswith(b"\n"):  # skip the rest of the long line
                    line = stream.readline(1024 * 1024)
                yield number, None
                continue
            yield number, line.rstrip(b"\n")


def read_manifest(bag: BagFiles, name: str, algorithm: str, limits: ReadLimits) -> bagit_text.ParsedManifest:
    """A manifest read line by line; MAX_LISTED_ERRORS malformed lines are listed, the rest counted."""
    result = bagit_text.ParsedManifest()
    skipped = 0
    for number, line in lines(bag, name, limits.max_line_size):
        errors_before = len(result.errors)
        if line is None:
            result.errors.append(f"line {number} is longer than any manifest line")
        else:
            try:
                bagit_text.add_manifest_line(result, number, line.decode("utf-8"), algorithm)
            except UnicodeDecodeError:
                result.errors.append(f"line {number} is not UTF-8 text")
        if len(result.errors) > MAX_LISTED_ERRORS:
            del result.errors[errors_before:]
            skipped += 1
        if len(result.entries) > limits.max_entries:
            result.errors.append(
                f"lists more than {limits.max_entries} files (the limit); the rest was not read"
            )
            break
    if skipped:
        result.errors.append(f"and {skipped} more lines like these")
    return result


def check_custody(bag: BagFiles, limits: ReadLimits, add: Add) -> int:
    """Recompute the custody log's hash chain line by line; returns the number of entries read."""
    previous, expected_seq, count, broken = custody.GENESIS, 1, 0, 0

    def chain(problem: str) -> None:
        nonlocal broken
        broken += 1
        if broken <= MAX_LISTED_ERRORS:
            add("custody-chain", "custody.jsonl", f"the custody chain is broken: {problem}")

    for number, line in lines(bag, "custody.jsonl", limits.max_line_size):
        if line is None:
            add("custody-unreadable", "custody.jsonl", f"is not a custody log: line {number} is too long")
            break
        if not line.strip():
            continue
        try:
            entry = custody.entry_from_json(json.loads(line.decode("utf-8")))
            body = custody.entry_body(
                entry.seq,
                entry.at,
                entry.actor,
                entry.action,
                entry.item_id,
                entry.sha256,
                entry.details,
                entry.prev_hash,
            )
            entry_hash = custody.compute_entry_hash(body)
        except JSON_ERRORS as exc:
            add(
                "custody-unreadable",
                "custody.jsonl",
                f"is not a custody log: line {number} is not a custody entry ({_reason(exc)})",
            )
            break
        count += 1
        if entry.seq != expected_seq:
            chain(f"custody entry {entry.seq}: out of sequence (expected entry {expected_seq})")
        if entry.prev_hash != previous:
            chain(f"custody entry {entry.seq}: does not follow the previous entry (link broken)")
        if entry_hash != entry.entry_hash:
            chain(f"custody entry {entry.seq}: was altered after it was written")
        previous, expected_seq = entry.entry_hash, entry.seq + 1
    if broken > MAX_LISTED_ERRORS:
        add(
            "custody-chain",
            "custody.jsonl",
            f"the custody chain is broken in {broken - MAX_LISTED_ERRORS} more places",
        )
    return count


def read_case_json(bag: BagFiles, limits: ReadLimits, add: Add, notes: list[str]) -> object | None:
    """case.json parsed, if it is small enough to parse safely; None (with the reason reported) otherwise."""
    size = bag.sizes["case.json"]
    if size > limits.max_json_size:
        notes.append(
            f"case.json is {size:,} bytes, more than the {limits.max_json_size:,} read as JSON; "
            "its hash was checked, its recorded signer was not read."
        )
        return None
    try:
        data = bag.read("case.json", limits.max_json_size)
        value: object = json.loads(data.decode("utf-8"))
        return value
    except JSON_ERRORS as exc:
        add("bad-case-json", "case.json", f"is not valid JSON ({_reason(exc)})")
        return None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    if isinstance(exc, UnicodeError):
        return "not UTF-8 text, or a character that cannot be written"
    if isinstance(exc, KeyError):
        return f"no {exc} field"
    text = str(exc) or exc.__class__.__name__
    return text if len(text) <= 200 else text[:200] + "…"
