"""The court profile's fonts and its caption and appendix spacing are what the documents use."""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile

import pytest

from app.core.errors import TemplateError
from app.core.paths import template
from app.documents.docx_writer import render_docx_bytes
from app.documents.filing_documents import build_filing_document
from app.documents.pdf_writer import render_pdf_bytes
from app.documents.profile import load_profile, profile_from_json

from . import sample


def _profile_json() -> dict[str, object]:
    return json.loads(template("courts", "edva.json").read_text("utf-8"))


def test_a_font_the_app_does_not_embed_is_refused_by_name() -> None:
    data = _profile_json()
    data["font"] = {**data["font"], "serif": "Garamond"}  # type: ignore[dict-item]
    with pytest.raises(TemplateError, match="font.serif") as raised:
        profile_from_json(data, source="firm.json")
    assert raised.value.found == "Garamond" and raised.value.path == "firm.json"


def _docx_xml(document: object, profile: object) -> bytes:
    return zipfile.ZipFile(io.BytesIO(render_docx_bytes(document, profile))).read("word/document.xml")


@pytest.mark.parametrize("stem, field, line", [("01-declaration", "caption_spacing", b'w:line="480"'),
                                               ("05-appendices-a-b-domains", "appendix_spacing", b'w:line="360"')])
def test_caption_and_appendix_spacing_reach_the_pdf_and_the_docx(stem: str, field: str, line: bytes) -> None:
    profile = load_profile("edva")
    loose = dataclasses.replace(profile, **{field: 2.0 if field == "caption_spacing" else 1.5})
    document = build_filing_document(sample.declaration_input(), profile, stem)
    assert render_pdf_bytes(document, profile) != render_pdf_bytes(document, loose)
    assert _docx_xml(document, loose).count(line) > _docx_xml(document, profile).count(line)
