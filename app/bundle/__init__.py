"""Bundles: signing identities, the signed BagIt bag in a zip, and its verification.

Qt-free: the CLI, the GUI's background operations and tests call the same
functions. Other layers import from here, not from the modules inside.
"""

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
