"""Write a Document as DOCX with python-docx, styled through a replaceable reference document.

Counsel edit these files in Word, so they use real styles (Title, Heading 1,
Numbered Paragraph...) rather than direct formatting, a real table for the
caption, and a PAGE field in the footer. Long domain lists are written as XML text:
one styled row is serialised once and filled in per domain (escaped), and the rows go
into ``word/document.xml`` as the package is zipped, never becoming python-docx objects.
"""

from __future__ import annotations

import contextlib
import copy
import io
import re
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from docx import Document as open_docx  # noqa: N813 - a function that opens a document, named so
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph as WordParagraph
from lxml import etree

from app.core.errors import TemplateError
from app.core.paths import template
from app.documents import model as m
from app.documents.docx_zip import fix_core_properties, package_entries, zip_entries
from app.documents.layout import (
    INDENT_STEP,
    atomic_write,
    caption_columns,
    caption_rows,
    collection_paused,
    justifiable,
    listed_text,
)
from app.documents.make_reference_docx import (
    BODY_SINGLE,
    CAPTION_COURT,
    CAPTION_TEXT,
    DOMAIN_LIST,
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
    for run in runs:
        word_run = paragraph.add_run(run.text)
        if run.bold:
            word_run.bold = True
        if run.italic:
            word_run.italic = True


def _set_grid(table: object, widths: tuple[float, ...]) -> None:
    """Fixed column widths: Word reads the cells' widths, LibreOffice the table grid; set both."""
    table.autofit = False  # type: ignore[attr-defined]
    for column, width in zip(table.columns, widths):  # type: ignore[attr-defined]
        column.width = Pt(width)


def _set_cell_width(cell: object, width_pt: float) -> None:
    cell.width = Pt(width_pt)  # type: ignore[attr-defined]


def _caption(doc: WordDocument, caption: m.Caption, profile: CourtProfile, ids: dict[str, str]) -> None:
    for line in caption.court_lines:
        _spaced(_para(doc, ids, line, CAPTION_COURT), profile.caption_spacing)
    if caption.division:
        _spaced(_para(doc, ids, caption.division, CAPTION_COURT), profile.caption_spacing)
    _para(doc, ids, "", CAPTION_TEXT)
    rows = caption_rows(caption, profile)
    if not rows:
        return
    columns = caption_columns(profile)
    # A little wider than the PDF's wrap width, so Word never rewraps a pre-wrapped line.
    widths = (columns.left + 8, columns.paren, columns.right - 8)
    table = doc.add_table(rows=len(rows), cols=3)
    _set_grid(table, widths)
    for row, cells in zip(rows, (r.cells for r in table.rows)):
        texts = (row.left, ")" if profile.paren_column else "", row.right)
        for index, (cell, text, width) in enumerate(zip(cells, texts, widths)):
            _set_cell_width(cell, width)
            paragraph = cell.paragraphs[0]
            paragraph._p.style = ids[CAPTION_TEXT]
            _spaced(paragraph, profile.caption_spacing)
            word_run = paragraph.add_run(text)
            if index == 0 and row.indent:
                paragraph.paragraph_format.left_indent = Pt(row.indent * INDENT_STEP)
            if index == 2 and row.right_bold:
                word_run.bold = True
    _para(doc, ids, "", CAPTION_TEXT)


def _spaced(paragraph: Any, spacing: float) -> None:
    """Line spacing the court profile asks for; single (1.0) is what the reference document's styles have."""
    if spacing != 1.0:
        paragraph.paragraph_format.line_spacing = spacing


def _cell_margins(table: object, top: float, bottom: float, side: float) -> None:
    """Room around the text of every cell (points), so text never touches a rule."""
    tbl_pr = table._tbl.tblPr  # type: ignore[attr-defined]
    margins = tbl_pr.find(qn("w:tblCellMar"))
    if margins is None:
        margins = OxmlElement("w:tblCellMar")
        look = tbl_pr.find(qn("w:tblLook"))  # the schema puts tblCellMar just before tblLook
        if look is not None:
            look.addprevious(margins)
        else:
            tbl_pr.append(margins)
    for edge, points in (("top", top), ("left", side), ("bottom", bottom), ("right", side)):
        node = OxmlElement(f"w:{edge}")
        node.set(qn("w:w"), str(round(points * 20)))
        node.set(qn("w:type"), "dxa")
        margins.append(node)


def _mark_header_row(row_element: object) -> None:
    tr_pr = row_element.get_or_add_trPr()  # type: ignore[attr-defined]
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NUMBER, _TEXT = "EVBUNDLE-ROW-NUMBER", "EVBUNDLE-ROW-TEXT"


def _xml_text(text: str) -> str:
    """Text escaped for an XML text node; characters XML cannot hold become U+FFFD."""
    return escape(text if text.isprintable() else _NOT_XML.sub("\ufffd", text))


def _row_pattern(doc: WordDocument, sample: object) -> tuple[str, str, str]:
    """The sample row's XML cut around its two texts, without the namespace declarations
    the document's root element already makes."""
    root_ns = doc.element.nsmap
    xml = etree.tostring(sample, encoding="unicode")

    def undeclare(match: re.Match[str]) -> str:
        return "" if root_ns.get(match.group(1)) == match.group(2) else match.group(0)

    xml = re.sub(r' xmlns:(\w+)="([^"]*)"', undeclare, xml)
    before, rest = xml.split(_NUMBER)
    between, after = rest.split(_TEXT)
    return before, between, after


def _domain_table(doc: WordDocument, group: m.RegistryGroup, profile: CourtProfile, ids: dict[str, str],
                  rows_xml: dict[str, str]) -> None:
    """The numbered domain table: a header row repeated on every page, then one row per domain,
    kept as XML text in ``rows_xml`` under the comment that holds its place in the table."""
    number_width = 0.6 * 72
    widths = (number_width, profile.frame_width - number_width)
    table = doc.add_table(rows=2, cols=2)
    _set_grid(table, widths)
    with contextlib.suppress(KeyError):
        table.style = doc.styles["Table Grid"]
    _cell_margins(table, 1, 1, 3)  # as in the PDF
    header_cells, sample_cells = table.rows[0].cells, table.rows[1].cells
    for cells in (header_cells, sample_cells):
        for cell, width in zip(cells, widths):
            _set_cell_width(cell, width)
            cell.paragraphs[0]._p.style = ids[DOMAIN_LIST]
            _spaced(cell.paragraphs[0], profile.appendix_spacing)  # every row is cloned from these
    for cell, text in zip(header_cells, ("No.", "Domain name")):
        cell.paragraphs[0].add_run(text).bold = True
    header_cells[0].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    sample_cells[0].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for cell, text in zip(sample_cells, (_NUMBER, _TEXT)):
        cell.paragraphs[0].add_run(text)
    _mark_header_row(table.rows[0]._tr)
    sample = table.rows[1]._tr
    before, between, after = _row_pattern(doc, sample)
    marker = f"evbundle-domain-rows-{len(rows_xml) + 1}"
    rows_xml[marker] = "".join(
        f"{before}{number}{between}{_xml_text(listed_text(domain))}{after}"
        for number, domain in enumerate(group.domains, start=1)
    )
    sample.addprevious(etree.Comment(marker))
    table._tbl.remove(sample)


def _insert_rows(entries: list[tuple[str, bytes]], rows_xml: dict[str, str]) -> list[tuple[str, bytes]]:
    """Put each table's rows in place of its comment in ``word/document.xml``."""
    if not rows_xml:
        return entries
    out = []
    for name, data in entries:
        if name == "word/document.xml":
            pieces = re.split(rb"<!--(evbundle-domain-rows-\d+)-->", data)
            out.append((name, b"".join(rows_xml[p.decode("ascii")].encode("utf-8") if i % 2 else p
                                       for i, p in enumerate(pieces))))
        else:
            out.append((name, data))
    return out


def _table(doc: WordDocument, block: m.Table, profile: CourtProfile) -> None:
    """A table built by cloning one styled row's XML (python-docx cell access is slow in loops)."""
    widths = tuple(w * profile.frame_width for w in block.widths)
    table = doc.add_table(rows=2, cols=len(widths))
    _set_grid(table, widths)
    with contextlib.suppress(KeyError):
        table.style = doc.styles["Table Grid"]
    _cell_margins(table, 2, 3, 3)  # as in the PDF
    header_cells, sample_cells = table.rows[0].cells, table.rows[1].cells
    size = Pt(max(7.0, profile.font_size - 3))
    for index, (head, cell, width) in enumerate(zip(header_cells, sample_cells, widths)):
        for target in (head, cell):
            _set_cell_width(target, width)
            paragraph = target.paragraphs[0]
            paragraph.style = doc.styles[DOMAIN_LIST]
            paragraph.paragraph_format.line_spacing = 1.0
            paragraph.paragraph_format.space_after = Pt(0)
        heading = head.paragraphs[0].add_run(block.header[index])
        heading.bold = True
        heading.font.size = size
        run = cell.paragraphs[0].add_run("0")
        run.font.size = size
        if index in block.mono:
            run.font.name = "Courier New"
            run.font.size = Pt(max(6.0, profile.font_size - 4.5))
    _mark_header_row(table.rows[0]._tr)
    sample = table.rows[1]._tr
    sample.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # a row stays on one page
    tbl = table._tbl
    for values in block.rows:
        row = copy.deepcopy(sample)
        for text_node, value in zip(row.findall(".//" + qn("w:t")), values):
            text_node.text = value
        tbl.append(row)
    tbl.remove(sample)
    doc.add_paragraph("", style="Normal")  # space between the table and what follows


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


def _para(doc: WordDocument, ids: dict[str, str], text: str, style: str) -> WordParagraph:
    """A paragraph in a named style, setting the style id directly: python-docx's style setter
    scans every style of the document on each call, which dominates long documents."""
    paragraph = doc.add_paragraph(text)
    if style != "Normal":
        paragraph._p.style = ids[style]
    return paragraph


def _add_block(doc: WordDocument, block: m.Block, profile: CourtProfile, info: m.DocumentInfo,
               ids: dict[str, str], num_id: int, rows_xml: dict[str, str]) -> None:
    if isinstance(block, m.Caption):
        _caption(doc, block, profile, ids)
    elif isinstance(block, m.Title):
        _add_runs(_para(doc, ids, "", "Title"), block.runs)
    elif isinstance(block, m.Heading):
        _para(doc, ids, f"{block.label} {block.text}".strip(), "Heading 1")
    elif isinstance(block, m.NumberedParagraph):
        paragraph = _para(doc, ids, "", NUMBERED)
        num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = 0
        num_pr.get_or_add_numId().val = num_id
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY if justifiable(block.runs) else WD_ALIGN_PARAGRAPH.LEFT
        _add_runs(paragraph, block.runs)
    elif isinstance(block, m.Paragraph):
        single = BODY_SINGLE if BODY_SINGLE in ids else "Normal"  # an older firm reference lacks it
        style = {"body": "Body Text", "single": single}.get(block.spacing, "Normal")
        paragraph = _para(doc, ids, "", style)
        paragraph.alignment = _ALIGN[block.align]
        if not block.indent_first:
            paragraph.paragraph_format.first_line_indent = Pt(0)
        if block.keep_with_next:
            paragraph.paragraph_format.keep_with_next = True
        _add_runs(paragraph, block.runs)
    elif isinstance(block, m.SignatureBlock):
        _para(doc, ids, "", SIGNATURE)
        for line in block.lines:
            _para(doc, ids, line, SIGNATURE)
    elif isinstance(block, m.PageBreak):
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    elif isinstance(block, m.AppendixTitle):
        _para(doc, ids, block.label, "Heading 1")
        sub = _para(doc, ids, block.text, "Normal")
        sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
        sub.paragraph_format.space_after = Pt(profile.font_size)
    elif isinstance(block, m.RegistryGroup):
        _para(doc, ids, block.title, "Heading 2")
        for line in block.address:
            _para(doc, ids, line, "Normal").paragraph_format.keep_with_next = True
        if block.note:
            _para(doc, ids, block.note, GROUP_NOTE)
        _domain_table(doc, block, profile, ids, rows_xml)
    elif isinstance(block, m.Table):
        if block.title:
            _para(doc, ids, block.title, "Heading 2")
        _table(doc, block, profile)
    else:  # pragma: no cover - a new block type without a renderer is a programming error
        raise TypeError(f"no DOCX rendering for {type(block).__name__}")


def render_docx_bytes(doc: m.Document, profile: CourtProfile, *,
                      reference_docx: Path | None = None) -> bytes:
    """The document as DOCX bytes (see ``render_docx``)."""
    word = _open_reference(reference_docx)
    _page_setup(word, profile, doc.info.legend, draft=doc.info.draft)
    ids = {style.name: style.style_id for style in word.styles if style.type == WD_STYLE_TYPE.PARAGRAPH}
    num_id = _paragraph_numbering(word) if any(isinstance(b, m.NumberedParagraph) for b in doc.blocks) else 0
    rows_xml: dict[str, str] = {}
    with collection_paused():
        for block in doc.blocks:
            _add_block(word, block, profile, doc.info, ids, num_id, rows_xml)
        fix_core_properties(word, doc.info.date, title=doc.info.title, author=doc.info.author,
                            subject=doc.info.subject)
        return zip_entries(_insert_rows(package_entries(word), rows_xml))


def render_docx(doc: m.Document, profile: CourtProfile, out: Path, *,
                reference_docx: Path | None = None) -> None:
    """Write the document as DOCX to ``out`` (atomically), styled by ``reference_docx``
    (default: the shipped ``templates/reference.docx``)."""
    atomic_write(out, render_docx_bytes(doc, profile, reference_docx=reference_docx))
