"""The PKCS#12 key file's integrity MAC at full strength.

``cryptography`` encrypts the key and certificate bags with PBKDF2 at the rounds asked for, but keys
the file's HMAC through the PKCS#12 KDF at a fixed 2,048 rounds (OpenSSL's default). Anyone holding
the file can test a passphrase guess against that MAC instead of the bags, so the cheaper of the two
sets the cost of guessing. This module recomputes the MAC (RFC 7292, appendix B, HMAC-SHA256) with
the same rounds as the bags and writes it back; the bags themselves are untouched. Both
``cryptography`` and ``openssl pkcs12`` read the result (tests/bundle/test_key_at_rest.py).
"""

from __future__ import annotations

import hashlib
import hmac

from asn1crypto import pkcs12

_V = 64  # SHA-256's block size in bytes, the KDF's "v"
_MAC_ID = 3  # the KDF's diversifier for MAC keys


def strengthen_mac(blob: bytes, passphrase: str, rounds: int) -> bytes:
    """``blob`` (a PKCS#12 file whose MAC is HMAC-SHA256) with its MAC recomputed at ``rounds``."""
    pfx = pkcs12.Pfx.load(blob)
    content = pfx["auth_safe"]["content"].native  # the authenticated safe's octets, which the MAC covers
    mac_data = pfx["mac_data"]
    if mac_data["mac"]["digest_algorithm"]["algorithm"].native != "sha256":
        raise ValueError("expected an HMAC-SHA256 PKCS#12 MAC")
    salt = mac_data["mac_salt"].native
    key = _pkcs12_kdf(passphrase, salt, rounds, 32)
    digest = hmac.new(key, content, hashlib.sha256).digest()
    rebuilt = pkcs12.Pfx({
        "version": pfx["version"],
        "auth_safe": pfx["auth_safe"],
        "mac_data": pkcs12.MacData({
            "mac": {"digest_algorithm": {"algorithm": "sha256"}, "digest": digest},
            "mac_salt": salt,
            "iterations": rounds,
        }),
    })
    return bytes(rebuilt.dump(force=True))


def _pkcs12_kdf(passphrase: str, salt: bytes, rounds: int, size: int) -> bytes:
    """RFC 7292 B.2 for one SHA-256 block (``size`` at most 32): the MAC key."""
    assert size <= hashlib.sha256().digest_size
    password = passphrase.encode("utf-16-be") + b"\x00\x00"  # a BMPString with its terminating NUL
    diversifier = bytes([_MAC_ID]) * _V
    block = _fill(salt) + _fill(password)
    sha256 = hashlib.sha256  # 600,000 rounds in Python: about 0.25 s, once per identity created
    value = sha256(diversifier + block).digest()
    for _ in range(rounds - 1):
        value = sha256(value).digest()
    return value[:size]


def _fill(data: bytes) -> bytes:
    """``data`` repeated to a whole number of 64-byte blocks (nothing when empty)."""
    if not data:
        return b""
    length = _V * ((len(data) + _V - 1) // _V)
    return (data * (length // len(data) + 1))[:length]
