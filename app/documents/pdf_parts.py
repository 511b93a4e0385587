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
from app.documents.pdf_writer import draw_legend
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


def split_exhibit(pdf: bytes, limit: int, label: str, *, author: str = "", subject: str = "",
                  date: str = "") -> list[PdfPart]:
    """The exhibit as one part when it fits ``limit`` bytes, else as few parts as fit.

    Pages are split evenly by count and re-split when a part is still too large; a single
    page larger than the limit becomes a part of its own (nothing can be done below a page).
    """
    if len(pdf) <= limit:
        return [PdfPart(pdf, label, page_count(pdf))]
    with pikepdf.open(io.BytesIO(pdf)) as source:
        total = len(source.pages)
        parts = max(2, -(-len(pdf) // limit))
        while True:
            ranges = _even_ranges(total, parts)
            blobs = [_extract(source, r, f"{label} (part {i} of {len(ranges)})", author, subject, date)
                     for i, r in enumerate(ranges, start=1)]
            if all(len(b) <= limit for b in blobs) or parts >= total:
                return [PdfPart(b, f"{label} (part {i} of {len(ranges)})", len(r))
                        for i, (b, r) in enumerate(zip(blobs, ranges), start=1)]
            parts = min(total, parts + 1)


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
    target = pikepdf.new()
    for index in pages:
        target.pages.append(source.pages[index])
    return _save(target, title, author, subject, date)


def tab_pages(tabs: Sequence[tuple[str, str]], profile: CourtProfile, *, legend: str = "",
              date: str = "") -> bytes:
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


def tab_page(label: str, description: str, profile: CourtProfile, *, legend: str = "",
             date: str = "") -> bytes:
    """One tab page (see ``tab_pages``)."""
    return tab_pages([(label, description)], profile, legend=legend, date=date)


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
            pages = piece[2] if len(piece) > 2 else range(len(source.pages))  # type: ignore[misc]
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
