"""The investigator's signing identity, created on first use."""

from __future__ import annotations

from pathlib import Path

from app.bundle.identity import (
    SigningIdentity,
    create_identity,
    list_identities,
    load_identity,
)


def has_identity(directory: Path | None = None) -> bool:
    return bool(list_identities(directory))


def signing_identity(
    passphrase: str,
    *,
    name: str,
    organisation: str,
    label: str = "",
    directory: Path | None = None,
) -> SigningIdentity:
    """Load the user's identity, or create a self-signed one when there is none yet.

    A wrong passphrase raises IdentityError and changes nothing.
    """
    if has_identity(directory):
        return load_identity(passphrase, directory=directory)
    return create_identity(
        name or "Investigator", organisation or "", passphrase, label=label, directory=directory
    )
