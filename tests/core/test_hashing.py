from __future__ import annotations

import hashlib
import io

from app.core.hashing import hash_blocks, hash_bytes, iter_blocks


def test_one_pass_gives_both_digests_and_size() -> None:
    data = bytes(range(256)) * 10_000
    seen = bytearray()
    digests = hash_blocks(iter_blocks(io.BytesIO(data), 4096), on_block=seen.extend)
    assert digests.sha256 == hashlib.sha256(data).hexdigest()
    assert digests.sha512 == hashlib.sha512(data).hexdigest()
    assert digests.size == len(data)
    assert bytes(seen) == data
    assert hash_bytes(data) == digests
