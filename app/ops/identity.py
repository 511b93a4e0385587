"""Signing identities and trust on this machine: which identity signs a case, whom verification trusts.

Several identities may be stored (one per role or per organisation PKI);
each case records the fingerprint of the one that signs it
(``CaseInfo.signer_fingerprint``). Verification trusts the user's own
identities and the certificates in the trust store
(``<user_data_dir>/trusted``), and says which of them made a signer trusted.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography import x509

from app.bundle.identity import (
    IdentityInfo,
    KeyAlgorithm,
    SigningIdentity,
    create_identity,
    import_pkcs12,
    list_identities,
    load_identity,
    normalise_fingerprint,
)
from app.bundle.trust import TrustedCertificate, list_trusted, trust_certificate
from app.core.errors import IdentityError
from app.core.paths import user_data_dir
from app.store import CaseFile


def trust_dir() -> Path:
    """The trust store: PEM certificates this user trusts besides their own identities."""
    return user_data_dir() / "trusted"


def has_identity(directory: Path | None = None) -> bool:
    return bool(list_identities(directory))


def signing_identity(
    passphrase: str,
    *,
    name: str,
    organisation: str,
    label: str = "",
    fingerprint: str = "",
    directory: Path | None = None,
) -> SigningIdentity:
    """Unlock the identity with ``fingerprint`` (the case's choice), else the newest one;
    create a self-signed one when there is none yet.

    A wrong passphrase raises IdentityError and changes nothing.
    """
    if has_identity(directory):
        return load_identity(passphrase, fingerprint=fingerprint or None, directory=directory)
    if fingerprint:
        raise IdentityError("the case names a signing identity that is not on this machine", found=fingerprint)
    return create_identity(
        name or "Investigator", organisation or "", passphrase, label=label, directory=directory
    )


def new_identity(
    name: str, organisation: str, passphrase: str, *, label: str = "", algorithm: KeyAlgorithm = "ec-p256"
) -> SigningIdentity:
    """Create another identity (self-signed), kept beside the others."""
    return create_identity(name, organisation, passphrase, label=label, algorithm=algorithm)


def import_identity(path: Path, passphrase: str, new_passphrase: str, *, label: str = "") -> SigningIdentity:
    """Import the organisation's PKCS#12; it is stored re-encrypted with ``new_passphrase``."""
    return import_pkcs12(path, passphrase, new_passphrase, label=label)


def find_identity(fingerprint: str) -> IdentityInfo:
    """The stored identity with this fingerprint (or unique prefix); IdentityError if none or several."""
    wanted = normalise_fingerprint(fingerprint)
    matches = [i for i in list_identities() if normalise_fingerprint(i.fingerprint).startswith(wanted)]
    if not wanted or not matches:
        raise IdentityError("no signing identity with that fingerprint", found=fingerprint)
    if len(matches) > 1:
        raise IdentityError("more than one identity matches that fingerprint", found=fingerprint)
    return matches[0]


def choose_case_identity(case: CaseFile, fingerprint: str) -> IdentityInfo:
    """Record which identity signs this case (logged in the custody chain as a case edit)."""
    info = find_identity(fingerprint)
    case.update_info(signer_fingerprint=info.fingerprint)
    return info


def trust(path: Path) -> list[TrustedCertificate]:
    """Trust the certificates in a PEM/DER file (a colleague's signer, a CA, a TSA root)."""
    return trust_certificate(path, trust_dir())


def trusted_certificates() -> list[TrustedCertificate]:
    return list_trusted(trust_dir())


@dataclass(frozen=True)
class MachineTrust:
    """What verification on this machine trusts."""

    fingerprints: dict[str, str]  # fingerprint → why ("your signing identity 'DEMO'")
    certificates: list[x509.Certificate]  # the trust store


def machine_trust(extra_fingerprints: list[str] | None = None) -> MachineTrust:
    """The user's own identities, the trust store, and fingerprints named on the command line."""
    names: dict[str, str] = {}
    for info in list_identities():
        names[info.fingerprint] = f"your signing identity '{info.label}'" if info.label else "your signing identity"
    for fingerprint in extra_fingerprints or []:
        names.setdefault(fingerprint, "named as trusted for this check")
    return MachineTrust(names, [entry.certificate for entry in trusted_certificates()])
