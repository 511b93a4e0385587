"""Cutting an mbox mailbox into its messages, byte-exact, losing none.

A message starts at a "From " line at the start of the file or after an
empty line (what mutt and Thunderbird do), and only when that line looks
like an envelope line (it carries a time or a year, or a header follows it):
"From here on, prices drop" after a blank line in an unquoted body does not
split the message. Each part is the exact slice of the
mailbox, its own "From " line included and ">From " quoting left as is, so
the parts laid end to end give back the mailbox byte for byte.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from app.core.errors import ImportRefused

_SEPARATOR = re.compile(rb"(?:\A|(?<=\n\n)|(?<=\n\r\n))From [^\r\n]*(?:\r?\n|\Z)")
_HEADER = re.compile(rb"[!-9;-~]+[ \t]*:")
_ENVELOPE_TIME = re.compile(rb"\b\d{1,2}:\d{2}\b|\b(?:19|20)\d{2}\b")


@dataclass(frozen=True)
class MailboxPart:
    """One message cut from a mailbox: its position (from 0), its exact bytes, what is wrong with it ('' if nothing)."""

    index: int
    data: bytes
    problem: str = ""


def split_mailbox(data: bytes) -> list[MailboxPart]:
    """Split an mbox file into messages; one damaged message never costs the others."""
    if not data.strip():
        raise ImportRefused("empty mailbox")
    starts = [match.start() for match in _SEPARATOR.finditer(data) if _envelope(data, match)]
    parts: list[MailboxPart] = []
    if not starts or starts[0] > 0:
        preamble = data[: starts[0]] if starts else data
        problem = (
            "no 'From ' line: not an mbox mailbox, kept as one unparsed part"
            if not starts
            else "bytes before the first 'From ' line (not a message)"
        )
        if preamble.strip() or not starts:
            parts.append(MailboxPart(0, preamble, problem))
        elif starts:
            # Blank bytes before the first message belong to it, so nothing is lost.
            starts[0] = 0
    bounds = [*starts, len(data)]
    for begin, end in itertools.pairwise(bounds):
        chunk = data[begin:end]
        parts.append(MailboxPart(len(parts), chunk, _problem(chunk)))
    return parts


def _envelope(data: bytes, match: re.Match[bytes]) -> bool:
    """Whether a "From " line is a message's envelope line rather than body text."""
    if match.start() == 0 or _ENVELOPE_TIME.search(match.group(0)):
        return True
    following = data[match.end() : match.end() + 200].split(b"\n", 1)[0]
    return bool(_HEADER.match(following))


def _problem(chunk: bytes) -> str:
    """A quick look at one message: is there a header block after its From_ line?"""
    lines = chunk.split(b"\n", 1)
    rest = lines[1] if len(lines) > 1 else b""
    if not rest.strip():
        return "empty message (a 'From ' line and nothing else)"
    first = rest.lstrip(b"\r\n").split(b"\n", 1)[0]
    if not _HEADER.match(first):
        return "no message headers after the 'From ' line"
    return ""
