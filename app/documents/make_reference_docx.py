"""Generate ``templates/reference.docx``: the styles every DOCX the app writes is built on.

Like pandoc's reference document, a firm can replace the file with its own
(keeping the style names below) and every declaration picks up its look.
Run ``python -m app.documents.make_reference_docx`` to regenerate it.

Styles: Normal, Body Text (double spaced, first-line indent), Body Text Single
(single-spaced paragraphs: letters, notes; a half line after each; a firm's
document without it gets Normal there, as before the style existed), Numbered
Paragraph, Title (bold, centred), Heading 1 (sections, appendices), Heading 2
(registry groups), Caption Court, Caption Text, Signature, Group Note, Domain
List, Legend (the fictional-case header), Footer.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import cast

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor
from docx.styles.style import ParagraphStyle

from app.documents.docx_zip import fix_core_properties, normalise_docx
from app.documents.profile import CourtProfile, load_profile

NUMBERED = "Numbered Paragraph"
BODY_SINGLE = "Body Text Single"
CAPTION_COURT = "Caption Court"
CAPTION_TEXT = "Caption Text"
SIGNATURE = "Signature"
GROUP_NOTE = "Group Note"
DOMAIN_LIST = "Domain List"
LEGEND = "Legend"
REQUIRED_STYLES = (
    "Normal", "Body Text", NUMBERED, "Title", "Heading 1", "Heading 2", CAPTION_COURT,
    CAPTION_TEXT, SIGNATURE, GROUP_NOTE, DOMAIN_LIST, LEGEND, "Footer",
)


def _plain(style: ParagraphStyle, font: str, size: float, *, bold: bool = False,
           italic: bool = False) -> None:
    """Strip the theme look (colours, borders, theme fonts) from a built-in style and set ours."""
    ppr = style.element.find(qn("w:pPr"))
    if ppr is not None:
        for tag in ("w:pBdr", "w:shd"):
            for child in ppr.findall(qn(tag)):
                ppr.remove(child)
    rpr = style.element.get_or_add_rPr()
    for tag in ("w:rFonts", "w:color", "w:spacing", "w:kern", "w:sz", "w:szCs", "w:i", "w:iCs",
                "w:b", "w:bCs", "w:caps"):
        for child in rpr.findall(qn(tag)):
            rpr.remove(child)
    style.font.name = font
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is not None:
        for attr in ("w:eastAsia", "w:cs"):
            rfonts.set(qn(attr), font)
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = italic
    style.font.color.rgb = RGBColor(0, 0, 0)


def _paragraph_style(doc: WordDocument, name: str, base: str) -> ParagraphStyle:
    styles = doc.styles
    if name in [s.name for s in styles]:
        style = styles[name]
    else:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles[base]
    style.quick_style = True
    return cast(ParagraphStyle, style)


def build_reference(profile: CourtProfile, *, date: str = "2000-01-01") -> bytes:
    """The reference document's bytes for a court profile (fonts, sizes, spacing)."""
    doc = Document()
    font, size = profile.docx_font, profile.font_size
    styles = doc.styles

    normal = styles["Normal"]
    _plain(normal, font, size)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE

    body = _paragraph_style(doc, "Body Text", "Normal")
    _plain(body, font, size)
    fmt = body.paragraph_format
    fmt.line_spacing = profile.body_spacing
    fmt.first_line_indent = Inches(0.5)
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.space_after = Pt(0)

    single = _paragraph_style(doc, BODY_SINGLE, "Normal")
    _plain(single, font, size)
    single.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    single.paragraph_format.space_after = Pt(size * 0.5)

    numbered = _paragraph_style(doc, NUMBERED, "Body Text")
    numbered.paragraph_format.tab_stops.add_tab_stop(Inches(1.0), WD_TAB_ALIGNMENT.LEFT)

    title = _paragraph_style(doc, "Title", "Normal")
    _plain(title, font, size, bold=True)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Pt(size)
    title.paragraph_format.space_after = Pt(size * 1.5)
    title.paragraph_format.contextual_spacing = False

    for name, level_size in (("Heading 1", size), ("Heading 2", size)):
        heading = _paragraph_style(doc, name, "Normal")
        _plain(heading, font, level_size, bold=True)
        heading.paragraph_format.keep_with_next = True
        heading.paragraph_format.space_before = Pt(size * 0.5 if name == "Heading 1" else size)
        heading.paragraph_format.space_after = Pt(size * 0.75 if name == "Heading 1" else 0)
        if name == "Heading 1":
            heading.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

    court = _paragraph_style(doc, CAPTION_COURT, "Normal")
    _plain(court, font, size, bold=True)
    court.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

    caption = _paragraph_style(doc, CAPTION_TEXT, "Normal")
    _plain(caption, font, size)

    signature = _paragraph_style(doc, SIGNATURE, "Normal")
    _plain(signature, font, size)
    signature.paragraph_format.left_indent = Inches(3.25)
    signature.paragraph_format.keep_with_next = True

    note = _paragraph_style(doc, GROUP_NOTE, "Normal")
    _plain(note, font, size, italic=True)
    note.paragraph_format.space_after = Pt(size * 0.4)
    note.paragraph_format.keep_with_next = True

    domains = _paragraph_style(doc, DOMAIN_LIST, "Normal")
    _plain(domains, font, size - 1)

    legend = _paragraph_style(doc, LEGEND, "Normal")
    _plain(legend, font, 9, bold=True)
    legend.font.color.rgb = RGBColor(0x99, 0, 0)
    legend.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

    footer = _paragraph_style(doc, "Footer", "Normal")
    _plain(footer, font, size - 1)
    footer.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

    fix_core_properties(doc, date, title="Reference document", author="evbundle")
    buffer = io.BytesIO()
    doc.save(buffer)
    return normalise_docx(buffer.getvalue(), date)


def main(argv: list[str] | None = None) -> int:
    """Write the reference document for a court (default E.D. Va.) to templates/reference.docx."""
    args = sys.argv[1:] if argv is None else argv
    court = args[0] if args else "edva"
    out = Path(args[1]) if len(args) > 1 else Path(__file__).resolve().parents[2] / "templates" / "reference.docx"
    out.write_bytes(build_reference(load_profile(court)))
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
