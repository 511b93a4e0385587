"""Cut an oversize exhibit into parts, draw tab pages and join PDFs into the paper set.

Uses pikepdf (qpdf) so pages are copied, never re-drawn: the Bates numbers and text of
every page stay exactly as rendered. Output is deterministic (fixed /ID, no dates other
than the bundle date), so two exports of the same case give the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import pikepdf
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from app.documents import fonts
from app.documents.layout import pdf_date
from app.documents.pdf_writer import draw_draft_mark, draw_legend
from app.documents.profile import CourtProfile


@dataclass(frozen=True)
class PdfPart:
    """One file of a split exhibit: its bytes and its label ("Exhibit 5 (part 1 of 3)")."""

    pdf: bytes
    label: str
    pages: int


def page_count(pdf: bytes) -> int:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return len(doc.pages)


def _save(doc: pikepdf.Pdf, title: str, author: str, subject: str, date: str) -> bytes:
    if "/Metadata" in doc.Root:
        del doc.Root.Metadata
    doc.docinfo = doc.make_indirect(pikepdf.Dictionary(
        Title=pikepdf.String(title), Author=pikepdf.String(author), Subject=pikepdf.String(subject),
        Creator=pikepdf.String("evbundle"), Producer=pikepdf.String("evbundle (pikepdf)"),
        CreationDate=pikepdf.String(pdf_date(date)), ModDate=pikepdf.String(pdf_date(date)),
    ))
    out = io.BytesIO()
    doc.save(out, deterministic_id=True, compress_streams=True,
             object_stream_mode=pikepdf.ObjectStreamMode.preserve)
    return out.getvalue()


def part_label(label: str, part: int, parts: int) -> str:
    """"Exhibit 5 (part 2 of 3)": how a part of a split exhibit is labelled and bookmarked."""
    return f"{label} (part {part} of {parts})"


def split_ranges(pages: int, size: int, limit: int, parts: int = 0) -> list[range]:
    """Page ranges for a document of ``size`` bytes cut into parts under ``limit`` bytes:
    as many parts as the size asks for (at least ``parts``), pages shared out evenly."""
    wanted = max(2, -(-size // limit), parts)
    return _even_ranges(pages, min(pages, wanted))


def split_pages(pdf: bytes, ranges: Sequence[range], label: str, *, author: str = "", subject: str = "",
                date: str = "") -> list[PdfPart]:
    """The document cut into the given page ranges, each part titled and bookmarked with its
    part label ("Exhibit 5 (part 2 of 3)")."""
    with pikepdf.open(io.BytesIO(pdf)) as source:
        labels = [part_label(label, i, len(ranges)) for i in range(1, len(ranges) + 1)]
        return [PdfPart(_extract(source, r, name, author, subject, date), name, len(r))
                for name, r in zip(labels, ranges)]


def split_exhibit(pdf: bytes, limit: int, label: str, *, author: str = "", subject: str = "",
                  date: str = "") -> list[PdfPart]:
    """The exhibit as one part when it fits ``limit`` bytes, else as few parts as fit.

    Pages are split evenly by count and re-split when a part is still too large; a single
    page larger than the limit becomes a part of its own (nothing can be done below a page).
    The pages are copied as drawn: to have each page's label name its part, render the exhibit
    with ``exhibits.render_exhibit(split_limit=...)``, which uses the same ranges.
    """
    total = page_count(pdf)
    if len(pdf) <= limit:
        return [PdfPart(pdf, label, total)]
    parts = 0
    while True:
        ranges = split_ranges(total, len(pdf), limit, parts)
        pieces = split_pages(pdf, ranges, label, author=author, subject=subject, date=date)
        if all(len(p.pdf) <= limit for p in pieces) or len(ranges) >= total:
            return pieces
        parts = len(ranges) + 1


def _even_ranges(total: int, parts: int) -> list[range]:
    size, extra = divmod(total, parts)
    out, start = [], 0
    for i in range(parts):
        end = start + size + (1 if i < extra else 0)
        if end > start:
            out.append(range(start, end))
        start = end
    return out


def _extract(source: pikepdf.Pdf, pages: range, title: str, author: str, subject: str,
             date: str) -> bytes:
    """The pages as a document of their own, with one bookmark (its title) on its first page."""
    target = pikepdf.new()
    for index in pages:
        target.pages.append(source.pages[index])
    with target.open_outline() as outline:
        outline.root.append(pikepdf.OutlineItem(title, 0))
    target.Root.PageMode = pikepdf.Name.UseOutlines
    return _save(target, title, author, subject, date)


def tab_pages(tabs: Sequence[tuple[str, str]], profile: CourtProfile, *, legend: str = "",
              date: str = "", draft: bool = False) -> bytes:
    """Tab pages for the paper set, one per (label, description): the label large, and again on
    a tab at the right edge. One PDF for all of them: one font embedding, not one per tab."""
    fonts.register_fonts()
    buffer = io.BytesIO()
    canv = Canvas(buffer, pagesize=profile.page_size, invariant=1, initialFontName=fonts.SERIF_BOLD)
    canv.setDateFormatter(lambda *_: pdf_date(date))
    width, height = profile.page_size
    tab_w, tab_h = 0.6 * 72, 2.2 * 72
    room = width - tab_w - profile.margin_left - profile.margin_right
    for label, description in tabs:
        if legend:
            draw_legend(canv, profile, legend)
        if draft:
            draw_draft_mark(canv, profile)
        canv.setFillGray(0.85)
        canv.rect(width - tab_w, height / 2 - tab_h / 2, tab_w, tab_h, stroke=1, fill=1)
        canv.setFillGray(0)
        canv.saveState()
        canv.translate(width - tab_w / 2 + 5, height / 2)
        canv.rotate(90)
        canv.setFont(fonts.SERIF_BOLD, 14)
        canv.drawCentredString(0, 0, label)
        canv.restoreState()
        canv.setFont(fonts.SERIF_BOLD, 32)
        canv.drawCentredString((width - tab_w) / 2, height / 2 + 10, label)
        canv.setFont(fonts.SERIF, 11)
        for index, line in enumerate(simpleSplit(description, fonts.SERIF, 11, room)[:6]):
            canv.drawCentredString((width - tab_w) / 2, height / 2 - 20 - index * 14, line)
        canv.showPage()
    canv.save()
    return buffer.getvalue()



def join_pdfs(pieces: Sequence[tuple[bytes, str] | tuple[bytes, str, range]], *, title: str,
              author: str = "", subject: str = "", date: str = "") -> bytes:
    """Join PDFs in order into one file with one bookmark per piece (its title); a piece may
    name a range of its pages. The same bytes object given twice is opened once."""
    target = pikepdf.new()
    marks: list[tuple[str, int]] = []
    sources: dict[int, pikepdf.Pdf] = {}  # kept open until saved: page streams are read lazily
    try:
        for piece in pieces:
            data, name = piece[0], piece[1]
            source = sources.get(id(data))
            if source is None:
                source = sources[id(data)] = pikepdf.open(io.BytesIO(data))
            pages = piece[2] if len(piece) > 2 else range(len(source.pages))
            marks.append((name, len(target.pages)))
            target.pages.extend(source.pages[i] for i in pages)
        with target.open_outline() as outline:
            for name, page in marks:
                outline.root.append(pikepdf.OutlineItem(name, page))
        target.Root.PageMode = pikepdf.Name.UseOutlines
        return _save(target, title, author, subject, date)
    finally:
        for source in sources.values():
            source.close()
