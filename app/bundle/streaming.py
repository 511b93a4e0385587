"""Read each file once and hash it on both cores, with memory that stays flat.

Two ways, on one two-thread pool (hashlib releases the GIL on large blocks):

- ``hash_stream_async``: the caller's thread (the one writing the zip) reads
  a file block by block and hands each block to one job per algorithm; the
  two algorithms of one file run side by side, and the reader does not wait
  for them: while the workers finish file N it already reads file N+1, and
  its own work (zip CRC, writing) runs beside them. Each job holds at most
  ``queue_blocks`` blocks; the reader waits when a job falls behind.
- ``hash_file_async``: for files nobody else needs to read (verification), a
  worker reads the file itself and feeds both algorithms while the block is
  still in its core's cache, one file per worker, as the hashing floor does:
  about a tenth less CPU than handing blocks between threads. A large file
  goes the first way instead, so that one big file still uses both cores.

``FileTailHasher`` hashes a file as it is being written (the bundle zip's own
SHA-256), a step behind the writer, so that no second pass is needed.
``Writeback`` starts writing finished parts of that file to disk while the
rest is still being written, so that the final fsync has little left to wait for.
``BackgroundWriter`` moves the writing itself (a second of kernel time per GiB
here) off the thread that reads the evidence and computes the zip's CRCs.
"""

from __future__ import annotations

import hashlib
import os
import queue
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import BinaryIO, TypeVar, cast

from app.core.hashing import BLOCK_SIZE, Digests

ALGORITHMS = ("sha256", "sha512")
T = TypeVar("T")
_END = None


class HashJob:
    """One algorithm over one file; feed it blocks, then ``finish()`` for a Future of the hex digest."""

    def __init__(self, pool: ThreadPoolExecutor, algorithm: str, queue_blocks: int) -> None:
        self._blocks: queue.Queue[bytes | None] = queue.Queue(maxsize=queue_blocks)
        self._algorithm = algorithm
        self._aborted = False
        self.future: Future[str] = pool.submit(self._run)

    def _run(self) -> str:
        digest = hashlib.new(self._algorithm)
        while (block := self._blocks.get()) is not _END:
            digest.update(block)
        if self._aborted:
            raise RuntimeError("hashing abandoned")
        return digest.hexdigest()

    def feed(self, block: bytes) -> None:
        self._blocks.put(block)  # waits when the job is behind: memory stays bounded

    def finish(self) -> Future[str]:
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


class PendingDigests:
    """The hashes of one file, still being computed on the pool."""

    def __init__(self, collect: Callable[[], Digests]) -> None:
        self._collect = collect

    def result(self) -> Digests:
        """Wait for the hashes (an algorithm that was not asked for is ``""``); raises what reading raised."""
        return self._collect()


def _split_result(futures: dict[str, Future[str]], size: int) -> Callable[[], Digests]:
    def collect() -> Digests:
        found = {algorithm: future.result() for algorithm, future in futures.items()}
        return Digests(found.get("sha256", ""), found.get("sha512", ""), size)

    return collect


def _hash_whole_file(
    open_stream: Callable[[], BinaryIO], tick: Callable[[int], None] | None, block_size: int
) -> Digests:
    sha256, sha512, size = hashlib.sha256(), hashlib.sha512(), 0
    with open_stream() as stream:
        while block := stream.read(block_size):
            if tick is not None:
                tick(len(block))
            sha256.update(block)
            sha512.update(block)
            size += len(block)
    return Digests(sha256.hexdigest(), sha512.hexdigest(), size)


class DualHasher:
    """Hashes streams on a two-thread pool; use as a context manager."""

    def __init__(self, workers: int = 2, queue_blocks: int = 8, whole_file_limit: int = 64 * 1024**2) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="hash")
        self._queue_blocks = queue_blocks
        self._whole_file_limit = whole_file_limit  # larger files: split by algorithm
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
        self._pool.shutdown(wait=True, cancel_futures=True)

    def hash_stream_async(
        self,
        stream: BinaryIO,
        on_block: Callable[[bytes], None] | None = None,
        tick: Callable[[int], None] | None = None,
        *,
        algorithms: Sequence[str] = ALGORITHMS,
        block_size: int = BLOCK_SIZE,
    ) -> PendingDigests:
        """Read ``stream`` to its end now; its hashes arrive later, from the pool.

        Each block also goes to ``on_block`` (on this thread). ``tick`` gets each
        block's length before the block is used, and may raise (for example
        OperationCancelled) to stop; so may ``on_block`` and the stream.
        """
        jobs = [HashJob(self._pool, algorithm, self._queue_blocks) for algorithm in algorithms]
        self._open.update(jobs)
        size = 0
        try:
            while block := stream.read(block_size):
                if tick is not None:
                    tick(len(block))
                for job in jobs:
                    job.feed(block)
                if on_block is not None:
                    on_block(block)
                size += len(block)
        except BaseException:
            for job in jobs:
                job.abort()
            self._open.difference_update(jobs)
            raise
        self._open.difference_update(jobs)
        return PendingDigests(_split_result({a: job.finish() for a, job in zip(algorithms, jobs)}, size))

    def submit(self, function: Callable[..., T], *args: object) -> Future[T]:
        """Run any function on the pool (a batch of small files, for example)."""
        return self._pool.submit(function, *args)

    def hash_file_async(
        self,
        open_stream: Callable[[], BinaryIO],
        size: int,
        tick: Callable[[int], None] | None = None,
        *,
        block_size: int = BLOCK_SIZE,
    ) -> PendingDigests:
        """Both hashes of a file that only needs hashing; ``size`` (expected) chooses the way.

        A small file is opened, read and hashed by a worker: errors, and what
        ``tick`` raises (it is then called on the worker), come out of
        ``result()``. A large one is read here, as :meth:`hash_stream_async`.
        """
        if self.reads_here(size):
            with open_stream() as stream:
                return self.hash_stream_async(stream, None, tick, block_size=block_size)
        return PendingDigests(self._pool.submit(_hash_whole_file, open_stream, tick, block_size).result)

    def reads_here(self, size: int) -> bool:
        """Whether :meth:`hash_file_async` reads a file of ``size`` bytes on the calling thread (a large one)."""
        return size > self._whole_file_limit

    def hash_stream(
        self,
        stream: BinaryIO,
        on_block: Callable[[bytes], None] | None = None,
        tick: Callable[[int], None] | None = None,
    ) -> Digests:
        """Like :meth:`hash_stream_async` with both algorithms, waiting for the result."""
        return self.hash_stream_async(stream, on_block, tick).result()


class BackgroundWriter:
    """A seekable binary sink whose writes happen, in order, on a thread of their own.

    ``zipfile`` writes through it as through a file: ``tell`` and ``seek`` work
    on the position the writes will have reached, so the zip's header patches
    land where they belong. At most ``max_pending`` bytes wait at any time (the
    caller waits beyond that: memory stays flat). ``after_written`` runs a
    function on the writer's thread once everything before it is in the file.
    An error on the writer's thread (a full disk) comes back from the next
    call, and from ``finish``.
    """

    def __init__(self, stream: BinaryIO, max_pending: int = 16 * BLOCK_SIZE) -> None:
        self._stream = stream
        self._position = self._end = stream.tell()
        self._max_pending = max_pending
        self._pending = 0
        self._changed = threading.Condition()
        self._jobs: queue.SimpleQueue[tuple[str, object] | None] = queue.SimpleQueue()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="bundle-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            kind, value = job
            if self._error is None:
                try:
                    if kind == "write":
                        self._stream.write(cast(bytes, value))
                    elif kind == "seek":
                        self._stream.seek(cast(int, value))
                    else:
                        self._stream.flush()
                        value()  # type: ignore[operator]
                except BaseException as exc:  # noqa: BLE001 - raised again on the caller's thread
                    self._error = exc
            if kind == "write":
                with self._changed:
                    self._pending -= len(value)  # type: ignore[arg-type]
                    self._changed.notify_all()

    def _check(self) -> None:
        if self._error is not None:
            raise self._error

    def write(self, data: bytes) -> int:
        self._check()
        block = bytes(data)  # the caller may reuse a buffer; bytes are not copied again
        with self._changed:
            while self._pending and self._pending + len(block) > self._max_pending and self._error is None:
                self._changed.wait()
            self._pending += len(block)
        self._jobs.put(("write", block))
        self._position += len(block)
        self._end = max(self._end, self._position)
        return len(block)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        self._check()
        target = {os.SEEK_SET: offset, os.SEEK_CUR: self._position + offset, os.SEEK_END: self._end + offset}[whence]
        self._jobs.put(("seek", target))
        self._position = target
        return target

    def tell(self) -> int:
        return self._position

    def seekable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def after_written(self, function: Callable[[], None]) -> None:
        """Call ``function`` on the writer's thread when every earlier write is in the file."""
        self._check()
        self._jobs.put(("call", function))

    def flush(self) -> None:
        """Wait until every write so far is in the file."""
        done = threading.Event()
        self.after_written(done.set)
        while not done.wait(0.05):
            if self._error is not None or not self._thread.is_alive():
                break  # after an error the writer skips every job, this one too: do not wait for it
        self._check()

    def finish(self) -> None:
        """Write what is left, stop the thread; raises what writing raised."""
        if self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join()
        self._check()

    def abandon(self) -> None:
        """Stop after an error elsewhere, dropping what was not written yet (idempotent)."""
        if self._error is None:
            self._error = OSError("the bundle was abandoned")
        if self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join()


class FileTailHasher:
    """SHA-256 of a file that is still being written, read back a step behind the writer.

    The writer calls ``final_up_to(offset)`` when every byte before ``offset``
    will not change any more (a zip entry is complete, its header patched),
    then ``finish(size)`` when the file is complete. Bytes are re-read from
    the file (the page cache), on a thread of its own.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self._file: BinaryIO | None = open(path, "rb", buffering=0)  # noqa: SIM115 - closed in close()
        self._digest = hashlib.sha256()
        self._done = 0
        self._targets: queue.Queue[int | None] = queue.Queue()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="zip-sha256", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        buffer = bytearray(BLOCK_SIZE)  # one buffer, read into again and again: no fresh memory per block
        view = memoryview(buffer)
        try:
            while (target := self._targets.get()) is not None:
                while self._done < target:
                    wanted = min(BLOCK_SIZE, target - self._done)
                    got = self._file.readinto(view[:wanted])  # type: ignore[union-attr]
                    if not got:
                        raise OSError("the bundle file ended early while being hashed")
                    self._digest.update(view[:got])
                    self._done += got
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
        if self._file is not None:
            self._file.close()
            self._file = None


class Writeback:
    """Asks the kernel to start writing a file's finished bytes to disk now, without waiting.

    The final ``fsync`` still guarantees durability; this only moves the disk
    writes under the sealing work (on Linux, ``sync_file_range`` with
    SYNC_FILE_RANGE_WRITE). Elsewhere, or when the call fails, it does nothing.
    """

    _START_WRITE = 2  # SYNC_FILE_RANGE_WRITE

    def __init__(self, descriptor: int) -> None:
        self._descriptor = descriptor
        self._done = 0
        self._call = _sync_file_range()

    def up_to(self, offset: int) -> None:
        """Bytes before ``offset`` are final: start writing those not started yet."""
        if self._call is None or offset <= self._done:
            return
        if self._call(self._descriptor, self._done, offset - self._done, self._START_WRITE) != 0:
            self._call = None  # not supported here (for example by this file system): stop asking
        self._done = offset


def _sync_file_range() -> Callable[[int, int, int, int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    import ctypes  # for writing only: verification never loads it

    try:
        function = ctypes.CDLL(None, use_errno=True).sync_file_range
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint]
    function.restype = ctypes.c_int
    return cast(Callable[[int, int, int, int], int], function)
