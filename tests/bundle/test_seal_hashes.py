"""Sealing with the hashes taken at intake, the hashing engine, and sealing a real case file."""

from __future__ import annotations

import hashlib
import io
import os
import sqlite3
import zipfile
from pathlib import Path

import pytest

from app.bundle import PayloadFile, SigningIdentity, build_bundle, streaming, verify_bundle
from app.bundle.streaming import BackgroundWriter, DualHasher, Writeback
from app.core.errors import BundleError, OperationCancelled
from app.core.hashing import BLOCK_SIZE, hash_bytes
from app.core.model import CaseInfo, ItemKind, ParseStatus
from app.ops.build import build_case
from app.store import CaseFile

from .conftest import BAG_NAME, BUNDLE_DATE, PAYLOAD, payload_files, tag_files


def known(files: dict[str, bytes], **wrong: str) -> list[PayloadFile]:
    """Payload as the case gives it: with the SHA-256 and SHA-512 recorded at intake."""
    result = []
    for path, data in files.items():
        digests = hash_bytes(data)
        result.append(PayloadFile(path, len(data), (lambda d=data: io.BytesIO(d)),
                                  sha256=wrong.get("sha256", digests.sha256), sha512=wrong.get("sha512", digests.sha512)))
    return result


def seal(signer: SigningIdentity, out: Path, payload: list[PayloadFile]):  # type: ignore[no-untyped-def]
    return build_bundle(out, BAG_NAME, payload, tag_files(signer), {"External-Identifier": "1:24-cv-00042"},
                        signer, BUNDLE_DATE)


def test_known_hashes_give_the_same_bundle_as_computed_ones(signer: SigningIdentity, tmp_path: Path) -> None:
    computed = seal(signer, tmp_path / "computed.zip", payload_files())
    reused = seal(signer, tmp_path / "reused.zip", known(PAYLOAD))
    assert reused.payload_digests == computed.payload_digests
    with zipfile.ZipFile(computed.path) as a, zipfile.ZipFile(reused.path) as b:
        for x, y in zip(a.infolist(), b.infolist(), strict=True):
            assert x.filename == y.filename
            if not x.filename.endswith(".p7s"):  # the signature alone differs (ECDSA is randomised)
                assert (x.CRC, x.compress_size, a.read(x)) == (y.CRC, y.compress_size, b.read(y)), x.filename
    assert verify_bundle(reused.path).intact


def test_the_recorded_sha512_is_what_the_manifest_lists(signer: SigningIdentity, tmp_path: Path) -> None:
    """Once the SHA-256 matches, the SHA-512 recorded at intake is used as it is, not computed again."""
    data = PAYLOAD["exhibits/Exhibit-002/original/shot.png"]
    recorded = "ab" * 64
    payload = [PayloadFile("shot.png", len(data), lambda: io.BytesIO(data),
                           sha256=hashlib.sha256(data).hexdigest(), sha512=recorded.upper())]
    built = seal(signer, tmp_path / "b.zip", payload)
    assert built.payload_digests["data/shot.png"].sha512 == recorded
    with zipfile.ZipFile(built.path) as archive:
        assert f"{recorded}  data/shot.png\n" in archive.read(f"{BAG_NAME}/manifest-sha512.txt").decode()


def test_a_malformed_recorded_sha512_is_computed_instead(signer: SigningIdentity, tmp_path: Path) -> None:
    built = seal(signer, tmp_path / "b.zip", known(PAYLOAD, sha512=""))
    assert all(d == hash_bytes(PAYLOAD[p.removeprefix("data/")]) for p, d in built.payload_digests.items())


def test_changed_evidence_is_refused_even_with_both_hashes_known(signer: SigningIdentity, tmp_path: Path) -> None:
    payload = known({"a.txt": b"abc"}, sha256=hashlib.sha256(b"abd").hexdigest())
    with pytest.raises(BundleError, match="does not match the SHA-256"):
        seal(signer, tmp_path / "out" / "b.zip", payload)
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize("size", [0, 1, BLOCK_SIZE - 1, BLOCK_SIZE, 3 * BLOCK_SIZE + 5])
def test_hashing_engine_matches_hashlib(size: int) -> None:
    data = os.urandom(size)
    seen = bytearray()
    with DualHasher() as hasher:
        both = hasher.hash_stream(io.BytesIO(data), seen.extend)
        only = hasher.hash_stream_async(io.BytesIO(data), algorithms=("sha256",)).result()
    assert both == hash_bytes(data)
    assert (only.sha256, only.sha512, only.size) == (hashlib.sha256(data).hexdigest(), "", size)
    assert bytes(seen) == data


def test_hashing_engine_stops_cleanly_when_reading_fails() -> None:
    class Failing(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            if self.tell() >= 2 * BLOCK_SIZE:
                raise OSError("device gone")
            return super().read(size)

    with DualHasher(queue_blocks=1) as hasher:
        with pytest.raises(OSError, match="device gone"):
            hasher.hash_stream_async(Failing(bytes(5 * BLOCK_SIZE)))
        assert hasher.hash_stream(io.BytesIO(b"next")) == hash_bytes(b"next")  # the pool still works


def test_writeback_is_harmless(tmp_path: Path) -> None:
    path = tmp_path / "f.bin"
    with path.open("wb") as stream:
        writeback = Writeback(stream.fileno())
        for _ in range(3):
            stream.write(b"x" * 1000)
            stream.flush()
            writeback.up_to(stream.tell())
        writeback.up_to(10)  # never backwards
    assert path.read_bytes() == b"x" * 3000
    Writeback(-1).up_to(100)  # a bad descriptor: the hint is dropped, nothing raised


def test_sealing_a_case_reads_its_evidence_and_refuses_changed_bytes(signer: SigningIdentity, tmp_path: Path) -> None:
    """``evbundle build --no-documents``: the evidence comes out of the case file byte-exact, and a
    stored object changed behind the case's back is refused instead of sealed."""
    evidence = {f"shot-{n}.png": b"\x89PNG\r\n\x1a\n" + os.urandom(n * BLOCK_SIZE + 99) for n in range(3)}
    case_path = tmp_path / "t.evcase"
    with CaseFile.create(case_path, CaseInfo(case_id="", title="Test v. Does"), actor="ann") as case:
        for name, data in evidence.items():
            with case.transaction() as tx:
                digests = tx.store_object(io.BytesIO(data))
                tx.add_item(kind=ItemKind.SCREENSHOT, digests=digests, name=name, original_name=name,
                              source_path=f"/in/{name}", parse_status=ParseStatus.OK)
        out = tmp_path / "out"
        out.mkdir()
        built = build_case(case, out, signer, documents=False, bundle_date=BUNDLE_DATE)
    report = verify_bundle(built.bundle)
    assert report.intact, report.to_text()
    with zipfile.ZipFile(built.bundle) as archive:
        sealed = {Path(n).name: archive.read(n) for n in archive.namelist() if "/original/" in n and not n.endswith("/")}
    assert sealed == evidence

    conn = sqlite3.connect(case_path)
    conn.execute("UPDATE chunks SET data = zeroblob(length(data)) WHERE seq = 1 AND object_id = 2")
    conn.commit()
    conn.close()
    again = tmp_path / "again"
    again.mkdir()
    with CaseFile.open(case_path) as case, pytest.raises(BundleError, match="does not match the SHA-256"):
        build_case(case, again, signer, documents=False, bundle_date=BUNDLE_DATE)
    assert list(again.iterdir()) == []


@pytest.mark.parametrize("whole_file_limit", [0, 10 * BLOCK_SIZE])  # split by algorithm / one worker per file
def test_hashing_files_either_way_gives_the_same_hashes(whole_file_limit: int) -> None:
    files = [os.urandom(size) for size in (0, 7, BLOCK_SIZE, 2 * BLOCK_SIZE + 3)]
    counted: list[int] = []
    with DualHasher(whole_file_limit=whole_file_limit) as hasher:
        pending = [hasher.hash_file_async(lambda d=data: io.BytesIO(d), len(data), counted.append) for data in files]
        assert [p.result() for p in pending] == [hash_bytes(data) for data in files]
    assert sum(counted) == sum(map(len, files))


def test_a_file_hashed_by_a_worker_reports_its_errors_when_asked() -> None:
    def unreadable() -> io.BytesIO:
        raise OSError("gone")

    def stop(size: int) -> None:
        raise OperationCancelled()

    with DualHasher() as hasher:
        broken = hasher.hash_file_async(unreadable, 10)
        cancelled = hasher.hash_file_async(lambda: io.BytesIO(b"x" * 10), 10, stop)
        fine = hasher.hash_file_async(lambda: io.BytesIO(b"ok"), 2)
        with pytest.raises(OSError, match="gone"):
            broken.result()
        with pytest.raises(OperationCancelled):
            cancelled.result()
        assert fine.result() == hash_bytes(b"ok")


def test_a_full_disk_while_sealing_leaves_no_bundle_and_says_why(
    signer: SigningIdentity, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The zip is written on a thread of its own; its error still reaches the user, and nothing half-written stays."""

    class FillsUp:
        def __init__(self, stream: io.BufferedRandom) -> None:
            self._stream, self._written = stream, 0

        def write(self, data: bytes) -> int:
            self._written += len(data)
            if self._written > 300_000:
                raise OSError(28, "No space left on device")
            return self._stream.write(data)

        def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
            return getattr(self._stream, name)

    real_init = streaming.BackgroundWriter.__init__
    monkeypatch.setattr(streaming.BackgroundWriter, "__init__",
                        lambda self, stream, *a: real_init(self, FillsUp(stream), *a))
    big = {f"exhibits/Exhibit-{n:03d}/original/shot.png": os.urandom(200_000) for n in range(1, 5)}
    out = tmp_path / "out"
    with pytest.raises(BundleError, match="No space left on device"):
        seal(signer, out / "bundle.zip", known(big))
    assert list(out.iterdir()) == []  # neither the bundle nor its temporary file


def test_the_background_writer_puts_every_byte_where_zipfile_asked() -> None:
    sink = io.BytesIO()
    writer = BackgroundWriter(sink, max_pending=4)
    seen: list[bytes] = []
    writer.write(b"header--")
    writer.write(b"0123456789" * 3)
    writer.after_written(lambda: seen.append(sink.getvalue()))
    writer.seek(0)
    writer.write(b"HEADER")
    writer.seek(0, os.SEEK_END)
    assert writer.tell() == 38
    writer.write(b"!")
    writer.finish()
    assert seen == [b"header--" + b"0123456789" * 3]
    assert sink.getvalue() == b"HEADER--" + b"0123456789" * 3 + b"!"

