"""Verify a bundle with this machine's trust, and write the result as a PDF anyone can file or mail.

Verification itself needs no PDF library: the PDF's layout is in
:mod:`.verify_pdf`, loaded only when a report is written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from app.bundle import VerificationReport, verify_bundle

from .identity import machine_trust

CHECKS = (
    "the zip itself: read only if every common extractor (Info-ZIP unzip, bsdtar, streaming readers) would "
    "write exactly the files checked here; no hidden, renamed, linked or doubled entries",
    "BagIt structure: bagit.txt, bag-info.txt, every required tag file present",
    "every evidence file against its SHA-256 and SHA-512 in the payload manifests; nothing missing or added",
    "Payload-Oxum (total bytes and file count) in bag-info.txt",
    "every tag file against both tag manifests",
    "the CMS signature over tagmanifest-sha256.txt and the signer's certificate",
    "whether the signer is trusted on this machine (your identities and trusted certificates) or is the "
    "one named with --trust: only then is the bundle VALID",
    "RFC 3161 timestamps of the signature, when present",
    "the hash chain of the custody log (custody.jsonl)",
    "that case.json and bag-info.txt name the signer who actually signed",
)


def verify_here(
    path: Path,
    *,
    expected_signers: list[str] | None = None,
    require_trusted: bool = False,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> VerificationReport:
    """Verify with what this machine trusts (your identities, the trust store).

    ``expected_signers``: the fingerprints the reader named (``--trust``, the one
    in the sworn declaration); the signer must then be one of them.
    """
    trust = machine_trust()
    report = verify_bundle(
        path,
        trusted_fingerprints=trust.fingerprints,
        trusted_certificates=trust.certificates,
        expected_signers=expected_signers or (),
        require_trusted=require_trusted,
        progress=progress,
        cancelled=cancelled,
    )
    report.trust_checked = True  # this machine's trust was consulted, even when it trusts no one yet
    return report


def file_sha256(path: Path) -> str | None:
    """The SHA-256 of a bundle zip (None for a folder), so the report names exactly what it checked."""
    path = Path(path)
    if not path.is_file():
        return None
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def write_report_pdf(report: VerificationReport, out: Path, *, checked_at: datetime | None = None) -> Path:
    """Write the verification report as a PDF at ``out`` (atomically, mode 0644); returns ``out``.

    The layout lives in :mod:`.verify_pdf`, imported here so that verifying without a PDF
    never loads reportlab.
    """
    from .verify_pdf import write_report_pdf as write  # noqa: PLC0415 - reportlab only when a PDF is asked for

    return write(report, out, checked_at=checked_at)
