"""Archive timestamps: renewing a bundle's proof of existence before its timestamp weakens.

A timestamp proves its data existed at its time only while its authority's
certificate and algorithms can be trusted. RFC 4998 (Evidence Record Syntax)
and PAdES B-LTA extend that proof before it lapses: a new timestamp is taken
over everything the old proof rests on (the data, the old token and the
validation data that shows the old token was sound), while the old one is
still good. Then the old token need only have been good at the new token's
time, which the new token proves, and so on down the chain.

Our form of it, in the spirit of RFC 4998 rather than its ASN.1: renewal
number N writes ``signature/archive-NN.sha512``, a ``sha512sum`` listing of
every file of the bag outside ``data/`` as it stands (tag files, the
signature, the signer's certificate, every earlier token, every earlier
archive listing and all validation data; the evidence in ``data/`` is
reached through ``manifest-sha512.txt``, which the listing covers), then
timestamps that listing (``signature/archive-NN.sha512.tsr``) and stores the
new authority's validation data beside it. SHA-512 everywhere keeps the
proof independent of SHA-256, on which the signature and the first
timestamp rest (RFC 4998's hash-tree renewal, without re-reading the
evidence as long as SHA-512 holds). Nothing that was in the bag changes:
renewal only adds files to ``signature/``. A reader checks a listing with
``sha512sum -c signature/archive-01.sha512`` in the bag folder.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .instructions import CERTIFICATE_FILE, SIGNATURE_FILE, SIGNER_BASE, TIMESTAMP_FILE
from .validation import CHAIN_SUFFIX, REVOCATION_FILE

ARCHIVE_FILE = re.compile(r"signature/archive-(?P<n>[0-9]{2,4})\.sha512")
MAX_ARCHIVES = 99  # renewals a bundle can hold (two digits; one every few years is centuries of them)
# How long before the last timestamp's authority certificate expires a bundle should be renewed,
# and the algorithms that no longer protect anything. The README says the same.
RENEW_BEFORE = datetime.timedelta(days=180)
WEAK_HASHES = frozenset({"md5", "sha1", "sha224"})
MIN_RSA_BITS = 2048
MIN_EC_BITS = 256
_LINE = re.compile(r"(?P<digest>[0-9a-f]{128})  (?P<name>[^\n]+)")


def archive_name(number: int) -> str:
    return f"signature/archive-{number:02d}.sha512"


def archive_number(name: str) -> int | None:
    match = ARCHIVE_FILE.fullmatch(name)
    return int(match["n"]) if match else None


def archive_listing(digests: Iterable[tuple[str, str]]) -> bytes:
    """The listing text: ``sha512sum`` lines (hex, two spaces, the path in the bag), sorted by path."""
    return "".join(f"{digest}  {name}\n" for name, digest in sorted(digests)).encode("utf-8")


def parse_listing(data: bytes) -> tuple[dict[str, str], list[str]]:
    """The (path → SHA-512 hex) a listing holds, and what is wrong with its lines."""
    entries: dict[str, str] = {}
    errors: list[str] = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return {}, ["is not UTF-8 text"]
    for number, line in enumerate(text.split("\n")[:-1] if text.endswith("\n") else text.split("\n"), start=1):
        match = _LINE.fullmatch(line)
        if match is None:
            errors.append(f"line {number} is not a SHA-512 line (hash, two spaces, file name)")
        elif match["name"] in entries:
            errors.append(f"line {number} lists {match['name']} again")
        else:
            entries[match["name"]] = match["digest"]
    return entries, errors


@dataclass(frozen=True)
class SignatureFolder:
    """The roles of the files in signature/: what each is and which token it belongs to.

    Only the names this format writes have a role: the signature's own token, archive listings numbered
    01, 02, ... without a gap (at most MAX_ARCHIVES) with their tokens, and validation data of a token
    present (or of the signer). Everything else is ``unknown``, or ``misplaced`` with the reason, so that
    verification looks at each file once, in time linear in their number, and reports the rest.
    """

    tokens: tuple[str, ...]  # in chain order: the signature's timestamp, then archive-01.sha512.tsr, ...
    archives: tuple[str, ...]  # archive listings 01, 02, ... in order
    validation: dict[str, str]  # validation file → the base it validates (a token, or signature/signer)
    unknown: tuple[str, ...]  # files this bundle format does not have
    misplaced: tuple[tuple[str, str], ...] = ()  # (file, why): archive files out of their sequence
    by_base: dict[str, tuple[str, ...]] = field(default_factory=dict)  # base → its validation files

    def covered_by(self, token: str) -> str:
        """The file a token timestamps: an archive listing, else the signature file."""
        data = token.removesuffix(".tsr")
        return data if archive_number(data) is not None else SIGNATURE_FILE

    def validation_of(self, base: str) -> tuple[str, ...]:
        """The validation files stored for ``base`` (a token, or signature/signer), sorted."""
        return self.by_base.get(base, ())


def signature_folder(names: Iterable[str]) -> SignatureFolder:
    """Sort the names under signature/ into their roles (see :class:`SignatureFolder`)."""
    present = sorted(n for n in names if n.startswith("signature/"))
    numbered = {number: n for n in present if (number := archive_number(n)) is not None and n == archive_name(number)}
    archives: list[str] = []
    misplaced: list[tuple[str, str]] = []
    for number in sorted(numbered):
        if number == len(archives) + 1 and number <= MAX_ARCHIVES:
            archives.append(numbered[number])
        elif number > MAX_ARCHIVES:
            misplaced.append((numbered[number],
                              f"is beyond the {MAX_ARCHIVES} renewals a bundle can hold: not checked"))
        else:
            misplaced.append((numbered[number], f"follows a gap in the numbering ({archive_name(len(archives) + 1)} "
                              "is missing): archive listings are numbered 01, 02, ... in turn; not checked"))
    tokens = [TIMESTAMP_FILE] if TIMESTAMP_FILE in present else []
    for listing in archives:
        if listing + ".tsr" in present:
            tokens.append(listing + ".tsr")
    listed = set(archives) | {n for n, _ in misplaced}
    for name in present:
        number = archive_number(name.removesuffix(".tsr"))
        if name.endswith(".tsr") and name not in tokens and number is not None:
            if name.removesuffix(".tsr") in listed:
                misplaced.append((name, "timestamps an archive listing that is out of its sequence: not checked"))
            else:
                misplaced.append((name, f"timestamps {name.removesuffix('.tsr')}, which is not in the bundle"))
    bases = {*tokens, SIGNER_BASE}
    skipped = {SIGNATURE_FILE, CERTIFICATE_FILE, *tokens, *listed, *(n for n, _ in misplaced)}
    validation: dict[str, str] = {}
    by_base: dict[str, list[str]] = {}
    unknown: list[str] = []
    for name in present:
        if name in skipped:
            continue
        base = name.removesuffix(CHAIN_SUFFIX) if name.endswith(CHAIN_SUFFIX) else None
        match = REVOCATION_FILE.fullmatch(name)
        if match is not None:
            base = match["base"]
        if base in bases:
            validation[name] = base
            by_base.setdefault(base, []).append(name)
        else:
            unknown.append(name)
    return SignatureFolder(tuple(tokens), tuple(archives), validation, tuple(unknown), tuple(misplaced),
                           {base: tuple(files) for base, files in by_base.items()})


def weak_algorithm(hash_algorithm: str, key_text: str) -> str | None:
    """Why an algorithm no longer protects a timestamp, or None. ``key_text``: e.g. "EC secp256r1 (256-bit)"."""
    if hash_algorithm.lower() in WEAK_HASHES:
        return f"its hash algorithm {hash_algorithm.upper()} is weak"
    bits = re.search(r"\((\d+)-bit\)", key_text)
    if bits:
        size = int(bits[1])
        if key_text.startswith("RSA") and size < MIN_RSA_BITS:
            return f"its authority's {size}-bit RSA key is weak"
        if key_text.startswith("EC") and size < MIN_EC_BITS:
            return f"its authority's {size}-bit EC key is weak"
    return None


def renewal_due(not_after: datetime.datetime, hash_algorithm: str, key_text: str,
                now: datetime.datetime) -> str | None:
    """Why a bundle whose last timestamp has these facts should be renewed now, or None.

    The rule: renew when the last timestamp's authority certificate expires within
    RENEW_BEFORE (180 days) or has expired, or when its algorithms are on the weak list.
    """
    weak = weak_algorithm(hash_algorithm, key_text)
    if weak:
        return f"the last timestamp is no longer strong: {weak}"
    if not_after <= now:
        return f"the last timestamp's authority certificate expired on {not_after:%Y-%m-%d}"
    if not_after - now <= RENEW_BEFORE:
        return f"the last timestamp's authority certificate expires on {not_after:%Y-%m-%d}"
    return None
