"""Read each file once; hash it with SHA-256 and SHA-512 behind the reader, on both cores.

The reader (the thread writing the zip, or the one reading it back) reads a
file block by block and hands each block to a hashing job on a two-thread
pool; it does not wait for the hashes, so while one worker finishes file N
the other already hashes file N+1, and the reader's own work (zip CRC,
writing) runs beside both. hashlib releases the GIL on large blocks, so this
uses both cores fully, the way hashing independent files on two threads
does. Memory stays flat: each job holds at most ``queue_blocks`` 1 MiB blocks,
and the reader waits when a job falls behind.

``FileTailHasher`` hashes a file as it is being written (the bundle zip's own
SHA-256), a step behind the writer, so that no second pass is needed.
"""

from __future__ import annotations

import hashlib
import os
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import BinaryIO

from app.core.hashing import BLOCK_SIZE, Digests

_END = None


class HashJob:
    """One file being hashed; feed it blocks, then ``finish()`` for a Future of its Digests."""

    def __init__(self, pool: ThreadPoolExecutor, queue_blocks: int) -> None:
        self._blocks: queue.Queue[bytes | None] = queue.Queue(maxsize=queue_blocks)
        self._aborted = False
        self.future: Future[Digests] = pool.submit(self._run)

    def _run(self) -> Digests:
        sha256, sha512, size = hashlib.sha256(), hashlib.sha512(), 0
        while (block := self._blocks.get()) is not _END:
            sha256.update(block)
            sha512.update(block)
            size += len(block)
        if self._aborted:
            raise RuntimeError("hashing abandoned")
        return Digests(sha256.hexdigest(), sha512.hexdigest(), size)

    def feed(self, block: bytes) -> None:
        self._blocks.put(block)  # waits when the job is behind: memory stays bounded

    def finish(self) -> Future[Digests]:
        self._blocks.put(_END)
        return self.future

    def abort(self) -> None:
        """Stop without a result (the reader failed); never blocks."""
        self._aborted = True
        try:
            while True:
                self._blocks.get_nowait()
        except queue.Empty:
            pass
        self._blocks.put_nowait(_END)


class DualHasher:
    """Hashes streams with both algorithms on a two-thread pool; use as a context manager."""

    def __init__(self, workers: int = 2, queue_blocks: int = 8) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="hash")
        self._queue_blocks = queue_blocks
        self._open: set[HashJob] = set()

    def __enter__(self) -> DualHasher:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Abandon unfinished jobs and stop the workers (idempotent)."""
        for job in list(self._open):
            job.abort()
        self._open.clear()
        self._pool.shutdown(wait=True)

    def hash_stream_async(
        self,
        stream: BinaryIO,
        on_block: Callable[[bytes], None] | None = None,
        tick: Callable[[int], None] | None = None,
    ) -> Future[Digests]:
        """Read ``stream`` to its end now; its Digests arrive later, from the pool.

        Each block also goes to ``on_block`` (on this thread). ``tick`` gets each
        block's length before the block is used, and may raise (for example
        OperationCancelled) to stop; so may ``on_block`` and the stream.
        """
        job = HashJob(self._pool, self._queue_blocks)
        self._open.add(job)
        try:
            while block := stream.read(BLOCK_SIZE):
                if tick is not None:
                    tick(len(block))
                job.feed(block)
                if on_block is not None:
                    on_block(block)
        except BaseException:
            job.abort()
            self._open.discard(job)
            raise
        self._open.discard(job)
        return job.finish()

    def hash_stream(
        self,
        stream: BinaryIO,
        on_block: Callable[[bytes], None] | None = None,
        tick: Callable[[int], None] | None = None,
    ) -> Digests:
        """Like :meth:`hash_stream_async`, waiting for the result."""
        return self.hash_stream_async(stream, on_block, tick).result()


class FileTailHasher:
    """SHA-256 of a file that is still being written, read back a step behind the writer.

    The writer calls ``final_up_to(offset)`` when every byte before ``offset``
    will not change any more (a zip entry is complete, its header patched),
    then ``finish(size)`` when the file is complete. Bytes are re-read from
    the file (the page cache), on a thread of its own.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self._descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        self._digest = hashlib.sha256()
        self._done = 0
        self._targets: queue.Queue[int | None] = queue.Queue()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="zip-sha256", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            while (target := self._targets.get()) is not None:
                while self._done < target:
                    block = os.pread(self._descriptor, min(BLOCK_SIZE, target - self._done), self._done)
                    if not block:
                        raise OSError("the bundle file ended early while being hashed")
                    self._digest.update(block)
                    self._done += len(block)
        except BaseException as exc:  # noqa: BLE001 - handed to the writer's thread in finish()
            self._error = exc
            while self._targets.get() is not None:
                pass

    def final_up_to(self, offset: int) -> None:
        self._targets.put(offset)

    def finish(self, size: int) -> str:
        """The hex SHA-256 of the first ``size`` bytes (the whole file)."""
        self._targets.put(size)
        self._targets.put(None)
        self._thread.join()
        self.close()
        if self._error is not None:
            raise self._error
        return self._digest.hexdigest()

    def close(self) -> None:
        """Stop without a result (idempotent)."""
        if self._thread.is_alive():
            self._targets.put(None)
            self._thread.join()
        if self._descriptor >= 0:
            os.close(self._descriptor)
            self._descriptor = -1
