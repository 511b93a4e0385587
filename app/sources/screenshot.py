"""Screenshots: accepted only when they decode fully, under a pixel limit.

A screenshot that cannot be decoded is refused rather than kept: an exhibit
the court cannot see proves nothing. The size is read from the file's own
header before Pillow is involved, so a 65536×65536 "decompression bomb" is
refused in microseconds. PNG chunk checksums are verified here because
Pillow does not check them for image data. No global Pillow setting is
changed: the limit is passed per call.
"""

from __future__ import annotations

import contextlib
import io
import struct
import warnings
import zlib
from collections.abc import Iterator
from typing import Any

from PIL import Image, UnidentifiedImageError

from app.core.errors import ImageRefused
from app.sources.detect import JPEG_MAGIC, PNG_MAGIC

DEFAULT_MAX_PIXELS = 100_000_000
DEFAULT_MAX_DECODED_BYTES = 512 * 1024 * 1024  # what the decoded pixels may take in memory
_BYTES_PER_PIXEL = 4  # Pillow holds RGB and RGBA images as 32 bits a pixel

# JPEG start-of-frame markers (baseline, progressive, lossless...): not DHT (C4), JPG (C8), DAC (CC).
_SOF_MARKERS = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def read_screenshot(
    data: bytes, max_pixels: int = DEFAULT_MAX_PIXELS, max_bytes: int = DEFAULT_MAX_DECODED_BYTES
) -> dict[str, Any]:
    """Decode a PNG or JPEG fully and describe it; raise ImageRefused when it is corrupt, truncated or too large.

    Both limits are checked from the header before any pixel is decoded: the
    pixel count, and the memory the decoded image would take.
    """
    if data.startswith(PNG_MAGIC):
        fmt = "PNG"
        width, height, trailing = _check_png(data)
    elif data.startswith(JPEG_MAGIC):
        fmt = "JPEG"
        width, height = _jpeg_size(data)
        trailing = 0
    else:
        raise ImageRefused("not a PNG or JPEG screenshot", expected="PNG or JPEG")
    _check_pixels(width, height, max_pixels)
    if width * height * _BYTES_PER_PIXEL > max_bytes:
        raise ImageRefused(
            f"image is {width} × {height} pixels and would take {width * height * _BYTES_PER_PIXEL / 2**20:,.0f} MiB "
            f"to decode, over the memory limit of {max_bytes / 2**20:,.0f} MiB; refused without decoding",
            expected=f"at most {max_bytes / 2**20:,.0f} MiB decoded", found=f"{width} × {height}",
        )
    noticed: list[str] = []  # what Pillow warned about (damaged metadata): kept with the record, not printed
    try:
        with _decoder_warnings(width * height, noticed), Image.open(io.BytesIO(data), formats=(fmt,)) as image:
            if image.size != (width, height):
                raise ImageRefused(f"corrupt {fmt}: its header and its image data disagree about the size")
            image.load()
            mode = image.mode
            frames = getattr(image, "n_frames", 1)
    except ImageRefused:
        raise
    except Image.DecompressionBombError as exc:
        raise ImageRefused(f"image too large to decode safely ({exc})") from None
    except UnidentifiedImageError:
        raise ImageRefused(f"corrupt {fmt}: the image data cannot be read") from None
    except ValueError as exc:
        if "MAX_TEXT_CHUNK" in str(exc) or "too large" in str(exc).lower():
            raise ImageRefused(
                f"{fmt} holds a compressed text chunk that expands beyond the safe limit (decompression bomb)"
            ) from None
        raise ImageRefused(f"corrupt {fmt}: {exc}") from None
    except (OSError, SyntaxError, EOFError, struct.error, IndexError, zlib.error) as exc:
        raise ImageRefused(f"corrupt or truncated {fmt}: {_reason(exc)}") from None
    except MemoryError:
        raise ImageRefused("image too large to decode in the memory available") from None
    record: dict[str, Any] = {
        "format": fmt,
        "width": width,
        "height": height,
        "mode": mode,
        "frames": frames,
        "trailing_bytes": trailing,
    }
    if noticed:
        record["decoder_warnings"] = noticed
    return record


def image_size(data: bytes) -> tuple[int, int, str]:
    """(width, height, format) from a PNG's IHDR or a JPEG's frame header, without decoding the pixels."""
    if data.startswith(PNG_MAGIC):
        width, height, _ = _check_png(data)
        return width, height, "PNG"
    if data.startswith(JPEG_MAGIC):
        width, height = _jpeg_size(data)
        return width, height, "JPEG"
    raise ImageRefused("not a PNG or JPEG screenshot", expected="PNG or JPEG")


@contextlib.contextmanager
def _decoder_warnings(pixels: int, noticed: list[str]) -> Iterator[None]:
    """Collect Pillow's warnings into ``noticed`` instead of printing them on the user's terminal (a
    truncated EXIF block, a tag larger than the file: the pixels decode, the metadata is damaged).
    Its bomb warning above its own global limit (~89 MP) is dropped: ours was checked already."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if Image.MAX_IMAGE_PIXELS and pixels > Image.MAX_IMAGE_PIXELS:
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            yield
        finally:
            for warning in caught:
                text = f"{warning.category.__name__}: {warning.message}"
                if text not in noticed and len(noticed) < 10:
                    noticed.append(text)


def _check_pixels(width: int, height: int, limit: int) -> None:
    if width <= 0 or height <= 0:
        raise ImageRefused(f"corrupt image: its header says it is {width} × {height} pixels")
    if width * height > limit:
        raise ImageRefused(
            f"image is {width} × {height} pixels ({width * height / 1e6:,.0f} megapixels), "
            f"over the limit of {limit / 1e6:,.0f} megapixels; refused without decoding",
            expected=f"at most {limit / 1e6:,.0f} megapixels",
            found=f"{width} × {height}",
        )


FRESH = "; get a fresh copy of the screenshot"


def _check_png(data: bytes) -> tuple[int, int, int]:
    """Walk the PNG chunks: IHDR first, every CRC right, IEND present. (width, height, bytes after IEND)."""
    offset = len(PNG_MAGIC)
    width = height = 0
    first = True
    while True:
        if offset + 8 > len(data):
            raise ImageRefused(f"truncated PNG (the file is incomplete): it ends before the picture does{FRESH}")
        length, ctype = struct.unpack_from(">I4s", data, offset)
        end = offset + 8 + length + 4
        if length > 0x7FFFFFFF or end > len(data):
            raise ImageRefused(f"truncated PNG (the file is incomplete): {_name(ctype)} runs past its end{FRESH}")
        body = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack_from(">I", data, offset + 8 + length)
        if zlib.crc32(ctype + body) & 0xFFFFFFFF != crc:
            raise ImageRefused(f"corrupt PNG (the file is damaged): checksum (CRC) mismatch in {_name(ctype)}{FRESH}")
        if first:
            if ctype != b"IHDR" or length != 13:
                raise ImageRefused(f"corrupt PNG (the file is damaged): its header (IHDR) is not valid{FRESH}")
            width, height = struct.unpack_from(">II", body)
            first = False
        offset = end
        if ctype == b"IEND":
            return width, height, len(data) - offset


def _jpeg_size(data: bytes) -> tuple[int, int]:
    """Width and height from the first start-of-frame marker; refuse a JPEG without one or without an end."""
    offset = 2
    size: tuple[int, int] | None = None
    while offset + 4 <= len(data):
        if data[offset] != 0xFF:
            # Extraneous bytes before a marker: decoders (libjpeg, Pillow) skip them, and so do we.
            offset = data.find(b"\xff", offset)
            if offset < 0:
                break
            continue
        marker = data[offset + 1]
        if marker == 0xFF:  # fill byte
            offset += 1
            continue
        if marker in (0x01,) or 0xD0 <= marker <= 0xD7:
            offset += 2
            continue
        (length,) = struct.unpack_from(">H", data, offset + 2)
        if marker in _SOF_MARKERS:
            if offset + 9 > len(data):
                break
            height, width = struct.unpack_from(">HH", data, offset + 5)
            size = (width, height)
        if marker == 0xDA:  # start of scan: the header is over
            break
        offset += 2 + length
    if size is None:
        raise ImageRefused(f"corrupt or truncated JPEG (the file is damaged or incomplete): no frame header{FRESH}")
    if data.rfind(b"\xff\xd9") < data.rfind(b"\xff\xda"):
        raise ImageRefused(f"truncated JPEG (the file is incomplete): the image data stops before its end{FRESH}")
    return size


def _name(ctype: bytes) -> str:
    """A PNG chunk named for a reader: "the IDAT chunk", or "a chunk with an unreadable name" (never bytes)."""
    return f"the {ctype.decode('ascii')} chunk" if ctype.isalpha() else "a chunk with an unreadable name"


def _reason(exc: BaseException) -> str:
    return (str(exc).strip() or type(exc).__name__)[:200]
