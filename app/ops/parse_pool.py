"""Parsing evidence in worker processes while the importing thread stores the files before it.

Parsing, not storing, is most of an import's work. A :class:`ParsePool` runs
it in worker processes (the import's SQLite writes stay on the caller's one
connection); storing many files per commit is the store's part
(``app.store.batch``).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, Self, cast

from app.core.model import ItemKind, ParseStatus
from app.sources.parse import Parsed, parse_item

POOL_MIN_FILES = 64  # fewer files parse faster in-process than a pool takes to start
MAX_WORKERS = 4
CHUNK_FILES = 8  # files per task sent to a worker: one round trip for several files
READ_AHEAD_FILES = 16  # per worker
READ_AHEAD_BYTES = 64 * 1024 * 1024
CRASHED = "the parser stopped unexpectedly on this file; the original is kept"

ParseFunction = Callable[[ItemKind, bytes, str], Parsed]
_Outcome = tuple[bool, Any]  # (True, Parsed) or (False, the exception the parser raised)


def _parse_in_worker(kind: ItemKind, data: bytes, name: str) -> Parsed:
    """What a worker process runs: the same parser as in-process, on bytes already hashed and kept."""
    return parse_item(kind, data, name)


def _parse_chunk(function: ParseFunction, jobs: list[tuple[ItemKind, bytes, str]]) -> list[_Outcome]:
    """Several files in one task; one file's refusal is its own outcome, not the chunk's."""
    outcomes: list[_Outcome] = []
    for kind, data, name in jobs:
        try:
            outcomes.append((True, function(kind, data, name)))
        except Exception as exc:  # noqa: BLE001 - handed back to be raised for this file alone
            outcomes.append((False, exc))
    return outcomes


def _context() -> multiprocessing.context.BaseContext:
    """Workers started fresh ("spawn"), never forked from this process, which may run Qt and SQLite threads.

    Not the fork server: after a worker's death, Python 3.11's pool can wait forever for the
    server to report it. Frozen builds call ``multiprocessing.freeze_support()`` (packaging/launch.py).
    """
    return multiprocessing.get_context("spawn")


PARENT_CHECK_SECONDS = 0.5


def _executor(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(workers, mp_context=_context(), initializer=_follow_parent, initargs=(os.getpid(),))


def _follow_parent(parent: int) -> None:
    """In each worker: exit when the importing process is gone. Killed outright (SIGKILL, the out-of-memory
    killer), it cannot stop its workers, and they would wait for work forever: each holds its task queue's
    writing end itself, so it never sees the queue close."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="follow-parent", daemon=True).start()


@dataclass
class _Chunk:
    jobs: list[tuple[ItemKind, bytes, str]] = field(default_factory=list)
    future: Future[list[_Outcome]] | None = None
    executor: ProcessPoolExecutor | None = None  # the pool it was sent to


@dataclass
class PendingParse:
    """A file's parse: in a chunk for the workers, or (no chunk) still to run in-process."""

    kind: ItemKind
    data: bytes
    name: str
    chunk: _Chunk | None = None
    slot: int = 0


class ParsePool:
    """Parses evidence in worker processes while the caller's thread stores the files before it.

    Parsing is pure Python, so only processes run it beside the SQLite writes
    (which stay on the caller's one connection). Workers get bytes the caller
    has already read and hashed, a few files per task; results come back in
    the caller's order. A worker that dies (a parser crash, the out-of-memory
    killer) costs only its own file: each file it held is re-parsed alone in a
    fresh process, and marked as failed if that one dies too. With no workers,
    or workers that cannot start here, parsing runs in-process.
    """

    def __init__(self, workers: int, *, function: ParseFunction = _parse_in_worker) -> None:
        self.workers = workers
        self._function = function
        self._executor: ProcessPoolExecutor | None = None
        self._open: _Chunk | None = None  # filling, not yet sent
        self._delivered = False  # whether the workers ever returned a result (the pool can run here)

    @classmethod
    def for_files(cls, count: int) -> ParsePool:
        """Workers for a large import on a machine with cores to spare; in-process parsing otherwise."""
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        return cls(min(cpus, MAX_WORKERS) if count >= POOL_MIN_FILES and cpus >= 2 else 0)

    @property
    def read_ahead(self) -> int:
        """How many files the caller may read and hand over before it takes the first result."""
        return self.workers * READ_AHEAD_FILES if self.workers else 0

    def submit(self, kind: ItemKind, data: bytes, name: str) -> PendingParse:
        pending = PendingParse(kind, data, name)
        if self.workers:
            if self._open is None:
                self._open = _Chunk()
            pending.chunk, pending.slot = self._open, len(self._open.jobs)
            self._open.jobs.append((kind, data, name))
            if len(self._open.jobs) >= CHUNK_FILES:
                self._send()
        return pending

    def result(self, pending: PendingParse) -> Parsed:
        """The parse of one file; raises what the parser raises (a refused screenshot)."""
        chunk = pending.chunk
        if chunk is None or (not self.workers and chunk.future is None):
            return self._function(pending.kind, pending.data, pending.name)
        if chunk.future is None:
            self._send()
        assert chunk.future is not None
        try:
            ok, value = chunk.future.result()[pending.slot]
        except (BrokenProcessPool, CancelledError):
            if chunk.executor is self._executor:
                self._discard_pool()
            if not self._delivered and (not self.workers or not self._workers_run_here()):  # in-process from now on
                self.workers = 0
                return self._function(pending.kind, pending.data, pending.name)
            return self._alone(pending)
        self._delivered = True
        if not ok:
            raise value
        return cast(Parsed, value)

    def close(self) -> None:
        """Stop the workers; parses not yet taken are dropped (an import cancelled or failed)."""
        self._open = None
        self._discard_pool()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _send(self) -> None:
        chunk, self._open = self._open, None
        if chunk is None:
            return
        for _attempt in range(2):  # a pool found broken while sending is replaced once
            if self._executor is None:
                self._executor = _executor(self.workers)
            chunk.executor = self._executor
            try:
                chunk.future = self._executor.submit(_parse_chunk, self._function, chunk.jobs)
                return
            except (BrokenProcessPool, RuntimeError) as exc:  # RuntimeError: the pool was shut down
                self._discard_pool()
                failed: Future[list[_Outcome]] = Future()
                failed.set_exception(exc if isinstance(exc, BrokenProcessPool) else BrokenProcessPool(str(exc)))
                chunk.future, chunk.executor = failed, None

    def _discard_pool(self) -> None:
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    def _workers_run_here(self) -> bool:
        """Whether a worker process can start and answer at all (a frozen build without freeze_support cannot)."""
        try:
            with _executor(1) as probe:
                probe.submit(_parse_chunk, self._function, [(ItemKind.EMAIL, b"", "probe")]).result()
        except Exception:  # noqa: BLE001 - whatever stops a worker, the answer is no
            return False
        self._delivered = True
        return True

    def _alone(self, pending: PendingParse) -> Parsed:
        """Re-parse a file whose worker died, in a process of its own, so a second death is its own."""
        with _executor(1) as single:
            try:
                job = (pending.kind, pending.data, pending.name)
                ok, value = single.submit(_parse_chunk, self._function, [job]).result()[0]
            except BrokenProcessPool:
                return Parsed(ParseStatus.FAILED, pending.name, {}, CRASHED)
        if not ok:
            raise value
        return cast(Parsed, value)
