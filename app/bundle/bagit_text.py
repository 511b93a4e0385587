"""The small text files of a BagIt 1.0 bag (RFC 8493): write them, and read them back suspiciously.

Writers produce exactly one form (LF line ends, UTF-8, two spaces between
hash and path, sorted) so that bags are reproducible. Readers accept what
RFC 8493 allows and return every malformed line instead of stopping.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

BAGIT_VERSION = "1.0"
BAGIT_TXT = f"BagIt-Version: {BAGIT_VERSION}\nTag-File-Character-Encoding: UTF-8\n".encode()
ALGORITHMS = ("sha256", "sha512")
_HEX_LENGTH = {"sha256": 64, "sha512": 128}
_ENCODED = re.compile(r"%(25|0A|0D)", re.IGNORECASE)
_HEX = re.compile(r"[0-9A-Fa-f]+")


def encode_path(path: str) -> str:
    """Percent-encode what RFC 8493 § 2.1.3 requires in manifests: '%', CR and LF."""
    return path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def decode_path(text: str) -> str:
    """Undo :func:`encode_path` (and only that: other % sequences stay literal)."""
    return _ENCODED.sub(lambda m: chr(int(m.group(1), 16)), text)


def format_manifest(digests: Iterable[tuple[str, str]]) -> bytes:
    """Manifest lines ``<hex>  <path>`` for (bag-relative path, hex digest) pairs, sorted by path."""
    lines = [f"{digest}  {encode_path(path)}\n" for path, digest in sorted(digests)]
    return "".join(lines).encode("utf-8")


@dataclass
class ParsedManifest:
    """A manifest read from a bag: path → hex digest, plus every line that made no sense."""

    entries: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def parse_manifest(data: bytes, algorithm: str) -> ParsedManifest:
    result = ParsedManifest()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        result.errors.append("is not UTF-8 text")
        return result
    for number, line in enumerate(text.split("\n"), start=1):
        add_manifest_line(result, number, line, algorithm)
    return result


def add_manifest_line(result: ParsedManifest, number: int, line: str, algorithm: str) -> None:
    """Read one manifest line (``<hex>  <path>``) into ``result``, or note why it is not one."""
    line = line.removesuffix("\r")
    if not line.strip():
        return
    digest, _, rest = line.partition(" ")
    path = rest.lstrip(" \t")
    length = _HEX_LENGTH.get(algorithm)
    if not path or not _HEX.fullmatch(digest) or (length is not None and len(digest) != length):
        result.errors.append(f"line {number} is not '<{algorithm} hex>  <path>'")
        return
    path = decode_path(path)
    if path in result.entries:
        result.errors.append(f"line {number} lists {path} a second time")
        return
    result.entries[path] = digest.lower()


def format_bag_info(fields: Sequence[tuple[str, str]]) -> bytes:
    """``Label: value`` lines; a value's line breaks become RFC 8493 continuation lines."""
    lines = []
    for label, value in fields:
        folded = "\n    ".join(part.strip() for part in value.splitlines()) or ""
        lines.append(f"{label}: {folded}\n")
    return "".join(lines).encode("utf-8")


def check_bag_info_label(label: str) -> str | None:
    """Why ``label`` cannot be a bag-info label, or None when it can."""
    if not label or label != label.strip():
        return "a label must be non-empty and have no surrounding spaces"
    if ":" in label or any(ord(ch) < 32 or ord(ch) == 127 for ch in label):
        return "a label cannot contain ':' or control characters"
    return None


def parse_tag_lines(data: bytes) -> tuple[list[tuple[str, str]], list[str]]:
    """Read ``Label: value`` tag files (bagit.txt, bag-info.txt) with continuation lines."""
    fields: list[tuple[str, str]] = []
    errors: list[str] = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return fields, ["is not UTF-8 text"]
    text = text.removeprefix("\ufeff")
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.removesuffix("\r")
        if not line:
            continue
        if line[0] in " \t":
            if not fields:
                errors.append(f"line {number} continues a value that was never started")
            else:
                label, value = fields[-1]
                fields[-1] = (label, f"{value} {line.strip()}")
            continue
        label, colon, value = line.partition(":")
        if not colon or not label.strip():
            errors.append(f"line {number} is not 'Label: value'")
            continue
        fields.append((label.strip(), value.strip()))
    return fields, errors


def payload_oxum(total_bytes: int, file_count: int) -> str:
    """``<octets>.<streams>``: a quick completeness check on the payload (RFC 8493 § 2.2.2)."""
    return f"{total_bytes}.{file_count}"


def parse_payload_oxum(text: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"\s*(\d+)\.(\d+)\s*", text)
    return (int(match.group(1)), int(match.group(2))) if match else None


def human_size(size: int) -> str:
    """Bag-Size as people write it: ``512 bytes``, ``1.4 MB`` (decimal units)."""
    if size < 1000:
        return f"{size} bytes"
    value = float(size)
    for unit in ("KB", "MB", "GB", "TB"):
        value /= 1000
        if value < 1000 or unit == "TB":
            return f"{value:.1f} {unit}"
    raise AssertionError("unreachable")
