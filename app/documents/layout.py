"""Layout decisions both renderers share, so the PDF and the DOCX agree line for line.

The caption is the one place where line breaks are part of the look: the ")"
column must run down beside every line of the parties, so the parties are
wrapped here, with the shipped font's metrics, into fixed rows.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth

from app.core.files import write_atomic
from app.documents import fonts
from app.documents import model as m
from app.documents.model import Caption
from app.documents.profile import CourtProfile

INDENT_STEP = 18.0  # points per caption indent step (a quarter inch)
NBSP = "\u00a0"
ZWSP = "\u200b"
MIN_NAME_SIZE = 7.0  # a listed name shrinks to fit its line down to this size, then is narrowed
# "Exhibit 12", "Exhibits 3–5", "EXHIBIT 7", "VSB No. 12345": the label and its number stay on one line.
_LABEL_NUMBER = re.compile(r"\b(Exhibits?|EXHIBITS?|Ex\.|Tab|TAB|No\.) (?=\d)")
# A certificate fingerprint as printed ("3A:7F:C4:…", 8 bytes or more): it may break only after a colon.
FINGERPRINT = re.compile(r"(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{2}:){7,}[0-9A-Fa-f]{2}(?![0-9A-Fa-f:])")


@dataclass(frozen=True)
class CaptionColumns:
    """Widths, in points, of the caption's three columns."""

    left: float
    paren: float
    right: float


@dataclass(frozen=True)
class CaptionRow:
    """One printed line of the caption: party text (already wrapped), ")" and the right column."""

    left: str
    indent: int
    right: str
    right_bold: bool


def caption_columns(profile: CourtProfile) -> CaptionColumns:
    width = profile.frame_width
    paren = 0.35 * 72
    left = round(width * 0.52, 1)
    return CaptionColumns(left=left, paren=paren, right=width - left - paren)


def caption_rows(caption: Caption, profile: CourtProfile) -> list[CaptionRow]:
    """The caption as rows: parties wrapped to the left column, right-hand lines centred beside them."""
    fonts.register_fonts()
    columns = caption_columns(profile)
    lefts: list[tuple[str, int]] = []
    for line in caption.parties:
        room = columns.left - line.indent * INDENT_STEP - 4
        font = fonts.SERIF_BOLD if line.bold else fonts.SERIF
        pieces = simpleSplit(line.text, font, profile.font_size, room) if line.text else [""]
        lefts.extend((piece, line.indent) for piece in pieces)
    rights = list(caption.right)
    total = max(len(lefts), len(rights))
    start = max(0, (total - len(rights)) // 2)
    rows = []
    for i in range(total):
        left, indent = lefts[i] if i < len(lefts) else ("", 0)
        j = i - start
        right = rights[j] if 0 <= j < len(rights) else None
        rows.append(CaptionRow(left, indent, right.text if right else "", bool(right and right.bold)))
    return rows


_BREAK_AFTER = "-./?&=_@:"  # where a name, a URL or an address breaks best when it must


def fit_lines(text: str, font: str, size: float, width: float) -> list[str]:
    """Text wrapped to ``width`` at spaces; a word too long for a line (a hash, a URL, a long
    domain name) is cut, preferably after a "-", "." or "/", and starts on the current line
    when a fair piece of it fits there, so no line is left short before it."""
    space = stringWidth(" ", font, size)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0.0
        for whole in paragraph.split():
            word = whole  # what is left of it to place, once a long word is cut
            need = stringWidth(word, font, size)
            gap = space if line else 0.0
            if used + gap + need <= width:
                line, used = f"{line} {word}" if line else word, used + gap + need
                continue
            if need <= width:
                lines.append(line)
                line, used = word, need
                continue
            while need > width - used - gap:
                cut = _cut(word, font, size, width - used - gap, whole_line=not line)
                if cut:
                    lines.append(f"{line} {word[:cut]}" if line else word[:cut])
                    word = word[cut:]
                    need = stringWidth(word, font, size)
                elif line:
                    lines.append(line)
                line, used, gap = "", 0.0, 0.0
            line, used = f"{line} {word}" if line else word, used + gap + need
        lines.append(line)
    return lines


# A host name inside running text or a URL ("sample-antivirus-scan-example.com,"): kept whole on a line.
_HOST = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})\.?")
MIN_SCALE = 50.0  # a name narrowed below this share of its width would not be read: it is cut instead


def _pieces(word: str) -> list[tuple[str, bool]]:
    """A word as (piece, is a host name) pieces: host names whole, the rest of a URL cut after "/", "?"
    and "&" (the pieces join without spaces)."""
    out: list[tuple[str, bool]] = []
    position = 0
    for match in _HOST.finditer(word):
        if match.start() > position:
            out.extend((p, False) for p in re.split(r"(?<=[/?&])", word[position:match.start()]) if p)
        out.append((match.group(0), True))
        position = match.end()
    if position < len(word):
        out.extend((p, False) for p in re.split(r"(?<=[/?&])", word[position:]) if p)
    merged: list[tuple[str, bool]] = []
    for piece, host in out:  # punctuation after a host name stays on its line: "example.com,"
        if merged and merged[-1][1] and not host and not any(c.isalnum() for c in piece):
            merged[-1] = (merged[-1][0] + piece, True)
        else:
            merged.append((piece, host))
    return merged


def cell_lines(text: str, font: str, size: float, width: float) -> list[tuple[str, float]]:
    """Table cell text wrapped to ``width`` as (line, horizontal scale in percent): at spaces, and inside
    a long word (a URL) only after "/", "?" or "&", never inside a host name (a domain in an index must
    read back whole); a host name longer than the line gets a line of its own, narrowed to fit (not
    below MIN_SCALE: then it is cut, as a last resort)."""
    space = stringWidth(" ", font, size)
    lines: list[tuple[str, float]] = []
    for paragraph in text.split("\n"):
        line, used = "", 0.0
        for word in paragraph.split():
            need = stringWidth(word, font, size)
            gap = space if line else 0.0
            if used + gap + need <= width:
                line, used = f"{line} {word}" if line else word, used + gap + need
                continue
            if need <= width:
                lines.append((line, 100.0))
                line, used = word, need
                continue
            for index, (piece, host) in enumerate(_pieces(word)):
                need = stringWidth(piece, font, size)
                joint = (space if line else 0.0) if index == 0 else 0.0
                if used + joint + need <= width:
                    line = f"{line}{' ' if joint else ''}{piece}"
                    used += joint + need
                    continue
                if line:
                    lines.append((line, 100.0))
                    line, used = "", 0.0
                if need <= width:
                    line, used = piece, need
                elif host and 100.0 * width / need >= MIN_SCALE:
                    lines.append((piece, 100.0 * width / need))
                else:
                    cut = fit_lines(piece, font, size, width)
                    lines.extend((part, 100.0) for part in cut[:-1])
                    line, used = cut[-1], stringWidth(cut[-1], font, size)
        lines.append((line, 100.0))
    return lines


def _cut(word: str, font: str, size: float, room: float, *, whole_line: bool) -> int:
    """How many leading characters of ``word`` to put in ``room`` points: at least one on a
    line of its own, else none unless a fair piece (a third of the word, four characters) fits."""
    fits = 0
    while fits < len(word) and stringWidth(word[:fits + 1], font, size) <= room:
        fits += 1
    if fits < len(word):
        best = max(word.rfind(c, 0, fits) for c in _BREAK_AFTER) + 1
        if best >= max(4, fits // 2):
            fits = best
    if whole_line:
        return max(1, fits)
    return fits if fits >= max(4, len(word) // 3) else 0


def listed_lines(domain: m.ListedDomain) -> tuple[str, ...]:
    """How an appendix prints one domain: its ASCII form on a line of its own, then, for an IDN, its
    Unicode form in brackets on the next; each is fitted to its line whole (see :func:`fit_name`)."""
    return (domain.ascii,) if not domain.unicode else (domain.ascii, f"({domain.unicode})")


def fit_name(text: str, font: str, size: float, width: float) -> tuple[float, float]:
    """(font size, horizontal scale in percent) that set ``text`` on one line of ``width`` points: the
    given size when it fits, else smaller down to MIN_NAME_SIZE, then narrowed. A domain name, a name
    server or an e-mail address is copied by whoever reads it: it is never broken across lines."""
    natural = stringWidth(text, font, size)
    if natural <= width or natural == 0:
        return size, 100.0
    shrunk = size * width / natural
    if shrunk >= MIN_NAME_SIZE:
        return shrunk, 100.0
    return MIN_NAME_SIZE, 100.0 * width / stringWidth(text, font, MIN_NAME_SIZE)


def keep_labels(text: str) -> str:
    """"Exhibit 12" (and "No. 12345") with a no-break space, so that a label never ends one line and its
    number starts the next (text extraction reads the no-break space as a space)."""
    return _LABEL_NUMBER.sub(lambda match: match.group(1) + NBSP, text)


def fingerprint_breaks(text: str) -> str:
    """A zero-width space after each colon of every certificate fingerprint: where Word and LibreOffice
    may break it, and nowhere else."""
    return FINGERPRINT.sub(lambda match: match.group(0).replace(":", ":" + ZWSP), text)


def pdf_date(bundle_date: str) -> str:
    """The PDF date string for a bundle date (midnight UTC), or the epoch's start if none is set."""
    digits = bundle_date.replace("-", "")
    if len(digits) != 8 or not digits.isdigit():
        digits = "20000101"
    return f"D:{digits}000000+00'00'"


def atomic_write(path: Path, data: bytes) -> None:
    """Write a document so that a crash leaves either the old file or the new one (mode 0644:
    colleagues on a shared drive can open it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, data, durable=False)  # derived: made again by the next export


@contextmanager
def collection_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a large document is built.

    Building an appendix of 100,000 domains allocates millions of small objects that all
    live until the file is written; each collection pass would scan them again, so passes
    add up to a quarter of the time. Reference counting still frees what is dropped; the
    collector is switched back on afterwards (if it was on) and catches up on its own.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
