"""Detached CMS signatures over the tag manifest: make them, and check them without openssl.

cryptography signs CMS but cannot verify it, and a lawyer's laptop may have
no ``openssl``; so verification parses the SignedData with asn1crypto and
checks it with cryptography, step by step, the way RFC 5652 § 5.4 lays out:
the messageDigest attribute must equal the content's hash, and the signature
must verify over the DER of the signed attributes re-tagged as a SET.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from asn1crypto import cms as asn1_cms
from asn1crypto import tsp as _asn1_tsp  # noqa: F401 - registers the TSTInfo content type (RFC 3161)
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from app.core.errors import BundleError

from .parsing import der_certificate

if TYPE_CHECKING:
    from .identity import SigningIdentity

MAX_CHAIN = 16  # certificates from the signer up to a root: real chains hold 2 to 4

_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


class SignatureInvalid(BundleError):
    """A CMS signature that does not prove the content was signed by its certificate."""


class ContentChanged(SignatureInvalid):
    """The signature itself is intact, but the content is not what was signed."""


@dataclass(frozen=True)
class SignatureFacts:
    """What a valid signature proves: who signed (and the certificates it carried), and when they said."""

    certificate: x509.Certificate
    certificates: tuple[x509.Certificate, ...]
    signed_at: datetime.datetime | None  # the signer's own clock (signingTime), not a trusted time
    chain_complete: bool = True  # False: the certificate's issuer is not in the signature
    chain: tuple[x509.Certificate, ...] = ()  # the signer's certificate and the issuers the signature carries
    missing_issuer: str | None = None  # the issuer (RFC 4514) the chain stops at, when it is not carried
    unsigned_attributes: tuple[str, ...] = ()  # attribute types outside the signature (anyone may add them)


def sign_detached(content: bytes, identity: SigningIdentity) -> bytes:
    """A DER detached CMS signature (SHA-256) over ``content``, carrying the certificate and chain."""
    from cryptography.hazmat.primitives.serialization import pkcs7  # the builder (and e-mail): not for checking

    builder = pkcs7.PKCS7SignatureBuilder().set_data(content).add_signer(
        identity.certificate, identity.private_key, hashes.SHA256()
    )
    for certificate in identity.chain:
        builder = builder.add_certificate(certificate)
    return builder.sign(
        serialization.Encoding.DER,
        [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary],
    )


def verify_detached(signature: bytes, content: bytes) -> SignatureFacts:
    """Check a detached CMS signature over ``content``; raises SignatureInvalid saying why."""
    facts, _ = _verify_signed_data(signature, content, "data")
    return facts


def verify_embedded(token: bytes, content_type: str) -> tuple[SignatureFacts, bytes]:
    """Check a CMS SignedData that carries its own content (an RFC 3161 timestamp token).

    Returns what the signature proves and the content it covers (for a token,
    the DER of its TSTInfo). Raises SignatureInvalid saying why.
    """
    return _verify_signed_data(token, None, content_type)


def _verify_signed_data(
    signature: bytes, detached_content: bytes | None, content_type: str
) -> tuple[SignatureFacts, bytes]:
    try:
        info = asn1_cms.ContentInfo.load(signature, strict=True)
        if info["content_type"].native != "signed_data":
            raise SignatureInvalid("not a CMS SignedData structure")
        signed = info["content"]
        if signed["version"].native not in ("v1", "v3"):
            raise SignatureInvalid("the signature's SignedData version is not 1 or 3")
        encapsulated = signed["encap_content_info"]
        if encapsulated["content_type"].native != content_type:
            raise SignatureInvalid(f"the signature is not over {content_type.replace('_', ' ')}")
        if detached_content is not None:
            if encapsulated["content"].native is not None:
                raise SignatureInvalid("the signature is not detached (it carries its own content)")
            content = detached_content
        else:
            if encapsulated["content"].native is None:
                raise SignatureInvalid("the signed structure carries no content")
            content = encapsulated["content"].contents
        signer_infos = list(signed["signer_infos"])
        if len(signer_infos) != 1:
            raise SignatureInvalid(f"expected one signer, found {len(signer_infos)}")
        signer = signer_infos[0]
        digest_name = signer["digest_algorithm"]["algorithm"].native
        if digest_name not in _HASHES:
            raise SignatureInvalid(f"unsupported digest algorithm {digest_name}")
        listed = [*list(signed["digest_algorithms"]), signer["digest_algorithm"]]
        if any(a["parameters"].dump() not in (b"", b"\x05\x00") for a in listed):
            raise SignatureInvalid("a digest algorithm carries unexpected parameters")
        if digest_name not in {a["algorithm"].native for a in listed[:-1]}:
            raise SignatureInvalid("the signer's digest algorithm is not among those declared")
        expected_version = "v1" if signer["sid"].name == "issuer_and_serial_number" else "v3"
        if signer["version"].native != expected_version:
            raise SignatureInvalid("the signer information has the wrong version")
        certificates = _certificates(signed)
        certificate = _signer_certificate(signer, certificates)
        to_verify, claimed_digest, signed_at = _signed_bytes(signer, content, content_type)
        _check_signature(signer, certificate, to_verify, digest_name)
        chain = _check_chain(certificate, certificates)
        chain_complete = _claims_self_issued(chain[-1]) and len(chain) <= MAX_CHAIN
        unsigned = tuple(str(a["type"].native) for a in signer["unsigned_attrs"]) if signer["unsigned_attrs"] else ()
        # Only now, with the signed attributes proven intact, can a digest
        # mismatch be blamed on the content rather than on the signature file.
        if claimed_digest is not None and claimed_digest != hashlib.new(digest_name, content).digest():
            raise ContentChanged("the signed file was changed after it was signed")
    except SignatureInvalid:
        raise
    except Exception as exc:
        raise SignatureInvalid(f"the signature file is damaged ({exc.__class__.__name__})") from exc
    missing = None if chain_complete else chain[-1].issuer.rfc4514_string()
    return SignatureFacts(certificate, tuple(certificates), signed_at, chain_complete, tuple(chain), missing,
                          unsigned), content


def _claims_self_issued(certificate: x509.Certificate) -> bool:
    if certificate.issuer == certificate.subject:
        return True
    try:
        aki = certificate.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier)
        ski = certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
    except x509.ExtensionNotFound:
        return False
    return aki.value.key_identifier == ski.value.digest


def _check_chain(certificate: x509.Certificate, certificates: list[x509.Certificate]) -> list[x509.Certificate]:
    """Check each certificate's own signature as far up as the signature carries issuers; the chain walked.

    The walk ends at a self-signed certificate, or where the next issuer is
    not in the signature (a PKI chain whose root the reader must supply), or
    after MAX_CHAIN certificates (no real chain is longer; a signature carrying
    thousands must not cost thousands of steps). An altered certificate fails
    here even when the data signature still verifies, so an edited subject
    cannot pass as someone else.
    """
    chain = [certificate]
    current = certificate
    while len(chain) <= MAX_CHAIN:
        if _claims_self_issued(current):
            try:
                current.verify_directly_issued_by(current)
            except (ValueError, TypeError, InvalidSignature) as exc:
                raise SignatureInvalid("the signer's certificate was altered after it was issued") from exc
            return chain
        issuer = next((c for c in certificates if c.subject == current.issuer and c is not current), None)
        if issuer is None or issuer in chain:
            return chain
        try:
            current.verify_directly_issued_by(issuer)
        except (ValueError, TypeError, InvalidSignature) as exc:
            raise SignatureInvalid("a certificate in the signature was not issued by its issuer") from exc
        chain.append(issuer)
        current = issuer
    return chain


def _certificates(signed: asn1_cms.SignedData) -> list[x509.Certificate]:
    found = []
    for choice in signed["certificates"] or []:
        if choice.name != "certificate":
            continue
        if choice.chosen["tbs_certificate"]["serial_number"].native <= 0:
            raise SignatureInvalid("a certificate in the signature has an invalid serial number")
        if choice.chosen["signature_value"].contents[:1] != b"\x00":
            # The only byte of a certificate its own signature does not cover.
            raise SignatureInvalid("a certificate's signature field is malformed")
        found.append(der_certificate(choice.chosen.dump()))
    if not found:
        raise SignatureInvalid("the signature carries no certificate")
    return found


def _signer_certificate(
    signer: asn1_cms.SignerInfo, certificates: list[x509.Certificate]
) -> x509.Certificate:
    sid = signer["sid"]
    for certificate in certificates:
        if sid.name == "issuer_and_serial_number":
            issuer = sid.chosen["issuer"].dump()
            serial = sid.chosen["serial_number"].native
            if (
                certificate.serial_number == serial
                and certificate.issuer.public_bytes() == issuer
            ):
                return certificate
        elif sid.name == "subject_key_identifier":
            try:
                ski = certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
            except x509.ExtensionNotFound:
                continue
            if ski.value.digest == sid.chosen.native:
                return certificate
    raise SignatureInvalid("the signer's certificate is not in the signature")


def _signed_bytes(
    signer: asn1_cms.SignerInfo, content: bytes, content_type: str = "data"
) -> tuple[bytes, object, datetime.datetime | None]:
    """What the signature covers (the signed attributes as a SET, or else the content itself),
    the content digest those attributes claim, and the signer's claimed signing time."""
    attributes = signer["signed_attrs"]
    if not attributes.contents and attributes.native is None:
        return content, None, None
    values: dict[str, list[object]] = {}
    for attribute in attributes:
        values.setdefault(attribute["type"].native, []).extend(attribute["values"].native)
    if values.get("content_type") != [content_type]:
        raise SignatureInvalid(f"the signed content-type attribute is missing or not '{content_type}'")
    digests = values.get("message_digest")
    if not digests or len(digests) != 1:
        raise SignatureInvalid("the signed message-digest attribute is missing")
    times = values.get("signing_time") or []
    signed_at = times[0] if len(times) == 1 and isinstance(times[0], datetime.datetime) else None
    encoded = attributes.dump()
    return b"\x31" + encoded[1:], digests[0], signed_at  # [0] IMPLICIT → SET OF (RFC 5652 § 5.4)


def _check_signature(
    signer: asn1_cms.SignerInfo, certificate: x509.Certificate, data: bytes, digest_name: str
) -> None:
    algorithm = signer["signature_algorithm"]
    name = algorithm["algorithm"].native
    value = signer["signature"].native
    chosen = _HASHES[digest_name]()
    public_key = certificate.public_key()
    try:
        if isinstance(public_key, ec.EllipticCurvePublicKey):
            if not (name == "ecdsa" or name.endswith("_ecdsa")):
                raise SignatureInvalid(f"signature algorithm {name} does not fit an EC key")
            if name != "ecdsa" and name != f"{digest_name}_ecdsa":
                raise SignatureInvalid("signature and digest algorithms disagree")
            public_key.verify(value, data, ec.ECDSA(chosen))
        elif isinstance(public_key, rsa.RSAPublicKey):
            if name == "rsassa_pss":
                params = algorithm["parameters"]
                public_key.verify(
                    value,
                    data,
                    padding.PSS(padding.MGF1(chosen), params["salt_length"].native),
                    chosen,
                )
            elif name in ("rsassa_pkcs1v15", f"{digest_name}_rsa"):
                public_key.verify(value, data, padding.PKCS1v15(), chosen)
            else:
                raise SignatureInvalid(f"signature algorithm {name} does not fit an RSA key")
        else:
            raise SignatureInvalid("the signer's key type is not supported")
    except InvalidSignature as exc:
        raise SignatureInvalid(
            "the signature does not match the signed data and the signer's key"
        ) from exc
