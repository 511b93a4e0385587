"""Draw a Document as a filing-ready PDF with reportlab.

Only the shipped Liberation fonts are used (all embedded); the file is
invariant (same input, same bytes) with its dates taken from the bundle date;
it has bookmarks, metadata and page numbers, and never JavaScript, encryption
or attachments. Long domain lists and other long tables are drawn straight onto the canvas a
page at a time (see pdf_rows), because one reportlab LongTable grows quadratically with its
rows. Body text comes from pdf_text, and what must stay together across a page end (a heading
and its first lines, a signature and the last lines above it) is grouped by pdf_keep.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app.documents import fonts
from app.documents import model as m
from app.documents.layout import (
    INDENT_STEP,
    atomic_write,
    caption_columns,
    caption_rows,
    cell_lines,
    collection_paused,
    fit_lines,
    pdf_date,
)
from app.documents.pdf_keep import KeepTail, KeepWithFirstRows
from app.documents.pdf_rows import (
    DomainRows,
    Grid,
    GridRows,
    NameLines,
    PagedRows,
    RowLook,
    RowSet,
    TableRows,
)
from app.documents.pdf_text import body_paragraph, runs_markup
from app.documents.profile import CourtProfile

_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY}


class Styles:
    """The paragraph styles of one court profile."""

    def __init__(self, profile: CourtProfile) -> None:
        size = profile.font_size
        single = profile.single_leading  # what Word and LibreOffice call single spacing: the DOCX matches
        body = single * profile.body_spacing
        self.align = TA_JUSTIFY if profile.text_align == "justify" else TA_LEFT  # one choice for every document
        base = ParagraphStyle("base", fontName=fonts.SERIF, fontSize=size, leading=single)
        self.body = ParagraphStyle("body", base, leading=body, alignment=self.align)
        self.body_first = ParagraphStyle("body-first", self.body, firstLineIndent=36)
        self.single = ParagraphStyle("single", base, alignment=self.align, spaceAfter=size * 0.5)
        self.line = ParagraphStyle("line", base, alignment=TA_LEFT)
        self.numbered = ParagraphStyle(
            "numbered", self.body, firstLineIndent=72, bulletIndent=36, bulletFontName=fonts.SERIF,
            bulletFontSize=size,
        )
        self.court = ParagraphStyle("court", base, fontName=fonts.SERIF_BOLD, alignment=TA_CENTER,
                                    leading=single * profile.caption_spacing)
        self.title = ParagraphStyle(
            "title", base, fontName=fonts.SERIF_BOLD, alignment=TA_CENTER, spaceBefore=size,
            spaceAfter=size * 1.5,
        )
        self.heading = ParagraphStyle(
            "heading", base, fontName=fonts.SERIF_BOLD, alignment=TA_CENTER, spaceBefore=size * 0.5,
            spaceAfter=size * 0.75, keepWithNext=1,
        )
        self.signature = ParagraphStyle("signature", base, leftIndent=3.25 * 72)
        self.appendix = ParagraphStyle(
            "appendix", base, fontName=fonts.SERIF_BOLD, fontSize=size + 2, leading=(size + 2) * 1.3,
            alignment=TA_CENTER, keepWithNext=1,
        )
        self.appendix_sub = ParagraphStyle("appendix-sub", base, alignment=TA_CENTER, spaceAfter=size,
                                           keepWithNext=1)
        self.group = ParagraphStyle("group", base, fontName=fonts.SERIF_BOLD, spaceBefore=size,
                                    keepWithNext=1)
        self.address = ParagraphStyle("address", base, keepWithNext=1)
        self.note = ParagraphStyle("note", base, fontName=fonts.SERIF_ITALIC, spaceAfter=size * 0.4,
                                   keepWithNext=1)
        # the appendices' domain rows, spaced as the profile says (1.0: single)
        self.cell = ParagraphStyle("cell", base, fontSize=size - 1,
                                   leading=(size - 1) * 1.15 * profile.appendix_spacing)
        # names copied exactly (name servers, e-mail addresses): the monospace font, one per line
        self.names = RowLook(fonts.MONO, fonts.MONO_BOLD, size, single)


class _DeclarationDoc(BaseDocTemplate):
    """Adds PDF outline entries for flowables marked with a ``bookmark`` attribute."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, keepTogetherClass=KeepWithFirstRows, **kwargs)
        self._marks = 0
        self._level = -1

    def afterFlowable(self, flowable: Flowable) -> None:
        mark = getattr(flowable, "bookmark", None)
        if mark is None:
            return
        title, level = mark
        level = min(level, self._level + 1)  # an outline may not skip a level (a letter has no top entry)
        self._level = level
        self._marks += 1
        key = f"mark{self._marks}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(title, key, level=level, closed=level > 0)


def _marked(flowable: Flowable, title: str, level: int) -> Flowable:
    flowable.bookmark = (title, level)
    return flowable


def page_decorator(
    profile: CourtProfile, legend: str, date: str, *, page_numbers: bool = True, draft: bool = False
) -> Callable[[Canvas, BaseDocTemplate], None]:
    """What every page carries: the fictional-case legend (below the stamp band), the page number
    and, on a draft, the DRAFT mark."""
    width, _height = profile.page_size

    def decorate(canv: Canvas, doc: BaseDocTemplate) -> None:
        canv.saveState()
        canv.setDateFormatter(lambda *_: pdf_date(date))
        if canv.getPageNumber() == 1:
            canv.showOutline()
        if legend:
            draw_legend(canv, profile, legend)
        if draft:
            draw_draft_mark(canv, profile)
        if page_numbers:
            canv.setFont(fonts.SERIF, profile.font_size - 1)
            canv.setFillColor(colors.black)
            canv.drawCentredString(width / 2, profile.margin_bottom / 2, str(canv.getPageNumber()))
        canv.restoreState()

    return decorate


def draw_legend(canv: Canvas, profile: CourtProfile, legend: str) -> None:
    """The fictional-case legend, centred just under the band kept clear for the court's stamp."""
    width, height = profile.page_size
    size = 9.0
    baseline = height - profile.stamp_band - size - 3
    canv.setFont(fonts.SERIF_BOLD, size)
    canv.setFillColor(colors.Color(0.6, 0, 0))
    canv.drawCentredString(width / 2, baseline, legend)
    canv.setFillColor(colors.black)


DRAFT_MARK = "DRAFT"
DRAFT_NOTE = "DRAFT — NOT FOR FILING"


def draw_draft_mark(canv: Canvas, profile: CourtProfile) -> None:
    """A draft's mark: a large pale "DRAFT" across the page, behind nothing the reader needs, and
    "DRAFT — NOT FOR FILING" in the bottom margin's corner, clear of page numbers and Bates numbers."""
    width, height = profile.page_size
    canv.saveState()
    canv.setFillColor(colors.Color(0.75, 0.1, 0.1, alpha=0.18))
    canv.setFont(fonts.SERIF_BOLD, 120)
    canv.translate(width / 2, height / 2)
    canv.rotate(45)
    canv.drawCentredString(0, -40, DRAFT_MARK)
    canv.restoreState()
    canv.saveState()
    canv.setFillColor(colors.Color(0.6, 0, 0))
    canv.setFont(fonts.SERIF_BOLD, 8)
    canv.drawCentredString(width / 2, profile.margin_bottom / 4, DRAFT_NOTE)
    canv.restoreState()


def _caption_flowables(caption: m.Caption, profile: CourtProfile, styles: Styles) -> list[Flowable]:
    out: list[Flowable] = [Paragraph(escape(line), styles.court) for line in caption.court_lines]
    if caption.division:
        out.append(Paragraph(escape(caption.division), styles.court))
    out.append(Spacer(1, profile.font_size))
    rows = caption_rows(caption, profile)
    if not rows:
        return out
    columns = caption_columns(profile)
    data = [[row.left, ")" if profile.paren_column else "", row.right] for row in rows]
    style = [
        ("FONT", (0, 0), (-1, -1), fonts.SERIF, profile.font_size, profile.font_size * 1.17 * profile.caption_spacing),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ("LEFTPADDING", (2, 0), (2, -1), 10),
    ]
    for i, row in enumerate(rows):
        if row.indent:
            style.append(("LEFTPADDING", (0, i), (0, i), row.indent * INDENT_STEP))
        if row.right_bold:
            style.append(("FONT", (2, i), (2, i), fonts.SERIF_BOLD, profile.font_size))
    table = Table(data, colWidths=[columns.left, columns.paren, columns.right], hAlign="LEFT")
    table.setStyle(TableStyle(style))
    out.append(table)
    return out


def _group_flowables(group: m.RegistryGroup, profile: CourtProfile, styles: Styles,
                     appendix: str) -> list[Flowable]:
    out: list[Flowable] = [_marked(Paragraph(escape(group.title), styles.group), group.title, 1)]
    out.extend(Paragraph(escape(line), styles.address) for line in group.address)
    if group.note:
        out.append(Paragraph(escape(group.note), styles.note))
    look = RowLook(fonts.MONO, fonts.SERIF_BOLD, styles.cell.fontSize, styles.cell.leading, fonts.SERIF)
    title = f"{appendix}: {group.title}" if appendix else group.title
    out.append(DomainRows(RowSet(group.domains, profile.frame_width, look, title=title)))
    return out


def _table_flowables(block: m.Table, profile: CourtProfile, styles: Styles) -> list[Flowable]:
    """A table drawn a page at a time (see pdf_rows.TableRows), so time grows linearly and the
    header shows once at the top of the table and at the top of each new page.

    Cells are pre-wrapped lines, not Paragraphs: for thousands of rows (an exhibit index of
    1,200 spam messages) that is several times faster and looks the same. A host name in a cell
    (a domain, a URL's host) is never broken (layout.cell_lines); a hash in a monospace column
    may break anywhere.
    """
    size = profile.font_size - 3
    mono_size = size - 1.5
    widths = tuple(w * profile.frame_width for w in block.widths)
    pad = 3.0
    top_pad, bottom_pad = 2.0, 3.0
    scales: dict[tuple[int, int, int], float] = {}

    def cell(text: str, column: int, font: str, row: int) -> str:
        room = widths[column] - 2 * pad
        if column in block.mono and font != fonts.SERIF_BOLD:
            return "\n".join(fit_lines(text, font, mono_size, room))
        lines = cell_lines(text, font, size, room)
        for line_no, (_, scale) in enumerate(lines):
            if scale != 100.0 and row >= 0:
                scales[(row, column, line_no)] = scale
        return "\n".join(line for line, _ in lines)

    header = tuple(cell(text, i, fonts.SERIF_BOLD, -1) for i, text in enumerate(block.header))
    leadings = tuple(mono_size * 1.25 if i in block.mono else size * 1.2 for i in range(len(widths)))
    rows = block.rows or (tuple("" for _ in block.header),)
    cells = tuple(tuple(cell(text, i, fonts.MONO if i in block.mono else fonts.SERIF, r)
                        for i, text in enumerate(row)) for r, row in enumerate(rows))
    grid = Grid(header, cells, widths,
                tuple(fonts.MONO if i in block.mono else fonts.SERIF for i in range(len(widths))),
                tuple(mono_size if i in block.mono else size for i in range(len(widths))),
                fonts.SERIF_BOLD, leadings, size * 1.2, (top_pad, bottom_pad), pad, scales)
    out: list[Flowable] = [TableRows(GridRows(grid))]
    if block.title:
        out.insert(0, _marked(Paragraph(escape(block.title), styles.group), block.title, 0))
    out.append(Spacer(1, profile.font_size))
    return out


def document_flowables(doc: m.Document, profile: CourtProfile) -> list[Flowable]:
    """The document's blocks as reportlab flowables.

    A paragraph marked keep-with-next stays on the page of what follows it (of a list or table, its
    first rows); a signature block stays with the paragraphs kept with it (the Section 1746 clause,
    "Executed on", "Dated") and with the last lines of the body paragraph before them."""
    styles = Styles(profile)
    width = profile.frame_width
    page_height = profile.page_size[1] - profile.margin_top - profile.margin_bottom
    story: list[Flowable] = []
    pending_keep: list[Flowable] = []
    appendix = ""
    for block in doc.blocks:
        flow: list[Flowable]
        if isinstance(block, m.Caption):
            flow = _caption_flowables(block, profile, styles)
        elif isinstance(block, m.Title):
            flow = [_marked(Paragraph(runs_markup(block.runs), styles.title), doc.info.title or "Title", 0)]
        elif isinstance(block, m.Heading):
            text = f"{block.label} {block.text}".strip()
            pending_keep.append(_marked(Paragraph(escape(text), styles.heading), text, 0))
            continue
        elif isinstance(block, m.NumberedParagraph):
            flow = [body_paragraph(block.runs, styles.numbered, width, f"{block.number}.")]
        elif isinstance(block, m.Paragraph):
            style = {"single": styles.single, "line": styles.line}.get(block.spacing) or (
                styles.body_first if block.indent_first else styles.body)
            if block.indent_first and block.spacing != "body":
                style = ParagraphStyle(f"{style.name}-indented", style, firstLineIndent=36)
            align = styles.align if block.align == "justify" else _ALIGN[block.align]
            style = ParagraphStyle(f"{style.name}-{block.align}", style, alignment=align)
            paragraph = body_paragraph(block.runs, style, width)
            if block.spacing == "line":
                paragraph.evb_body = False  # an address line, not body text
            if block.keep_with_next:
                pending_keep.append(paragraph)
                continue
            flow = [paragraph]
        elif isinstance(block, m.SignatureBlock):
            lines: list[Flowable] = [Spacer(1, profile.font_size)]
            lines.extend(Paragraph(escape(line), styles.signature) if line else Spacer(1, styles.signature.leading)
                         for line in block.lines)
            kept = pending_keep + lines
            pending_keep = []
            if len(story) > 1 and isinstance(story[-1], Spacer) and isinstance(story[-2], PagedRows):
                kept.insert(0, story.pop())  # the space after a table, then the table's last rows
            last = story[-1] if story else None
            if isinstance(last, KeepTail):
                flow = [story.pop().with_rest(kept)]
            elif getattr(last, "evb_body", False) or isinstance(last, PagedRows):
                flow = [KeepTail([], story.pop(), kept, page_height)]
            else:
                flow = [KeepTogether(kept)]
        elif isinstance(block, m.PageBreak):
            flow = [PageBreak()]
        elif isinstance(block, m.AppendixTitle):
            appendix = block.label
            flow = [
                _marked(Paragraph(escape(block.label), styles.appendix), block.label, 0),
                Paragraph(escape(block.text), styles.appendix_sub),
            ]
        elif isinstance(block, m.RegistryGroup):
            flow = _group_flowables(block, profile, styles, appendix)
        elif isinstance(block, m.Table):
            flow = _table_flowables(block, profile, styles)
        elif isinstance(block, m.NameList):
            flow = [NameLines(block.names, styles.names, 72.0, width)]
        else:  # pragma: no cover - a new block type without a renderer is a programming error
            raise TypeError(f"no PDF rendering for {type(block).__name__}")
        if pending_keep:
            if hasattr(flow[0], "first_rows_height"):  # a list or table: keep its first rows
                flow = [KeepWithFirstRows([*pending_keep, flow[0]]), *flow[1:]]
            elif isinstance(flow[0], Paragraph):  # keep the paragraph's first lines
                flow = [KeepTail(pending_keep, flow[0], [], page_height), *flow[1:]]
            elif isinstance(pending_keep[-1], Paragraph):  # keep the last lines of what introduces it
                flow = [KeepTail(pending_keep[:-1], pending_keep[-1], flow[:1], page_height), *flow[1:]]
            else:
                flow = [KeepTogether([*pending_keep, flow[0]]), *flow[1:]]
            pending_keep = []
        story.extend(flow)
    story.extend(pending_keep)
    return story


def render_pdf_bytes(doc: m.Document, profile: CourtProfile, *, metadata: m.DocumentInfo | None = None) -> bytes:
    """The document as PDF bytes (see ``render_pdf``)."""
    fonts.register_fonts()
    info = metadata or doc.info
    buffer = io.BytesIO()
    _width, height = profile.page_size
    template = _DeclarationDoc(
        buffer,
        pagesize=profile.page_size,
        leftMargin=profile.margin_left,
        rightMargin=profile.margin_right,
        topMargin=profile.margin_top,
        bottomMargin=profile.margin_bottom,
        title=info.title,
        author=info.author,
        subject=info.subject,
        creator="evbundle",
        invariant=1,
        initialFontName=fonts.SERIF,
        initialFontSize=profile.font_size,
        displayDocTitle=1,
        lang="en-US",
    )
    frame = Frame(profile.margin_left, profile.margin_bottom, profile.frame_width,
                  height - profile.margin_top - profile.margin_bottom, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    decorate = page_decorator(profile, info.legend, info.date, draft=info.draft)
    template.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=decorate)])
    with collection_paused():
        template.build(document_flowables(doc, profile))
    return buffer.getvalue()


def render_pdf(
    doc: m.Document, profile: CourtProfile, out: Path, *, metadata: m.DocumentInfo | None = None
) -> None:
    """Write the document as a PDF to ``out`` (atomically). ``metadata`` overrides ``doc.info``."""
    atomic_write(out, render_pdf_bytes(doc, profile, metadata=metadata))
