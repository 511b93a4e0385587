"""Sign the declaration, the exhibit index and the certification (``--sign-pdfs``, or the case's choice).

Off by default: CM/ECF may flatten a signature on upload, and sealed E.D. Va. filings go on paper,
wet-signed. When on, the three documents a reader may want to check on their own are signed with the
case's signing identity after they are rendered (Bates stamps and Rule 5.2 redactions are in the
pages already), PAdES B-T with the case's timestamp authority and B-LT where its validation data
can be gathered (see ``app.bundle.pdf_signing``). Signed files are not reproducible (the signature
holds the time); everything else the build or export writes is as without signing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from app.bundle.identity import SigningIdentity
from app.bundle.pdf_signing import SignedPdf, sign_pdfs
from app.bundle.timestamp import Timestamper
from app.core.model import CaseInfo
from app.ops.identity import case_identity, machine_trust
from app.ops.settings import configured_timestamper
from app.store import CaseFile

SIGNED_DOCUMENTS = ("01-declaration.pdf", "02-exhibit-index.pdf", "03-certification-fre-902-13-14.pdf")


@dataclass(frozen=True)
class PdfSigning:
    """Who signs the filed PDFs, and which timestamp authorities timestamp the signatures (None: none)."""

    identity: SigningIdentity
    timestamper: Timestamper | None


def wants_signed_pdfs(info: CaseInfo, asked: bool | None) -> bool:
    """The user's flag (--sign-pdfs / --no-sign-pdfs) when given, else the case's setting."""
    return info.sign_pdfs if asked is None else asked


def sign_filed_pdfs(folder: Path, signing: PdfSigning, info: CaseInfo) -> list[SignedPdf]:
    """Sign those of SIGNED_DOCUMENTS that ``folder`` holds, in place."""
    present = [folder / name for name in SIGNED_DOCUMENTS if (folder / name).is_file()]
    place = info.signing_place or ""
    return sign_pdfs(present, signing.identity, signing.timestamper,
                     reason=f"Filed in {info.title}" if info.title else "Filed document", location=place)


def export_signing(case: CaseFile, passphrase: str, *, tsa_urls: Sequence[str] = (),
                   no_timestamp: bool = False) -> PdfSigning:
    """What signs an export's PDFs: the case's identity (unlocked with ``passphrase``) and its timestamp
    authorities, chosen as a build chooses them."""
    info = case.info()
    identity = case_identity(case, passphrase, "")
    wanted = not no_timestamp and (bool(tsa_urls) or info.timestamp_when_building)
    return PdfSigning(identity, configured_timestamper(tsa_urls, enabled=wanted, known=machine_trust().certificates))
