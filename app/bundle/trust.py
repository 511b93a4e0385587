"""Which signers and timestamp authorities this machine trusts.

A certificate is trusted when it is one of the user's own signing identities,
or is in the trust store: a folder of PEM certificates the user imported
(a colleague's signing certificate, the organisation's CA, a timestamp
authority's root). A certificate issued (directly or up a chain) by a trusted
certificate is trusted too, so trusting an organisation's CA trusts every
investigator it certified.

The trust store is a plain folder, ``<fingerprint>.pem`` per certificate, so
what a machine trusts can be read (and audited) with stock tools.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives.serialization import Encoding

from app.core.errors import IdentityError
from app.core.files import write_atomic

from .identity import fingerprint_of, normalise_fingerprint, subject_text

DISTRUSTED_FILE = "distrusted.txt"  # own identities the user no longer trusts


@dataclass(frozen=True)
class TrustedCertificate:
    """One certificate in the trust store."""

    subject: str
    fingerprint: str
    path: Path
    certificate: x509.Certificate
    is_authority: bool  # a CA (it may certify others), not only one signer


def list_trusted(directory: Path) -> list[TrustedCertificate]:
    """The certificates in the trust store folder, sorted by subject; unreadable files are skipped."""
    folder = Path(directory)
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.pem")):
        try:
            certificate = x509.load_pem_x509_certificate(path.read_bytes())
        except (OSError, ValueError):
            continue
        found.append(_entry(certificate, path))
    found.sort(key=lambda entry: (entry.subject, entry.fingerprint))
    return found


def trust_certificate(source: Path, directory: Path) -> list[TrustedCertificate]:
    """Add every certificate of a PEM or DER file to the trust store; returns those added or present."""
    source = Path(source)
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise IdentityError(f"cannot read the certificate file: {exc.strerror}", path=source) from exc
    try:
        certificates = (
            x509.load_pem_x509_certificates(data) if b"-----BEGIN" in data else [x509.load_der_x509_certificate(data)]
        )
    except ValueError as exc:
        raise IdentityError("not an X.509 certificate (PEM or DER)", path=source) from exc
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    added = []
    for certificate in certificates:
        target = folder / f"{normalise_fingerprint(fingerprint_of(certificate)).lower()}.pem"
        if not target.exists():
            write_atomic(target, certificate.public_bytes(Encoding.PEM))
        added.append(_entry(certificate, target))
    return added


def untrust_certificate(fingerprint: str, directory: Path) -> bool:
    """Remove the certificate with this fingerprint from the trust store; False if it was not there."""
    target = Path(directory) / f"{normalise_fingerprint(fingerprint).lower()}.pem"
    try:
        target.unlink()
    except FileNotFoundError:
        return False
    return True


def distrusted_fingerprints(directory: Path) -> set[str]:
    """Fingerprints the user has said not to trust although they are their own identities.

    An identity whose key may have leaked stays on the machine (old bundles
    still name it) but no longer vouches for a bundle. The list is a plain
    text file in the trust store, one fingerprint a line.
    """
    try:
        text = (Path(directory) / DISTRUSTED_FILE).read_text("utf-8")
    except FileNotFoundError:
        return set()
    except (OSError, ValueError) as exc:
        raise IdentityError("the list of identities not to trust cannot be read",
                            path=Path(directory) / DISTRUSTED_FILE) from exc
    return {normalise_fingerprint(line) for line in text.splitlines() if line.strip()}


def set_distrusted(fingerprint: str, distrusted: bool, directory: Path) -> None:
    """Add a fingerprint to (or take it off) the list of identities not to trust."""
    folder = Path(directory)
    wanted = normalise_fingerprint(fingerprint)
    current = distrusted_fingerprints(folder)
    changed = (current | {wanted}) if distrusted else (current - {wanted})
    if changed == current:
        return
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    write_atomic(folder / DISTRUSTED_FILE, "".join(f"{f}\n" for f in sorted(changed)).encode("ascii"))


def trusted_anchor(
    certificate: x509.Certificate,
    carried: Iterable[x509.Certificate],
    trusted: Sequence[x509.Certificate],
) -> x509.Certificate | None:
    """The trusted certificate that ``certificate`` is, or that issued it up a chain; else None.

    Issuers are looked up among the certificates the signature carries and the
    trusted ones, and each link's signature is checked, so a certificate that
    merely names a trusted issuer is not trusted.
    """
    if not trusted:
        return None
    wanted = {normalise_fingerprint(fingerprint_of(c)): c for c in trusted}
    pool = [*carried, *trusted]
    current = certificate
    for _ in range(len(pool) + 1):
        found = wanted.get(normalise_fingerprint(fingerprint_of(current)))
        if found is not None:
            return found
        issuer = None
        for candidate in pool:
            if candidate.subject != current.issuer or candidate == current:
                continue
            try:
                current.verify_directly_issued_by(candidate)
            except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
                continue
            issuer = candidate
            break
        if issuer is None:
            return None
        current = issuer
    return None


def _entry(certificate: x509.Certificate, path: Path) -> TrustedCertificate:
    try:
        is_ca = certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        is_ca = False
    return TrustedCertificate(subject_text(certificate), fingerprint_of(certificate), path, certificate, is_ca)

