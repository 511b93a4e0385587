"""The declaration and its appendices: from the case snapshot to PDF, DOCX and CSV files."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from app.documents.docx_writer import render_docx
from app.documents.drafting import by_section, declaration_paragraphs
from app.documents.facts import declaration_facts, registry_groups, subdomain_groups
from app.documents.inputs import DeclarationInput
from app.documents.model import Document
from app.documents.pdf_writer import render_pdf
from app.documents.profile import CourtProfile, load_profile
from app.documents.template import render_document
from app.documents.layout import atomic_write

DECLARATION_TEMPLATE = "declaration.xml.j2"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def build_declaration(
    inp: DeclarationInput,
    profile: CourtProfile | None = None,
    *,
    search_path: Sequence[Path] = (),
) -> Document:
    """The declaration as a format-neutral Document, from the (possibly firm-edited) template."""
    profile = profile or load_profile(inp.case.court)
    facts = declaration_facts(inp, profile)
    facts["paragraphs"] = by_section(declaration_paragraphs(inp, profile, search_path=search_path))
    return render_document(DECLARATION_TEMPLATE, facts, search_path=search_path)


def render_declaration(
    inp: DeclarationInput,
    out_dir: Path,
    *,
    profile: CourtProfile | None = None,
    reference_docx: Path | None = None,
    search_path: Sequence[Path] = (),
) -> list[Path]:
    """Write ``declaration.pdf`` and ``declaration.docx`` into ``out_dir``; returns their paths."""
    profile = profile or load_profile(inp.case.court)
    doc = build_declaration(inp, profile, search_path=search_path)
    pdf = out_dir / "declaration.pdf"
    docx = out_dir / "declaration.docx"
    render_pdf(doc, profile, pdf)
    render_docx(doc, profile, docx, reference_docx=reference_docx)
    return [pdf, docx]


def _cell(value: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def appendix_csv_bytes(inp: DeclarationInput) -> bytes:
    """Appendix A and B as CSV (UTF-8, CRLF): appendix, domain, unicode, registry, registrable domain."""
    domains = list(inp.domains)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["appendix", "domain", "unicode", "registry", "registrable domain"])
    by_ascii = {d.ascii: d for d in domains}
    for group in registry_groups(domains, inp.registries):
        for entry in group["domains"]:
            domain = by_ascii[entry["ascii"]]
            writer.writerow([_cell(v) for v in ("A", domain.ascii, domain.unicode, group["name"],
                                                domain.registrable)])
    for group in subdomain_groups(domains, inp.registries):
        for entry in group["domains"]:
            domain = by_ascii[entry["ascii"]]
            writer.writerow([_cell(v) for v in ("B", domain.ascii, domain.unicode, group["registry"],
                                                domain.registrable)])
    return buffer.getvalue().encode("utf-8")


def write_appendix_csv(inp: DeclarationInput, out: Path) -> None:
    """Write the appendices as CSV (the electronic appendix for lists too long to typeset)."""
    atomic_write(out, appendix_csv_bytes(inp))
