"""Whether a certificate is one the user said never to trust: by its fingerprint, its public key, or its twin.

A fingerprint names one encoding of one certificate, and a leaked key outlives it: a CA renewal that kept the
key gives a new certificate (a new fingerprint) for the same key, and an ECDSA signature (r, s) verifies as
(r, n - s) too, so anyone can re-encode the CA's signature on the leaked certificate and get a "new" one.
So distrust is kept as marks (``distrusted.txt`` in the trust store, trust.py): the fingerprint, and, when
the certificate was known when it was distrusted, ``KEY`` + the SHA-256 of its SubjectPublicKeyInfo. A
certificate is distrusted when its fingerprint, its key, or the fingerprint of its malleated twin is marked
(the last catches the twin of a certificate distrusted by fingerprint alone).
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Collection

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from .identity import fingerprint_of, normalise_fingerprint

KEY_MARK = "KEY"  # a distrust mark for a public key: KEY + 64 hex digits (never a 64-digit fingerprint)

# Orders of the curves an ECDSA signature may be made on (P-256, P-384, P-521, secp256k1): s and n - s both verify.
_CURVE_ORDERS = (
    0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973,
    int("01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFA51868783BF2F966B7FCC0148F709A5D03BB5C9B8"
        "899C47AEBB6FB71E91386409", 16),
    0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141,
)


def key_hash_of(certificate: x509.Certificate) -> str:
    """SHA-256 of the certificate's SubjectPublicKeyInfo, upper-case hex (what
    ``openssl x509 -pubkey -noout | openssl pkey -pubin -outform DER | sha256sum`` prints)."""
    spki = certificate.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(spki).hexdigest().upper()


def key_mark(certificate: x509.Certificate) -> str:
    """The distrust mark for this certificate's public key."""
    return KEY_MARK + key_hash_of(certificate)


def _twin_fingerprints(certificate: x509.Certificate) -> set[str]:
    """Fingerprints of the certificate with its ECDSA signature's s replaced by n - s (every curve it fits)."""
    if not certificate.signature_algorithm_oid.dotted_string.startswith("1.2.840.10045.4"):  # ecdsa-with-*
        return set()
    from asn1crypto import algos, core
    from asn1crypto import x509 as asn1_x509

    parsed = asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER))
    signature = algos.DSASignature.load(parsed["signature_value"].native)
    r, s = signature["r"].native, signature["s"].native
    twins = set()
    for order in _CURVE_ORDERS:
        if 0 < s < order:
            parsed["signature_value"] = core.OctetBitString(algos.DSASignature({"r": r, "s": order - s}).dump())
            twins.add(normalise_fingerprint(hashlib.sha256(parsed.dump(force=True)).hexdigest()))
    return twins


def distrust_marks(certificate: x509.Certificate) -> set[str]:
    """Every mark that, if distrusted, makes this certificate distrusted."""
    marks = {normalise_fingerprint(fingerprint_of(certificate))}
    with contextlib.suppress(Exception):  # a key cryptography cannot load: its fingerprint still counts
        marks.add(key_mark(certificate))
    with contextlib.suppress(Exception):  # a hostile signature encoding: the fingerprint and key still count
        marks |= _twin_fingerprints(certificate)
    return marks


def is_distrusted(certificate: x509.Certificate, distrusted: Collection[str]) -> bool:
    """Whether the user said never to trust this certificate (its fingerprint, its key or its ECDSA twin)."""
    if not distrusted:
        return False
    return not distrust_marks(certificate).isdisjoint(distrusted)
