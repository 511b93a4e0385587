"""Seal a case: render exhibits and documents, write the signed bundle.

The bundle is written from a snapshot of the case taken at the start, so
the case can be read (and shown) while the build runs. Documents are written
into a temporary folder and moved beside the bundle only when everything
succeeded: a cancel or a failure leaves the output folder as it was.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app import __version__
from app.bundle import PayloadFile, build_bundle, portable_name
from app.bundle.identity import SigningIdentity
from app.bundle.timestamp import Timestamper
from app.core import custody
from app.core.changes import LOGGED, Changes
from app.core.errors import BundleError
from app.core.files import is_inside, write_failure
from app.core.model import CaseInfo, Item
from app.core.reporting import NULL_REPORTER, Reporter, check_cancelled
from app.core.workfolder import placed, remove_abandoned_work, work_folder
from app.documents import (
    ExhibitEntry,
    load_profile,
    render_declaration,
    render_exhibit,
)
from app.ops.case import ensure_writable
from app.ops.domains import registry_table
from app.ops.filing import (
    DECLARATION_STEM,
    declaration_input,
    verify_exhibit_hashes,
    write_filing_extras,
)
from app.ops.identity import case_identity, has_identity, machine_trust
from app.ops.message_views import message_view
from app.ops.pdf_signing import PdfSigning, sign_filed_pdfs, wants_signed_pdfs
from app.ops.renewal import timestamp_details
from app.ops.review import require_fileable
from app.ops.settings import configured_timestamper
from app.store import CaseFile, ObjectReader

WORK_PREFIX = "evbundle-build-"  # a build's work folder in the output folder, gone when the build ends
BUNDLE_FORMAT_VERSION = 1
TOOL_NAME = "evbundle"


@dataclass(frozen=True)
class BuildResult:
    bundle: Path
    documents: list[Path]
    fingerprint: str
    created_identity: bool = False  # the build made the user's first signing identity
    changes: Changes = LOGGED  # the "bundle built" entry
    validation_notes: tuple[str, ...] = ()  # the timestamp's validation data that could not be gathered
    timestamped: bool = False  # the signature carries a trusted timestamp (verify then needs the authority's root)


@dataclass(frozen=True)
class BuildRequest:
    """What the user asked a build for, from the command line or the window."""

    out_dir: Path
    passphrase: str  # unlocks the signing key (or protects the first one, made on first use)
    documents: bool = True
    bundle_date: str | None = None
    draft: bool = False  # documents marked DRAFT on every page, made even while the review finds blocking problems
    identity: str = ""  # sign with this identity's fingerprint; default: the case's choice, else the newest
    tsa_urls: Sequence[str] = ()  # timestamp with these authorities, whatever the case says
    no_timestamp: bool = False  # never timestamp, whatever the settings and the case say
    sign_pdfs: bool | None = None  # sign the declaration, index and certification; None: the case's choice


def needs_new_identity() -> bool:
    """Whether a build would first create the user's signing identity (then ask the passphrase twice)."""
    return not has_identity()


def build(case: CaseFile, request: BuildRequest, *, reporter: Reporter = NULL_REPORTER) -> BuildResult:
    """Unlock (or, the first time, create) the signing identity, choose the timestamp authority, and
    build: the one way both front ends seal a case.

    The identity is the one the request names, else the case's choice, else the newest; a first
    identity is made in the declarant's name (or the user's login). A timestamp is asked of the
    request's authorities, else of the settings' when the case wants one; never with ``no_timestamp``.
    """
    info = case.info()
    first = needs_new_identity()
    reporter.progress(0, 0, "Unlocking your signing key…")
    identity = case_identity(case, request.passphrase, request.identity)
    wants_timestamp = not request.no_timestamp and (bool(request.tsa_urls) or info.timestamp_when_building)
    stamper = configured_timestamper(request.tsa_urls, enabled=wants_timestamp, known=machine_trust().certificates)
    signing = PdfSigning(identity, stamper) if wants_signed_pdfs(info, request.sign_pdfs) else None
    result = build_case(case, request.out_dir, identity, documents=request.documents,
                        bundle_date=request.bundle_date, reporter=reporter, timestamper=stamper,
                        draft=request.draft, pdf_signing=signing)
    if first:  # the user's first signing identity was made too
        return replace(result, created_identity=True, changes=result.changes | Changes(identities=True))
    return result


def build_case(
    case: CaseFile,
    out_dir: Path,
    identity: SigningIdentity,
    *,
    documents: bool = True,
    bundle_date: str | None = None,
    reporter: Reporter = NULL_REPORTER,
    timestamper: Timestamper | None = None,
    draft: bool = False,
    pdf_signing: PdfSigning | None = None,
) -> BuildResult:
    """Build ``out_dir/<case>.zip`` and, unless ``documents`` is false, the documents beside it,
    signed by ``identity`` (see :func:`build` for choosing it). ``pdf_signing``: also sign the
    declaration, index and certification PDFs (``app.ops.pdf_signing``).

    Documents are filing documents only when the pre-filing review finds no blocking problem
    (:class:`~app.ops.review.FilingBlocked` otherwise, before anything is written); ``draft``
    makes them anyway, each page marked DRAFT."""
    ensure_writable(case, "build the bundle")
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise BundleError("the output folder does not exist", path=out_dir)

    info = case.info()
    date = bundle_date or info.bundle_date or datetime.now(UTC).strftime("%Y-%m-%d")
    if documents and not draft:
        require_fileable(case, bundle_date=date, signer=identity.certificate)
    info = replace(info, bundle_date=date)
    exhibits = [ExhibitEntry(number, item, description) for number, item, description in case.exhibits()]
    others = [item for item in case.items() if item.exhibit_number is None]
    domains = case.domains()
    table = registry_table(case)  # the bundled table with the case's registry corrections
    registries = {d.registry_id: table.get(d.registry_id) for d in domains}
    entries = custody.bundle_prefix(case.custody())
    profile = load_profile(info.court)
    inp = declaration_input(case, bundle_date=date, fingerprint=identity.fingerprint, profile=profile, draft=draft)
    filed = {e.number: e for e in inp.exhibits}  # as filed: Rule 5.2 redactions applied to what they say

    payload: list[PayloadFile] = []
    exhibit_paths: dict[int, dict[str, str]] = {}
    bates: dict[int, tuple[str, str]] = {}
    remove_abandoned_work(out_dir, WORK_PREFIX, case.records_swap)  # killed builds' swaps finished or undone
    final_bundle = out_dir / f"{info.slug}.zip"
    final_docs_dir = out_dir / f"{info.slug}-documents"
    writing = final_bundle  # what a failed write is reported against: the name the user will look for
    work_zip: Path | None = None
    try:
        with (
            work_folder(out_dir, WORK_PREFIX) as work,
            case.object_reader() as objects,  # evidence read in stored order, without a seek per chunk
        ):
            next_bates = info.bates_start
            for index, entry in enumerate(exhibits):
                check_cancelled(reporter)
                reporter.progress(index, len(exhibits), "Rendering exhibits")
                folder = f"exhibits/{_exhibit_folder(entry.number)}"
                original = f"{folder}/original/{_safe_name(entry.item.original_name, entry.item.id)}"
                payload.append(_object_file(objects, original, entry.item))
                paths = {"original": f"data/{original}"}
                if documents:
                    data = case.read_object(entry.item.sha256)
                    rendered = render_exhibit(
                        filed[entry.number], data, info, profile, next_bates,
                        message=message_view(entry.item, data), redactions=inp.redactions, draft=draft,
                    )
                    next_bates += rendered.pages
                    bates[entry.number] = (rendered.first_bates, rendered.last_bates)
                    payload.append(_bytes_file(f"{folder}/exhibit.pdf", rendered.pdf))
                    paths["exhibit_pdf"] = f"data/{folder}/exhibit.pdf"
                exhibit_paths[entry.number] = paths
            originals = {e.item.id: f"exhibits/{_exhibit_folder(e.number)}/original" for e in exhibits}
            for item in others:  # a web capture's other files go beside its screenshot, in its exhibit's folder
                folder = originals.get(item.parent_id or 0, f"evidence/item-{item.parent_id or item.id:05d}")
                name = f"{folder}/{_safe_name(item.original_name, item.id)}"
                payload.append(_object_file(objects, name, item))
                exhibit_paths.setdefault(-item.id, {"original": f"data/{name}"})

            document_files: list[Path] = []
            inp = replace(inp, bates=bates)
            if documents:
                writing = final_docs_dir
                reporter.progress(0, 1, "Rendering documents")
                doc_dir = work / "documents"
                doc_dir.mkdir()
                # Named as in the filing set (01-declaration, 02-exhibit-index, …), so they sort in filing order.
                document_files = [path.rename(doc_dir / f"{DECLARATION_STEM}{path.suffix}")
                                  for path in render_declaration(inp, doc_dir)]
                if inp.electronic_appendix is not None:
                    csv_path = doc_dir / inp.electronic_appendix.file_name
                    csv_path.write_bytes(inp.electronic_appendix.data)
                    document_files.append(csv_path)
                verify_exhibit_hashes(case, inp)
                document_files += write_filing_extras(replace(inp, hashes_verified=True), profile, doc_dir)
                if pdf_signing is not None:  # after Bates stamping and redaction: the pages as filed
                    reporter.progress(0, 1, "Signing the declaration, index and certification")
                    sign_filed_pdfs(doc_dir, pdf_signing, info)
                for path in sorted(document_files):
                    payload.append(_bytes_file(f"documents/{path.name}", path.read_bytes()))
                reporter.progress(1, 1, "Rendering documents")
                writing = final_bundle
            check_cancelled(reporter)

            case_json = _case_json(info, exhibits, others, exhibit_paths, domains, registries,
                                   identity.fingerprint, bates)
            tag_files = {
                "case.json": case_json,
                "custody.jsonl": custody.to_jsonl(entries),
            }
            bag_info = {
                "Source-Organization": info.organisation or "",
                "External-Identifier": info.case_number or info.case_id,
                "External-Description": info.title,
                "Bag-Software-Agent": f"{TOOL_NAME} {__version__}",
                "Signer-Fingerprint-SHA256": identity.fingerprint,
            }
            slug = info.slug
            work_zip = work / f"{slug}.zip"
            built = build_bundle(
                work_zip, slug, payload, tag_files, bag_info, identity, date,
                reporter=reporter,
                timestamper=timestamper,
            )

            # Everything succeeded: the bundle and its documents replace the earlier ones together, or
            # (a full disk, a kill) neither does and the earlier pair stays.
            new = {final_bundle.name: Path(built.path)}
            if documents:
                new[final_docs_dir.name] = work / "documents"
            final_docs = [final_docs_dir / p.name for p in sorted(document_files)] if documents else []
            with placed(work, out_dir, new) as swap:  # a custody entry not written puts the earlier ones back
                details: dict[str, Any] = {
                    "bundle": final_bundle.name, "bundle_sha256": built.sha256, "swap": swap,
                    "signer": identity.fingerprint, "bundle_date": date, "timestamped": built.timestamped,
                    "documents": [p.name for p in final_docs],
                }
                if built.timestamp is not None:  # what tells, later, when the bundle should be renewed
                    details["timestamp"] = timestamp_details(built.timestamp)
                case.record_bundle_built(details)
    except BundleError as exc:
        if work_zip is not None and exc.path == str(work_zip):  # the bundle's name, not the work folder's
            raise BundleError(f"{exc.message}; nothing was changed in the output folder", path=final_bundle,
                              expected=exc.expected, found=exc.found) from exc
        raise
    except OSError as exc:
        if exc.filename is not None and not is_inside(Path(exc.filename), out_dir):
            raise  # not a write into the output folder (a template or font): the CLI names the file
        what = "the documents" if writing == final_docs_dir else "the bundle"
        # All or nothing, the swap included: a failed rename put the earlier bundle and documents back.
        raise BundleError(f"cannot write {what}: {write_failure(exc)}; nothing was changed in the output folder",
                          path=writing) from exc

    return BuildResult(bundle=final_bundle, documents=final_docs, fingerprint=identity.fingerprint,
                       validation_notes=built.validation_notes, timestamped=built.timestamped)


def _exhibit_folder(number: int) -> str:
    return f"Exhibit-{number:03d}"


def _safe_name(name: str, item_id: int) -> str:
    """A file name that is safe in a zip, in BagIt manifests and on every OS."""
    return portable_name(name) or f"item-{item_id}"


def _object_file(objects: ObjectReader, path: str, item: Item) -> PayloadFile:
    """An evidence object with the hashes taken at intake: the bundle checks its SHA-256 while
    copying it, and then reuses the SHA-512 instead of computing it again."""
    return PayloadFile(path=path, size=item.size, open=lambda: objects.open(item.sha256),
                       sha256=item.sha256, sha512=item.sha512)


def _bytes_file(path: str, data: bytes) -> PayloadFile:
    return PayloadFile(path=path, size=len(data), open=lambda: io.BytesIO(data))


def _item_json(item: Item) -> dict[str, Any]:
    data = asdict(item)
    data["kind"] = item.kind.value
    data["parse_status"] = item.parse_status.value
    return data


def _case_json(
    info: CaseInfo,
    exhibits: list[ExhibitEntry],
    others: list[Item],
    paths: dict[int, dict[str, str]],
    domains: list[Any],
    registries: dict[str, Any],
    fingerprint: str,
    bates: dict[int, tuple[str, str]],
) -> bytes:
    document = {
        "format": "evbundle",
        "format_version": BUNDLE_FORMAT_VERSION,
        "tool": {"name": TOOL_NAME, "version": __version__},
        # sign_pdfs is recorded only when on, so that bundles of cases that never sign stay as they were
        "case": {k: v for k, v in asdict(info).items() if k != "sign_pdfs" or v},
        "signer_fingerprint_sha256": fingerprint,
        "exhibits": [
            {
                "number": e.number,
                "label": f"Exhibit {e.number}",
                "description": e.description,
                "bates": list(bates[e.number]) if e.number in bates else None,
                "files": paths.get(e.number, {}),
                "item": _item_json(e.item),
            }
            for e in exhibits
        ],
        "other_items": [
            {"files": paths.get(-item.id, {}), "item": _item_json(item)} for item in others
        ],
        "registries": {
            key: {"name": r.name, "address": list(r.address), "tlds": list(r.tlds), "rdap": list(r.rdap)}
            for key, r in sorted(registries.items())
        },
        "domains": [
            {"domain": d.ascii, "unicode": d.unicode, "registrable": d.registrable,
             "registry": d.registry_id, "added_at": d.added_at, "source": d.source,
             **({"flags": list(d.flags)} if d.flags else {})}
            for d in domains
        ],
    }
    return (json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
