"""The certificate chain a site presented, as PEM and as the facts a face page prints.

Chromium hands the chain over as DER (DevTools ``Network.getCertificate``);
the fingerprint is SHA-256 of the leaf's DER, written as ``openssl x509
-fingerprint -sha256`` prints it, so that anyone can compare it with the PEM
file in the bundle. An unreadable certificate is kept as bytes and said to be
unreadable: it is evidence as it came.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from cryptography import x509


def fingerprint(der: bytes) -> str:
    """SHA-256 of DER bytes as ``AB:CD:…``."""
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


def pem_chain(der_chain: list[bytes]) -> bytes:
    """The chain as concatenated PEM blocks, leaf first (what ``openssl x509`` reads)."""
    blocks = []
    for der in der_chain:
        body = base64.encodebytes(der).decode("ascii").replace("\n", "")
        lines = [body[i:i + 64] for i in range(0, len(body), 64)]
        blocks.append("-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n")
    return "".join(blocks).encode("ascii")


def _name(name: x509.Name) -> str:
    return ", ".join(f"{a.rfc4514_attribute_name}={a.value if isinstance(a.value, str) else a.value.hex()}"
                     for a in name)


def describe(der: bytes) -> dict[str, Any]:
    """Subject, issuer, validity, names and fingerprint of one DER certificate."""
    facts: dict[str, Any] = {"sha256_fingerprint": fingerprint(der)}
    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError as exc:
        facts["error"] = f"the certificate could not be read ({exc})"
        return facts
    try:
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        san = [str(v) for v in names.get_values_for_type(x509.DNSName)]
        san += [str(v) for v in names.get_values_for_type(x509.IPAddress)]
    except (x509.ExtensionNotFound, ValueError):
        san = []
    facts.update(
        subject=_name(cert.subject), issuer=_name(cert.issuer), serial_number=format(cert.serial_number, "X"),
        not_valid_before=cert.not_valid_before_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        not_valid_after=cert.not_valid_after_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        subject_alternative_names=san, self_signed=cert.subject == cert.issuer,
        public_key=_key(cert),
    )
    return facts


def _key(cert: x509.Certificate) -> str:
    try:
        key = cert.public_key()
    except ValueError:
        return "unreadable"
    size = getattr(key, "key_size", None)
    name = type(key).__name__.replace("_", "").replace("PublicKey", "")
    return f"{name}-{size}" if size else type(key).__name__
