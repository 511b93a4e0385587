"""Long appendices: domain rows drawn a page at a time in the PDF and written as XML text in
the DOCX keep every domain, its number and its registry, with the column header atop each page."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess

import docx
import pytest

from app.core.model import Domain
from app.documents import build_declaration, render_docx_bytes, render_pdf_bytes
from app.documents.profile import load_profile

from . import sample

LONG = "a" * 60 + "-wrapped-label." + "b" * 50 + ".com"


def _long_input() -> object:
    base = sample.declaration_input()
    extra = [Domain(1000 + i, f"bulk-{i:04d}.com", f"bulk-{i:04d}.com", "com", f"bulk-{i:04d}.com", "verisign",
                    "2025-02-20T10:00:00Z") for i in range(400)]
    extra.append(Domain(2000, LONG, LONG, "com", LONG, "verisign", "2025-02-20T10:00:00Z"))
    extra.append(Domain(2002, "tricky&amp<w:t>.com", "tricky&amp<w:t>.com", "com", "tricky.com", "verisign",
                        "2025-02-20T10:00:00Z"))  # never a real name: markup in a name must stay text
    extra.append(Domain(2001, "xn--80ak6aa92e.com", "аррӏе.com", "com", "xn--80ak6aa92e.com", "verisign",
                        "2025-02-20T10:00:00Z"))
    return dataclasses.replace(base, domains=[*base.domains, *extra])


def _pages(pdf: bytes) -> list[str]:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext not installed")
    text = subprocess.run([tool, "-layout", "-", "-"], input=pdf, check=True, capture_output=True).stdout
    return text.decode("utf-8").split("\f")


def test_pdf_lists_every_domain_once_numbered_under_its_registry_with_a_header_per_page() -> None:
    inp = _long_input()
    profile = load_profile("edva")
    pages = _pages(render_pdf_bytes(build_declaration(inp, profile), profile))
    start = next(i for i, page in enumerate(pages) if "APPENDIX A" in page)
    end = next(i for i, page in enumerate(pages) if "APPENDIX B" in page)
    runs: list[list[tuple[int, str]]] = []
    for page in pages[start:end]:
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        rows = [m for m in (re.fullmatch(r"(\d+)\s+(\S+\.[a-z]*)( \(.*\))?", line) for line in lines) if m]
        assert rows and lines.index(next(x for x in lines if x.startswith("No."))) < lines.index(rows[0].group(0))
        for row in rows:  # a header line sits above the first row of every page
            if row.group(1) == "1":
                runs.append([])
            runs[-1].append((int(row.group(1)), row.group(2)))
    verisign = sorted(d.ascii for d in inp.domains if d.registry_id == "verisign" and not d.is_subdomain)
    longest = max(runs, key=len)
    assert [n for n, _ in longest] == list(range(1, len(verisign) + 1))
    wrapped = LONG[:20]  # the long name's first line, checked below
    assert [n for _, n in longest if not n.startswith(wrapped)] == [n for n in verisign if n != LONG]
    text = " ".join(" ".join(pages).split())
    assert LONG[:40] in text and LONG[-30:] in text  # wrapped onto a second line, nothing cut off
    assert "xn--80ak6aa92e.com (аррӏе.com)" in text
    assert end - start > 8


def test_same_input_gives_the_same_bytes_and_docx_holds_every_row() -> None:
    inp = _long_input()
    profile = load_profile("edva")
    doc = build_declaration(inp, profile)
    assert render_pdf_bytes(doc, profile) == render_pdf_bytes(build_declaration(inp, profile), profile)
    first, again = render_docx_bytes(doc, profile), render_docx_bytes(build_declaration(inp, profile), profile)
    assert first == again
    word = docx.Document(io.BytesIO(first))
    cells = [[c.text for c in row.cells] for table in word.tables for row in table.rows]
    assert any(row[0] == "No." and row[1].startswith("Domain name") for row in cells)
    verisign = [d for d in inp.domains if d.registry_id == "verisign" and not d.is_subdomain]
    expected = [[str(n), d.ascii if d.unicode == d.ascii else f"{d.ascii}\n({d.unicode})"]
                for n, d in enumerate(sorted(verisign, key=lambda d: d.ascii), start=1)]
    table = next(t for t in word.tables if len(t.rows) == len(expected) + 1)
    assert [[c.text for c in row.cells] for row in table.rows[1:]] == expected  # numbered in name order
    header_rows = [t.rows[0]._tr for t in word.tables if t.rows[0].cells[0].text == "No."]
    assert header_rows and all(tr.trPr is not None and "tblHeader" in tr.trPr.xml for tr in header_rows)
