"""Signing identities: an investigator's X.509 certificate and private key.

An identity is generated on first use (self-signed) or imported from the
organisation's PKI (PKCS#12). Each one lives in the identities folder as
three files named by the certificate's SHA-256 fingerprint:

``<fp>.p12``   key and certificate, encrypted with the user's passphrase
               (PBES2/PBKDF2-SHA256/AES-256, HMAC-SHA256 MAC, all at KDF_ROUNDS), mode 0600;
``<fp>.pem``   the public certificate, readable without the passphrase;
``<fp>.json``  label and creation time, so identities can be listed.

The passphrase is only ever passed to the PKCS#12 routines: never logged,
stored or put in an error message.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from app.core.errors import IdentityError, WrongPassphrase
from app.core.files import write_atomic
from app.core.paths import identities_dir

from .parsing import parsed

# PBKDF2-SHA256 iterations for the key and certificate bags (OWASP 2023).
KDF_ROUNDS = 600_000
VALIDITY_DAYS = 3653  # ten years, leap days included

SigningKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
KeyAlgorithm = Literal["ec-p256", "rsa-3072"]


def fingerprint_of(certificate: x509.Certificate) -> str:
    """SHA-256 of the certificate's DER, as ``AB:CD:…`` (what ``openssl x509 -fingerprint -sha256`` prints)."""
    digest = hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2)).upper()


def subject_text(certificate: x509.Certificate) -> str:
    """The certificate's subject as people read it: ``CN=Jane Doe, O=Example Corp``."""
    return ", ".join(
        f"{attribute.rfc4514_attribute_name}={attribute.value!s}"
        for attribute in certificate.subject
    )


def key_description(certificate: x509.Certificate) -> str:
    """The certificate's key as people name it: ``EC P-256``, ``RSA-3072``."""
    key = certificate.public_key()
    if isinstance(key, ec.EllipticCurvePublicKey):
        curve = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}.get(key.curve.name, key.curve.name)
        return f"EC {curve}"
    if isinstance(key, rsa.RSAPublicKey):
        return f"RSA-{key.key_size}"
    return type(key).__name__


def subject_field(certificate: x509.Certificate, oid: x509.ObjectIdentifier) -> str:
    """One field of the certificate's subject (CN, O…), or "" when it has none."""
    values = certificate.subject.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def email_of(certificate: x509.Certificate) -> str:
    """The e-mail address the certificate names (subject alternative name, else subject), or ""."""
    try:
        names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        addresses = names.get_values_for_type(x509.RFC822Name)
    except x509.ExtensionNotFound:
        addresses = []
    return addresses[0] if addresses else subject_field(certificate, NameOID.EMAIL_ADDRESS)


def normalise_fingerprint(text: str) -> str:
    """Upper-case hex without separators, so fingerprints compare however they were typed."""
    return "".join(ch for ch in text if ch.isalnum()).upper()


# What tools print before a fingerprint: "sha256 Fingerprint=" (OpenSSL 3), "SHA256 Fingerprint=" (1.1),
# "SHA-256:", "Fingerprint:".
_FINGERPRINT_LABEL = re.compile(r"^\s*(?:sha-?256\s*)?(?:fingerprint)?\s*[=:]\s*", re.IGNORECASE)


def parse_fingerprint(text: str) -> str:
    """A whole SHA-256 fingerprint as a person pastes it (with colons or spaces, or the way
    ``openssl x509 -fingerprint -sha256`` prints it) → ``AB:CD:…``; IdentityError for anything else
    (a prefix, another hash, a typo), so that a mistyped fingerprint is never taken for "another signer"."""
    body = _FINGERPRINT_LABEL.sub("", text, count=1) if _FINGERPRINT_LABEL.match(text) else text
    digits = "".join(ch for ch in body if not (ch.isspace() or ch in ":-")).upper()
    if len(digits) != 64 or any(ch not in "0123456789ABCDEF" for ch in digits):
        raise IdentityError("not a SHA-256 certificate fingerprint (64 hexadecimal digits, colons allowed, as "
                            "`openssl x509 -noout -fingerprint -sha256` prints it)", found=text.strip()[:200])
    return ":".join(digits[i : i + 2] for i in range(0, 64, 2))


@dataclass(frozen=True)
class SigningIdentity:
    """A certificate with its private key, ready to sign a bundle."""

    certificate: x509.Certificate
    private_key: SigningKey = field(repr=False)
    chain: tuple[x509.Certificate, ...] = ()  # issuing certificates, for imported identities
    label: str = ""

    @property
    def fingerprint(self) -> str:
        return fingerprint_of(self.certificate)

    @property
    def subject(self) -> str:
        return subject_text(self.certificate)


@dataclass(frozen=True)
class IdentityInfo:
    """What can be said about a stored identity without its passphrase."""

    label: str
    subject: str
    fingerprint: str
    path: Path  # the encrypted .p12
    certificate_path: Path
    created_at: str  # UTC ISO 8601
    not_valid_after: str  # UTC ISO 8601


def create_identity(
    common_name: str,
    organisation: str,
    passphrase: str,
    *,
    label: str = "",
    directory: Path | None = None,
    algorithm: KeyAlgorithm = "ec-p256",
    email: str = "",
) -> SigningIdentity:
    """Generate a key and a self-signed certificate and store them encrypted.

    The certificate names the investigator (CN) and organisation (O), and the
    e-mail address when given (as the subject alternative name, where mail
    software looks for it); it is valid for ten years and may only sign
    (digitalSignature, nonRepudiation).
    """
    common_name = common_name.strip()
    organisation = organisation.strip()
    if not common_name:
        raise IdentityError("a signing identity needs a name (the investigator's)")
    if len(common_name) > 64 or len(organisation) > 64:
        raise IdentityError("name and organisation must each be at most 64 characters")
    email = email.strip()
    if email and ("@" not in email or any(ch.isspace() for ch in email) or len(email) > 128):
        raise IdentityError("the e-mail address does not look like one", found=email)
    _require_passphrase(passphrase)

    key: SigningKey
    if algorithm == "ec-p256":
        key = ec.generate_private_key(ec.SECP256R1())
    elif algorithm == "rsa-3072":
        key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    else:
        raise IdentityError(f"unknown key algorithm {algorithm!r}")

    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if organisation:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    name = x509.Name(attributes)
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=VALIDITY_DAYS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ski, critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False
        )
    )
    if email:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False
        )
    certificate = builder.sign(key, hashes.SHA256())
    identity = SigningIdentity(certificate, key, (), label)
    _store(identity, passphrase, directory)
    return identity


def import_pkcs12(
    path: Path,
    passphrase: str,
    new_passphrase: str,
    directory: Path | None = None,
    *,
    label: str = "",
) -> SigningIdentity:
    """Take an identity from the organisation's PKI (a .p12/.pfx) and store it re-encrypted."""
    path = Path(path)
    _require_passphrase(new_passphrase)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IdentityError(f"cannot read the PKCS#12 file: {exc.strerror}", path=path) from exc
    try:
        loaded = pkcs12.load_pkcs12(data, passphrase.encode("utf-8"))
    except ValueError as exc:
        raise IdentityError(
            "wrong passphrase, or not a PKCS#12 file", path=path
        ) from exc
    if loaded.key is None or loaded.cert is None:
        raise IdentityError("the PKCS#12 file holds no private key with its certificate", path=path)
    key = loaded.key
    if not isinstance(key, (ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey)):
        raise IdentityError(
            "only RSA and EC keys can sign CMS signatures that openssl verifies",
            path=path,
            found=type(key).__name__,
        )
    certificate = loaded.cert.certificate
    if _public_der(key) != certificate.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ):
        raise IdentityError("the private key does not belong to the certificate", path=path)
    chain = tuple(c.certificate for c in loaded.additional_certs)
    friendly = loaded.cert.friendly_name.decode("utf-8", "replace") if loaded.cert.friendly_name else ""
    identity = SigningIdentity(certificate, key, chain, label or friendly)
    _store(identity, new_passphrase, directory)
    return identity


def list_identities(directory: Path | None = None) -> list[IdentityInfo]:
    """Every stored identity, oldest first; needs no passphrase."""
    folder = Path(directory) if directory is not None else identities_dir()
    if not folder.is_dir():
        return []
    found: list[IdentityInfo] = []
    for key_path in sorted(folder.glob("*.p12")):
        pem_path = key_path.with_suffix(".pem")
        try:
            certificate = parsed(x509.load_pem_x509_certificate, pem_path.read_bytes())
        except (OSError, ValueError):
            continue  # a key without its readable certificate is not listable
        meta = _read_meta(key_path.with_suffix(".json"))
        created = str(meta.get("created_at") or _utc(certificate.not_valid_before_utc))
        found.append(
            IdentityInfo(
                label=str(meta.get("label", "")),
                subject=subject_text(certificate),
                fingerprint=fingerprint_of(certificate),
                path=key_path,
                certificate_path=pem_path,
                created_at=created,
                not_valid_after=_utc(certificate.not_valid_after_utc),
            )
        )
    found.sort(key=lambda info: (info.created_at, info.fingerprint))
    return found


def load_identity(
    passphrase: str, *, fingerprint: str | None = None, directory: Path | None = None
) -> SigningIdentity:
    """Unlock a stored identity: the one with ``fingerprint`` (or a unique prefix), else the newest."""
    identities = list_identities(directory)
    if not identities:
        raise IdentityError("no signing identity yet; create one first")
    if fingerprint:
        wanted = normalise_fingerprint(fingerprint)
        matches = [
            i for i in identities if normalise_fingerprint(i.fingerprint).startswith(wanted)
        ]
        if not matches:
            raise IdentityError("no signing identity with that fingerprint", found=fingerprint)
        if len(matches) > 1:
            raise IdentityError("more than one identity matches that fingerprint", found=fingerprint)
        info = matches[0]
    else:
        info = identities[-1]
    name = f"{info.label} ({info.fingerprint})" if info.label else info.fingerprint
    try:
        loaded = pkcs12.load_pkcs12(info.path.read_bytes(), passphrase.encode("utf-8"))
    except OSError as exc:
        raise IdentityError(f"cannot read identity {name}: {exc.strerror}", path=info.path) from exc
    except ValueError as exc:  # the file is named in the traceback: the user needs the identity, not its file
        raise WrongPassphrase(f"wrong passphrase for identity {name}") from exc
    if loaded.key is None or loaded.cert is None:
        raise IdentityError(f"identity {name} holds no key", path=info.path)
    certificate = loaded.cert.certificate
    if fingerprint_of(certificate) != info.fingerprint:
        raise IdentityError(
            f"identity {name}: key file and certificate file do not match", path=info.path
        )
    key = loaded.key
    if not isinstance(key, (ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey)):
        raise IdentityError(f"identity {name} has a key that cannot sign bundles", path=info.path)
    chain = tuple(c.certificate for c in loaded.additional_certs)
    return SigningIdentity(certificate, key, chain, info.label)


# --- storage -----------------------------------------------------------------


def _require_passphrase(passphrase: str) -> None:
    if not passphrase:
        raise IdentityError("a passphrase is required to protect the private key")


def _public_der(key: SigningKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _read_meta(path: Path) -> dict[str, object]:
    try:
        value = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _store(identity: SigningIdentity, passphrase: str, directory: Path | None) -> None:
    """Write certificate, metadata and (last, so a crash never lists half an identity) the key."""
    folder = Path(directory) if directory is not None else identities_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stem = normalise_fingerprint(identity.fingerprint).lower()
    key_path = folder / f"{stem}.p12"
    if key_path.exists():
        raise IdentityError("this identity is already stored", path=key_path)
    encryption = (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(KDF_ROUNDS)
        .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
        .hmac_hash(hashes.SHA256())
        .build(passphrase.encode("utf-8"))
    )
    blob = pkcs12.serialize_key_and_certificates(
        identity.label.encode("utf-8") or None,
        identity.private_key,
        identity.certificate,
        list(identity.chain) or None,
        encryption,
    )
    from .pkcs12_mac import strengthen_mac  # asn1crypto's PKCS#12 classes: for writing keys only

    blob = strengthen_mac(blob, passphrase, KDF_ROUNDS)  # the MAC at the bags' rounds, not 2,048
    pem = b"".join(
        c.public_bytes(serialization.Encoding.PEM) for c in (identity.certificate, *identity.chain)
    )
    meta = {
        "label": identity.label,
        "subject": identity.subject,
        "fingerprint": identity.fingerprint,
        "created_at": _utc(datetime.datetime.now(datetime.UTC)),
    }
    write_atomic(key_path.with_suffix(".pem"), pem, 0o644)
    write_atomic(
        key_path.with_suffix(".json"),
        (json.dumps(meta, indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
        0o644,
    )
    write_atomic(key_path, blob, 0o600)

