"""Attachments that a broken MIME tree hides from the standard parser, found again.

Malware spam reuses the outer boundary for an inner multipart, so the
standard library reads the inner part to the end of the message and the
payload (a ``.jpg_.zip`` holding an ``.exe``) vanishes from the tree. Here
the body is cut flat at every boundary line it really uses, and each piece
that declares a file name is read as a part of its own.
"""

from __future__ import annotations

import email
import re
from email import policy
from email.message import Message

_BOUNDARY_LINE = re.compile(rb"^--([!-~]{3,200}?)(?:--)?[ \t]*\r?$", re.MULTILINE)
_NAMED = re.compile(rb"^content-(?:type|disposition):[^\n]*(?:\n[ \t][^\n]*)*?\b(?:file)?name\*?=",
                    re.IGNORECASE | re.MULTILINE)
MAX_PIECES = 500


def declared_file_count(data: bytes) -> int:
    """Roughly how many parts of the raw message declare a file name: a cheap test for hidden attachments."""
    lower = data.lower()
    filenames = named = 0
    at = lower.find(b"name")  # one pass: each "name", then what comes just before it
    while at >= 0:
        before = lower[at - 1 : at] if at else b""
        named += before in (b" ", b"\t", b";") and before != b""
        filenames += at >= 4 and lower[at - 4 : at] == b"file"
        at = lower.find(b"name", at + 4)
    return max(filenames, named - filenames)  # a part often names itself twice


def flat_named_parts(data: bytes) -> list[Message]:
    """The pieces between boundary lines that declare a file name, each parsed as a standalone part."""
    boundaries = {match.group(1) for match in _BOUNDARY_LINE.finditer(data)}
    if not boundaries:
        return []
    pattern = re.compile(
        rb"^--(?:" + b"|".join(re.escape(b) for b in sorted(boundaries, key=len, reverse=True))
        + rb")(?:--)?[ \t]*\r?\n",
        re.MULTILINE,
    )
    pieces = pattern.split(data)[1:MAX_PIECES]
    parts: list[Message] = []
    for piece in pieces:
        head = piece.split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0]
        if not _NAMED.search(head) or head.lower().lstrip().startswith(b"content-type: multipart"):
            continue
        parts.append(email.message_from_bytes(piece.lstrip(b"\r\n"), policy=policy.compat32))
    return parts
