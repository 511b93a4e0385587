"""The documents filed beside the declaration: proposed order, appendices, exhibit index,
FRE 902(13)/(14) certification, counsel's declaration with the Rule 65(b)(1)(B) certification, the
Rule 7.1 disclosure statement, one letter per registry, and for a sealed case the sealing papers
Local Civil Rule 5(C) asks for (motion, nonconfidential memorandum, notice, proposed sealing order).

Each is a firm-editable template in ``templates/`` rendered into the document model from
the same facts as the declaration, so the numbers, names and hash values agree across
the whole filing set.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from app.core.text import file_slug
from app.documents.declaration import DECLARATION_TEMPLATE, build_declaration
from app.documents.declaration_cites import declaration_cites
from app.documents.drafting import by_section, declaration_paragraphs
from app.documents.facts import declaration_facts
from app.documents.inputs import DeclarationInput
from app.documents.model import AppendixTitle, Document, PageBreak
from app.documents.order_findings import add_order_findings
from app.documents.profile import CourtProfile, load_profile
from app.documents.redaction import filed_document
from app.documents.template import render_document

ORDER_TEMPLATE = "order.xml.j2"
INDEX_TEMPLATE = "exhibit_index.xml.j2"
CERTIFICATION_TEMPLATE = "certification.xml.j2"
LETTER_TEMPLATE = "registry_letter.xml.j2"
OPERATOR_LETTER_TEMPLATE = "operator_letter.xml.j2"
CHECKLIST_TEMPLATE = "filing_checklist.xml.j2"
CHECKLIST_STEM = "00-filing-checklist"
APPENDIX_TEMPLATE = "appendix_document.xml.j2"
DECLARATION_STEM = "01-declaration"
ORDER_STEM = "04-proposed-order-ex-parte-tro"
APPENDICES_STEM = "05-appendices-a-b-domains"
LETTER_PREFIX = "06-letter-"
COUNSEL_DECLARATION_STEM = "07-declaration-of-counsel-rule-65-b-1-b"
DISCLOSURE_STEM = "08-disclosure-statement-rule-7-1"
# The sealing papers come first: in E.D. Va. the motion to seal is filed with (before) what it seals.
SEALING = (
    ("00-sealing-1-motion-to-seal", "Motion to seal", "motion_to_seal.xml.j2"),
    ("00-sealing-2-memorandum-in-support", "Memorandum in support of the motion to seal",
     "sealing_memorandum.xml.j2"),
    ("00-sealing-3-notice-of-sealing-motion", "Notice of sealing motion", "sealing_notice.xml.j2"),
    ("00-sealing-4-proposed-sealing-order", "Proposed sealing order", "sealing_order.xml.j2"),
)


@dataclass(frozen=True)
class NamedDocument:
    """A document and the file name (without extension) that says what it is."""

    stem: str
    document: Document


def filing_facts(inp: DeclarationInput, profile: CourtProfile, *,
                 search_path: Sequence[Path] = ()) -> dict[str, Any]:
    """The declaration's facts plus what the other filed documents say, with the declaration's
    paragraph numbers for what they cite of it."""
    facts = declaration_facts(inp, profile)
    kinds = [e["kind"] for e in facts["exhibits"]]
    facts["counts"] = {
        "screenshot": kinds.count("screenshot"),
        "email": kinds.count("email"),
        "record": kinds.count("domain-record"),
        "capture": kinds.count("web-capture"),
    }
    facts["hashes_verified"] = inp.hashes_verified
    facts["verified_on"] = facts["executed_on"]
    # The order side cites the declaration by paragraph: render it (from these same facts) to number them.
    paragraphs = declaration_paragraphs(inp, profile, search_path=search_path)
    declaration = render_document(DECLARATION_TEMPLATE, {**facts, "paragraphs": by_section(paragraphs)},
                                  search_path=search_path)
    cites = declaration_cites(declaration, paragraphs, {e.number: f"exhibit:{e.item.id}" for e in inp.exhibits})
    add_order_findings(facts, inp, profile, cites)
    return facts


def build_filing_documents(
    inp: DeclarationInput,
    profile: CourtProfile | None = None,
    *,
    search_path: Sequence[Path] = (),
) -> list[NamedDocument]:
    """Every document of the filing set except the exhibits, in filing order, with file stems."""
    profile = profile or load_profile(inp.case.court)
    facts = filing_facts(inp, profile, search_path=search_path)
    names = filing_document_names(facts)
    built = {stem: build_filing_document(inp, profile, stem, facts=facts, search_path=search_path)
             for stem, _ in names if stem != CHECKLIST_STEM}
    built[CHECKLIST_STEM] = _checklist(inp, facts, names, built, search_path)
    return [NamedDocument(stem, built[stem]) for stem, _ in names]


def _checklist(inp: DeclarationInput, facts: dict[str, Any], names: Sequence[tuple[str, str]],
               built: dict[str, Document], search_path: Sequence[Path]) -> Document:
    """The filing checklist, which says which of the other generated papers recites each missing paper."""
    documents = [{"name": name, "text": " ".join(built[stem].text().split())}
                 for stem, name in names if stem in built]
    return filed_document(render_document(CHECKLIST_TEMPLATE, {**facts, "documents": documents},
                                          search_path=search_path), inp.redactions, draft=inp.draft)


def _operator_letters(facts: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(file stem, Appendix B group) of each zone operator's letter, numbered after the registries' letters."""
    first = len(facts["registry_groups"]) + 1
    return [(f"{LETTER_PREFIX}{index:02d}-zone-operator-{file_slug(group['name'])}", group)
            for index, group in enumerate(facts["subdomain_groups"], start=first)]


def filing_document_names(facts: dict[str, Any]) -> list[tuple[str, str]]:
    """(file stem, name in the user's words) of every document of the filing set but the exhibits."""
    names = [(CHECKLIST_STEM, "Filing checklist")]
    names += [(stem, name) for stem, name, _ in SEALING] if facts["case"]["sealed"] else []
    names += [
        (DECLARATION_STEM, "Declaration"),
        ("02-exhibit-index", "Exhibit index"),
        ("03-certification-fre-902-13-14", "Certification (FRE 902(13), 902(14))"),
        (ORDER_STEM, "Proposed order"),
        (APPENDICES_STEM, "Appendices A and B"),
    ]
    for index, group in enumerate(facts["registry_groups"], start=1):
        names.append((f"{LETTER_PREFIX}{index:02d}-{file_slug(group['name'])}", f"Letter to {group['name']}"))
    for stem, group in _operator_letters(facts):
        names.append((stem, f"Letter to the operator of the zone of {group['name']}"))
    names += [
        (COUNSEL_DECLARATION_STEM, "Declaration of counsel (Rule 65(b)(1)(B) certification)"),
        (DISCLOSURE_STEM, "Disclosure statement (Rule 7.1)"),
    ]
    return names


def build_filing_document(
    inp: DeclarationInput,
    profile: CourtProfile,
    stem: str,
    *,
    facts: dict[str, Any] | None = None,
    search_path: Sequence[Path] = (),
) -> Document:
    """One document of the filing set, by its file stem (see :func:`filing_document_names`)."""
    if stem == DECLARATION_STEM:
        return build_declaration(inp, profile, search_path=search_path)
    facts = facts if facts is not None else filing_facts(inp, profile, search_path=search_path)
    if stem == CHECKLIST_STEM:
        names = filing_document_names(facts)
        built = {other: build_filing_document(inp, profile, other, facts=facts, search_path=search_path)
                 for other, _ in names if other != CHECKLIST_STEM}
        return _checklist(inp, facts, names, built, search_path)
    templates = {
        "02-exhibit-index": INDEX_TEMPLATE,
        "03-certification-fre-902-13-14": CERTIFICATION_TEMPLATE,
        ORDER_STEM: ORDER_TEMPLATE,
        APPENDICES_STEM: APPENDIX_TEMPLATE,
        COUNSEL_DECLARATION_STEM: "counsel_declaration.xml.j2",
        DISCLOSURE_STEM: "disclosure_statement.xml.j2",
        **{stem: name for stem, _, name in SEALING},
    }
    if stem in templates:
        return filed_document(render_document(templates[stem], facts, search_path=search_path),
                              inp.redactions, draft=inp.draft)
    for index, group in enumerate(facts["registry_groups"], start=1):
        if stem == f"{LETTER_PREFIX}{index:02d}-{file_slug(group['name'])}":
            return filed_document(render_document(LETTER_TEMPLATE, {**facts, "registry": group},
                                                  search_path=search_path), inp.redactions, draft=inp.draft)
    for letter_stem, group in _operator_letters(facts):
        if stem == letter_stem:
            return filed_document(render_document(OPERATOR_LETTER_TEMPLATE, {**facts, "operator": group},
                                                  search_path=search_path), inp.redactions, draft=inp.draft)
    raise KeyError(f"no document {stem!r} in the filing set")


def appendix_only(appendices: Document, label: str) -> Document | None:
    """One appendix ("APPENDIX A" or "APPENDIX B") cut out of the appendices document, or None
    when it has no such appendix (a case without subdomains has no Appendix B)."""
    blocks = list(appendices.blocks)
    starts = [i for i, b in enumerate(blocks) if isinstance(b, AppendixTitle)]
    for n, start in enumerate(starts):
        block = blocks[start]
        if isinstance(block, AppendixTitle) and block.label.upper() == label.upper():
            end = starts[n + 1] if n + 1 < len(starts) else len(blocks)
            part = blocks[start:end]
            while part and isinstance(part[-1], PageBreak):
                part.pop()
            info = replace(appendices.info, title=f"{block.label.title()}: {block.text}")
            return replace(appendices, info=info, blocks=tuple(part))
    return None
