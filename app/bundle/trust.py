"""Which signers and timestamp authorities this machine trusts, and for what.

A certificate is trusted when it is one of the user's own signing identities,
or is in the trust store: a folder of PEM certificates the user imported, each
trusted for named purposes:

``signer``
    this very certificate signs bundles (a colleague's signing certificate);
``ca``
    a certificate authority whose certificates, validated as RFC 5280 asks
    (pathcheck.py), sign bundles: the organisation's CA for the investigators it
    certified;
``tsa``
    a timestamp authority, or the root it chains to, for timestamps.

Purposes do not spill over: a timestamp authority's root trusted for
timestamps makes no signer trusted, and an organisation's CA trusted for its
signers makes no timestamp trusted. A fingerprint the user said not to trust
(``distrusted.txt``) is never trusted, directly or through any path, nor is any certificate for its
public key when that was known (distrust.py).

The trust store is a plain folder, ``<fingerprint>.pem`` per certificate, with
``purposes.txt`` (one ``<fingerprint> <purpose>[,<purpose>]`` a line) and
``distrusted.txt`` (one fingerprint a line, ``key=<SPKI SHA-256>`` beside it), so what a machine trusts can be read
(and audited) with stock tools. Certificates stored before purposes existed are
given the narrowest sensible one when the store is read (see :func:`default_purposes`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID

from app.core.errors import IdentityError
from app.core.files import write_atomic

from .distrust import KEY_MARK, key_hash_of
from .identity import fingerprint_of, normalise_fingerprint, subject_text
from .parsing import parsed
from .pathcheck import is_authority

DISTRUSTED_FILE = "distrusted.txt"  # fingerprints the user said not to trust (a leaked key), never trusted
PURPOSES_FILE = "purposes.txt"
SIGNER, CA, TSA = "signer", "ca", "tsa"
PURPOSES = (SIGNER, CA, TSA)
PURPOSE_WORDS = {SIGNER: "signer", CA: "CA for the signers it issued", TSA: "timestamp authority"}


@dataclass(frozen=True)
class TrustedCertificate:
    """One certificate in the trust store."""

    subject: str
    fingerprint: str
    path: Path
    certificate: x509.Certificate
    is_authority: bool  # a CA (it may certify others), not only one signer
    purposes: frozenset[str] = frozenset({SIGNER})  # what it is trusted for: SIGNER, CA, TSA

    def purpose_text(self) -> str:
        return ", ".join(PURPOSE_WORDS[p] for p in PURPOSES if p in self.purposes)


def list_trusted(directory: Path) -> list[TrustedCertificate]:
    """The certificates in the trust store folder, sorted by subject; unreadable files are skipped."""
    folder = Path(directory)
    if not folder.is_dir():
        return []
    purposes = _read_purposes(folder)
    found = []
    for path in sorted(folder.glob("*.pem")):
        try:
            certificate = parsed(x509.load_pem_x509_certificate, path.read_bytes())
        except (OSError, ValueError):
            continue
        stored = purposes.get(normalise_fingerprint(fingerprint_of(certificate)))
        found.append(_entry(certificate, path, stored if stored is not None else default_purposes(certificate)))
    found.sort(key=lambda entry: (entry.subject, entry.fingerprint))
    return found


def default_purposes(certificate: x509.Certificate) -> frozenset[str]:
    """The purpose of a certificate stored without one: a timestamp authority's (timeStamping usage) or a CA's
    certificate is trusted for timestamps only, any other for signing. A CA trusted for the signers it issued
    must be named so (``--for ca``): trusting a public root must never make every certificate under it a signer.
    """
    if is_authority(certificate):
        return frozenset({TSA})
    try:
        usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return frozenset({SIGNER})
    return frozenset({TSA}) if ExtendedKeyUsageOID.TIME_STAMPING in usage else frozenset({SIGNER})


def _read_purposes(folder: Path) -> dict[str, frozenset[str]]:
    try:
        text = (folder / PURPOSES_FILE).read_text("utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise IdentityError("the trust store's list of purposes cannot be read", path=folder / PURPOSES_FILE) from exc
    found: dict[str, frozenset[str]] = {}
    for line in text.splitlines():
        fingerprint, _, names = line.strip().partition(" ")
        if fingerprint:
            found[normalise_fingerprint(fingerprint)] = frozenset(n for n in names.split(",") if n in PURPOSES)
    return found


def _write_purposes(folder: Path, purposes: dict[str, frozenset[str]]) -> None:
    lines = [f"{fingerprint} {','.join(p for p in PURPOSES if p in chosen)}\n"
             for fingerprint, chosen in sorted(purposes.items()) if chosen]
    write_atomic(folder / PURPOSES_FILE, "".join(lines).encode("ascii"))


def read_certificate_file(source: Path) -> list[x509.Certificate]:
    """Every certificate of a PEM or DER file the user named; IdentityError, in words, for anything else."""
    try:
        data = Path(source).read_bytes()
    except OSError as exc:
        raise IdentityError(f"cannot read the certificate file: {exc.strerror}", path=source) from exc
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificates(data)
        return [x509.load_der_x509_certificate(data)]
    except Exception as exc:  # ValueError, InvalidVersion…: whatever cryptography raises on bad input
        raise IdentityError("not an X.509 certificate (PEM or DER)", path=source) from exc


def trust_certificate(source: Path, directory: Path, purposes: Collection[str] = ()) -> list[TrustedCertificate]:
    """Add every certificate of a PEM or DER file to the trust store for ``purposes`` (SIGNER, CA, TSA);
    returns those added or present. Without purposes, a signer's or a timestamp authority's own certificate gets
    its evident one; a CA certificate is refused (it must be said whether it vouches for signers or timestamps).
    A certificate already trusted keeps its purposes and gains these; one on the list not to trust is taken off it.
    """
    source = Path(source)
    certificates = read_certificate_file(source)
    unknown = set(purposes) - set(PURPOSES)
    if unknown:
        raise IdentityError(f"unknown purpose: {', '.join(sorted(unknown))} (one of {', '.join(PURPOSES)})")
    chosen: list[frozenset[str]] = []
    for certificate in certificates:
        if not purposes and is_authority(certificate):
            raise IdentityError(
                f"{subject_text(certificate)} is a certificate authority: say what it vouches for, the signers it "
                "issued (--for ca) or timestamp authorities (--for tsa)", path=source)
        if CA in purposes and not is_authority(certificate):
            raise IdentityError(f"{subject_text(certificate)} is not a certificate authority (no CA:true with "
                                "keyCertSign), so it issues no signers: trust it --for signer", path=source)
        chosen.append(frozenset(purposes) if purposes else default_purposes(certificate))
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stored = _stored_purposes(folder)
    distrusted = distrust_entries(folder)
    added = []
    for certificate, wanted in zip(certificates, chosen, strict=True):
        fingerprint = normalise_fingerprint(fingerprint_of(certificate))
        target = folder / f"{fingerprint.lower()}.pem"
        if not target.exists():
            write_atomic(target, certificate.public_bytes(Encoding.PEM))
            stored[fingerprint] = wanted
        else:
            stored[fingerprint] = stored.get(fingerprint, default_purposes(certificate)) | wanted
        key = key_hash_of(certificate)  # trusting a certificate file again trusts its key again
        for other in [f for f, k in distrusted.items() if f == fingerprint or k == key]:
            distrusted.pop(other)
        added.append(_entry(certificate, target, stored[fingerprint]))
    _write_purposes(folder, stored)
    _write_distrusted(folder, distrusted)
    return added


def _stored_purposes(folder: Path) -> dict[str, frozenset[str]]:
    """Every stored certificate's purposes, those stored before purposes existed given their default."""
    return {normalise_fingerprint(entry.fingerprint): entry.purposes for entry in list_trusted(folder)}


def untrust_certificate(fingerprint: str, directory: Path) -> bool:
    """Remove the certificate with this fingerprint from the trust store; False if it was not there."""
    folder = Path(directory)
    wanted = normalise_fingerprint(fingerprint)
    stored = _stored_purposes(folder)
    target = folder / f"{wanted.lower()}.pem"
    try:
        target.unlink()
    except FileNotFoundError:
        return False
    stored.pop(wanted, None)
    _write_purposes(folder, stored)
    return True


def distrust_entries(directory: Path) -> dict[str, str]:
    """distrusted.txt as {fingerprint: key hash or ""}: ``<fingerprint>[ key=<SPKI SHA-256>]`` a line
    (files written before keys were kept hold the fingerprint alone, and stay readable)."""
    try:
        text = (Path(directory) / DISTRUSTED_FILE).read_text("utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise IdentityError("the list of identities not to trust cannot be read",
                            path=Path(directory) / DISTRUSTED_FILE) from exc
    lines: dict[str, str] = {}
    for line in text.splitlines():
        fingerprint, _, rest = line.strip().partition(" ")
        if not fingerprint:
            continue
        key = rest.strip().removeprefix("key=") if rest.strip().startswith("key=") else ""
        lines[normalise_fingerprint(fingerprint)] = normalise_fingerprint(key)
    return lines


def distrusted_fingerprints(directory: Path) -> set[str]:
    """Fingerprints the user has said not to trust: never trusted, directly or through a CA.

    An identity whose key may have leaked stays on the machine (old bundles
    still name it) but no longer vouches for a bundle, even when its CA is
    trusted. The list is a plain text file in the trust store, one fingerprint a line
    (with the certificate's public-key hash beside it when it was known: see :func:`distrusted_marks`).
    """
    return set(distrust_entries(directory))


def distrusted_marks(directory: Path) -> frozenset[str]:
    """What verification never trusts: every distrusted fingerprint and ``KEY``+hash of every distrusted
    public key (distrust.py), so a renewed or re-encoded certificate for a leaked key is distrusted too."""
    lines = distrust_entries(directory)
    return frozenset(lines) | {KEY_MARK + key for key in lines.values() if key}


def set_distrusted(fingerprint: str, distrusted: bool, directory: Path,
                   certificate: x509.Certificate | None = None) -> None:
    """Add a fingerprint (and, given its certificate, its public key) to the list of identities not to trust,
    or take it off."""
    folder = Path(directory)
    wanted = normalise_fingerprint(fingerprint)
    current = distrust_entries(folder)
    changed = dict(current)
    if distrusted:
        changed[wanted] = key_hash_of(certificate) if certificate is not None else current.get(wanted, "")
    else:
        changed.pop(wanted, None)
    if changed == current:
        return
    _write_distrusted(folder, changed)


def _write_distrusted(folder: Path, lines: dict[str, str]) -> None:
    if not lines and not (folder / DISTRUSTED_FILE).exists():
        return
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    text = "".join(f"{f} key={lines[f]}\n" if lines[f] else f"{f}\n" for f in sorted(lines))
    write_atomic(folder / DISTRUSTED_FILE, text.encode("ascii"))


def _entry(certificate: x509.Certificate, path: Path, purposes: frozenset[str]) -> TrustedCertificate:
    return TrustedCertificate(subject_text(certificate), fingerprint_of(certificate), path, certificate,
                              is_authority(certificate), purposes)

