"""Layout decisions both renderers share, so the PDF and the DOCX agree line for line.

The caption is the one place where line breaks are part of the look: the ")"
column must run down beside every line of the parties, so the parties are
wrapped here, with the shipped font's metrics, into fixed rows.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.utils import simpleSplit

from app.documents import fonts
from app.documents import model as m
from app.documents.model import Caption
from app.documents.profile import CourtProfile

INDENT_STEP = 18.0  # points per caption indent step (a quarter inch)


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


def justifiable(runs: m.Runs) -> bool:
    """Justify a paragraph unless a long unbreakable token (a hash, a URL) would stretch its spaces."""
    return all(len(word) <= 30 for run in runs for word in run.text.split())


def pdf_date(bundle_date: str) -> str:
    """The PDF date string for a bundle date (midnight UTC), or the epoch's start if none is set."""
    digits = bundle_date.replace("-", "")
    if len(digits) != 8 or not digits.isdigit():
        digits = "20000101"
    return f"D:{digits}000000+00'00'"


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a crash leaves either the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
