"""Signing identities and trust on this machine: which identity signs a case, whom verification trusts.

Several identities may be stored (one per role or per organisation PKI);
each case records the fingerprint of the one that signs it
(``CaseInfo.signer_fingerprint``). Verification trusts the user's own
identities and the certificates in the trust store
(``<user_data_dir>/trusted``), and says which of them made a signer trusted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.x509.oid import NameOID

from app.bundle.distrust import KEY_MARK, is_distrusted
from app.bundle.identity import (  # the types these operations hand to the front ends, re-exported
    IdentityInfo as IdentityInfo,
)
from app.bundle.identity import (
    KeyAlgorithm as KeyAlgorithm,
)
from app.bundle.identity import (
    SigningIdentity as SigningIdentity,
)
from app.bundle.identity import (
    create_identity,
    email_of,
    fingerprint_of,
    import_pkcs12,
    key_description,
    list_identities,
    load_identity,
    normalise_fingerprint,
    parse_fingerprint,
    subject_field,
    subject_text,
)
from app.bundle.trust import (
    CA,
    SIGNER,
    TSA,
    TrustedCertificate,
    distrust_entries,
    distrusted_fingerprints,
    distrusted_marks,
    list_trusted,
    read_certificate_file,
    set_distrusted,
    trust_certificate,
    untrust_certificate,
)
from app.core.changes import Changes
from app.core.errors import IdentityError
from app.core.files import write_atomic
from app.core.paths import user_data_dir

if TYPE_CHECKING:
    from app.core.model import CaseInfo
    from app.store import CaseFile

CHANGED = Changes(identities=True)  # what creating, importing, trusting or untrusting an identity changes
CASE_EDITED = Changes.to_case(case=True)  # what choosing a case's signing identity changes


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


@dataclass(frozen=True)
class IdentityStored:
    """A signing identity created or imported on this machine."""

    identity: SigningIdentity
    changes: Changes = CHANGED


def case_identity(case: CaseFile, passphrase: str, fingerprint: str = "") -> SigningIdentity:
    """Unlock the identity that signs for this case: ``fingerprint`` when given, else the case's choice,
    else the newest; the first one is made (self-signed) in the declarant's name, or the user's login."""
    info = case.info()
    return signing_identity(passphrase, name=info.declarant or case.actor, organisation=info.organisation,
                            fingerprint=fingerprint or info.signer_fingerprint)


def new_identity(
    name: str, organisation: str, passphrase: str, *, label: str = "", algorithm: KeyAlgorithm = "ec-p256",
    email: str = "",
) -> IdentityStored:
    """Create another identity (self-signed), kept beside the others."""
    return IdentityStored(create_identity(name, organisation, passphrase, label=label, algorithm=algorithm,
                                          email=email))


def import_identity(path: Path, passphrase: str, new_passphrase: str, *, label: str = "") -> IdentityStored:
    """Import the organisation's PKCS#12; it is stored re-encrypted with ``new_passphrase``."""
    return IdentityStored(import_pkcs12(path, passphrase, new_passphrase, label=label))


def find_identity(fingerprint: str) -> IdentityInfo:
    """The stored identity with this fingerprint (or unique prefix); IdentityError if none or several."""
    wanted = normalise_fingerprint(fingerprint)
    matches = [i for i in list_identities() if normalise_fingerprint(i.fingerprint).startswith(wanted)]
    if not wanted or not matches:
        raise IdentityError("no signing identity with that fingerprint", found=fingerprint)
    if len(matches) > 1:
        raise IdentityError("more than one identity matches that fingerprint", found=fingerprint)
    return matches[0]


@dataclass(frozen=True)
class IdentityChosen:
    """The identity that now signs the case."""

    identity: IdentityInfo
    changes: Changes = CASE_EDITED


def choose_case_identity(case: CaseFile, fingerprint: str) -> IdentityChosen:
    """Record which identity signs this case (logged in the custody chain as a case edit)."""
    info = find_identity(fingerprint)
    case.update_info(signer_fingerprint=info.fingerprint)
    return IdentityChosen(info)


@dataclass(frozen=True)
class IdentityListing:
    """Your identities (oldest first), the trust store's certificates, and which of yours you do not trust."""

    identities: list[IdentityInfo]
    trusted: list[TrustedCertificate]
    untrusted: set[str]  # fingerprints
    distrusted: list[str] = field(default_factory=list)  # every fingerprint never trusted here, AB:CD:… form


def identity_listing() -> IdentityListing:
    untrusted = {r.fingerprint for r in identity_rows() if not r.trusted}
    never = sorted(":".join(f[i : i + 2] for i in range(0, len(f), 2)) for f in distrusted_fingerprints(trust_dir()))
    return IdentityListing(list_identities(), trusted_certificates(), untrusted, never)


@dataclass(frozen=True)
class Trusted:
    """The certificates now trusted on this machine from a file."""

    certificates: list[TrustedCertificate]
    changes: Changes = CHANGED


def trust(path: Path, purposes: tuple[str, ...] = ()) -> Trusted:
    """Trust the certificates in a PEM/DER file for ``purposes`` (of PURPOSES: "signer", a colleague's
    certificate; "ca", an organisation's CA for the signers it issued; "tsa", a timestamp authority or its root).
    Without purposes, a signer's or an authority's own certificate gets its evident one; a CA must be named."""
    return Trusted(trust_certificate(path, trust_dir(), purposes))


def authorities_in(path: Path) -> list[str]:
    """The subjects of the certificate authorities in a certificate file (which must be trusted for a named
    purpose); [] when it holds none, or cannot be read (trusting it then says why)."""
    from app.bundle.pathcheck import is_authority

    try:
        data = Path(path).read_bytes()
        certificates = (x509.load_pem_x509_certificates(data) if b"-----BEGIN" in data
                        else [x509.load_der_x509_certificate(data)])
    except (OSError, ValueError):
        return []
    return [subject_text(c) for c in certificates if is_authority(c)]


def trusted_certificates() -> list[TrustedCertificate]:
    return list_trusted(trust_dir())


@dataclass(frozen=True)
class MachineTrust:
    """What verification on this machine trusts, each certificate for its purposes."""

    fingerprints: dict[str, str]  # fingerprint → why ("your signing identity 'DEMO'")
    certificates: list[x509.Certificate]  # the whole trust store (chains are completed from it)
    signers: list[x509.Certificate]  # trusted as signers themselves
    cas: list[x509.Certificate]  # trusted for the signers they issued
    tsas: list[x509.Certificate]  # trusted for timestamps
    distrusted: frozenset[str]  # marks never trusted (normalised fingerprints, KEY+public-key hashes: distrust.py)


def machine_trust() -> MachineTrust:
    """What this machine trusts: the user's own identities (unless distrusted) and the trust store, by purpose."""
    names: dict[str, str] = {}
    distrusted = distrusted_marks(trust_dir())  # fingerprints and keys the user said not to trust
    for info in list_identities():
        if normalise_fingerprint(info.fingerprint) in distrusted or _key_distrusted(info.certificate_path, distrusted):
            continue
        names[info.fingerprint] = f"your signing identity '{info.label}'" if info.label else "your signing identity"
    store = [entry for entry in trusted_certificates() if not is_distrusted(entry.certificate, distrusted)]
    return MachineTrust(names, [entry.certificate for entry in store],
                        [e.certificate for e in store if SIGNER in e.purposes],
                        [e.certificate for e in store if CA in e.purposes],
                        [e.certificate for e in store if TSA in e.purposes], distrusted)


def _key_distrusted(path: Path, distrusted: frozenset[str]) -> bool:
    """Whether the certificate stored at ``path`` has a key the user said not to trust (an unreadable one: no)."""
    if not any(mark.startswith(KEY_MARK) for mark in distrusted):
        return False
    try:
        return is_distrusted(x509.load_pem_x509_certificate(path.read_bytes()), distrusted)
    except (OSError, ValueError):
        return False


# --- the identities list, as the GUI shows it -------------------------------------


@dataclass(frozen=True)
class IdentityRow:
    """One line of the identities list: one of your identities, or a certificate you trust."""

    name: str  # the certificate's CN
    organisation: str
    email: str
    key_type: str  # "EC P-256", "RSA-3072"
    fingerprint: str  # SHA-256 of the certificate, AB:CD:…
    own: bool  # a signing identity whose (encrypted) key is on this machine
    trusted: bool  # verification on this machine trusts bundles it signed
    why: str  # why it is (or is not) trusted, in the user's words
    label: str
    certificate_path: Path
    not_valid_after: str  # UTC ISO 8601


def identity_rows() -> list[IdentityRow]:
    """Your identities (oldest first), then the trust store's certificates that are not yours."""
    distrusted = distrusted_marks(trust_dir())  # fingerprints and keys: as verification judges them
    rows: list[IdentityRow] = []
    for info in list_identities():
        certificate = x509.load_pem_x509_certificate(info.certificate_path.read_bytes())
        trusted = not is_distrusted(certificate, distrusted)
        rows.append(_row(certificate, info.fingerprint, info.certificate_path, own=True, trusted=trusted,
                         why="your signing identity" if trusted else "yours, but you said not to trust it",
                         label=info.label))
    mine = {row.fingerprint for row in rows}
    for entry in trusted_certificates():
        if entry.fingerprint not in mine:
            rows.append(_row(entry.certificate, entry.fingerprint, entry.path, own=False, trusted=True,
                             why=f"you trust it as: {entry.purpose_text()}", label=""))
    return rows


def _row(certificate: x509.Certificate, fingerprint: str, path: Path, *, own: bool, trusted: bool,
         why: str, label: str) -> IdentityRow:
    return IdentityRow(
        name=subject_field(certificate, NameOID.COMMON_NAME),
        organisation=subject_field(certificate, NameOID.ORGANIZATION_NAME),
        email=email_of(certificate),
        key_type=key_description(certificate),
        fingerprint=fingerprint,
        own=own,
        trusted=trusted,
        why=why,
        label=label,
        certificate_path=path,
        not_valid_after=certificate.not_valid_after_utc.strftime("%Y-%m-%d"),
    )


def set_trusted(fingerprint: str, trusted: bool) -> Changes:
    """Trust or stop trusting a signer on this machine.

    For one of your identities the choice is kept in the trust store's list of
    fingerprints not to trust (the identity itself stays, so old bundles still
    name it), which no path through a trusted CA overrides. Any other
    certificate, named by its whole fingerprint, is removed from the trust
    store and put on that list too, so that a CA trusted for the signers it
    issued does not vouch for it either; to trust one again, trust its
    certificate file.
    """
    wanted = normalise_fingerprint(fingerprint)
    own = [i for i in list_identities() if wanted and normalise_fingerprint(i.fingerprint).startswith(wanted)]
    if len(own) == 1:  # one of yours, named by its fingerprint or a unique prefix of it
        certificate = x509.load_pem_x509_certificate(own[0].certificate_path.read_bytes())
        set_distrusted(own[0].fingerprint, not trusted, trust_dir(), certificate)  # its key too
        if not trusted:
            untrust_certificate(own[0].fingerprint, trust_dir())  # nor through a copy in the trust store
        return CHANGED
    if trusted:
        raise IdentityError("to trust a certificate that is not yours, trust its certificate file",
                            found=fingerprint)
    whole = parse_fingerprint(fingerprint)  # a leaked key is named in full: a prefix could name another
    stored = [e.certificate for e in trusted_certificates()
              if normalise_fingerprint(e.fingerprint) == normalise_fingerprint(whole)]
    untrust_certificate(whole, trust_dir())
    set_distrusted(whole, True, trust_dir(), stored[0] if stored else None)  # its key too, when it is known here
    return CHANGED


def key_distrusted(fingerprint: str) -> bool:
    """Whether the public key of the certificate with this fingerprint is on the list not to trust (it is when its
    certificate was known here, or given as a file, when it was distrusted)."""
    return bool(distrust_entries(trust_dir()).get(normalise_fingerprint(fingerprint)))


def untrust_certificate_file(path: Path) -> list[str]:
    """Never trust the certificates in this file again, nor any certificate for their public keys (a leaked key:
    a renewal or re-encoding under the same key is distrusted too); their fingerprints, AB:CD:… form."""
    certificates = read_certificate_file(path)
    for certificate in certificates:
        untrust_certificate(fingerprint_of(certificate), trust_dir())
        set_distrusted(fingerprint_of(certificate), True, trust_dir(), certificate)
    return [fingerprint_of(c) for c in certificates]


def export_certificate(fingerprint: str, target: Path) -> Path:
    """Write an identity's certificate (and chain) as PEM, for colleagues and courts to trust it."""
    info = find_identity(fingerprint)
    target = Path(target)
    try:
        write_atomic(target, info.certificate_path.read_bytes())
    except OSError as exc:
        raise IdentityError(f"cannot write the certificate: {exc.strerror}", path=target) from exc
    return target


def case_signer(info: CaseInfo) -> IdentityInfo | None:
    """The identity that will sign this case's next bundle: the chosen one, else the newest;
    None when the chosen one is not on this machine or there is none yet."""
    identities = list_identities()
    if not info.signer_fingerprint:
        return identities[-1] if identities else None
    wanted = normalise_fingerprint(info.signer_fingerprint)
    return next((i for i in identities if normalise_fingerprint(i.fingerprint) == wanted), None)


@dataclass(frozen=True)
class PassphraseStrength:
    """How hard a passphrase is to guess (zxcvbn's score, 0 to 4) and what to do about it."""

    score: int
    hint: str


def passphrase_strength(passphrase: str, personal: tuple[str, ...] = ()) -> PassphraseStrength:
    """Estimate a passphrase's strength; ``personal`` (name, organisation…) counts as guessable."""
    from zxcvbn import zxcvbn  # its word lists take a moment to load: only when asked

    if not passphrase:
        return PassphraseStrength(0, "")
    result = zxcvbn(passphrase[:100], user_inputs=[p for p in personal if p])  # cost grows with length
    score = int(result["score"])
    feedback = result["feedback"]
    advice = feedback.get("warning") or " ".join(feedback.get("suggestions") or [])
    words = ("very weak", "weak", "fair", "strong", "very strong")[score]
    crack = result["crack_times_display"]["offline_slow_hashing_1e4_per_second"]
    text = f"Strength: {words} (guessed in {crack} by an attacker with the key file)."
    return PassphraseStrength(score, f"{text} {advice}".strip())
