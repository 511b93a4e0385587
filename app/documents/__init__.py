"""Documents: the declaration, its appendices and the exhibits as filed, in PDF and DOCX.

One template source (Jinja2, sandboxed) renders into a format-neutral model
(``model``), drawn by two renderers (``pdf_writer``, ``docx_writer``) under a
court profile (``profile``). Nothing here imports Qt or reads the case file:
callers pass a snapshot (``inputs``).
"""

from __future__ import annotations

from app.documents.declaration import build_declaration, render_declaration
from app.documents.docx_writer import render_docx, render_docx_bytes
from app.documents.exhibits import RenderedExhibit, render_exhibit
from app.documents.inputs import DeclarationInput, ExhibitEntry
from app.documents.pdf_writer import render_pdf, render_pdf_bytes
from app.documents.profile import CourtProfile, load_profile

__all__ = [
    "CourtProfile",
    "DeclarationInput",
    "ExhibitEntry",
    "RenderedExhibit",
    "build_declaration",
    "load_profile",
    "render_declaration",
    "render_docx",
    "render_docx_bytes",
    "render_exhibit",
    "render_pdf",
    "render_pdf_bytes",
]
