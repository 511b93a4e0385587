"""Bundles: signing identities, the signed BagIt bag in a zip, and its verification.

Qt-free: the CLI, the GUI's background operations and tests call the same
functions. Other layers import from here, not from the modules inside.

The names below load their module on first use (PEP 562), so that importing
one of them (``verify_bundle``) does not also load the writer, the identity
store and the timestamp client: ``evbundle verify`` starts without them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .bag import BuiltBundle, PayloadFile, build_bundle
    from .identity import (
        IdentityInfo,
        SigningIdentity,
        create_identity,
        fingerprint_of,
        import_pkcs12,
        list_identities,
        load_identity,
    )
    from .names import portable_name
    from .report import Problem, SignerSummary, VerificationReport
    from .safezip import ReadLimits
    from .verify import verify_bundle

_HOME = {
    "BuiltBundle": "bag", "PayloadFile": "bag", "build_bundle": "bag",
    "IdentityInfo": "identity", "SigningIdentity": "identity", "create_identity": "identity",
    "fingerprint_of": "identity", "import_pkcs12": "identity", "list_identities": "identity",
    "load_identity": "identity",
    "portable_name": "names",
    "Problem": "report", "SignerSummary": "report", "VerificationReport": "report",
    "ReadLimits": "safezip",
    "verify_bundle": "verify",
}

__all__ = [
    "BuiltBundle",
    "IdentityInfo",
    "PayloadFile",
    "Problem",
    "ReadLimits",
    "SignerSummary",
    "SigningIdentity",
    "VerificationReport",
    "build_bundle",
    "create_identity",
    "fingerprint_of",
    "import_pkcs12",
    "list_identities",
    "load_identity",
    "portable_name",
    "verify_bundle",
]


def __getattr__(name: str) -> Any:
    """Load the module that defines ``name`` when it is first asked for."""
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # once loaded, a plain attribute
    return value
