"""Verify a bundle with what this machine trusts: the user's identities, the trust store, fingerprints named.

Loads only what verification needs (no document renderers), so that
``evbundle verify`` starts quickly; the PDF report is ``verify_report``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from app.bundle import VerificationReport, verify_bundle
from app.bundle.instructions import verify_command
from app.bundle.report import UNKNOWN_SIGNER, VALID, shown
from app.core.reporting import NULL_REPORTER, Reporter

from .identity import machine_trust

# verify_command: the command line that checks a bundle against its signer (printed after a build);
# shown: text from a bundle made safe to print (control and invisible characters as markers);
# VALID, UNKNOWN_SIGNER: two of a report's three verdicts (the third is NOT VALID).
__all__ = ["UNKNOWN_SIGNER", "VALID", "VerificationReport", "file_sha256", "shown", "verify_command", "verify_here"]


def verify_here(
    path: Path,
    *,
    expected_signers: list[str] | None = None,
    require_trusted: bool = False,
    timestamp_roots: Sequence[Path] = (),
    reporter: Reporter = NULL_REPORTER,
) -> VerificationReport:
    """Verify with what this machine trusts (your identities, the trust store by purpose, what you said
    never to trust).

    ``expected_signers``: the fingerprints the reader named (``--trust``, the one in the sworn
    declaration, as typed or as openssl prints it); the signer must then be one of them, or the bundle
    is NOT VALID. Anything that is not a whole SHA-256 fingerprint raises IdentityError before any check.
    ``timestamp_roots``: certificate files of timestamp authorities' roots the reader trusts for this check
    only (``--trust-tsa``); a file that holds no certificate raises IdentityError before any check.
    """
    from app.bundle.trust import read_certificate_file

    extra_tsas = [c for file in timestamp_roots for c in read_certificate_file(Path(file))]
    trust = machine_trust()
    report = verify_bundle(
        path,
        trusted_fingerprints=trust.fingerprints,
        trusted_signers=trust.signers,
        trusted_cas=trust.cas,
        trusted_tsas=[*trust.tsas, *extra_tsas],
        distrusted=trust.distrusted,
        expected_signers=expected_signers or (),
        require_trusted=require_trusted,
        reporter=reporter,
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


