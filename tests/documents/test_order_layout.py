"""Pages a clerk and a judge accept: names whole, labels and fingerprints unbroken, one alignment and one
address style per document, continuation headings, the order's terms following the case's choices."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from app.core.model import Domain, Registry
from app.documents import load_profile, render_docx_bytes, render_pdf_bytes
from app.documents.filing_documents import build_filing_documents
from app.documents.layout import cell_lines, fingerprint_breaks, fit_name, keep_labels
from app.documents.model import Document
from app.documents.order_facts import address_lines, label_list, plain_name

from . import sample

PROFILE = load_profile("edva")
LONG = "a" * 60 + "." + "b" * 60 + ".example.com"  # 136 characters: longer than a line at the list's size


def _document(stem: str, **changes: object) -> Document:
    inp = sample.declaration_input(**changes)
    return next(d.document for d in build_filing_documents(inp, PROFILE) if d.stem == stem)


def _with_domains(extra: list[Domain], **changes: object) -> object:
    base = sample.declaration_input(**changes)
    return dataclasses.replace(base, domains=[*base.domains, *extra])


def _pdftotext(data: bytes, tmp_path: Path, name: str = "x.pdf") -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext not installed")
    path = tmp_path / name
    path.write_bytes(data)
    return subprocess.run([tool, str(path), "-"], check=True, capture_output=True, text=True).stdout


def test_a_domain_too_long_for_its_line_is_set_whole_in_pdf_and_docx(tmp_path: Path) -> None:
    inp = _with_domains([Domain(900, LONG, LONG, "com", LONG, "verisign", "x")])
    appendices = next(d.document for d in build_filing_documents(inp, PROFILE)  # type: ignore[arg-type]
                      if d.stem == "05-appendices-a-b-domains")
    words = _pdftotext(render_pdf_bytes(appendices, PROFILE), tmp_path).split()
    assert LONG in words
    word = docx.Document(io.BytesIO(render_docx_bytes(appendices, PROFILE)))
    cell = next(c for t in word.tables for r in t.rows for c in r.cells if c.text == LONG)
    run = cell.paragraphs[0].runs[0]._r
    assert run.rPr.find(qn("w:w")) is not None  # narrowed to its line, not wrapped
    assert run.rPr.find(qn("w:rFonts")).get(qn("w:ascii")) == "Courier New"


def test_fit_name_shrinks_then_narrows_never_breaks() -> None:
    assert fit_name("short.example", "LiberationMono", 11, 400) == (11, 100.0)
    size, scale = fit_name("x" * 56 + ".com", "LiberationMono", 11, 300)
    assert size < 11 and scale == 100.0
    size, scale = fit_name(LONG * 2, "LiberationMono", 11, 300)
    assert size == 7.0 and scale < 100.0


def test_a_fingerprint_breaks_only_after_a_colon(tmp_path: Path) -> None:
    fingerprint = sample.declaration_input().signer_fingerprint
    assert fingerprint
    text = _pdftotext(render_pdf_bytes(_document("01-declaration"), PROFILE), tmp_path)
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if "3A:7F:" in line)
    joined = ""
    for line in lines[first:]:
        piece = line.strip().split()[-1] if not joined else line.strip().split()[0]
        joined += piece.rstrip(".")
        if fingerprint in joined or len(joined) >= len(fingerprint):
            break
        assert piece.endswith(":"), f"fingerprint broken after {piece!r}"
    assert fingerprint in joined
    assert fingerprint_breaks("AB:CD:EF:01:23:45:67:89:AA").count("\u200b") == 8  # DOCX: a break after each colon


def test_an_exhibit_label_never_ends_a_line(tmp_path: Path) -> None:
    assert keep_labels("see Exhibit 12 and Exhibits 3\u20135") == "see Exhibit\u00a012 and Exhibits\u00a03\u20135"
    for stem in ("01-declaration", "04-proposed-order-ex-parte-tro"):
        text = _pdftotext(render_pdf_bytes(_document(stem), PROFILE), tmp_path)
        assert not re.search(r"\bExhibits?\s*$", text, flags=re.M), stem


def test_the_order_follows_the_remedy_and_the_production_clause() -> None:
    hold = _document("04-proposed-order-ex-parte-tro").text()
    assert "serverHold" in hold and "[SINKHOLE" not in hold and "produce those records" not in hold
    assert "26(d)(1)" not in hold
    redirect = _document("04-proposed-order-ex-parte-tro", remedy="redirect",
                         sinkhole_nameservers=("ns1.sink.example", "ns2.sink.example"), production_clause=True).text()
    assert "serverHold" not in redirect and "ns1.sink.example\nns2.sink.example" in redirect
    assert "produce those records to counsel for Contoso Corporation within five (5) days" in redirect
    assert "26(d)(1)" in redirect
    unnamed = _document("04-proposed-order-ex-parte-tro", remedy="redirect").text()
    assert "[SINKHOLE NAME SERVER]" in unnamed  # visible blanks, never "the name servers Plaintiff designates"


def test_the_orders_blanks_and_terms_come_from_the_case() -> None:
    order = _document("04-proposed-order-ex-parte-tro", hearing_date="2025-03-14", hearing_time="10:00 a.m.",
                      tro_days=10, bond_amount="$50,000", opposition_deadline="2025-03-11", sealed=False).text()
    assert "on March 14, 2025, at 10:00 a.m., to show cause" in order
    assert "expires ten (10) days after its entry, at ____ __.m. on ____________, 20__" in order
    assert "bond in the amount of $50,000" in order and "on or before March 11, 2025" in order
    assert "under seal" not in order  # an unsealed case has no sealing terms
    blank = _document("04-proposed-order-ex-parte-tro").text()
    assert "on ____________, 20__, at ____ __.m., to show cause" in blank and "$____________" in blank


def test_the_sealing_papers_are_only_in_a_sealed_case() -> None:
    sealed = {d.stem for d in build_filing_documents(sample.declaration_input(), PROFILE)}
    unsealed = {d.stem for d in build_filing_documents(sample.declaration_input(sealed=False), PROFILE)}
    sealing = {s for s in sealed if s.startswith("00-sealing-")}
    assert len(sealing) == 4 and not sealing & unsealed
    assert {"07-declaration-of-counsel-rule-65-b-1-b", "08-disclosure-statement-rule-7-1"} <= unsealed


def test_appendix_continuation_pages_say_so_and_the_appendix_file_has_a_caption(tmp_path: Path) -> None:
    extra = [Domain(3000 + i, f"bulk-{i:04d}.com", f"bulk-{i:04d}.com", "com", f"bulk-{i:04d}.com", "verisign", "x")
             for i in range(150)]
    inp = _with_domains(extra)
    appendices = next(d.document for d in build_filing_documents(inp, PROFILE)  # type: ignore[arg-type]
                      if d.stem == "05-appendices-a-b-domains")
    pages = _pdftotext(render_pdf_bytes(appendices, PROFILE), tmp_path).split("\f")
    assert "EASTERN DISTRICT OF VIRGINIA" in pages[0] and "Civil Action No." in pages[0]
    continued = [p for p in pages if "APPENDIX A: Verisign, Inc. (continued)" in p]
    assert len(continued) >= 2
    assert all("Domain name" in p for p in continued)  # and the column header under it


def test_one_address_style_per_document() -> None:
    assert address_lines(["2155 E. GoDaddy Way", "Tempe, AZ 85284", "United States"]) == [
        "2155 E. GoDaddy Way", "Tempe, Arizona 85284"]
    assert address_lines(["12061 Bluemont Way", "Reston, Virginia 20190", "United States"]) == [
        "12061 Bluemont Way", "Reston, Virginia 20190"]
    assert address_lines(["Na Florenci 2116/15", "110 00 Praha 1", "Czech Republic"])[-1] == "Czech Republic"
    registries = {**sample.REGISTRIES, "godaddy": Registry(
        "godaddy", "GoDaddy Registry Services, LLC", ("2155 E. GoDaddy Way", "Tempe, AZ 85284", "United States"),
        ("tv",))}
    inp = dataclasses.replace(sample.declaration_input(), registries=registries)
    order = next(d.document for d in build_filing_documents(inp, PROFILE) if d.stem.startswith("04-")).text()
    assert "Tempe, Arizona 85284" in order and "AZ 85284" not in order and "United States\n" not in order


def test_one_alignment_per_profile_in_the_docx() -> None:
    for court, expected in (("edva", "left"), ("generic", "both")):
        profile = load_profile(court)
        doc = next(d.document for d in build_filing_documents(sample.declaration_input(), profile)
                   if d.stem == "04-proposed-order-ex-parte-tro")
        word = docx.Document(io.BytesIO(render_docx_bytes(doc, profile)))
        body = [p for p in word.paragraphs if p.style.name == "Numbered Paragraph" and p.text]
        found = {p._p.pPr.find(qn("w:jc")).get(qn("w:val")) for p in body}
        assert found == {expected}, court


def test_words_of_the_order() -> None:
    assert plain_name("FICTIONAL CORPORATION") == "Fictional Corporation"
    assert plain_name("Contoso Corporation") == "Contoso Corporation"
    assert label_list([1, 2, 3, 7], PROFILE) == "Exhibits 1\u20133 and 7"
    assert label_list([4], PROFILE) == "Exhibit 4"
    lines = cell_lines("page at sample-antivirus-scan-example.com, captured", "LiberationSerif", 9, 100)
    assert ("sample-antivirus-scan-example.com," in [line for line, _ in lines])
    assert any(scale < 100 for _, scale in lines)
