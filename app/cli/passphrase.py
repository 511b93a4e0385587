"""The signing passphrase at a terminal: from a file, the environment, or a prompt that does not echo."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from app.core.errors import IdentityError


def read_passphrase(path: Path | None, *, confirm: bool) -> str:
    """From --passphrase-file, EVBUNDLE_PASSPHRASE, or a prompt; never echoed, logged or stored.
    ``confirm`` (a new identity's passphrase) asks twice and wants at least 8 characters."""
    if path is not None:
        text = path.read_text(encoding="utf-8").rstrip("\r\n")
        if not text:
            raise IdentityError("the passphrase file is empty", path=path)
        return text
    env = os.environ.get("EVBUNDLE_PASSPHRASE")
    if env:
        return env
    if not sys.stdin.isatty():
        raise IdentityError(
            "a signing passphrase is needed: use --passphrase-file or set EVBUNDLE_PASSPHRASE"
        )
    first = getpass.getpass("Signing passphrase: ")
    if confirm:
        if getpass.getpass("Repeat the passphrase: ") != first:
            raise IdentityError("the two passphrases differ; no identity was created")
        if len(first) < 8:
            raise IdentityError("choose a passphrase of at least 8 characters")
    return first


def read_p12_passphrase(path: Path | None) -> str:
    """The passphrase of a PKCS#12 file being imported: from a file or a prompt."""
    if path is None and not sys.stdin.isatty():
        raise IdentityError("give the .p12 file's passphrase with --p12-passphrase-file")
    if path is not None:
        return path.read_text("utf-8").rstrip("\r\n")
    return getpass.getpass("Passphrase of the .p12 file: ")
