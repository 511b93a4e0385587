"""The filing set of the sample case, checked the way a clerk's office and counsel would:
poppler (pdffonts, pdftotext, pdfinfo), qpdf, pikepdf, python-docx and LibreOffice."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import docx
import pikepdf
import pytest

from app.documents import load_profile
from app.documents.order_facts import address_lines
from app.ops.demo import run_demo
from app.ops.domains import registry_table
from app.ops.filing import export_filing_set
from app.store import CaseFile


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} not installed")
    return path


def _text(pdf: Path, *, first: int | None = None, last: int | None = None, layout: bool = False) -> str:
    args = [_tool("pdftotext")] + (["-layout"] if layout else [])
    if first is not None:
        args += ["-f", str(first), "-l", str(last or first)]
    return subprocess.run(args + [str(pdf), "-"], check=True, capture_output=True, text=True).stdout


def _pages(pdf: Path) -> int:
    with pikepdf.open(pdf) as doc:
        return len(doc.pages)


@dataclass
class Exported:
    case_path: Path
    out: Path
    again: Path
    build_docs: Path
    bundle: Path


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Exported:
    root = tmp_path_factory.mktemp("filing")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EVBUNDLE_HOME", str(root / "home"))
        demo = run_demo(root / "demo")
        with CaseFile.open(demo.case_path) as case:
            export_filing_set(case, root / "out")
            export_filing_set(case, root / "again")
    return Exported(demo.case_path, root / "out", root / "again", demo.build.documents[0].parent,
                    demo.build.bundle)


def _pdfs(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.pdf"))


def test_filing_set_names_say_what_each_file_is(exported: Exported) -> None:
    names = {p.name for p in exported.out.iterdir()}
    for stem in ("01-declaration", "02-exhibit-index", "03-certification-fre-902-13-14",
                 "04-proposed-order-ex-parte-tro", "05-appendices-a-b-domains"):
        assert f"{stem}.pdf" in names and f"{stem}.docx" in names
    assert "05-appendices-a-b-domains.csv" not in names  # a short list needs no electronic appendix
    assert "01-declaration-exhibit-001-screenshot.pdf" in names
    assert "01-declaration-exhibit-011-domain-record.pdf" in names
    assert {"06-letter-01-godaddy-registry-services-llc.pdf", "06-letter-03-verisign-inc.pdf"} <= names
    assert "00-paper-set-print-ready.pdf" in names  # sealed E.D. Va. case: paper set by default


def test_every_font_embedded_in_every_pdf(exported: Exported) -> None:
    for pdf in _pdfs(exported.out):
        out = subprocess.run([_tool("pdffonts"), str(pdf)], check=True, capture_output=True, text=True).stdout
        rows = out.splitlines()[2:]
        assert rows, pdf.name
        for row in rows:
            assert row.split()[-5] == "yes", (pdf.name, row)
            assert "Liberation" in row, (pdf.name, row)


def test_qpdf_check_passes_and_nothing_forbidden(exported: Exported) -> None:
    for pdf in _pdfs(exported.out):
        subprocess.run([_tool("qpdf"), "--check", str(pdf)], check=True, capture_output=True)
        with pikepdf.open(pdf) as doc:
            assert not doc.is_encrypted, pdf.name
            assert "/AcroForm" not in doc.Root and "/OpenAction" not in doc.Root, pdf.name
            names = doc.Root.get("/Names", {})
            assert "/EmbeddedFiles" not in names and "/JavaScript" not in names, pdf.name
            for obj in doc.objects:
                if isinstance(obj, pikepdf.Dictionary):
                    for key in ("/JS", "/JavaScript", "/EmbeddedFile", "/Launch", "/RichMedia"):
                        assert key not in obj and obj.get("/S") != pikepdf.Name.JavaScript, (pdf.name, key)
            assert doc.docinfo.get("/Title"), pdf.name


def test_bookmarks_in_the_filed_documents(exported: Exported) -> None:
    for stem, wanted in (("01-declaration", "APPENDIX A"), ("04-proposed-order-ex-parte-tro", "APPENDIX A"),
                         ("02-exhibit-index", "Exhibits"), ("00-paper-set-print-ready", "Tab: Exhibit 11")):
        with pikepdf.open(exported.out / f"{stem}.pdf") as doc, doc.open_outline() as outline:
            titles = []
            stack = list(outline.root)
            while stack:
                item = stack.pop()
                titles.append(str(item.title))
                stack.extend(item.children)
            assert wanted in titles, (stem, titles)


def test_declaration_text_has_caption_title_paragraphs_and_exhibits(exported: Exported) -> None:
    text = _text(exported.out / "01-declaration.pdf", layout=True)
    flat = " ".join(text.split())
    for needle in ("IN THE UNITED STATES DISTRICT COURT", "FOR THE EASTERN DISTRICT OF VIRGINIA",
                   "FILED UNDER SEAL", "Civil Action No.", "DECLARATION OF JORDAN SAMPLE IN SUPPORT OF",
                   "I declare under penalty of perjury", f"Executed on {_executed(exported)}",
                   "______________________________ Jordan Sample"):  # sealed: on paper, signed by hand
        assert needle in flat, needle
    numbers = [int(n) for n in re.findall(r"^\s*(\d+)\.\s", text, flags=re.M)]
    paragraphs = sorted(set(n for n in numbers if n < 100))
    assert paragraphs == list(range(1, len(paragraphs) + 1)) and len(paragraphs) >= 14
    for k in range(1, 14):
        assert f"Exhibit {k}." in flat or f"Exhibit {k} " in flat, k


def _executed(exported: Exported) -> str:
    """The sample's date of execution in words: the demo dates it the day it ran."""
    with CaseFile.open(exported.case_path) as case:
        day = date.fromisoformat(case.info().bundle_date)
    return f"{day.strftime('%B')} {day.day}, {day.year}"


def test_every_bates_number_on_its_exhibit_page(exported: Exported) -> None:
    with CaseFile.open(exported.case_path) as case:
        info = case.info()
    profile = load_profile(info.court)
    number = info.bates_start
    exhibits = sorted(exported.out.glob("01-declaration-exhibit-*.pdf"))
    assert len(exhibits) == 14
    for pdf in exhibits:
        k = int(pdf.name.split("-")[3])
        for page in range(1, _pages(pdf) + 1):
            text = _text(pdf, first=page)
            assert profile.bates(info.bates_prefix, number) in text, (pdf.name, page)
            assert f"Exhibit {k}" in text, (pdf.name, page)
            number += 1
    index = " ".join(_text(exported.out / "02-exhibit-index.pdf").split())
    assert profile.bates(info.bates_prefix, info.bates_start) in index
    assert profile.bates(info.bates_prefix, number - 1) in index


def test_every_domain_listed_under_its_registry_with_address(exported: Exported) -> None:
    with CaseFile.open(exported.case_path) as case:
        domains = [d for d in case.domains() if not d.is_subdomain]
        table = registry_table(case)
    text = _text(exported.out / "05-appendices-a-b-domains.pdf")
    appendix_a = text.split("APPENDIX B")[0]
    registries = {d.registry_id: table.get(d.registry_id) for d in domains}
    starts = {rid: appendix_a.index(r.name + "\n") for rid, r in registries.items()}
    assert len(domains) == 21
    for domain in domains:
        registry = registries[domain.registry_id]
        start = starts[domain.registry_id]
        following = [s for s in starts.values() if s > start]
        section = appendix_a[start:min(following) if following else len(appendix_a)]
        assert domain.ascii in section, (domain.ascii, registry.name)
        for line in address_lines(registry.address):  # one address style in every document
            assert line in section, (registry.name, line)


def test_order_has_the_structure_of_a_tro(exported: Exported) -> None:
    flat = " ".join(_text(exported.out / "04-proposed-order-ex-parte-tro.pdf").split())
    for needle in ("moved ex parte", "Rule 65(b)", "All Writs Act", "28 U.S.C. § 1651",
                   "FINDINGS OF FACT AND CONCLUSIONS OF LAW", "IT IS THEREFORE ORDERED",
                   "serverHold", "Verisign, Inc., 12061 Bluemont Way", "APPENDIX A", "APPENDIX B"):
        assert needle in flat, needle
    assert flat.index("FINDINGS OF FACT") < flat.index("IT IS THEREFORE ORDERED") < flat.index("APPENDIX A")


def test_certification_states_tool_hashes_match_and_fingerprint(exported: Exported) -> None:
    flat = " ".join(_text(exported.out / "03-certification-fre-902-13-14.pdf").split())
    with CaseFile.open(exported.case_path) as case:
        items = [item for _, item, _ in case.exhibits()]
        fingerprint = next(e.details["signer"] for e in case.custody() if e.action == "bundle-built")
    assert "PURSUANT TO FEDERAL RULE OF EVIDENCE 902(14)" in flat and "evbundle version" in flat
    assert "902(13)" not in flat  # every sample exhibit is a copied file: nothing is certified as made by the app
    assert "SHA-256" in flat and "Every value matched" in flat
    assert fingerprint in flat.replace(" ", "") or fingerprint in flat
    joined = flat.replace(" ", "")
    for item in items:
        assert item.sha256 in joined, item.name


def test_letters_transmit_the_order_to_each_registry(exported: Exported) -> None:
    flat = " ".join(_text(exported.out / "06-letter-03-verisign-inc.pdf").split())
    assert "Verisign, Inc." in flat and "12061 Bluemont Way" in flat and "the Court entered the enclosed Order" in flat
    assert "kelihos-sample-c2-01.com" in flat and "CONFIDENTIAL" in flat


def test_paper_set_has_a_tab_before_each_exhibit(exported: Exported) -> None:
    paper = exported.out / "00-paper-set-print-ready.pdf"
    text = _text(paper)
    pages = text.split("\f")
    tabs = [i for i, page in enumerate(pages) if re.search(r"^EXHIBIT \d+$", page, flags=re.M)
            and "Bates" not in page and len(page.split()) < 40]
    assert len(tabs) >= 14
    filed = sum(_pages(p) for p in _pdfs(exported.out)
                if p.name.startswith(("00-sealing-", "01-", "02-", "03-", "04-", "07-", "08-")))
    assert _pages(paper) == filed + 14


def test_two_exports_are_byte_identical(exported: Exported) -> None:
    first = sorted(p.name for p in exported.out.iterdir())
    assert first == sorted(p.name for p in exported.again.iterdir())
    for name in first:
        assert (exported.out / name).read_bytes() == (exported.again / name).read_bytes(), name


def test_docx_reopen_with_styles_and_header_rows(exported: Exported) -> None:
    for path in sorted(exported.out.glob("*.docx")):
        document = docx.Document(str(path))
        used = {p.style.name for p in document.paragraphs}
        assert used & {"Normal", "Body Text", "Body Text Single"}, path.name
        assert document.sections[0].footer.paragraphs, path.name
    index = docx.Document(str(exported.out / "02-exhibit-index.docx"))
    table = index.tables[-1]
    assert table.rows[0]._tr.trPr.find(docx.oxml.ns.qn("w:tblHeader")) is not None
    assert [c.text for c in table.rows[0].cells] == ["Exhibit", "Description", "Date", "Source",
                                                     "Bates range", "SHA-256"]
    assert len(table.rows) == 15
    order = docx.Document(str(exported.out / "04-proposed-order-ex-parte-tro.docx"))
    styles = {p.style.name for p in order.paragraphs}
    assert {"Title", "Heading 1", "Numbered Paragraph", "Caption Court"} <= styles


def test_order_docx_converts_with_libreoffice(exported: Exported, tmp_path: Path) -> None:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        pytest.skip("LibreOffice not installed")
    source = exported.out / "04-proposed-order-ex-parte-tro.docx"
    subprocess.run([office, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=120)
    flat = " ".join(_text(tmp_path / "04-proposed-order-ex-parte-tro.pdf").split())
    assert "IT IS THEREFORE ORDERED" in flat and "Verisign, Inc." in flat


def test_build_puts_the_filed_documents_into_the_bundle(exported: Exported) -> None:
    names = {p.name for p in exported.build_docs.iterdir()}
    assert {"01-declaration.pdf", "02-exhibit-index.pdf", "03-certification-fre-902-13-14.pdf",
            "04-proposed-order-ex-parte-tro.docx", "06-letter-03-verisign-inc.pdf"} <= names
    with zipfile.ZipFile(exported.bundle) as bundle:
        listed = bundle.namelist()
    assert any(n.endswith("data/documents/04-proposed-order-ex-parte-tro.pdf") for n in listed)
