"""Reading stored evidence in a row for the bundle: the same bytes as read_object, in any order."""

from __future__ import annotations

import io
import random
import sqlite3
from pathlib import Path

import pytest

from app.core.errors import CaseFileError
from app.core.hashing import BLOCK_SIZE
from app.core.model import CaseInfo, ItemKind, ParseStatus
from app.store import CaseFile

# Several chunks each (chunks are 1 MiB), one empty and one smaller than a chunk.
SIZES = (2 * BLOCK_SIZE + 17, 0, 5, BLOCK_SIZE, 3 * BLOCK_SIZE)


@pytest.fixture
def stored(tmp_path: Path) -> tuple[CaseFile, list[tuple[str, bytes]]]:
    rng = random.Random(5)
    case = CaseFile.create(tmp_path / "t.evcase", CaseInfo(case_id="", title="Test v. Does"), actor="ann")
    objects = []
    for number, size in enumerate(SIZES):
        data = rng.randbytes(size)
        with case.transaction() as tx:
            digests = tx.store_object(io.BytesIO(data))
            tx.add_item(kind=ItemKind.SCREENSHOT, digests=digests, name=f"s{number}.png",
                          original_name=f"s{number}.png", source_path="/in", parse_status=ParseStatus.OK)
        objects.append((digests.sha256, data))
    return case, objects


def read_all(stream: object, size: int = BLOCK_SIZE) -> bytes:
    parts = []
    while block := stream.read(size):  # type: ignore[attr-defined]
        parts.append(block)
    return b"".join(parts)


@pytest.mark.parametrize("order", ["stored", "reversed", "shuffled"])
def test_every_object_reads_back_exactly(stored: tuple[CaseFile, list[tuple[str, bytes]]], order: str) -> None:
    case, objects = stored
    wanted = {"stored": objects, "reversed": objects[::-1],
              "shuffled": random.Random(1).sample(objects, len(objects))}[order]
    with case, case.object_reader() as reader:
        for sha256, data in [*wanted, *wanted]:  # and each one a second time
            with reader.open(sha256) as stream:
                assert read_all(stream) == data
                assert stream.read(BLOCK_SIZE) == b""


def test_odd_read_sizes_and_read_all(stored: tuple[CaseFile, list[tuple[str, bytes]]]) -> None:
    case, objects = stored
    with case, case.object_reader() as reader:
        sha256, data = objects[0]
        assert read_all(reader.open(sha256), 333_333) == data
        assert read_all(reader.open(sha256), 3 * BLOCK_SIZE) == data
        assert reader.open(sha256).read() == data


def test_a_stream_left_half_read_does_not_disturb_the_next(stored: tuple[CaseFile, list[tuple[str, bytes]]]) -> None:
    case, objects = stored
    with case, case.object_reader() as reader:
        first = reader.open(objects[0][0])
        assert first.read(BLOCK_SIZE) == objects[0][1][:BLOCK_SIZE]
        assert read_all(reader.open(objects[1][0])) == objects[1][1]
        assert read_all(reader.open(objects[4][0])) == objects[4][1]
        with pytest.raises(CaseFileError, match="opened another object"):
            first.read(BLOCK_SIZE)  # never bytes of another object


def test_missing_object_and_missing_chunk_are_errors(stored: tuple[CaseFile, list[tuple[str, bytes]]]) -> None:
    case, objects = stored
    case.close()
    conn = sqlite3.connect(case.path)
    conn.execute("DELETE FROM chunks WHERE seq = 1 AND object_id = (SELECT id FROM objects WHERE sha256 = ?)",
                 (objects[4][0],))
    conn.commit()
    conn.close()
    with CaseFile.open(case.path) as reopened, reopened.object_reader() as reader:
        with pytest.raises(CaseFileError, match="missing"):
            reader.open("0" * 64)
        with pytest.raises(CaseFileError, match="missing chunk"):
            read_all(reader.open(objects[4][0]))
        assert read_all(reader.open(objects[0][0])) == objects[0][1]


def test_a_closed_reader_refuses_to_read(stored: tuple[CaseFile, list[tuple[str, bytes]]]) -> None:
    case, objects = stored
    with case:
        reader = case.object_reader()
        half_read = reader.open(objects[0][0])
        half_read.read(10)  # leaves the query standing on the next chunk
        reader.close()
        reader.close()  # idempotent
        with pytest.raises(CaseFileError):
            reader.open(objects[1][0])
        with pytest.raises(CaseFileError, match="was closed"):
            half_read.read(3 * BLOCK_SIZE)
        assert case.read_object(objects[0][0]) == objects[0][1]  # the case itself reads on
