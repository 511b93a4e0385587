"""The declaration: content, fonts, reproducibility, legend, DOCX styles, LibreOffice round trip."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest

from app.documents import build_declaration, load_profile, render_declaration
from app.documents.make_reference_docx import NUMBERED, REQUIRED_STYLES

from . import sample


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} not installed")
    return path


def _pdftotext(pdf: Path, *, page: int | None = None) -> str:
    args = [_tool("pdftotext"), "-layout"]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    return subprocess.run(args + [str(pdf), "-"], check=True, capture_output=True, text=True).stdout


def _pages(pdf: Path) -> int:
    out = subprocess.run([_tool("pdfinfo"), str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("declaration")
    pdf, docx_path = render_declaration(sample.declaration_input(), out)
    return pdf, docx_path


def test_writes_pdf_and_docx(rendered: tuple[Path, Path]) -> None:
    pdf, docx_path = rendered
    assert pdf.name == "declaration.pdf" and pdf.read_bytes().startswith(b"%PDF-")
    assert docx_path.name == "declaration.docx" and zipfile.is_zipfile(docx_path)


def test_every_font_is_embedded(rendered: tuple[Path, Path]) -> None:
    out = subprocess.run([_tool("pdffonts"), str(rendered[0])], check=True, capture_output=True,
                         text=True).stdout
    rows = out.splitlines()[2:]
    assert rows, "no fonts listed"
    for row in rows:
        assert row.split()[-5] == "yes", row  # the "emb" column
        assert "Liberation" in row


def test_pdf_text_holds_caption_clauses_exhibits_domains_and_registries(rendered: tuple[Path, Path]) -> None:
    text = " ".join(_pdftotext(rendered[0]).split())
    for expected in ("IN THE UNITED STATES DISTRICT COURT", "FOR THE EASTERN DISTRICT OF VIRGINIA",
                     "Alexandria Division", "Civil Action No.", "FILED UNDER SEAL", "Plaintiff,",
                     "Defendants.", "DECLARATION OF JANE Q. INVESTIGATOR",
                     "I, Jane Q. Investigator, hereby declare and state as follows:",
                     "could and would testify competently",
                     "I declare under penalty of perjury that the foregoing is true and correct.",
                     "Executed on March 1, 2025 at Redmond, Washington.",
                     "______________________________ Jane Q. Investigator",  # sealed: signed by hand
                     "APPENDIX A", "APPENDIX B", "12061 Bluemont Way", "THE EVIDENCE AND HOW IT WAS PRESERVED",
                     "THE EXHIBITS", "THE DOMAINS AND THE EVIDENCE FOR EACH", "THE DEFENDANTS AND THE DOMAINS",
                     "WHY ADVANCE NOTICE WOULD DEFEAT THE RELIEF"):
        assert expected in text, expected
    for number in range(1, 6):
        assert f"attached hereto as Exhibit {number}." in text
    for domain in sample.domains():
        assert domain.ascii in text, domain.ascii
    for registry in sample.REGISTRIES.values():
        assert registry.name in text
    # evidence text is escaped, not interpreted
    assert "Cheap meds <today> & more" in text


def test_paragraph_numbers_run_through_headings() -> None:
    doc = build_declaration(sample.declaration_input())
    from app.documents.model import Heading, NumberedParagraph

    numbers = [b.number for b in doc.blocks if isinstance(b, NumberedParagraph)]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 8
    labels = [b.label for b in doc.blocks if isinstance(b, Heading)]
    assert labels == ["I.", "II.", "III.", "IV.", "V.", "VI.", "VII."]


def test_outside_us_clause_and_blank_case_number(tmp_path: Path) -> None:
    inp = sample.declaration_input(signed_in_us=False, sealed=False, case_number="1:25-cv-00001")
    text = build_declaration(inp).text()
    assert "under the laws of the United States of America that the foregoing is true and correct" in text
    assert "Civil Action No. 1:25-cv-00001" in text
    assert "FILED UNDER SEAL" not in text
    blank = build_declaration(sample.declaration_input(case_number="")).text()
    assert "Civil Action No. ____" in blank


def test_fictional_legend_on_every_page(rendered: tuple[Path, Path]) -> None:
    pdf = rendered[0]
    legend = load_profile("edva").fictional_legend
    pages = _pages(pdf)
    assert pages >= 4
    for page in range(1, pages + 1):
        assert legend in _pdftotext(pdf, page=page), f"page {page}"
    header = docx.Document(str(rendered[1])).sections[0].header
    assert legend in header.paragraphs[0].text


def test_no_legend_for_a_real_case(tmp_path: Path) -> None:
    pdf, docx_path = render_declaration(sample.declaration_input(fictional=False), tmp_path)
    assert "FICTIONAL" not in _pdftotext(pdf)
    assert "FICTIONAL" not in docx.Document(str(docx_path)).sections[0].header.paragraphs[0].text


def test_pdf_has_bookmarks_metadata_and_nothing_forbidden(rendered: tuple[Path, Path]) -> None:
    data = rendered[0].read_bytes()
    assert b"/Outlines" in data and b"APPENDIX A" in data
    assert b"/Title (Declaration of Jane Q. Investigator)" in data
    assert b"/CreationDate (D:20250301000000+00'00')" in data
    for forbidden in (b"/JavaScript", b"/JS", b"/Encrypt", b"/EmbeddedFile", b"/AcroForm"):
        assert forbidden not in data
    if shutil.which("qpdf"):
        subprocess.run(["qpdf", "--check", str(rendered[0])], check=True, capture_output=True)


def test_two_renders_are_byte_identical(rendered: tuple[Path, Path], tmp_path: Path) -> None:
    pdf, docx_path = render_declaration(sample.declaration_input(), tmp_path)
    assert pdf.read_bytes() == rendered[0].read_bytes()
    assert docx_path.read_bytes() == rendered[1].read_bytes()


def test_docx_reopens_with_styles(rendered: tuple[Path, Path]) -> None:
    document = docx.Document(str(rendered[1]))
    names = {s.name for s in document.styles}
    assert set(REQUIRED_STYLES) <= names
    used = {p.style.name for p in document.paragraphs}
    assert {"Title", "Heading 1", "Heading 2", NUMBERED, "Caption Court"} <= used
    numbered = [p for p in document.paragraphs if p.style.name == NUMBERED]
    assert numbered[0].text.startswith("I am employed by Contoso Corporation as a Senior Investigator")
    # Word numbers them itself ("1.", "2.", ...), so inserting a paragraph in Word renumbers the rest.
    num_ids = {p._p.pPr.numPr.numId.val for p in numbered}
    assert len(num_ids) == 1 and 'w:lvlText w:val="%1."' in document.part.numbering_part.element.xml
    caption = document.tables[0]
    assert any(")" == row.cells[1].text for row in caption.rows)
    assert "FILED UNDER SEAL" in "".join(row.cells[2].text for row in caption.rows)
    footer_xml = document.sections[0].footer._element.xml
    assert 'w:instr="PAGE"' in footer_xml
    props = document.core_properties
    assert props.created is not None and props.created.year == 2025 and props.title


def test_docx_domain_tables_repeat_header_and_list_every_domain(rendered: tuple[Path, Path]) -> None:
    document = docx.Document(str(rendered[1]))
    listed = []
    for table in document.tables[1:]:
        rows = table.rows
        assert "w:tblHeader" in rows[0]._tr.xml
        listed.extend(row.cells[1].text.split("\n")[0] for row in list(rows)[1:])  # an IDN's Unicode form below
    assert sorted(listed) == sorted(d.ascii for d in sample.domains())


def test_docx_converts_with_libreoffice(rendered: tuple[Path, Path], tmp_path: Path) -> None:
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        pytest.skip("LibreOffice not installed")
    profile_dir = tmp_path / "lo-profile"
    subprocess.run([office, f"-env:UserInstallation=file://{profile_dir}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(rendered[1])], check=True, capture_output=True,
                   timeout=120)
    converted = tmp_path / "declaration.pdf"
    text = " ".join(_pdftotext(converted).split())
    assert "penalty of perjury" in text and "Exhibit 5" in text and "kelihos-29.tv" in text


def test_replaced_reference_document_is_used(tmp_path: Path) -> None:
    import json

    from app.documents.make_reference_docx import build_reference
    from app.documents.profile import profile_from_json

    data = json.loads((Path(__file__).parents[2] / "templates/courts/edva.json").read_text())
    data["font"]["docx_family"] = "Courier New"
    reference = tmp_path / "firm.docx"
    reference.write_bytes(build_reference(profile_from_json(data)))
    pdf, docx_path = render_declaration(sample.declaration_input(), tmp_path, reference_docx=reference)
    document = docx.Document(str(docx_path))
    assert document.styles["Normal"].font.name == "Courier New"
