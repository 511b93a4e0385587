"""Read each file once, hashing it with SHA-256 and SHA-512 at the same time.

hashlib releases the GIL on large blocks, so SHA-512 runs on a second core
while this thread does SHA-256 and whatever else the block is for (writing
it into the zip). Memory stays flat: one 1 MiB block in flight.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import BinaryIO

from app.core.hashing import BLOCK_SIZE, Digests


class DualHasher:
    """Hashes streams with both algorithms; use as a context manager (it owns one worker thread)."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sha512")

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
        """Stop the worker thread (idempotent)."""
        self._pool.shutdown(wait=True)

    def hash_stream(
        self,
        stream: BinaryIO,
        on_block: Callable[[bytes], None] | None = None,
        tick: Callable[[int], None] | None = None,
    ) -> Digests:
        """Digests of everything ``stream`` yields; each block also goes to ``on_block``.

        ``tick`` gets each block's length before the block is used, and may
        raise (for example OperationCancelled) to stop.
        """
        sha256 = hashlib.sha256()
        sha512 = hashlib.sha512()
        size = 0
        while True:
            block = stream.read(BLOCK_SIZE)
            if not block:
                break
            if tick is not None:
                tick(len(block))
            pending = self._pool.submit(sha512.update, block)
            try:
                sha256.update(block)
                if on_block is not None:
                    on_block(block)
            finally:
                pending.result()
            size += len(block)
        return Digests(sha256.hexdigest(), sha512.hexdigest(), size)
