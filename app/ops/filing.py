"""The filing set: every document counsel file, from one snapshot of the case.

``export_filing_set`` writes, into one folder, the declaration, each exhibit (split
into parts over the court's size limit), the exhibit index, the FRE 902(13)/(14)
certification, the proposed order, the appendices (PDF and DOCX, and a CSV list above
the court profile's ``electronic_appendix_threshold``) and one letter per registry; and,
for a sealed case in a court that takes sealed filings on paper, one print-ready PDF
with a tab page before each exhibit. Every exhibit's stored copy
is re-hashed first, so the certification's "the values matched" is true when printed.
The same case and bundle date give byte-identical files.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from app import __version__
from app.core.changes import LOGGED, Changes
from app.core.errors import CaseFileError, EvidenceError
from app.core.files import is_inside, write_failure
from app.core.model import ItemKind
from app.core.reporting import NULL_REPORTER, Reporter, check_cancelled
from app.core.workfolder import placed, remove_abandoned_work, work_folder
from app.documents import (
    DeclarationInput,
    ExhibitEntry,
    load_profile,
    render_docx,
    render_exhibit,
    render_pdf,
)
from app.documents.declaration import build_declaration
from app.documents.filing_documents import (
    COUNSEL_DECLARATION_STEM,
    DISCLOSURE_STEM,
    ORDER_STEM,
    SEALING,
    build_filing_documents,
)
from app.documents.inputs import ElectronicAppendix
from app.documents.layout import atomic_write
from app.documents.model import NumberedParagraph
from app.documents.pdf_parts import join_pdfs, tab_pages
from app.documents.profile import CourtProfile
from app.documents.redaction import redact_entry, redactor, removed_words
from app.ops.case import ensure_writable
from app.ops.domains import registry_table
from app.ops.message_views import message_view
from app.ops.parties import case_parties
from app.ops.pdf_signing import PdfSigning, sign_filed_pdfs
from app.ops.redactions import all_confirmed_redactions
from app.ops.support import support_links
from app.sources.appendix_data import appendix_csv, needs_electronic_appendix
from app.sources.registries import RegistryTable
from app.store import CaseFile

TOOL_NAME = "evbundle"
FORMATS = ("pdf", "docx")
DECLARATION_STEM = "01-declaration"
ELECTRONIC_APPENDIX_FILE = "05-appendices-a-b-domains.csv"
EXPORT_WORK_PREFIX = ".evbundle-export-"  # an export's hidden work folder in the output folder
OUR_FILE = re.compile(r"[01][0-9]-[a-z0-9-]+\.(pdf|docx|csv)")


@dataclass(frozen=True)
class RenderedExhibitFile:
    """One exhibit file of the filing set (a whole exhibit or one part of it)."""

    number: int
    label: str
    description: str
    file_name: str
    pdf: bytes


@dataclass(frozen=True)
class ExportResult:
    files: list[Path]
    paper_set: Path | None
    changes: Changes = LOGGED  # the "documents exported" entry


def _kind_word(kind: ItemKind) -> str:
    return {ItemKind.SCREENSHOT: "screenshot", ItemKind.DOMAIN_RECORD: "domain-record",
            ItemKind.WEB_CAPTURE: "web-capture"}.get(kind, "email")


def signer_fingerprint(case: CaseFile) -> str | None:
    """The fingerprint of the certificate that signed the case's last bundle, if it was built."""
    for entry in reversed(case.custody()):
        if entry.action == "bundle-built" and entry.details.get("signer"):
            return str(entry.details["signer"])
    return None


def with_electronic_appendix(inp: DeclarationInput, table: RegistryTable,
                             profile: CourtProfile) -> DeclarationInput:
    """The input with the appendices' CSV list when they hold more domains than the court
    profile's ``electronic_appendix_threshold``; the documents then print its SHA-256."""
    if not needs_electronic_appendix(len(inp.domains), profile.electronic_appendix_threshold):
        return replace(inp, electronic_appendix=None)
    data, digest = appendix_csv(inp.domains, table)
    if inp.redactions:  # Rule 5.2 reaches the CSV too; its printed hash is of the bytes filed
        cleaned = redactor(inp.redactions)(data.decode("utf-8")).encode("utf-8")
        if cleaned != data:
            data, digest = cleaned, hashlib.sha256(cleaned).hexdigest()
    return replace(inp, electronic_appendix=ElectronicAppendix(ELECTRONIC_APPENDIX_FILE, data, digest,
                                                               len(inp.domains)))


def declaration_input(case: CaseFile, *, bundle_date: str | None = None,
                      fingerprint: str | None = None, profile: CourtProfile | None = None,
                      draft: bool = False) -> DeclarationInput:
    """A snapshot of everything the documents say (no Bates numbers yet); ``profile`` (default:
    the case's court) sets the size above which the appendices are also filed as CSV.

    Every confirmed Rule 5.2 redaction is in it and already applied to what the exhibits'
    descriptions, records and metadata say (so the index, the tab pages and every fact drawn
    from them are clean); the documents and exhibits apply the same pairs once more to
    everything they draw."""
    info = case.info()
    date = bundle_date or info.bundle_date or datetime.now(UTC).strftime("%Y-%m-%d")
    domains = case.domains()
    table = registry_table(case)
    pairs = all_confirmed_redactions(case)
    redact = redactor(pairs)
    reasons = case.redaction_reasons()
    inp = DeclarationInput(
        case=replace(info, bundle_date=date),
        exhibits=[redact_entry(ExhibitEntry(n, item, d, tuple(dict.fromkeys(
            removed_words(r) for r in reasons.get(item.id, [])))), redact) for n, item, d in case.exhibits()],
        domains=domains,
        registries={d.registry_id: table.get(d.registry_id) for d in domains},
        signer_fingerprint=fingerprint or signer_fingerprint(case),
        tool_name=TOOL_NAME,
        tool_version=__version__,
        paragraphs=case.paragraph_edits(),
        confirmed=case.paragraph_confirmations(),
        parties=case_parties(case),
        support=[replace(link, shows=redact(link.shows), note=redact(link.note)) for link in support_links(case)],
        redactions=pairs,
        draft=draft,
        counsel=case.counsel(),
    )
    return with_electronic_appendix(inp, table, profile or load_profile(info.court))


def verify_exhibit_hashes(case: CaseFile, inp: DeclarationInput) -> None:
    """Re-hash every exhibit's stored copy; raise if one no longer matches its recorded value."""
    for entry in inp.exhibits:
        digest = hashlib.sha256()
        for chunk in case.iter_object(entry.item.sha256):
            digest.update(chunk)
        if digest.hexdigest() != entry.item.sha256:
            raise CaseFileError(f"the stored copy of Exhibit {entry.number} no longer matches its hash",
                                path=case.path, expected=entry.item.sha256, found=digest.hexdigest())


def render_exhibit_files(
    case: CaseFile, inp: DeclarationInput, profile: CourtProfile, *, reporter: Reporter = NULL_REPORTER,
) -> tuple[list[RenderedExhibitFile], DeclarationInput]:
    """Every exhibit rendered with its Bates numbers and redactions, split over the size limit;
    returns the files and the input completed with Bates ranges and part counts."""
    info = inp.case
    next_bates = info.bates_start
    files: list[RenderedExhibitFile] = []
    bates: dict[int, tuple[str, str]] = {}
    parts: dict[int, int] = {}
    for index, entry in enumerate(inp.exhibits):
        check_cancelled(reporter)
        reporter.progress(index, len(inp.exhibits), "Rendering exhibits")
        original = case.read_object(entry.item.sha256)
        rendered = render_exhibit(entry, original, info, profile, next_bates,
                                  message=message_view(entry.item, original), redactions=inp.redactions,
                                  split_limit=profile.attachment_limit_bytes, draft=inp.draft)
        next_bates += rendered.pages
        bates[entry.number] = (rendered.first_bates, rendered.last_bates)
        pieces = rendered.files  # the whole exhibit, or its parts each labelled "(part i of n)"
        parts[entry.number] = len(pieces)
        stem = f"01-declaration-exhibit-{entry.number:03d}-{_kind_word(entry.item.kind)}"
        for i, piece in enumerate(pieces, start=1):
            name = stem + (f"-part-{i}-of-{len(pieces)}" if len(pieces) > 1 else "") + ".pdf"
            files.append(RenderedExhibitFile(entry.number, piece.label, entry.description, name, piece.pdf))
    reporter.progress(len(inp.exhibits), len(inp.exhibits), "Rendering exhibits")
    return files, replace(inp, bates=bates, parts=parts)


def write_documents(inp: DeclarationInput, profile: CourtProfile, out_dir: Path, *,
                    formats: Sequence[str] = FORMATS, search_path: Sequence[Path] = ()) -> list[Path]:
    """The declaration, index, certification, order, appendices and letters, plus the appendices'
    CSV list when the input has one (a long list)."""
    written: list[Path] = []
    for named in build_filing_documents(inp, profile, search_path=search_path):
        if "pdf" in formats:
            render_pdf(named.document, profile, out_dir / f"{named.stem}.pdf")
            written.append(out_dir / f"{named.stem}.pdf")
        if "docx" in formats:
            render_docx(named.document, profile, out_dir / f"{named.stem}.docx")
            written.append(out_dir / f"{named.stem}.docx")
    if inp.electronic_appendix is not None:
        atomic_write(out_dir / inp.electronic_appendix.file_name, inp.electronic_appendix.data)
        written.append(out_dir / inp.electronic_appendix.file_name)
    return written


def write_filing_extras(inp: DeclarationInput, profile: CourtProfile, out_dir: Path) -> list[Path]:
    """The filed documents other than the declaration (index, certification, order, appendices,
    letters) in PDF and DOCX: what ``build`` adds to the bundle's ``data/documents/``."""
    written: list[Path] = []
    for named in build_filing_documents(inp, profile):
        if named.stem == DECLARATION_STEM:
            continue
        render_pdf(named.document, profile, out_dir / f"{named.stem}.pdf")
        render_docx(named.document, profile, out_dir / f"{named.stem}.docx")
        written += [out_dir / f"{named.stem}.pdf", out_dir / f"{named.stem}.docx"]
    return written


def export_filing_set(
    case: CaseFile,
    out_dir: Path,
    *,
    formats: Sequence[str] = FORMATS,
    paper: bool | None = None,
    bundle_date: str | None = None,
    fingerprint: str | None = None,
    profile: CourtProfile | None = None,
    reporter: Reporter = NULL_REPORTER,
    draft: bool = False,
    pdf_signing: PdfSigning | None = None,
) -> ExportResult:
    """Write the filing set into ``out_dir``; ``paper`` None means "when the court wants it"
    (a sealed case whose court profile sets ``sealed_paper_set``); ``profile`` replaces the
    case's court profile (a firm's own). ``pdf_signing``: sign the declaration, index and
    certification PDFs (after the paper set, which is printed and wet-signed, took its copies).

    Refused (:class:`~app.ops.review.FilingBlocked`, nothing written) while the pre-filing review
    finds a blocking problem, unless ``draft``: then every page of every file says DRAFT."""
    from app.ops.review import require_fileable

    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise EvidenceError("unknown document format", expected=", ".join(FORMATS), found=", ".join(unknown))
    ensure_writable(case, "export the filing set")
    inp = declaration_input(case, bundle_date=bundle_date, fingerprint=fingerprint, profile=profile, draft=draft)
    if not draft:
        require_fileable(case, bundle_date=inp.case.bundle_date)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = profile or load_profile(inp.case.court)
    verify_exhibit_hashes(case, inp)
    inp = replace(inp, hashes_verified=True)
    want_paper = paper if paper is not None else (inp.case.sealed and profile.sealed_paper_set)
    remove_abandoned_work(out_dir, EXPORT_WORK_PREFIX, case.records_swap)  # killed exports' swaps finished or undone
    try:
        with work_folder(out_dir, EXPORT_WORK_PREFIX) as work:
            exhibit_files, inp = render_exhibit_files(case, inp, profile, reporter=reporter)
            for f in exhibit_files:
                (work / f.file_name).write_bytes(f.pdf)
            reporter.progress(0, 1, "Rendering documents")
            written = [work / f.file_name for f in exhibit_files]
            written += write_documents(inp, profile, work, formats=formats)
            if want_paper:
                reporter.progress(0, 1, "Assembling the paper set")
                paper_path = work / "00-paper-set-print-ready.pdf"
                folder = work
                if "pdf" not in formats:  # the paper set is made of the PDFs: render them aside
                    folder = work / "pdf-for-paper-set"
                    folder.mkdir()
                    write_documents(inp, profile, folder, formats=("pdf",))
                paper_path.write_bytes(paper_set(inp, profile, folder, exhibit_files))
                written.append(paper_path)
            if pdf_signing is not None and "pdf" in formats:
                reporter.progress(0, 1, "Signing the declaration, index and certification")
                sign_filed_pdfs(work, pdf_signing, inp.case)
            reporter.progress(1, 1, "Rendering documents")
            new = {path.name: path for path in sorted(written)}
            # Files of an earlier export that this one no longer has go too; the earlier set stays whole
            # until the new one is all in place (a full disk or a kill mid-way puts it back).
            stale = [old.name for old in out_dir.iterdir()
                     if OUR_FILE.fullmatch(old.name) and old.name not in new and old.is_file()]
            final = [out_dir / name for name in new]
            with placed(work, out_dir, new, retire=stale) as swap:  # the custody entry lands with the files, or neither
                case.record_documents_exported({
                    "folder": out_dir.name, "bundle_date": inp.case.bundle_date, "swap": swap,
                    "files": {p.name: _sha256_file(p) for p in final},
                })
    except OSError as exc:
        if exc.filename is not None and not is_inside(Path(exc.filename), out_dir):
            raise  # not a write into the output folder (a template or font): the CLI names the file
        raise EvidenceError(f"cannot write the filing set: {write_failure(exc)}; nothing was changed in it",
                            path=out_dir) from exc
    paper_file = out_dir / "00-paper-set-print-ready.pdf"
    return ExportResult(final, paper_file if want_paper else None)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def paper_set(inp: DeclarationInput, profile: CourtProfile, folder: Path,
              exhibits: Sequence[RenderedExhibitFile]) -> bytes:
    """One print-ready PDF: the sealing papers (a sealed case), declaration, index, a tab page before
    each exhibit, certification, counsel's declaration, disclosure statement, proposed order and its
    appendices; one bookmark per piece."""
    info = inp.case
    legend = profile.fictional_legend if info.fictional else ""
    pieces: list[tuple[bytes, str] | tuple[bytes, str, range]] = [
        ((folder / f"{stem}.pdf").read_bytes(), name) for stem, name, _ in SEALING
        if (folder / f"{stem}.pdf").is_file()
    ]
    pieces += [
        ((folder / "01-declaration.pdf").read_bytes(), "Declaration"),
        ((folder / "02-exhibit-index.pdf").read_bytes(), "Index of exhibits"),
    ]
    firsts: dict[int, RenderedExhibitFile] = {}
    for f in exhibits:
        firsts.setdefault(f.number, f)
    tabs = tab_pages([(profile.tab_label(n), f.description) for n, f in firsts.items()], profile,
                     legend=legend, date=info.bundle_date, draft=inp.draft)
    tab_index = {n: i for i, n in enumerate(firsts)}
    for f in exhibits:
        if firsts[f.number] is f:
            i = tab_index[f.number]
            pieces.append((tabs, f"Tab: {profile.exhibit_label(f.number)}", range(i, i + 1)))
        pieces.append((f.pdf, f.label))
    pieces += [
        ((folder / "03-certification-fre-902-13-14.pdf").read_bytes(), "Certification (FRE 902(13), 902(14))"),
        ((folder / f"{COUNSEL_DECLARATION_STEM}.pdf").read_bytes(), "Declaration of counsel"),
        ((folder / f"{DISCLOSURE_STEM}.pdf").read_bytes(), "Disclosure statement"),
        ((folder / f"{ORDER_STEM}.pdf").read_bytes(), "Proposed order"),
    ]
    redact = redactor(inp.redactions)
    return join_pdfs(pieces, title=redact(f"Paper set: {info.title}"), author=redact(info.declarant),
                     subject=redact(info.title), date=info.bundle_date)


def numbered_paragraphs(case: CaseFile) -> int:
    """How many numbered paragraphs the declaration has, as the preview and the export render it:
    the template's fixed ones (who declares, how the evidence was kept, the domains) and the listed ones."""
    document = build_declaration(declaration_input(case))
    return sum(isinstance(block, NumberedParagraph) for block in document.blocks)
