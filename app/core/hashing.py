"""Hash evidence once, with every algorithm, while it is being read."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

BLOCK_SIZE = 1024 * 1024


class Readable(Protocol):
    """Anything evidence can be read from in blocks: a file, a stored object, a stream put together."""

    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True)
class Digests:
    sha256: str
    sha512: str
    size: int


class MultiHasher:
    """SHA-256 and SHA-512 fed from the same blocks."""

    def __init__(self) -> None:
        self._sha256 = hashlib.sha256()
        self._sha512 = hashlib.sha512()
        self._size = 0

    def update(self, block: bytes) -> None:
        self._sha256.update(block)
        self._sha512.update(block)
        self._size += len(block)

    @property
    def size(self) -> int:
        return self._size

    def digests(self) -> Digests:
        return Digests(self._sha256.hexdigest(), self._sha512.hexdigest(), self._size)


def iter_blocks(stream: Readable, block_size: int = BLOCK_SIZE) -> Iterator[bytes]:
    while True:
        block = stream.read(block_size)
        if not block:
            return
        yield block


def hash_blocks(
    blocks: Iterable[bytes], on_block: Callable[[bytes], None] | None = None
) -> Digests:
    """Hash an iterable of blocks, passing each to ``on_block`` (e.g. a writer)."""
    hasher = MultiHasher()
    for block in blocks:
        hasher.update(block)
        if on_block is not None:
            on_block(block)
    return hasher.digests()


def hash_bytes(data: bytes) -> Digests:
    return Digests(
        hashlib.sha256(data).hexdigest(), hashlib.sha512(data).hexdigest(), len(data)
    )



