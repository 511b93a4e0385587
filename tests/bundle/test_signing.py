"""Detached CMS signatures: ours verify, and no altered byte of a signature passes."""

from __future__ import annotations

import pytest

from app.bundle import SigningIdentity, create_identity
from app.bundle.signing import ContentChanged, SignatureInvalid, sign_detached, verify_detached

CONTENT = b"0123abcd  bagit.txt\n" * 8


def test_sign_and_verify(signer: SigningIdentity) -> None:
    signature = sign_detached(CONTENT, signer)
    facts = verify_detached(signature, CONTENT)
    assert facts.certificate == signer.certificate
    assert facts.chain_complete
    assert facts.signed_at is not None


def test_changed_content_is_blamed_on_the_content(signer: SigningIdentity) -> None:
    signature = sign_detached(CONTENT, signer)
    with pytest.raises(ContentChanged):
        verify_detached(signature, CONTENT + b"\n")


def test_every_altered_byte_of_the_signature_is_caught(signer: SigningIdentity) -> None:
    signature = sign_detached(CONTENT, signer)
    missed = []
    for index in range(len(signature)):
        for mask in (0x01, 0x80):
            altered = bytearray(signature)
            altered[index] ^= mask
            try:
                verify_detached(bytes(altered), CONTENT)
            except ContentChanged:
                missed.append((index, mask, "blamed the content"))
            except SignatureInvalid:
                continue
            else:
                missed.append((index, mask, "accepted"))
    assert missed == []


def test_another_signers_signature_with_swapped_certificate_fails(signer: SigningIdentity, tmp_path) -> None:
    other = create_identity("Mallory", "Elsewhere", "pw", directory=tmp_path)
    signature = sign_detached(CONTENT, other)
    # Splice our certificate into Mallory's signature: the key no longer fits.
    from cryptography.hazmat.primitives.serialization import Encoding

    spliced = signature.replace(other.certificate.public_bytes(Encoding.DER), signer.certificate.public_bytes(Encoding.DER))
    with pytest.raises(SignatureInvalid):
        verify_detached(spliced, CONTENT)


def test_rsa_identity_signs(tmp_path) -> None:
    identity = create_identity("Rita Rsa", "Org", "pw", directory=tmp_path, algorithm="rsa-3072")
    assert verify_detached(sign_detached(CONTENT, identity), CONTENT).certificate == identity.certificate


def test_garbage_is_invalid_not_a_crash() -> None:
    for data in (b"", b"\x30\x00", b"not der at all", b"\x30\x82\xff\xff"):
        with pytest.raises(SignatureInvalid):
            verify_detached(data, CONTENT)
