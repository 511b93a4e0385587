"""The declaration and its appendices: from the case snapshot to PDF and DOCX files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from app.documents.docx_writer import render_docx
from app.documents.drafting import by_section, declaration_paragraphs
from app.documents.facts import declaration_facts
from app.documents.inputs import DeclarationInput
from app.documents.layout import collection_paused
from app.documents.model import Document
from app.documents.pdf_writer import render_pdf
from app.documents.profile import CourtProfile, load_profile
from app.documents.redaction import filed_document
from app.documents.template import render_document

DECLARATION_TEMPLATE = "declaration.xml.j2"


def build_declaration(
    inp: DeclarationInput,
    profile: CourtProfile | None = None,
    *,
    search_path: Sequence[Path] = (),
) -> Document:
    """The declaration as a format-neutral Document, from the (possibly firm-edited) template, with the
    confirmed Rule 5.2 redactions applied and, for a draft, marked DRAFT."""
    profile = profile or load_profile(inp.case.court)
    with collection_paused():
        facts = declaration_facts(inp, profile)
        facts["paragraphs"] = by_section(declaration_paragraphs(inp, profile, search_path=search_path))
        document = render_document(DECLARATION_TEMPLATE, facts, search_path=search_path)
        return filed_document(document, inp.redactions, draft=inp.draft)


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
