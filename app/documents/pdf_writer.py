"""Draw a Document as a filing-ready PDF with reportlab.

Only the shipped Liberation fonts are used (all embedded); the file is
invariant (same input, same bytes) with its dates taken from the bundle date;
it has bookmarks, metadata and page numbers, and never JavaScript, encryption
or attachments. Long domain lists are drawn straight onto the canvas a page at a time
(see pdf_rows), and so are other long tables (a small reportlab Table per page), because
one reportlab LongTable grows quadratically with its rows.
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
from reportlab.pdfbase.pdfmetrics import stringWidth
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
from reportlab.platypus.flowables import _Container, _listWrapOn

from app.documents import fonts
from app.documents import model as m
from app.documents.layout import (
    FINGERPRINT,
    INDENT_STEP,
    atomic_write,
    caption_columns,
    caption_rows,
    cell_lines,
    collection_paused,
    fit_lines,
    keep_labels,
    pdf_date,
)
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
from app.documents.profile import CourtProfile

_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY}


def _styled(text: str, run: m.Run) -> str:
    if run.italic:
        text = f"<i>{text}</i>"
    if run.bold:
        text = f"<b>{text}</b>"
    return text


def runs_markup(runs: m.Runs) -> str:
    """Runs as reportlab paragraph markup, every character of the text escaped; "Exhibit 12" kept on
    one line (layout.keep_labels)."""
    return "".join(_styled(escape(keep_labels(run.text)), run) for run in runs)


def _paragraph(markup: str, style: ParagraphStyle, **kwargs: Any) -> Paragraph:
    """A reportlab Paragraph whose text pieces name every attribute reportlab compares per word.

    Line breaking compares neighbouring pieces of a paragraph (``sameFrag``) once per word;
    an attribute a piece lacks (``backColor``, ``nobr``) costs a raised and cleared
    AttributeError each time, about a quarter of the time a long declaration takes. Set to
    None, which reportlab reads as absent, they give the same lines, pages and text (the
    page streams differ only in where an unchanged fill colour is set).
    """
    paragraph = Paragraph(markup, style, **kwargs)
    for frag in paragraph.frags:
        frag.__dict__.setdefault("backColor", None)
        frag.__dict__.setdefault("nobr", None)
    return paragraph


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


class _KeepTail(_Container, Flowable):
    """A body paragraph with what must stand before it (a heading, a paragraph kept with it) and after
    it (the Section 1746 clause, the date and the signature; a list of names it introduces).

    reportlab keeps a heading with the whole next paragraph, and cannot keep anything with a group
    like this one at all. Here, when the group does not fit on the page, the paragraph breaks across
    the pages with at least two of its lines on each side: the first two stay with what comes before
    it, the last two go over with what comes after it, as Word's "keep with next" and widow control
    do; so a heading never ends a page, a signature is never alone on a page, and the DOCX and the PDF
    break alike. A paragraph too short to break moves with the whole group; a group taller than a page
    flows on regardless.
    """

    def __init__(self, lead: list[Flowable], body: Flowable, rest: list[Flowable], page_height: float) -> None:
        super().__init__()
        self._lead, self._body, self._rest = lead, body, rest
        self._content = [*lead, body, *rest]
        self._page_height = page_height

    def with_rest(self, rest: list[Flowable]) -> _KeepTail:
        """This group with more kept after it (a signature block coming after its paragraph)."""
        return _KeepTail(self._lead, self._body, [*self._rest, *rest], self._page_height)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = _listWrapOn(self._content, availWidth, self.canv)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self.wrap(availWidth, availHeight)
        if self.height <= availHeight:
            return [self]
        body = self._body
        lead = _listWrapOn(self._lead, availWidth, self.canv)[1] if self._lead else 0.0
        if isinstance(body, PagedRows):  # a table: its last two rows go over with what follows
            parts = body.split_keeping(availHeight - lead, 2)
            if len(parts) == 2:
                return [*self._lead, parts[0], _KeepTail([], parts[1], self._rest, self._page_height)]
        if isinstance(body, Paragraph):
            body.wrap(availWidth, availHeight)
            leading, before = body.style.leading, body.getSpaceBefore()
            head = min(len(body.blPara.lines) - 2, int((availHeight - lead - before) // leading))
            if head >= 2:
                parts = body.split(availWidth, head * leading + before + 0.01)
                if len(parts) == 2:
                    tail: Flowable = (_KeepTail([], parts[1], self._rest, self._page_height) if self._rest
                                      else parts[1])
                    return [*self._lead, parts[0], tail]
        if availHeight >= self._page_height - 1:
            return list(self._content)  # taller than a page: nothing to keep it with
        return []  # the whole group goes to the next page


class _KeepWithFirstRows(KeepTogether):
    """Keeps headings with the header and first rows of the list or table they introduce, or with the
    first two lines of the paragraph they introduce.

    reportlab keeps a heading (``keepWithNext``) together with the whole next flowable, so a
    heading over a long table or paragraph moved to the next page and left this one half empty.
    Here the group stays on this page when the headings and the first rows (lines) fit; the table
    or paragraph then splits at the page end as usual, as Word's "keep with next" does.
    """

    def split(self, aW: float, aH: float) -> list[Flowable]:
        if getattr(self, "_wrapInfo", None) != (aW, aH):
            self.wrap(aW, aH)
        last = self._content[-1]
        first_rows = getattr(last, "first_rows_height", None)
        if first_rows is None and isinstance(last, Paragraph):
            def first_rows() -> float:
                return float(last.getSpaceBefore() + 2 * last.style.leading)
        if first_rows is not None and aH < self._H:
            _, whole = last.wrap(aW, aH)
            if self._H - whole + first_rows() <= aH:
                return list(self._content)
        return super().split(aW, aH)  # type: ignore[no-any-return]


class _DeclarationDoc(BaseDocTemplate):
    """Adds PDF outline entries for flowables marked with a ``bookmark`` attribute."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, keepTogetherClass=_KeepWithFirstRows, **kwargs)
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
    profile: CourtProfile, legend: str, date: str, *, page_numbers: bool = True
) -> Callable[[Canvas, BaseDocTemplate], None]:
    """What every page carries: the fictional-case legend (below the stamp band) and the page number."""
    width, _height = profile.page_size

    def decorate(canv: Canvas, doc: BaseDocTemplate) -> None:
        canv.saveState()
        canv.setDateFormatter(lambda *_: pdf_date(date))
        if canv.getPageNumber() == 1:
            canv.showOutline()
        if legend:
            draw_legend(canv, profile, legend)
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


def _fingerprint_markup(runs: m.Runs, style: ParagraphStyle, width: float, bullet: str | None) -> str:
    """The paragraph's markup with a line break inserted after a colon of each certificate fingerprint
    wherever the line is full, so a fingerprint breaks only after a colon (reportlab otherwise breaks
    only at spaces, and cuts a word longer than the line anywhere)."""
    first_width = width - style.leftIndent - style.rightIndent - style.firstLineIndent
    full_width = width - style.leftIndent - style.rightIndent
    out: list[str] = []
    for run in runs:
        font = fonts.SERIF_BOLD if run.bold else fonts.SERIF
        if run.italic:
            font = fonts.SERIF_BOLD_ITALIC if run.bold else fonts.SERIF_ITALIC
        position = 0
        for match in FINGERPRINT.finditer(run.text):
            out.append(_styled(escape(keep_labels(run.text[position:match.start()])), run))
            prefix = "".join(out).rstrip()
            if prefix:
                probe = Paragraph(prefix, style, bulletText=bullet)
                probe.wrap(width, 1e9)
                lines = probe.blPara.lines
                last = lines[-1]
                extra = last[0] if isinstance(last, tuple) else last.extraSpace  # what is left of the line
                room = max(0.0, extra - stringWidth(" ", font, style.fontSize))
            else:
                room = first_width
            pieces = [p + ":" for p in match.group(0).split(":")]
            pieces[-1] = pieces[-1][:-1]
            widths = [stringWidth(p, font, style.fontSize) for p in pieces]
            fits = 0
            while fits < len(pieces) and sum(widths[:fits + 1]) <= room:
                fits += 1
            text, used = [], 0.0
            if fits < min(3, len(pieces)):
                text.append("<br/>")  # too little room left: the fingerprint starts a new line
                room = full_width
            for piece, piece_width in zip(pieces, widths):
                if text and used + piece_width > room and text[-1] != "<br/>":
                    text.append("<br/>")
                    room, used = full_width, 0.0
                text.append(piece)
                used += piece_width
            out.append(_styled("".join(text), run))
            position = match.end()
        out.append(_styled(escape(keep_labels(run.text[position:])), run))
    return "".join(out)


def _body_paragraph(runs: m.Runs, style: ParagraphStyle, width: float, bullet: str | None = None) -> Paragraph:
    """A body paragraph; one holding a certificate fingerprint breaks it only after a colon."""
    if any(FINGERPRINT.search(run.text) for run in runs):
        markup = _fingerprint_markup(runs, style, width, bullet)
    else:
        markup = runs_markup(runs)
    paragraph = _paragraph(markup, style, bulletText=bullet) if bullet else _paragraph(markup, style)
    paragraph.evb_body = True  # a signature keeps the last of these with it
    return paragraph


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
            flow = [_body_paragraph(block.runs, styles.numbered, width, f"{block.number}.")]
        elif isinstance(block, m.Paragraph):
            style = {"single": styles.single, "line": styles.line}.get(block.spacing) or (
                styles.body_first if block.indent_first else styles.body)
            if block.indent_first and block.spacing != "body":
                style = ParagraphStyle(f"{style.name}-indented", style, firstLineIndent=36)
            align = styles.align if block.align == "justify" else _ALIGN[block.align]
            style = ParagraphStyle(f"{style.name}-{block.align}", style, alignment=align)
            paragraph = _body_paragraph(block.runs, style, width)
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
            if isinstance(last, _KeepTail):
                flow = [story.pop().with_rest(kept)]
            elif getattr(last, "evb_body", False) or isinstance(last, PagedRows):
                flow = [_KeepTail([], story.pop(), kept, page_height)]
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
                flow = [_KeepWithFirstRows([*pending_keep, flow[0]]), *flow[1:]]
            elif isinstance(flow[0], Paragraph):  # keep the paragraph's first lines
                flow = [_KeepTail(pending_keep, flow[0], [], page_height), *flow[1:]]
            elif isinstance(pending_keep[-1], Paragraph):  # keep the last lines of what introduces it
                flow = [_KeepTail(pending_keep[:-1], pending_keep[-1], flow[:1], page_height), *flow[1:]]
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
    decorate = page_decorator(profile, info.legend, info.date)
    template.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=decorate)])
    with collection_paused():
        template.build(document_flowables(doc, profile))
    return buffer.getvalue()


def render_pdf(
    doc: m.Document, profile: CourtProfile, out: Path, *, metadata: m.DocumentInfo | None = None
) -> None:
    """Write the document as a PDF to ``out`` (atomically). ``metadata`` overrides ``doc.info``."""
    atomic_write(out, render_pdf_bytes(doc, profile, metadata=metadata))
