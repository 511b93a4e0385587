"""The documents filed beside the declaration: proposed order, appendices, exhibit index,
FRE 902(13)/(14) certification and one transmittal letter per registry.

Each is a firm-editable template in ``templates/`` rendered into the document model from
the same facts as the declaration, so the numbers, names and hash values agree across
the whole filing set.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.documents.declaration import build_declaration
from app.documents.facts import declaration_facts
from app.documents.inputs import DeclarationInput
from app.documents.model import Document
from app.documents.profile import CourtProfile, load_profile
from app.documents.template import render_document

ORDER_TEMPLATE = "order.xml.j2"
INDEX_TEMPLATE = "exhibit_index.xml.j2"
CERTIFICATION_TEMPLATE = "certification.xml.j2"
LETTER_TEMPLATE = "registry_letter.xml.j2"
APPENDIX_TEMPLATE = "appendix_document.xml.j2"


@dataclass(frozen=True)
class NamedDocument:
    """A document and the file name (without extension) that says what it is."""

    stem: str
    document: Document


def filing_facts(inp: DeclarationInput, profile: CourtProfile) -> dict[str, Any]:
    """The declaration's facts plus what the other filed documents say."""
    facts = declaration_facts(inp, profile)
    kinds = [e["kind"] for e in facts["exhibits"]]
    facts["counts"] = {
        "screenshot": kinds.count("screenshot"),
        "email": kinds.count("email"),
        "record": kinds.count("domain-record"),
    }
    facts["hashes_verified"] = inp.hashes_verified
    facts["verified_on"] = facts["executed_on"]
    return facts


def _slug(name: str) -> str:
    chars = [c.lower() if c.isalnum() else "-" for c in name]
    slug = "".join(chars).strip("-")
    while "--" in slug:
        slug = slug.replace("--", "-")
    return slug[:60] or "registry"


def build_filing_documents(
    inp: DeclarationInput,
    profile: CourtProfile | None = None,
    *,
    search_path: Sequence[Path] = (),
) -> list[NamedDocument]:
    """Every document of the filing set except the exhibits, in filing order, with file stems."""
    profile = profile or load_profile(inp.case.court)
    facts = filing_facts(inp, profile)
    docs = [
        NamedDocument("01-declaration", build_declaration(inp, profile, search_path=search_path)),
        NamedDocument("02-exhibit-index", render_document(INDEX_TEMPLATE, facts, search_path=search_path)),
        NamedDocument("03-certification-fre-902-13-14",
                      render_document(CERTIFICATION_TEMPLATE, facts, search_path=search_path)),
        NamedDocument("04-proposed-order-ex-parte-tro",
                      render_document(ORDER_TEMPLATE, facts, search_path=search_path)),
        NamedDocument("05-appendices-a-b-domains",
                      render_document(APPENDIX_TEMPLATE, facts, search_path=search_path)),
    ]
    for index, group in enumerate(facts["registry_groups"], start=1):
        letter = render_document(LETTER_TEMPLATE, {**facts, "registry": group}, search_path=search_path)
        docs.append(NamedDocument(f"06-letter-{index:02d}-{_slug(group['name'])}", letter))
    return docs
