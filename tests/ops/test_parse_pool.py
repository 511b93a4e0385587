"""A large import parses in worker processes: same case as parsing in-process, and a crashing parser costs one file."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path
from typing import Any

import pytest

from app.core.errors import OperationCancelled
from app.core.model import CaseInfo, ItemKind, ParseStatus
from app.core.reporting import CallbackReporter
from app.ops import parse_pool as batching
from app.ops.intake import import_files
from app.ops.parse_pool import CRASHED, ParsePool
from app.sources.parse import Parsed, parse_item
from app.store import CaseFile


def _case_state(case: CaseFile) -> list[tuple[Any, ...]]:
    return [
        (i.kind, i.name, i.original_name, i.sha256, i.size, i.parse_status, i.parse_error, i.record,
         i.exhibit_number, i.parent_id)
        for i in case.items()
    ]


def _import(tmp_path: Path, name: str, paths: list[Path], **options: Any) -> tuple[list[tuple[Any, ...]], Any]:
    with CaseFile.create(tmp_path / f"{name}.evcase", CaseInfo(case_id="", title=name)) as case:
        report = import_files(case, paths, **options)
        assert case.check() == []
        return _case_state(case), report


def test_the_pool_builds_the_same_case_as_parsing_in_process(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every corpus file (mail, mailboxes, Outlook, screenshots, refusals, a duplicate) in order, both ways."""
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix not in (".md", ".tsv"))
    files.insert(3, files[0])  # a duplicate, refused in its turn
    monkeypatch.setattr(batching, "POOL_MIN_FILES", 10**9)
    inline, inline_report = _import(tmp_path, "inline", files)
    monkeypatch.setattr(batching, "POOL_MIN_FILES", 2)
    monkeypatch.setattr(batching, "READ_AHEAD_FILES", 3)  # the read-ahead window fills and drains many times
    pooled, pooled_report = _import(tmp_path, "pooled", files)
    assert ParsePool.for_files(len(files)).workers >= (1 if (os.cpu_count() or 1) >= 2 else 0)
    assert pooled == inline
    assert pooled_report == inline_report
    assert any("already in the case" in reason for _, reason in pooled_report.refused)
    assert any(kind is ItemKind.SCREENSHOT for kind, *_ in pooled)


def test_cancelling_a_pooled_import_keeps_what_was_imported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "mail"
    folder.mkdir()
    for n in range(30):
        (folder / f"{n:02d}.eml").write_bytes(
            f"From: a@spam.example\nSubject: offer {n}\nMessage-ID: <{n}@spam.example>\n\nbuy at cheap-rx.ru\n".encode()
        )
    monkeypatch.setattr(batching, "POOL_MIN_FILES", 2)
    seen: list[int] = []
    with CaseFile.create(tmp_path / "c.evcase", CaseInfo(case_id="", title="c")) as case:
        with pytest.raises(OperationCancelled):
            import_files(case, [folder], reporter=CallbackReporter(lambda done, total, _stage: seen.append(done),
                                                                   lambda: len(seen) >= 12))
        assert [i.name for i in case.items()] == [f"offer {n}" for n in range(12)]
        assert case.check() == []


def crash_on_marked(kind: ItemKind, data: bytes, name: str) -> Parsed:
    """A parser that dies (as a segfault would) on files holding the marker, in a worker only."""
    if b"CRASH" in data and multiprocessing.parent_process() is not None:
        os._exit(11)
    return parse_item(kind, data, name)


def crash_always(kind: ItemKind, data: bytes, name: str) -> Parsed:
    if multiprocessing.parent_process() is not None:
        os._exit(11)
    return parse_item(kind, data, name)


def _mail(n: int, marker: str = "") -> bytes:
    return f"From: a@spam.example\nSubject: offer {n}\n\n{marker} buy now\n".encode()


def test_a_parser_crash_costs_only_its_own_file() -> None:
    with ParsePool(2, function=crash_on_marked) as pool:
        pending = [pool.submit(ItemKind.EMAIL, _mail(n, "CRASH" if n == 3 else ""), f"{n}.eml") for n in range(8)]
        results = [pool.result(p) for p in pending]
    assert [r.name for r in results] == [f"offer {n}" if n != 3 else "3.eml" for n in range(8)]
    assert results[3].status is ParseStatus.FAILED and results[3].error == CRASHED
    assert all(r.status is ParseStatus.OK for n, r in enumerate(results) if n != 3)


def test_a_crash_while_files_keep_coming_costs_only_its_own_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """As an import uses the pool: a window of files submitted ahead, taken in order, the pool replaced midway."""
    monkeypatch.setattr(batching, "CHUNK_FILES", 2)
    marked = {3, 9}
    with ParsePool(2, function=crash_on_marked) as pool:
        pending = []
        results = []
        for n in range(16):
            pending.append(pool.submit(ItemKind.EMAIL, _mail(n, "CRASH" if n in marked else ""), f"{n}.eml"))
            if len(pending) > 4:
                results.append(pool.result(pending.pop(0)))
        results += [pool.result(p) for p in pending]
    assert [r.error == CRASHED for r in results] == [n in marked for n in range(16)]
    assert [r.name for n, r in enumerate(results) if n not in marked] == [f"offer {n}" for n in range(16) if n not in marked]


def test_workers_that_cannot_run_here_fall_back_to_parsing_in_process() -> None:
    with ParsePool(2, function=crash_always) as pool:
        pending = [pool.submit(ItemKind.EMAIL, _mail(n), f"{n}.eml") for n in range(4)]
        results = [pool.result(p) for p in pending]
        assert pool.workers == 0
    assert [r.name for r in results] == [f"offer {n}" for n in range(4)]
