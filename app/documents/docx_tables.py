"""Tables and lists in the DOCX: the caption's grid, the appendices' numbered domain tables, the exhibit
index and hash tables, the names copied exactly, and the paragraphs they all start from.

Long tables are built by cloning one styled row's XML: a domain table's rows are kept as XML text
and put into ``word/document.xml`` as the package is zipped (python-docx objects for 100,000 rows,
or ``table.cell()`` in a loop, take minutes). Each domain is set whole on one line in the monospace
font, a long one smaller and narrower, as in the PDF.
"""

from __future__ import annotations

import contextlib
import copy
import re
from typing import Any
from xml.sax.saxutils import escape

from docx.document import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph as WordParagraph
from lxml import etree

from app.documents import fonts
from app.documents import model as m
from app.documents.layout import fit_name, listed_lines
from app.documents.make_reference_docx import DOMAIN_LIST
from app.documents.profile import CourtProfile


def set_grid(table: object, widths: tuple[float, ...]) -> None:
    """Fixed column widths: Word reads the cells' widths, LibreOffice the table grid; set both."""
    table.autofit = False  # type: ignore[attr-defined]
    for column, width in zip(table.columns, widths):  # type: ignore[attr-defined]
        column.width = Pt(width)


def set_cell_width(cell: object, width_pt: float) -> None:
    cell.width = Pt(width_pt)  # type: ignore[attr-defined]


def spaced(paragraph: Any, spacing: float) -> None:
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


def xml_text(text: str) -> str:
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


def domain_table(doc: WordDocument, group: m.RegistryGroup, profile: CourtProfile, ids: dict[str, str],
                  rows_xml: dict[str, str], appendix: str) -> None:
    """The numbered domain table: a header row repeated on every page (naming the group, so that a
    continuation page says what it continues), then one row per domain, kept as XML text in
    ``rows_xml`` under the comment that holds its place in the table. Each domain is set whole on one
    line in the monospace font, a long one smaller and narrower (``w:sz``, ``w:w``), as in the PDF."""
    fonts.register_fonts()
    number_width = 0.6 * 72
    widths = (number_width, profile.frame_width - number_width)
    table = doc.add_table(rows=2, cols=2)
    set_grid(table, widths)
    with contextlib.suppress(KeyError):
        table.style = doc.styles["Table Grid"]
    _cell_margins(table, 1, 1, 3)  # as in the PDF
    header_cells, sample_cells = table.rows[0].cells, table.rows[1].cells
    for cells in (header_cells, sample_cells):
        for cell, width in zip(cells, widths):
            set_cell_width(cell, width)
            cell.paragraphs[0]._p.style = ids[DOMAIN_LIST]
            spaced(cell.paragraphs[0], profile.appendix_spacing)  # every row is cloned from these
    title = f"{appendix}: {group.title}" if appendix else group.title
    header_cells[0].paragraphs[0].add_run("No.").bold = True
    header_cells[1].paragraphs[0].add_run("Domain name").bold = True
    header_cells[1].paragraphs[0].add_run(f"  ({title})").italic = True
    header_cells[0].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    sample_cells[0].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    sample_cells[0].paragraphs[0].add_run(_NUMBER)
    sample_cells[1].paragraphs[0].add_run(_TEXT).font.name = profile.docx_mono_font
    _mark_header_row(table.rows[0]._tr)
    sample = table.rows[1]._tr
    before, between, after = _row_pattern(doc, sample)
    size = profile.font_size - 1
    room = widths[1] - 2 * 3.0
    fitting = int(room / (size * 0.6))  # ASCII names this long or shorter fit at the full size
    head, _, _ = between.rpartition("<w:rPr>")
    mono = profile.docx_mono_font
    marker = f"evbundle-domain-rows-{len(rows_xml) + 1}"
    rows = []
    for number, domain in enumerate(group.domains, start=1):
        lines = listed_lines(domain)
        text = "<w:br/>".join(xml_text(line) for line in lines).replace("<w:br/>", "</w:t><w:br/><w:t>")
        longest = max(lines, key=len)
        if len(longest) <= fitting and longest.isascii():
            rows.append(f"{before}{number}{between}{text}{after}")
            continue
        fitted, scale = fit_name(longest, fonts.MONO, size, room)
        r_pr = (f'<w:rPr><w:rFonts w:ascii="{mono}" w:hAnsi="{mono}" w:cs="{mono}"/>'
                f'<w:w w:val="{max(1, int(scale))}"/><w:sz w:val="{round(fitted * 2)}"/>'
                f'<w:szCs w:val="{round(fitted * 2)}"/></w:rPr><w:t xml:space="preserve">')
        rows.append(f"{before}{number}{head}{r_pr}{text}{after}")
    rows_xml[marker] = "".join(rows)
    sample.addprevious(etree.Comment(marker))
    table._tbl.remove(sample)


def name_lines(doc: WordDocument, block: m.NameList, profile: CourtProfile, ids: dict[str, str]) -> None:
    """Names copied exactly, one per paragraph, indented an inch, monospace, each whole on its line."""
    fonts.register_fonts()
    room = profile.frame_width - 72.0
    for index, name in enumerate(block.names):
        paragraph = para(doc, ids, "", "Normal")
        fmt = paragraph.paragraph_format
        fmt.left_indent = Pt(72)
        fmt.first_line_indent = Pt(0)
        fmt.keep_with_next = index < len(block.names) - 1
        if index == len(block.names) - 1:
            fmt.space_after = Pt(profile.font_size * 0.5)
        run = paragraph.add_run(name)
        run.font.name = profile.docx_mono_font
        size, scale = fit_name(name, fonts.MONO, profile.font_size, room)
        run.font.size = Pt(round(size * 2) / 2)
        if scale != 100.0:
            width = OxmlElement("w:w")
            width.set(qn("w:val"), str(max(1, int(scale))))
            r_pr = run._r.get_or_add_rPr()
            size_node = r_pr.find(qn("w:sz"))
            if size_node is not None:
                size_node.addprevious(width)
            else:
                r_pr.append(width)


def insert_rows(entries: list[tuple[str, bytes]], rows_xml: dict[str, str]) -> list[tuple[str, bytes]]:
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


def keep_table_end(table: Any, spacer: WordParagraph) -> None:
    """Keep a table's last two rows, and the space after it, with what follows (a signature): Word keeps a
    row with the next paragraph when every paragraph in it is "keep with next"."""
    for row in table.findall(qn("w:tr"))[-2:]:
        for p in row.iter(qn("w:p")):
            p.get_or_add_pPr().get_or_add_keepNext()
    spacer.paragraph_format.keep_with_next = True


def table_block(doc: WordDocument, block: m.Table, profile: CourtProfile) -> tuple[Any, WordParagraph]:
    """A table built by cloning one styled row's XML (python-docx cell access is slow in loops); returns
    the table's element and the spacing paragraph after it."""
    widths = tuple(w * profile.frame_width for w in block.widths)
    table = doc.add_table(rows=2, cols=len(widths))
    set_grid(table, widths)
    with contextlib.suppress(KeyError):
        table.style = doc.styles["Table Grid"]
    _cell_margins(table, 2, 3, 3)  # as in the PDF
    header_cells, sample_cells = table.rows[0].cells, table.rows[1].cells
    size = Pt(max(7.0, profile.font_size - 3))
    for index, (head, cell, width) in enumerate(zip(header_cells, sample_cells, widths)):
        for target in (head, cell):
            set_cell_width(target, width)
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
            run.font.name = profile.docx_mono_font
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
    spacer = doc.add_paragraph("", style="Normal")  # space between the table and what follows: half a line
    spacer.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    spacer.paragraph_format.line_spacing = Pt(profile.font_size / 2)
    return tbl, spacer


def para(doc: WordDocument, ids: dict[str, str], text: str, style: str) -> WordParagraph:
    """A paragraph in a named style, setting the style id directly: python-docx's style setter
    scans every style of the document on each call, which dominates long documents."""
    paragraph = doc.add_paragraph(text)
    if style != "Normal":
        paragraph._p.style = ids[style]
    return paragraph
