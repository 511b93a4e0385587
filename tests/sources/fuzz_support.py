"""What the importer fuzzing shares: seeds, mutations, and the property every import must keep.

The property: any byte sequence given to an importer ends as a stored item (parsed, partial or
failed, the original kept byte for byte with the right SHA-256, SHA-512 and size, showable as
``evbundle show`` shows it) or as one refusal that names the file; never an exception, never
"internal parser error" (the importers' last safety net, which hides a bug), never a hang.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import signal
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

from hypothesis import event
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from app.core.model import ItemKind, ParseStatus
from app.ops.intake import import_files
from app.ops.show import item_view
from app.store import CaseFile

HERE = Path(__file__).resolve().parent
SEEDS = HERE / "fuzz_seeds"
REGRESSIONS = HERE / "regressions"
SAMPLE = HERE.parents[1] / "resources" / "sample"
HANG_SECONDS = 20  # one import of a few KiB takes milliseconds; this long is a hang

TOKENS: dict[str, list[bytes]] = {
    "mail": [b"\r\n", b"\n\n", b"\r\n\r\n", b"--", b"Content-Type: multipart/mixed; boundary=\"b\"\n", b"--b\n",
             b"--b--\n", b"Content-Transfer-Encoding: base64\n", b"Content-Transfer-Encoding: quoted-printable\n",
             b"=?utf-8?B?", b"=?iso-2022-jp?Q?", b"?=", b"=\n", b"=ZZ", b"charset=\"x-unknown\"", b"charset=utf-7",
             b"Content-Disposition: attachment; filename*=utf-8''%FF%FE.exe\n", b"<a href=\"http://", b"\">",
             b"</a>", b"From ", b">From ", b"Received: from x by y; ", b"Date: ", b"Subject: ", b"\x00", b"\xff\xfe",
             b"\xe2\x80\xae", b"DKIM-Signature: v=1; d=", b"Authentication-Results: ", b"\t", b" " * 1000],
    "msg": [b"\x00" * 16, b"\xff" * 16, b"\xfe\xff\xff\xff", b"__substg1.0_", b"001F", b"0037", b"\x00\x10\x00\x00",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"],
    "whois": [b"Domain Name: ", b"Registrar: ", b"Creation Date: ", b"Name Server: ", b"No match for \"",
              b"\r\n", b"\n", b"%", b"[Domain Name]", b"2026-13-45T99:99:99Z", b"\xff", b"xn--", b"\x00", b":" * 50],
    "rdap": [b"{", b"}", b"[", b"]", b"\"objectClassName\": \"domain\"", b"\"ldhName\": ", b"\"events\": [",
             b"\"entities\": [", b"\"vcardArray\": [\"vcard\", [", b"\"eventDate\": \"", b"null", b"1e999", b"-0",
             b"\"\\ud800\"", b"\"\\u0000\"", b",", b":", b"[" * 200, b"\"nameservers\": ["],
    "image": [b"IHDR", b"IDAT", b"IEND", b"zTXt", b"iCCP", b"\xff\xd8", b"\xff\xc0", b"\xff\xda", b"\xff\xd9",
              b"\xff\xe1", b"Exif\x00\x00", b"\xff\xff\xff\xff", b"\x00\x00\x00\x00"],
}


def seeds(folder: str, *sample: str) -> list[bytes]:
    """The seed files of one kind, plus the sample case's files matching ``sample`` globs."""
    found = sorted((SEEDS / folder).iterdir())
    for pattern in sample:
        found += sorted(SAMPLE.glob(pattern))
    return [p.read_bytes() for p in found if p.is_file()]


def regressions(folder: str) -> list[Path]:
    """Inputs that once crashed an importer of this kind (tests/sources/regressions/<kind>/)."""
    where = REGRESSIONS / folder
    return sorted(p for p in where.iterdir() if p.is_file() and p.name != "README.md") if where.is_dir() else []


@st.composite
def mutated(draw: st.DrawFn, pool: list[bytes], tokens: list[bytes]) -> bytes:
    """A seed from ``pool`` with one to five mutations: bytes flipped, overwritten, inserted (random or a
    token of the format), deleted, duplicated, truncated, or a piece of another seed spliced in."""
    data = bytearray(draw(st.sampled_from(pool)))
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["flip", "overwrite", "insert", "token", "delete", "duplicate", "truncate",
                                     "splice"]))
        at = draw(st.integers(0, len(data)))
        if kind == "flip" and data:
            at = min(at, len(data) - 1)
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "overwrite":
            chunk = draw(st.binary(min_size=1, max_size=16))
            data[at:at + len(chunk)] = chunk
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif kind == "token":
            data[at:at] = draw(st.sampled_from(tokens)) * draw(st.sampled_from([1, 1, 2, 50]))
        elif kind == "delete":
            del data[at:at + draw(st.integers(1, 256))]
        elif kind == "duplicate":
            end = min(len(data), at + draw(st.integers(1, 512)))
            data[at:at] = data[at:end] * draw(st.integers(1, 4))
        elif kind == "truncate":
            del data[at:]
        elif kind == "splice":
            other = draw(st.sampled_from(pool))
            start = draw(st.integers(0, len(other)))
            data[at:at] = other[start:start + draw(st.integers(1, 2048))]
    return bytes(data)


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


@st.composite
def crafted_png(draw: st.DrawFn) -> bytes:
    """A PNG whose chunks all carry right CRCs, with any declared size, depth and colour type, and image data
    that is random, short, or a real deflate stream (so that the decoder runs, not only the header checks)."""
    width = draw(st.one_of(st.integers(1, 64), st.integers(0, 2**31 - 1)))
    height = draw(st.one_of(st.integers(1, 64), st.integers(0, 2**31 - 1)))
    depth = draw(st.sampled_from([1, 2, 4, 8, 16, 3, 0]))
    colour = draw(st.sampled_from([0, 2, 3, 4, 6, 1, 7]))
    header = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, draw(st.sampled_from([0, 0, 1])))
    raw = draw(st.one_of(st.binary(max_size=512),
                         st.binary(max_size=64).map(lambda b: zlib.compress(b * 64)),
                         st.just(zlib.compress(b"\x00" * 1_000_000))))  # a small bomb: 1 MB from 1 KiB
    chunks = [png_chunk(b"IHDR", header)]
    if colour == 3:
        chunks.append(png_chunk(b"PLTE", draw(st.binary(min_size=0, max_size=48))))
    if draw(st.booleans()):
        chunks.append(png_chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(b"x" * draw(st.integers(0, 4_000_000)))))
    chunks.append(png_chunk(b"IDAT", raw))
    if draw(st.booleans()):
        chunks.append(png_chunk(b"IEND", b""))
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunks)


def small_images() -> list[bytes]:
    """Valid PNG and JPEG screenshots, small enough to decode thousands of times."""
    from PIL import Image

    out = []
    for mode, fmt in (("RGB", "PNG"), ("RGBA", "PNG"), ("P", "PNG"), ("L", "JPEG"), ("RGB", "JPEG")):
        buffer = io.BytesIO()
        Image.new(mode, (24, 16), color=7 if mode in ("P", "L") else (200, 30, 30)).save(buffer, format=fmt)
        out.append(buffer.getvalue())
    return out


@contextlib.contextmanager
def watchdog(what: str, seconds: int = HANG_SECONDS) -> Iterator[None]:
    """Fail instead of hanging: SIGALRM after ``seconds`` (the test runs on the main thread)."""
    def hung(signum: int, frame: object) -> None:
        raise TimeoutError(f"{what} still running after {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


class Importer:
    """Imports byte sequences into one case, each as a new file, and checks the property on each."""

    def __init__(self, case: CaseFile, folder: Path) -> None:
        self.case = case
        self.folder = folder
        self.count = 0

    def check(self, data: bytes, kind: ItemKind | None, suffix: str) -> None:
        self.count += 1
        path = self.folder / f"input-{self.count:05d}{suffix}"
        path.write_bytes(data)
        before = self.case.count_items()
        with watchdog(f"importing {path.name}"):
            report = import_files(self.case, [path], forced_kind=kind)
        if report.refused:
            assert report.imported == []
            [(where, reason)] = report.refused
            assert where == str(path), "a refusal must name the file"
            assert reason.strip() and "Traceback" not in reason
            assert self.case.count_items() == before, "a refused file leaves nothing in the case"
            _event("refused: " + reason.split(";")[0].split(":")[0][:40])
            return
        assert report.imported, "neither stored nor refused"
        first = self.case.item(report.imported[0])
        assert first.sha256 == hashlib.sha256(data).hexdigest()
        assert first.sha512 == hashlib.sha512(data).hexdigest()
        assert first.size == len(data)
        assert self.case.read_object(first.sha256) == data, "the original must be kept byte for byte"
        for item_id in report.imported:
            item = self.case.item(item_id)
            assert item.parse_status in (ParseStatus.OK, ParseStatus.PARTIAL, ParseStatus.FAILED)
            if item.parse_status is not ParseStatus.OK:
                assert item.parse_error.strip(), "a partial or failed parse must say why"
            assert "internal parser error" not in item.parse_error, item.parse_error
            stored = self.case.read_object(item.sha256)
            assert hashlib.sha256(stored).hexdigest() == item.sha256 and len(stored) == item.size
            with watchdog(f"showing {path.name}"):
                item_view(self.case, item_id)  # what `evbundle show` prints
        _event(f"stored {first.kind.value}: {first.parse_status.value}")


def _event(text: str) -> None:
    """Count an outcome in hypothesis's statistics (outside a hypothesis test, as for regressions: nothing)."""
    if currently_in_test_context():
        event(text)
