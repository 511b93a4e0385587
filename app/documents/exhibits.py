"""One exhibit as filed: a slip sheet, then the evidence drawn as pages, every page Bates-stamped.

What the pages show comes from ``exhibit_content`` (the same sections the checks
read): screenshots scaled to the page with their capture details; e-mails with
every header in order, the text part, the HTML part as text with each link's
target host (never loading remote content, never opening attachments, which are
listed with their type and hash); domain records under plain labels and then the
raw reply. Confirmed Rule 5.2 redactions are removed from everything drawn (slip
sheet, face, body, attachment names, the PDF's title). Every page carries the
exhibit label (lower left) and its Bates number (lower right), clear of the band
at the top of the page where the court's e-filing stamp goes; a draft also says
DRAFT on every page.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from xml.sax.saxutils import escape

from PIL import Image as PILImage
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Preformatted,
    Spacer,
    Table,
    TableStyle,
)

from app.core.model import CaseInfo, ItemKind, MessageView
from app.documents import fonts
from app.documents.exhibit_content import Fields, Picture, Text, exhibit_sections
from app.documents.inputs import ExhibitEntry
from app.documents.layout import pdf_date
from app.documents.pdf_parts import PdfPart, part_label, split_pages, split_ranges
from app.documents.pdf_writer import draw_draft_mark, draw_legend
from app.documents.profile import CourtProfile
from app.documents.redaction import Redactor, no_redaction, redact_entry, redact_message, redactor
from app.documents.wording import text

MAX_IMAGE_PIXELS = 80_000_000
MONO_BLOCK_LINES = 8
TALL_FACTOR = 1.6  # taller than this many pages at full width: slice rather than shrink
MONO_SIZE = 8.5
CONTINUATION = "\u00bb "  # in Liberation Mono, unlike arrows
WRAP_NOTE = " (long lines wrapped; \u00bb marks a continued line)"


@dataclass(frozen=True)
class RenderedExhibit:
    """An exhibit's PDF bytes, its page count, the Bates numbers of its first and last page and,
    when rendered with a size limit, the files to file (the whole, or its labelled parts)."""

    pdf: bytes
    pages: int
    first_bates: str
    last_bates: str
    files: tuple[PdfPart, ...] = ()  # with a split limit: the file(s) to file, each labelled


class _Styles:
    def __init__(self, profile: CourtProfile, redact: Redactor = no_redaction) -> None:
        self.redact = redact
        size = profile.font_size
        base = ParagraphStyle("x-base", fontName=fonts.SERIF, fontSize=size - 1, leading=(size - 1) * 1.2)
        self.base = base
        self.slip_label = ParagraphStyle("x-slip", base, fontName=fonts.SERIF_BOLD, fontSize=40,
                                         leading=48, alignment=TA_CENTER, spaceAfter=24)
        self.slip_part = ParagraphStyle("x-slip-part", base, fontName=fonts.SERIF_BOLD, fontSize=size + 4,
                                        leading=(size + 4) * 1.3, alignment=TA_CENTER, spaceAfter=18)
        self.slip_text = ParagraphStyle("x-slip-text", base, fontSize=size + 2, leading=(size + 2) * 1.3,
                                        alignment=TA_CENTER)
        self.heading = ParagraphStyle("x-heading", base, fontName=fonts.SERIF_BOLD, fontSize=size,
                                      leading=size * 1.3, spaceBefore=6, spaceAfter=4, keepWithNext=1)
        self.mono = ParagraphStyle("x-mono", base, fontName=fonts.MONO, fontSize=MONO_SIZE,
                                   leading=MONO_SIZE * 1.25)
        self.cell = ParagraphStyle("x-cell", base, fontSize=size - 2, leading=(size - 2) * 1.2)
        self.cell_bold = ParagraphStyle("x-cell-bold", self.cell, fontName=fonts.SERIF_BOLD)
        self.note = ParagraphStyle("x-note", base, fontName=fonts.SERIF_ITALIC, fontSize=size - 3,
                                   leading=(size - 3) * 1.2, alignment=TA_CENTER)


def _printable(value: str) -> str:
    """Text safe to typeset: tabs expanded, control characters shown as escapes (\\x07)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n").expandtabs(8)
    return "".join(c if c == "\n" or c.isprintable() else repr(c)[1:-1] for c in value)


def _wrapped(value: str, width_pt: float) -> str:
    """Hard-wrap monospace text to the frame, marking continuation lines with a leading "» "."""
    columns = max(20, int(width_pt / (0.6 * MONO_SIZE)))
    lines = []
    for line in _printable(value).split("\n"):
        if len(line) <= columns:
            lines.append(line)
            continue
        pieces = textwrap.wrap(line, columns - 2, break_long_words=True, break_on_hyphens=False,
                               drop_whitespace=False, replace_whitespace=False) or [""]
        lines.append(pieces[0])
        lines.extend(CONTINUATION + piece for piece in pieces[1:])
    return "\n".join(lines)


def _field_table(rows: list[tuple[str, str]], profile: CourtProfile, styles: _Styles, *,
                 label_width: float = 1.3 * 72) -> Flowable:
    data = [[Paragraph(escape(styles.redact(_printable(k))), styles.cell_bold),
             Paragraph(escape(styles.redact(_printable(v))), styles.cell)] for k, v in rows]
    table = Table(data, colWidths=[label_width, profile.frame_width - label_width], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), fonts.SERIF, styles.cell.fontSize),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.grey),
    ]))
    return table


def _mono(value: str, profile: CourtProfile, styles: _Styles) -> list[Flowable]:
    """Monospace text in blocks of a few lines, so a heading kept with it never leaves a page empty."""
    lines = _wrapped(styles.redact(_printable(value)), profile.frame_width).split("\n")
    return [Preformatted("\n".join(lines[i:i + MONO_BLOCK_LINES]), styles.mono)
            for i in range(0, max(1, len(lines)), MONO_BLOCK_LINES)]


def _fields(section: Fields, profile: CourtProfile, styles: _Styles) -> list[Flowable]:
    if not section.rows:  # a blank or damaged message may have none: say so (a table needs a row)
        return [Paragraph(escape(section.heading), styles.heading),
                Paragraph("None recorded in this file.", styles.cell)]
    return [Paragraph(escape(section.heading), styles.heading),
            _field_table(list(section.rows), profile, styles, label_width=section.label_width * 72)]


def _text(section: Text, profile: CourtProfile, styles: _Styles) -> list[Flowable]:
    return [Paragraph(escape(section.heading + WRAP_NOTE), styles.heading), *_mono(section.text, profile, styles)]


def _screenshot(original: bytes, caption: Flowable, styles: _Styles, profile: CourtProfile,
                room: float) -> list[Flowable]:
    try:
        with PILImage.open(io.BytesIO(original)) as probe:
            width, height = probe.size
            if width * height > MAX_IMAGE_PIXELS:
                raise ValueError("too many pixels")
            probe.load()
    except Exception as exc:  # noqa: BLE001 - Pillow raises many types for damaged or hostile images
        return [Paragraph(escape(f"The image could not be drawn ({type(exc).__name__}); the original "
                                 "file is in the bundle with the hash value below."), styles.base),
                Spacer(1, 6), caption]
    _, caption_height = caption.wrap(profile.frame_width, room)
    box_h = room - caption_height - 12
    width_scale = min(profile.frame_width / width, 1.0)  # never enlarge: no invented detail
    if height * width_scale > box_h * TALL_FACTOR:
        return _sliced(original, width, height, width_scale, caption, room, styles)
    scale = min(width_scale, box_h / height)
    image = Image(io.BytesIO(original), width=width * scale, height=height * scale)
    image.hAlign = "CENTER"
    return [image, Spacer(1, 8), caption]


def _sliced(original: bytes, width: int, height: int, scale: float, caption: Flowable, room: float,
            styles: _Styles) -> list[Flowable]:
    """A tall screenshot at a readable scale, cut across pages; the caption comes first."""
    _, caption_height = caption.wrap(1e6, room)
    note_room = 16.0
    out: list[Flowable] = [caption, Spacer(1, 8)]
    first_room = max(72.0, room - caption_height - 8 - note_room - 4)
    slices: list[tuple[int, int]] = []
    top = 0
    while top < height:
        avail = first_room if not slices else room - note_room - 4
        rows = max(1, int(avail / scale))
        slices.append((top, min(height, top + rows)))
        top += rows
    with PILImage.open(io.BytesIO(original)) as image:
        image.load()
        for index, (top, bottom) in enumerate(slices, start=1):
            piece = image.crop((0, top, width, bottom))
            if piece.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
                piece = piece.convert("RGB")
            buffer = io.BytesIO()
            piece.save(buffer, "PNG", optimize=False)
            flow = Image(io.BytesIO(buffer.getvalue()), width=width * scale, height=(bottom - top) * scale)
            flow.hAlign = "CENTER"
            note = (f"Image part {index} of {len(slices)}: pixel rows {top + 1}\u2013{bottom} of {height}"
                    f" (shown at {scale:.0%})")
            out.extend([flow, Paragraph(escape(note), styles.note)])
            if index < len(slices):
                out.append(PageBreak())
    return out


def _body(entry: ExhibitEntry, original: bytes, message: MessageView | None, profile: CourtProfile,
          styles: _Styles, room: float) -> list[Flowable]:
    """The exhibit's sections (``exhibit_content``) as flowables; a picture's details are its caption.
    A web capture draws its own face page and screenshot (``capture_exhibit``)."""
    if entry.item.kind is ItemKind.WEB_CAPTURE:
        from app.documents.capture_exhibit import capture_pages  # face page, then the screenshot cut across pages

        return capture_pages(entry, original, profile, styles, room)
    out: list[Flowable] = []
    sections = exhibit_sections(entry, original, message)
    for index, section in enumerate(sections):
        if isinstance(section, Picture):
            details = next(s for s in sections[index + 1:] if isinstance(s, Fields))
            caption = _field_table(list(details.rows), profile, styles)
            out += _screenshot(original, caption, styles, profile, room)
        elif isinstance(section, Fields):
            if index and isinstance(sections[index - 1], Picture):
                continue  # drawn as the picture's caption
            out += _fields(section, profile, styles)
        else:
            out += _text(section, profile, styles)
    return out


def render_exhibit(entry: ExhibitEntry, original: bytes, case: CaseInfo, profile: CourtProfile,
                   first_bates: int, *, message: MessageView | None = None,
                   redactions: Sequence[tuple[str, str]] = (), split_limit: int | None = None,
                   draft: bool = False) -> RenderedExhibit:
    """The exhibit's PDF: slip sheet plus pages, Bates numbers from ``first_bates`` on, one per page.

    A message exhibit needs ``message``, the message as the mail reader shows it
    (``app.sources.mail_view.view_message`` of ``original``).

    ``redactions`` are (text, replacement) pairs counsel confirmed (Fed. R. Civ. P. 5.2): the
    text is removed from everything the exhibit draws (slip sheet, face, body, attachment names)
    and from its PDF title; the original file is not touched. ``draft`` marks every page DRAFT.
    With ``split_limit`` (the court's size limit in bytes) the result also holds the files to
    file: the exhibit whole when it fits, else its parts, each page labelled with its part
    ("Exhibit 5 (part 2 of 3)", also under the slip sheet's label) and each part bookmarked.
    """
    fonts.register_fonts()
    redact = redactor(redactions)
    entry = redact_entry(entry, redact)
    message = redact_message(message, redact) if message is not None else None
    styles = _Styles(profile, redact)
    label = profile.exhibit_label(entry.number)
    story = partial(_body, entry, original, message, profile, styles)
    pdf, pages = _draw(entry, case, profile, first_bates, story, lambda page: label, "", draft)
    files: tuple[PdfPart, ...] = ()
    if split_limit is not None:
        files = _split(entry, case, profile, first_bates, story, pdf, pages, split_limit, draft)
    return RenderedExhibit(
        pdf=pdf,
        pages=pages,
        first_bates=profile.bates(case.bates_prefix, first_bates),
        last_bates=profile.bates(case.bates_prefix, first_bates + pages - 1),
        files=files,
    )


def _split(entry: ExhibitEntry, case: CaseInfo, profile: CourtProfile, first_bates: int,
           story: Callable[[float], list[Flowable]], pdf: bytes, pages: int,
           limit: int, draft: bool) -> tuple[PdfPart, ...]:
    """The exhibit as files under ``limit`` bytes, drawn again with each page's part label."""
    label = profile.exhibit_label(entry.number)
    meta = {"author": text(case.declarant), "subject": text(case.title), "date": case.bundle_date}
    if len(pdf) <= limit:
        return (PdfPart(pdf, label, pages),)
    parts = 0
    while True:
        ranges = split_ranges(pages, len(pdf), limit, parts)
        count = len(ranges)
        labels = {page + 1: part_label(label, number, count)
                  for number, r in enumerate(ranges, start=1) for page in r}

        def label_of(page: int, labels: dict[int, str] = labels) -> str:
            return labels.get(page, label)

        labelled, drawn = _draw(entry, case, profile, first_bates, story, label_of, f"(part 1 of {count})",
                                draft)
        if drawn != pages:  # the labels never move the text; if they ever do, keep the pages whole
            return tuple(split_pages(pdf, ranges, label, **meta))
        pieces = split_pages(labelled, ranges, label, **meta)
        if all(len(p.pdf) <= limit for p in pieces) or count >= pages:
            return tuple(pieces)
        parts = count + 1


def _draw(entry: ExhibitEntry, case: CaseInfo, profile: CourtProfile, first_bates: int,
          story: Callable[[float], list[Flowable]], page_label: Callable[[int], str],
          slip_note: str, draft: bool = False) -> tuple[bytes, int]:
    """The exhibit drawn once: its bytes and page count. ``page_label`` gives each page's
    label (pages counted from 1); ``slip_note`` is printed under the slip sheet's label."""
    styles = _Styles(profile)
    width, height = profile.page_size
    label = profile.exhibit_label(entry.number)
    legend = profile.fictional_legend if case.fictional else ""
    last_page = [0]

    def decorate(canv: Canvas, doc: BaseDocTemplate) -> None:
        page = canv.getPageNumber()
        last_page[0] = page
        canv.saveState()
        canv.setDateFormatter(lambda *_: pdf_date(case.bundle_date))
        if page == 1:  # a bookmark for the exhibit (CM/ECF viewers show it beside the pages)
            canv.bookmarkPage("exhibit")
            canv.addOutlineEntry(label, "exhibit", level=0)
            canv.showOutline()
        if legend:
            draw_legend(canv, profile, legend)
        if draft:
            draw_draft_mark(canv, profile)
        y = profile.margin_bottom / 2
        canv.setFont(fonts.SERIF_BOLD, 10)
        canv.drawString(profile.margin_left, y, page_label(page))
        canv.drawRightString(width - profile.margin_right, y,
                             profile.bates(case.bates_prefix, first_bates + page - 1))
        canv.restoreState()

    room = height - profile.margin_top - profile.margin_bottom
    frame = Frame(profile.margin_left, profile.margin_bottom, profile.frame_width, room,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer, pagesize=profile.page_size, leftMargin=profile.margin_left,
        rightMargin=profile.margin_right, topMargin=profile.margin_top, bottomMargin=profile.margin_bottom,
        title=f"{label}: {text(entry.description)}", author=text(case.declarant),
        subject=text(case.title), creator="evbundle", invariant=1, initialFontName=fonts.SERIF,
        initialFontSize=profile.font_size, lang="en-US",
    )
    doc.addPageTemplates([PageTemplate(id="slip", frames=[frame], onPage=decorate),
                          PageTemplate(id="page", frames=[frame], onPage=decorate)])
    slip: list[Flowable] = [
        Spacer(1, room * 0.3),
        Paragraph(escape(profile.slip_sheet_label(entry.number)), styles.slip_label),
    ]
    if slip_note:
        slip.append(Paragraph(escape(slip_note), styles.slip_part))
    slip += [
        Paragraph(escape(text(entry.description)), styles.slip_text),
        NextPageTemplate("page"),
        PageBreak(),
    ]
    doc.build(slip + story(room))
    return buffer.getvalue(), last_page[0]
