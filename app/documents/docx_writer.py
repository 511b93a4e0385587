"""Write a Document as DOCX with python-docx, styled through a replaceable reference document.

Counsel edit these files in Word, so they use real styles (Title, Heading 1,
Numbered Paragraph...) rather than direct formatting, a real table for the
caption, and a PAGE field in the footer. Tables and long domain lists are built in docx_tables
(one styled row serialised once and filled in per domain, the rows put into ``word/document.xml``
as the package is zipped, never becoming python-docx objects).

The pages follow the PDF's: the same line heights (Word's single and double spacing of
Times New Roman, which Liberation Serif matches metric for metric), the same alignment, a
signature kept with the last lines of the text above it ("keep with next"), page breaks as
"page break before" on the next paragraph (never a paragraph of its own that can spill onto an
empty page), domain names whole on one line in the monospace font (shrunk or narrowed as
the PDF does), and the document's own properties, not the reference document's.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from docx import Document as open_docx  # noqa: N813 - a function that opens a document, named so
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph as WordParagraph

from app.core.errors import TemplateError
from app.core.paths import template
from app.documents import model as m
from app.documents.docx_tables import (
    domain_table,
    insert_rows,
    keep_table_end,
    name_lines,
    para,
    set_cell_width,
    set_grid,
    spaced,
    table_block,
    xml_text,
)
from app.documents.docx_zip import fix_core_properties, package_entries, zip_entries
from app.documents.layout import (
    INDENT_STEP,
    atomic_write,
    caption_columns,
    caption_rows,
    collection_paused,
    fingerprint_breaks,
    keep_labels,
)
from app.documents.make_reference_docx import (
    BODY_SINGLE,
    CAPTION_COURT,
    CAPTION_TEXT,
    GROUP_NOTE,
    LEGEND,
    NUMBERED,
    REQUIRED_STYLES,
    SIGNATURE,
)
from app.documents.profile import CourtProfile

_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


def _open_reference(reference_docx: Path | None) -> WordDocument:
    if reference_docx is not None:
        data = reference_docx.read_bytes()
        name = str(reference_docx)
    else:
        data = template("reference.docx").read_bytes()
        name = "templates/reference.docx"
    try:
        doc = open_docx(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several types for a bad package
        raise TemplateError(f"reference document cannot be opened ({exc})", path=name) from exc
    present = {s.name for s in doc.styles}
    missing = [s for s in REQUIRED_STYLES if s not in present]
    if missing:
        raise TemplateError("reference document lacks styles the documents use", path=name,
                            expected=", ".join(REQUIRED_STYLES), found="missing " + ", ".join(missing))
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return doc


DRAFT_NOTE = "DRAFT — NOT FOR FILING"


def _draft_header(doc: WordDocument, header: Any) -> None:
    """A draft's mark in the page header, under the legend: bold red, on every page."""
    paragraph = header.add_paragraph(style=doc.styles[LEGEND])
    run = paragraph.add_run(DRAFT_NOTE)
    run.bold = True
    run.font.color.rgb = RGBColor(0x99, 0, 0)


def _page_setup(doc: WordDocument, profile: CourtProfile, legend: str, *, draft: bool = False) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = Pt(profile.page_size[0])
    section.page_height = Pt(profile.page_size[1])
    section.top_margin = Pt(profile.margin_top)
    section.bottom_margin = Pt(profile.margin_bottom)
    section.left_margin = Pt(profile.margin_left)
    section.right_margin = Pt(profile.margin_right)
    section.header_distance = Pt(profile.stamp_band + 4)  # the legend sits below the court's stamp
    section.footer_distance = Pt(profile.margin_bottom / 2)
    header = section.header
    header.is_linked_to_previous = False
    hp = header.paragraphs[0]
    hp.text = legend
    hp.style = doc.styles[LEGEND]
    if draft:
        _draft_header(doc, header)
    footer = section.footer
    footer.is_linked_to_previous = False
    fp = footer.paragraphs[0]
    fp.text = ""
    fp.style = doc.styles["Footer"]
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    fp._p.append(field)


def _add_runs(paragraph: WordParagraph, runs: m.Runs) -> None:
    """The runs, "Exhibit 12" kept on one line and a fingerprint breakable only after its colons."""
    for run in runs:
        word_run = paragraph.add_run(fingerprint_breaks(keep_labels(run.text)))
        if run.bold or run.mark:
            word_run.bold = True
        if run.italic:
            word_run.italic = True
        if run.mark:  # the one conspicuous marker: what a person must still write or confirm
            word_run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _caption(doc: WordDocument, caption: m.Caption, profile: CourtProfile, ids: dict[str, str]) -> None:
    for line in caption.court_lines:
        spaced(para(doc, ids, line, CAPTION_COURT), profile.caption_spacing)
    if caption.division:
        spaced(para(doc, ids, caption.division, CAPTION_COURT), profile.caption_spacing)
    para(doc, ids, "", CAPTION_TEXT)
    rows = caption_rows(caption, profile)
    if not rows:
        return
    columns = caption_columns(profile)
    # A little wider than the PDF's wrap width, so Word never rewraps a pre-wrapped line.
    widths = (columns.left + 8, columns.paren, columns.right - 8)
    table = doc.add_table(rows=len(rows), cols=3)
    set_grid(table, widths)
    for row, cells in zip(rows, (r.cells for r in table.rows)):
        texts = (row.left, ")" if profile.paren_column else "", row.right)
        for index, (cell, text, width) in enumerate(zip(cells, texts, widths)):
            set_cell_width(cell, width)
            paragraph = cell.paragraphs[0]
            paragraph._p.style = ids[CAPTION_TEXT]
            spaced(paragraph, profile.caption_spacing)
            word_run = paragraph.add_run(text)
            if index == 0 and row.indent:
                paragraph.paragraph_format.left_indent = Pt(row.indent * INDENT_STEP)
            if index == 2 and row.right_bold:
                word_run.bold = True
    para(doc, ids, "", CAPTION_TEXT)


def _paragraph_numbering(doc: WordDocument) -> int:
    """A Word list numbering "1.", "2.", ... straight through the document, for the numbered
    paragraphs: counsel who insert or move a paragraph in Word get the numbers redone."""
    numbering = doc.part.numbering_part.element
    used = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
    abstract_id = max(used, default=-1) + 1
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
        '<w:multiLevelType w:val="singleLevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/>'
        '<w:lvlJc w:val="left"/><w:pPr><w:tabs><w:tab w:val="num" w:pos="1440"/></w:tabs>'
        '<w:ind w:left="0" w:firstLine="720"/></w:pPr></w:lvl></w:abstractNum>'
    )
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)  # abstract definitions come before the instances
    else:
        numbering.append(abstract)
    return int(numbering.add_num(abstract_id).numId)


class _Writer:
    """Adds the blocks of one document to a python-docx document, remembering what the next paragraph
    needs: a page break before it, and, at a signature, which paragraphs must keep with it."""

    def __init__(self, doc: WordDocument, profile: CourtProfile, ids: dict[str, str], num_id: int) -> None:
        self.doc, self.profile, self.ids, self.num_id = doc, profile, ids, num_id
        self.rows_xml: dict[str, str] = {}
        self.break_before = False
        self.last_body: WordParagraph | None = None  # the body paragraph a signature keeps with it
        self.last_table: Any = None  # a table just written (and the space after it): a signature keeps its end
        self.appendix = ""
        self.align = _ALIGN[profile.text_align]

    def para(self, text: str, style: str) -> WordParagraph:
        paragraph = para(self.doc, self.ids, text, style)
        if self.break_before:
            paragraph.paragraph_format.page_break_before = True
            self.break_before = False
        return paragraph

    def table_follows(self) -> None:
        """A table cannot carry "page break before": a pending break becomes a paragraph of its own."""
        if self.break_before:
            self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            self.break_before = False
        self.last_body = None

    def add(self, block: m.Block) -> None:
        doc, profile, ids = self.doc, self.profile, self.ids
        body: WordParagraph | None = None
        if isinstance(block, m.Caption):
            if self.break_before:
                self.para("", CAPTION_TEXT)
            _caption(doc, block, profile, ids)
        elif isinstance(block, m.Title):
            _add_runs(self.para("", "Title"), block.runs)
        elif isinstance(block, m.Heading):
            self.para(f"{block.label} {block.text}".strip(), "Heading 1")
        elif isinstance(block, m.NumberedParagraph):
            body = self.para("", NUMBERED)
            num_pr = body._p.get_or_add_pPr().get_or_add_numPr()
            num_pr.get_or_add_ilvl().val = 0
            num_pr.get_or_add_numId().val = self.num_id
            body.alignment = self.align
            _add_runs(body, block.runs)
        elif isinstance(block, m.Paragraph):
            single = BODY_SINGLE if BODY_SINGLE in ids else "Normal"  # an older firm reference lacks it
            style = {"body": "Body Text", "single": single}.get(block.spacing, "Normal")
            paragraph = self.para("", style)
            paragraph.alignment = self.align if block.align == "justify" else _ALIGN[block.align]
            if not block.indent_first:
                paragraph.paragraph_format.first_line_indent = Pt(0)
            elif block.spacing != "body":
                paragraph.paragraph_format.first_line_indent = Pt(36)  # as the PDF indents it
            if block.keep_with_next:
                paragraph.paragraph_format.keep_with_next = True
            _add_runs(paragraph, block.runs)
            if block.spacing != "line" and not block.keep_with_next:
                body = paragraph
            elif block.keep_with_next:
                body = self.last_body  # a kept paragraph does not end the text a signature keeps with
        elif isinstance(block, m.SignatureBlock):
            if self.last_body is not None:
                self.last_body.paragraph_format.keep_with_next = True
            elif self.last_table is not None:
                keep_table_end(*self.last_table)
            signed = [self.para("", SIGNATURE)] + [self.para(text, SIGNATURE) for text in block.lines]
            for paragraph in signed:
                paragraph.paragraph_format.keep_with_next = True
            signed[-1].paragraph_format.keep_with_next = False  # the block ends here
        elif isinstance(block, m.PageBreak):
            self.break_before = True
        elif isinstance(block, m.AppendixTitle):
            self.appendix = block.label
            self.para(block.label, "Heading 1")
            sub = self.para(block.text, "Normal")
            sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
            sub.paragraph_format.space_after = Pt(profile.font_size)
            sub.paragraph_format.keep_with_next = True
        elif isinstance(block, m.RegistryGroup):
            self.para(block.title, "Heading 2")
            for line in block.address:
                self.para(line, "Normal").paragraph_format.keep_with_next = True
            if block.note:
                self.para(block.note, GROUP_NOTE)
            self.table_follows()
            domain_table(doc, block, profile, ids, self.rows_xml, self.appendix)
        elif isinstance(block, m.Table):
            if block.title:
                self.para(block.title, "Heading 2")
            self.table_follows()
            self.last_table = table_block(doc, block, profile)
        elif isinstance(block, m.NameList):
            if self.break_before:
                self.para("", "Normal")
            name_lines(doc, block, profile, ids)
        else:  # pragma: no cover - a new block type without a renderer is a programming error
            raise TypeError(f"no DOCX rendering for {type(block).__name__}")
        if not isinstance(block, (m.SignatureBlock, m.PageBreak)):
            self.last_body = body
        kept = isinstance(block, m.Paragraph) and block.keep_with_next  # the Section 1746 clause after a table
        if not isinstance(block, (m.Table, m.PageBreak)) and not kept:
            self.last_table = None

    def finish(self) -> None:
        """End the body with a paragraph one point high: Word puts a paragraph after a final table anyway,
        and a full-height one can spill onto an empty last page."""
        body = self.doc.element.body
        last = [child for child in body if child.tag != qn("w:sectPr")][-1:]
        if last and last[0].tag == qn("w:p") and not self.break_before:
            return
        end = self.doc.add_paragraph()
        fmt = end.paragraph_format
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(1)


_APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Application>evbundle</Application><DocSecurity>0</DocSecurity><Company>{company}</Company>"
    "</Properties>"
)


def _app_properties(entries: list[tuple[str, bytes]], company: str) -> list[tuple[str, bytes]]:
    """The extended properties of this document (the application that wrote it, the firm), not the
    reference document's (its author's word processor, page and word counts of an empty page)."""
    data = _APP_XML.format(company=xml_text(company)).encode("utf-8")
    return [(name, data if name == "docProps/app.xml" else blob) for name, blob in entries]


def render_docx_bytes(doc: m.Document, profile: CourtProfile, *,
                      reference_docx: Path | None = None) -> bytes:
    """The document as DOCX bytes (see ``render_docx``)."""
    word = _open_reference(reference_docx)
    _page_setup(word, profile, doc.info.legend, draft=doc.info.draft)
    ids = {style.name: style.style_id for style in word.styles if style.type == WD_STYLE_TYPE.PARAGRAPH}
    num_id = _paragraph_numbering(word) if any(isinstance(b, m.NumberedParagraph) for b in doc.blocks) else 0
    writer = _Writer(word, profile, ids, num_id)
    with collection_paused():
        for block in doc.blocks:
            writer.add(block)
        writer.finish()
        fix_core_properties(word, doc.info.date, title=doc.info.title, author=doc.info.author,
                            subject=doc.info.subject)
        entries = _app_properties(package_entries(word), doc.info.author)
        return zip_entries(insert_rows(entries, writer.rows_xml))


def render_docx(doc: m.Document, profile: CourtProfile, out: Path, *,
                reference_docx: Path | None = None) -> None:
    """Write the document as DOCX to ``out`` (atomically), styled by ``reference_docx``
    (default: the shipped ``templates/reference.docx``)."""
    atomic_write(out, render_docx_bytes(doc, profile, reference_docx=reference_docx))
