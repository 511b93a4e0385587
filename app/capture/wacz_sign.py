"""WACZ signatures (Webrecorder's "WACZ Signing and Verification" 0.1.0, anonymous signature), our own code.

The signed data is the text of the ``hash`` field of ``datapackage-digest.json``
(``sha256:<hex>`` of ``datapackage.json``), signed with ECDSA P-256 over SHA-256.
As ArchiveWeb.page writes it (WebCrypto), the signature is the raw ``r || s``
pair (IEEE P1363, 64 bytes) in base64 and the public key is the DER
SubjectPublicKeyInfo in base64. The existing signing packages for WACZ are
GPL-licensed, so this is written here on ``cryptography`` alone.

Only the anonymous form is made: the domain-certificate form needs a TLS
certificate for a domain and a timestamp authority's chain, which an
investigator's laptop does not hold. The public key is that of the
investigator's signing identity, whose certificate fingerprint the sworn
declaration prints.
"""

from __future__ import annotations

import base64
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

CURVE_BYTES = 32  # P-256


class WaczSigningError(ValueError):
    """The key cannot make a WACZ signature (not an EC P-256 key)."""


def anonymous_signature(hash_text: str, private_key: Any, *, created: str, software: str) -> dict[str, str]:
    """The ``signedData`` object for ``hash_text``, signed with an EC P-256 private key."""
    if not isinstance(private_key, ec.EllipticCurvePrivateKey) or private_key.curve.name != "secp256r1":
        raise WaczSigningError("WACZ signatures use ECDSA P-256 keys; this signing identity's key is not one")
    der = private_key.sign(hash_text.encode("utf-8"), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    raw = r.to_bytes(CURVE_BYTES, "big") + s.to_bytes(CURVE_BYTES, "big")
    public = private_key.public_key().public_bytes(serialization.Encoding.DER,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo)
    return {"hash": hash_text, "created": created, "software": software,
            "signature": base64.b64encode(raw).decode("ascii"),
            "publicKey": base64.b64encode(public).decode("ascii")}
