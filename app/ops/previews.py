"""One document of the filing set, rendered on its own for the documents page's preview.

The preview renders exactly what the export renders (same snapshot of the case, same
templates, same court profile, the confirmed Rule 5.2 redactions), one document at a
time: the declaration, the exhibit index, the certification, the proposed order,
Appendix A, Appendix B, each registry letter, or one exhibit. The documents other than
the exhibits are shown without Bates ranges (those come from rendering every exhibit,
which the export does); an exhibit is shown with its true Bates numbers, for which the
page counts of the exhibits before it are needed. Those counts are kept by the caller
in a :class:`PageCounts` between previews, so only the first look at a late exhibit of
a large case renders the ones before it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.core.errors import EvidenceError
from app.core.reporting import NULL_REPORTER, Reporter, check_cancelled
from app.documents import DeclarationInput, render_exhibit
from app.documents.filing_documents import (
    APPENDICES_STEM,
    appendix_only,
    build_filing_document,
    filing_document_names,
    filing_facts,
)
from app.documents.pdf_writer import render_pdf_bytes
from app.documents.profile import CourtProfile, load_profile
from app.ops.describe import default_description
from app.ops.filing import declaration_input
from app.ops.message_views import message_view
from app.store import CaseFile

EXHIBIT_PREFIX = "exhibit:"
APPENDIX_A = "appendix-a"
APPENDIX_B = "appendix-b"


@dataclass(frozen=True)
class PreviewChoice:
    """A document counsel can preview: ``key`` for :func:`render_preview`, ``name`` to show."""

    key: str
    name: str


@dataclass
class PageCounts:
    """Page counts of rendered exhibits, by what determines them (item, court, redactions)."""

    counts: dict[tuple[str, int, str, str, tuple[tuple[str, str], ...]], int] = field(default_factory=dict)

    def copy(self) -> PageCounts:
        return PageCounts(dict(self.counts))


@dataclass(frozen=True)
class Preview:
    """A rendered preview: the PDF, what it is, and the page counts learnt on the way."""

    pdf: bytes
    name: str
    page_counts: PageCounts


def preview_choices(case: CaseFile) -> list[PreviewChoice]:
    """Every document of the filing set, in filing order, then each exhibit."""
    inp = declaration_input(case)
    profile = load_profile(inp.case.court)
    facts = filing_facts(inp, profile)
    choices: list[PreviewChoice] = []
    for stem, name in filing_document_names(facts):
        if stem == APPENDICES_STEM:
            choices.append(PreviewChoice(APPENDIX_A, "Appendix A (domains by registry)"))
            if facts.get("subdomain_groups"):
                choices.append(PreviewChoice(APPENDIX_B, "Appendix B (subdomains)"))
        else:
            choices.append(PreviewChoice(stem, name))
    for entry in inp.exhibits:
        label = profile.exhibit_label(entry.number)
        item = entry.item
        described = entry.description.strip() or default_description(item.kind, item.name, item.record or {},
                                                                     item.metadata or {})
        choices.append(PreviewChoice(f"{EXHIBIT_PREFIX}{item.id}", f"{label}: {described}"))
    return choices


def render_preview(case: CaseFile, key: str, page_counts: PageCounts | None = None, *,
                   reporter: Reporter = NULL_REPORTER, draft: bool = False) -> Preview:
    """The PDF of the document ``key`` (a :class:`PreviewChoice` key) as the export would write it
    (``draft``: as a draft export would, DRAFT on every page).

    For an exhibit, ``reporter`` hears of the exhibits before it whose pages are being counted,
    and is asked between them whether to stop."""
    counts = page_counts.copy() if page_counts is not None else PageCounts()
    inp = declaration_input(case, draft=draft)
    profile = load_profile(inp.case.court)
    if key.startswith(EXHIBIT_PREFIX):
        return _exhibit_preview(case, inp, profile, int(key[len(EXHIBIT_PREFIX):]), counts, reporter)
    names = dict(filing_document_names(filing_facts(inp, profile)))
    if key in (APPENDIX_A, APPENDIX_B):
        appendices = build_filing_document(inp, profile, APPENDICES_STEM)
        document = appendix_only(appendices, "APPENDIX A" if key == APPENDIX_A else "APPENDIX B")
        if document is None:
            raise EvidenceError("the case lists no subdomains, so there is no Appendix B", path=case.path)
        return Preview(render_pdf_bytes(document, profile), document.info.title, counts)
    if key not in names:
        raise EvidenceError("no such document in the filing set", path=case.path, found=key)
    document = build_filing_document(inp, profile, key)
    return Preview(render_pdf_bytes(document, profile), names[key], counts)


def _exhibit_preview(case: CaseFile, inp: DeclarationInput, profile: CourtProfile, item_id: int,
                     counts: PageCounts, reporter: Reporter) -> Preview:
    """The exhibit with its true Bates numbers: the exhibits before it are counted (or rendered)."""
    info = inp.case
    next_bates = info.bates_start
    before = next((i for i, e in enumerate(inp.exhibits) if e.item.id == item_id), len(inp.exhibits))
    for index, entry in enumerate(inp.exhibits):
        check_cancelled(reporter)
        item, number = entry.item, entry.number
        pairs = tuple(inp.redactions)
        count_key = (item.sha256, number, entry.description, profile.name, pairs)
        if item.id == item_id:
            original = case.read_object(item.sha256)
            rendered = render_exhibit(entry, original, info, profile, next_bates,
                                      message=message_view(item, original), redactions=pairs, draft=inp.draft)
            counts.counts[count_key] = rendered.pages
            name = f"{profile.exhibit_label(number)} ({rendered.first_bates} to {rendered.last_bates})"
            return Preview(rendered.pdf, name, counts)
        if count_key not in counts.counts:
            if index % 10 == 0:
                reporter.progress(index, before, "Counting the pages before it")
            original = case.read_object(item.sha256)
            rendered = render_exhibit(entry, original, info, profile, next_bates,
                                      message=message_view(item, original), redactions=pairs)
            counts.counts[count_key] = rendered.pages
        next_bates += counts.counts[count_key]
    raise EvidenceError("that item is not an exhibit of the case (any more)", path=case.path, found=str(item_id))
