"""Export the case's web captures as a WACZ package for replay (ReplayWeb.page), optionally signed.

Every captured page goes in: its WARC byte for byte (the same file whose
hash the bundle lists), one entry in the page list, its records in the
index. A failed capture has no page to replay and is left out. Signing uses
the case's signing identity (an EC P-256 key; see
:mod:`app.capture.wacz_sign`), so the package's public key belongs to the
certificate whose fingerprint the declaration prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from app import __version__
from app.capture.wacz import WaczPage, write_wacz
from app.capture.wacz_sign import WaczSigningError, anonymous_signature
from app.core.changes import LOGGED, Changes
from app.core.errors import EvidenceError, IdentityError
from app.core.model import ItemKind
from app.core.reporting import NULL_REPORTER, Reporter, check_cancelled
from app.store import CaseFile, ObjectReader

from .identity import case_identity


def wacz_pages(case: CaseFile, reader: ObjectReader) -> list[WaczPage]:
    """The case's captured pages with a WARC, in capture order; each WARC read through ``reader``."""
    pages = []
    for item in case.items(ItemKind.WEB_CAPTURE):
        warcs = [child for child in case.children(item.id) if (child.record or {}).get("role") == "warc"]
        if not warcs:
            continue
        warc = warcs[0]
        record = item.record or {}
        pages.append(WaczPage(
            warc_name=f"capture-{item.id:05d}.warc.gz",
            open_warc=partial(reader.open, warc.sha256),
            url=str(record.get("final_url") or record.get("requested_url") or item.metadata.get("url", "")),
            captured_at=_iso(str(record.get("captured_at") or item.metadata.get("captured_at") or "")),
            title=str(record.get("title") or ""),
        ))
    return pages


@dataclass(frozen=True)
class WaczExported:
    """The package written: where, its SHA-256, how many pages, and who signed it ("" when unsigned)."""

    path: Path
    sha256: str
    pages: int
    signer: str
    changes: Changes = LOGGED  # the "wacz exported" entry


def export_wacz(case: CaseFile, out: Path, *, passphrase: str | None = None, identity_fingerprint: str = "",
                reporter: Reporter | None = None) -> WaczExported:
    """Write ``out`` (.wacz); signed by the case's signing identity when a ``passphrase`` unlocks it
    (or the identity ``identity_fingerprint`` names). Logged in the custody log."""
    reporter = reporter or NULL_REPORTER
    identity = case_identity(case, passphrase, identity_fingerprint) if passphrase is not None else None
    if not out.parent.is_dir():
        raise EvidenceError("the folder does not exist", path=out.parent)
    check_cancelled(reporter)
    info = case.info()
    created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    software = f"evbundle {__version__}"
    signer = None
    if identity is not None:
        key = identity.private_key

        def signer(hash_text: str, when: str) -> dict[str, str]:
            try:
                return anonymous_signature(hash_text, key, created=when, software=software)
            except WaczSigningError as exc:
                raise IdentityError(f"{exc}; choose an EC P-256 identity (`evbundle identity create "
                                    "--algorithm ec-p256`) or export without --sign") from exc

    reporter.progress(0, 1, "Writing the WACZ package")
    with case.object_reader() as reader:
        pages = wacz_pages(case, reader)
        if not pages:
            raise EvidenceError("the case holds no captured web page to export; capture one with `evbundle capture`")
        result = write_wacz(out, pages, title=info.title or "Web captures", created=created, software=software,
                            description=f"Web captures of case {info.case_number or info.title}", signer=signer)
    reporter.progress(1, 1, "")
    case.record_wacz_exported({"file": out.name, "sha256": result.sha256, "pages": result.pages,
                               "signed": result.signed, "signer": identity.fingerprint if identity is not None else ""})
    return WaczExported(result.path, result.sha256, result.pages, identity.fingerprint if identity else "")


def _iso(value: str) -> str:
    """A capture time as WACZ pages want it: ISO 8601 with a Z, whole seconds."""
    return value[:19] + "Z" if len(value) >= 19 else value
