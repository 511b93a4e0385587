"""How the filed pages look: tables start under their heading, headers repeat only at page
tops, split exhibits say which part they are, titles are centred, DOCX paragraphs are spaced."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pikepdf
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from app.core.model import Domain
from app.core.paths import template
from app.documents import (
    load_profile,
    render_docx_bytes,
    render_exhibit,
    render_pdf_bytes,
)
from app.documents.filing_documents import appendix_only, build_filing_documents
from app.documents.inputs import DeclarationInput
from app.documents.make_reference_docx import BODY_SINGLE, build_reference
from app.documents.model import Document
from app.documents.pdf_parts import split_exhibit
from app.sources.mail_view import view_message

from . import sample

PROFILE = load_profile("edva")


def _pages(pdf: bytes) -> list[str]:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext not installed")
    text = subprocess.run([tool, "-layout", "-", "-"], input=pdf, check=True, capture_output=True).stdout
    return text.decode("utf-8").split("\f")[:-1]


def _many_exhibits(count: int) -> DeclarationInput:
    """The sample input with its exhibits repeated up to ``count`` exhibits."""
    base = sample.declaration_input()
    entries = [dataclasses.replace(base.exhibits[i % len(base.exhibits)], number=i + 1) for i in range(count)]
    return dataclasses.replace(base, exhibits=entries)


def _document(inp: DeclarationInput, stem: str) -> Document:
    return next(d.document for d in build_filing_documents(inp, PROFILE) if d.stem == stem)


def _outline(pdf: bytes) -> list[str]:
    with pikepdf.open(io.BytesIO(pdf)) as doc, doc.open_outline() as outline:
        return [item.title for item in outline.root]


def test_exhibit_index_starts_its_rows_on_the_first_page_under_the_heading() -> None:
    pages = _pages(render_pdf_bytes(_document(_many_exhibits(60), "02-exhibit-index"), PROFILE))
    first = pages[0]
    assert "INDEX OF EXHIBITS" in first and "Exhibits" in first and "SHA-256" in first
    assert "Exhibit 1 " in first and "Exhibit 2 " in first  # rows, not just the heading
    assert len(pages) >= 3


def test_table_header_once_at_the_top_of_each_page_never_mid_page() -> None:
    pages = _pages(render_pdf_bytes(_document(_many_exhibits(60), "02-exhibit-index"), PROFILE))
    for number, page in enumerate(pages, start=1):
        assert page.count("Bates range") == 1, f"page {number}"
        lines = [line for line in page.splitlines() if line.strip()]
        header = next(i for i, line in enumerate(lines) if "Bates range" in line)
        assert all("Exhibit " not in line or "Exhibits" in line for line in lines[:header]), f"page {number}"
    assert all(f"Exhibit {n} " in "".join(pages) for n in (1, 20, 21, 40, 41, 60))


def test_domain_group_starts_on_the_page_where_its_heading_fits() -> None:
    base = sample.declaration_input()
    extra = [Domain(3000 + i, f"bulk-{i:04d}.com", f"bulk-{i:04d}.com", "com", f"bulk-{i:04d}.com", "verisign",
                    "2025-02-20T10:00:00Z") for i in range(150)]
    inp = dataclasses.replace(base, domains=[*base.domains, *extra])
    appendix_a = appendix_only(_document(inp, "05-appendices-a-b-domains"), "APPENDIX A")
    assert appendix_a is not None
    pages = _pages(render_pdf_bytes(appendix_a, PROFILE))
    heading = next(i for i, page in enumerate(pages) if "Verisign, Inc." in page)
    assert "bulk-0000.com" in pages[heading]
    assert "Public Interest Registry" in pages[heading]  # right after the group before, not a page later


def _split_email() -> tuple[bytes, list[bytes], list[str]]:
    entries, originals = sample.exhibits()
    email = entries[2]
    whole = render_exhibit(email, originals[3], sample.case(), PROFILE, 1, message=view_message(originals[3]))
    split = render_exhibit(email, originals[3], sample.case(), PROFILE, 1, message=view_message(originals[3]),
                           split_limit=len(whole.pdf) // 2)
    return whole.pdf, [f.pdf for f in split.files], [f.label for f in split.files]


def test_split_exhibit_pages_say_which_part_they_are() -> None:
    whole, parts, labels = _split_email()
    assert labels == ["Exhibit 3 (part 1 of 2)", "Exhibit 3 (part 2 of 2)"]
    first, second = _pages(parts[0]), _pages(parts[1])
    assert "EXHIBIT 3" in first[0] and "(part 1 of 2)" in first[0]  # the slip sheet
    assert all("Exhibit 3 (part 1 of 2)" in page for page in first)
    assert all("Exhibit 3 (part 2 of 2)" in page for page in second)
    assert "CTSO-KEL-000002" in second[0]  # Bates numbers run on across the parts
    assert "part" not in "".join(_pages(whole)).replace("Exhibit 3", "")  # unsplit: no part label


def test_each_part_of_a_split_exhibit_has_its_bookmark() -> None:
    whole, parts, labels = _split_email()
    assert [_outline(p) for p in parts] == [[label] for label in labels]
    copied = split_exhibit(whole, len(whole) // 2, "Exhibit 3")  # pages copied as drawn
    assert [_outline(p.pdf) for p in copied] == [["Exhibit 3 (part 1 of 2)"], ["Exhibit 3 (part 2 of 2)"]]


def test_registry_letter_lists_every_domain_without_a_template_loop() -> None:
    base = sample.declaration_input()
    extra = [Domain(4000 + i, f"many-{i:05d}.org", f"many-{i:05d}.org", "org", f"many-{i:05d}.org", "pir",
                    "2025-02-20T10:00:00Z") for i in range(3000)]
    inp = dataclasses.replace(base, domains=[*base.domains, *extra])
    letter = next(d.document for d in build_filing_documents(inp, PROFILE) if "public-interest" in d.stem)
    text = letter.text()
    assert all(f"many-{i:05d}.org" in text for i in range(3000))
    source = template("registry_letter.xml.j2").read_text(encoding="utf-8")
    assert not re.search(r"for \w+ in registry\.domains", source)  # (its few parent domains may loop)
    assert '<domains list="{{ registry.list }}"/>' in source


def test_titles_are_centred_in_the_docx_and_single_spaced_paragraphs_spaced() -> None:
    letter = next(d.document for d in build_filing_documents(sample.declaration_input(), PROFILE)
                  if d.stem.startswith("06-letter-"))
    word = docx.Document(io.BytesIO(render_docx_bytes(letter, PROFILE)))
    assert word.styles["Title"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    single = [p for p in word.paragraphs if p.style.name == BODY_SINGLE]
    assert len(single) >= 5
    assert word.styles[BODY_SINGLE].paragraph_format.space_after.pt >= PROFILE.font_size * 0.5
    registry = next(r for r in sample.REGISTRIES.values() if letter.info.title.endswith(
        f"{r.name} transmitting the order"))
    texts = [p.text for p in word.paragraphs]
    start = texts.index(registry.name)
    assert texts[start + 1].startswith("Attention: ")  # the attention line sits under the registry's name
    address = word.paragraphs[start:start + 1 + len(registry.address)]  # the address block stays tight
    assert [p.style.name for p in address] == ["Normal"] * len(address)
    assert word.paragraphs[start + 1 + len(registry.address)].style.name == BODY_SINGLE


def test_docx_index_cells_have_room_above_the_text(tmp_path: Path) -> None:
    index = _document(sample.declaration_input(), "02-exhibit-index")
    word = docx.Document(io.BytesIO(render_docx_bytes(index, PROFILE)))
    table = word.tables[-1]
    margins = table._tbl.tblPr.find(qn("w:tblCellMar"))
    assert margins is not None
    assert int(margins.find(qn("w:top")).get(qn("w:w"))) > 0
    rows = table._tbl.findall(qn("w:tr"))
    assert all(row.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for row in rows[1:])


def test_a_firm_reference_without_the_single_spaced_style_still_renders(tmp_path: Path) -> None:
    firm = docx.Document(io.BytesIO(build_reference(PROFILE)))
    firm.styles[BODY_SINGLE].delete()
    reference = tmp_path / "firm.docx"
    firm.save(str(reference))
    letter = next(d.document for d in build_filing_documents(sample.declaration_input(), PROFILE)
                  if d.stem.startswith("06-letter-"))
    word = docx.Document(io.BytesIO(render_docx_bytes(letter, PROFILE, reference_docx=reference)))
    assert "Dear Sir or Madam:" in [p.text for p in word.paragraphs if p.style.name == "Normal"]
