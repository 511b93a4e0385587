"""The result of verifying a bundle: the verdict, every problem, who signed, and what was counted.

A report is never a bare yes/no: each problem names the file concerned
(relative to the bag) and says in plain words what is wrong, so the CLI,
the GUI and a PDF report can all show the same reasons.

There are three verdicts, and a person must never mistake one for another:

- VALID: every file matches, the signature is good, and the signer is one this
  machine trusts or the one the reader named (``--trust FINGERPRINT``);
- INTACT, UNKNOWN SIGNER: every file matches and the signature is good, but
  nothing here says who holds the key. A forgery re-signed with the forger's
  own key looks exactly like this, so it never gets the VALID verdict, exit
  code or colour;
- NOT VALID: at least one problem.

Everything in a report that came from the bundle (names, certificate
subjects, recorded values) may be hostile: :func:`shown` makes control,
format and direction-changing characters visible before any of it is printed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

VALID, UNKNOWN_SIGNER, NOT_VALID = "valid", "unknown-signer", "not-valid"
# Exit codes of `evbundle verify`; 2 (could not check at all) comes from the CLI's error path.
EXIT_CODES = {VALID: 0, NOT_VALID: 1, UNKNOWN_SIGNER: 3}
# Problems kept one by one (as many as a bundle may have entries); beyond that only counted, so that
# no bundle can make verification's memory grow without bound.
MAX_PROBLEMS = 200_000

# Blank fillers that Unicode counts as printable letters.
_FILLERS = frozenset({0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x2800, 0x3164, 0xFFA0})


def shown(text: str, left: str = "\u27e6", right: str = "\u27e7") -> str:
    """``text`` safe to print on one line: every control, format (bidi, zero-width), separator,
    surrogate or unassigned character becomes a visible marker such as ``⟦U+202E⟧``."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(
        ch if ch.isprintable() and ord(ch) not in _FILLERS else f"{left}U+{ord(ch):04X}{right}" for ch in text
    )


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a bundle."""

    code: str  # stable, for scripts: "changed-file", "missing-file", "signature-invalid", ...
    path: str  # the file concerned, relative to the bag ("" for the bundle as a whole)
    message: str  # plain language, without the path
    expected: str | None = None
    found: str | None = None

    def __str__(self) -> str:
        text = shown(self.message)
        details = [
            part
            for part in (
                f"expected {shown(self.expected)}" if self.expected is not None else "",
                f"found {shown(self.found)}" if self.found is not None else "",
            )
            if part
        ]
        if details:
            text = f"{text} ({', '.join(details)})"
        if not self.path:
            return text
        return f"{shown(self.path)}: {text}"

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "path": self.path,
            "message": self.message,
            "expected": self.expected,
            "found": self.found,
        }


@dataclass(frozen=True)
class SignerSummary:
    """Who the certificate in the bundle names, and whether this machine trusts it."""

    subject: str
    fingerprint: str
    trusted: bool  # trusted here, or the fingerprint the reader named
    signature_valid: bool
    signed_at: str | None = None  # the signer's own clock (not a trusted timestamp)
    not_valid_after: str | None = None
    trusted_as: str | None = None  # why it is trusted: "your signing identity 'DEMO'", "trusted certificate CN=..."

    def to_json(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "fingerprint": self.fingerprint,
            "trusted": self.trusted,
            "signature_valid": self.signature_valid,
            "signed_at": self.signed_at,
            "not_valid_after": self.not_valid_after,
            "trusted_as": self.trusted_as,
        }


@dataclass(frozen=True)
class TimestampSummary:
    """One RFC 3161 timestamp of the signature: when, which authority, and whether it holds."""

    path: str  # signature/....tsr
    valid: bool  # sound and over this bundle's signature
    time: str | None = None  # UTC ISO 8601, from the timestamp authority's clock
    authority: str | None = None  # the TSA certificate's subject
    authority_fingerprint: str | None = None
    trusted: bool = False  # the TSA is trusted on this machine
    role: str = "signature timestamp"  # or "archive timestamp N" (a renewal, see archive.py)
    covers: str = ""  # the file it timestamps
    authority_not_valid_after: str | None = None  # when the TSA's certificate expires (UTC ISO 8601)
    long_term: bool = False  # stored validation data shows the TSA's chain was good at the token's time
    chain: tuple[str, ...] = ()  # each certificate of the TSA's chain and its status at the token's time

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path, "valid": self.valid, "time": self.time, "authority": self.authority,
            "authority_fingerprint": self.authority_fingerprint, "trusted": self.trusted, "role": self.role,
            "covers": self.covers, "authority_not_valid_after": self.authority_not_valid_after,
            "long_term": self.long_term, "chain": list(self.chain),
        }


@dataclass
class VerificationReport:
    """Everything verification found; ``ok`` only for the VALID verdict."""

    source: str  # the zip or folder verified
    bag_name: str
    problems: list[Problem] = field(default_factory=list)
    signer: SignerSummary | None = None
    payload_files: int = 0  # found in data/
    payload_bytes: int = 0
    manifest_entries: int = 0  # listed in manifest-sha256.txt
    tag_files: int = 0  # found outside data/ and signature/
    custody_entries: int = 0  # entries in custody.jsonl
    trust_checked: bool = False  # the caller named trusted fingerprints
    notes: list[str] = field(default_factory=list)  # facts that are not problems
    timestamps: list[TimestampSummary] = field(default_factory=list)
    expected_signers: tuple[str, ...] = ()  # fingerprints the reader named (--trust)
    renewal: str | None = None  # why the bundle should be renewed now (evbundle renew), if it should
    checked_at: str | None = None  # the clock verification used (UTC ISO 8601)
    problems_omitted: int = 0  # problems beyond MAX_PROBLEMS: counted, not kept
    # The signed bag-info.txt says the signature was timestamped, but by an authority not trusted here (its name):
    # the bundle is intact, but not VALID (exit 3), since anyone can make such a token (verify_stamps.py).
    unvouched_timestamp: str | None = None
    _seen: set[tuple[str, str, str]] = field(default_factory=set, repr=False, compare=False)

    @property
    def intact(self) -> bool:
        """No problem at all: every file matches and the signature is good (whoever made it)."""
        return not self.problems

    @property
    def verdict(self) -> str:
        if self.problems or self.signer is None or not self.signer.signature_valid:
            return NOT_VALID
        return VALID if self.signer.trusted and self.unvouched_timestamp is None else UNKNOWN_SIGNER

    @property
    def ok(self) -> bool:
        """The VALID verdict: intact, and signed by a key trusted here or named by the reader."""
        return self.verdict == VALID

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.verdict]

    def add(
        self, code: str, path: str, message: str, *, expected: str | None = None, found: str | None = None
    ) -> None:
        """Record a problem, once (the same code, file and message are reported one time); past
        MAX_PROBLEMS, only counted."""
        if len(self.problems) >= MAX_PROBLEMS:
            self.problems_omitted += 1
            return
        key = (code, path, message)
        if key in self._seen:
            return
        self._seen.add(key)
        self.problems.append(Problem(code, path, message, expected, found))

    @property
    def signer_trust(self) -> str:
        """"trusted" (known on this machine), "untrusted" (a signer, but not known here) or "unknown" (no signer)."""
        if self.signer is None:
            return "unknown"
        return "trusted" if self.signer.trusted else "untrusted"

    def problem_paths(self) -> set[str]:
        return {p.path for p in self.problems}

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "verdict": self.verdict,
            "exit_code": self.exit_code,
            "intact": self.intact,
            "source": self.source,
            "bag_name": self.bag_name,
            "signer": self.signer.to_json() if self.signer else None,
            "signer_trust": self.signer_trust,
            "unvouched_timestamp": self.unvouched_timestamp,
            "expected_signers": list(self.expected_signers),
            "trust_checked": self.trust_checked,
            "timestamps": [t.to_json() for t in self.timestamps],
            "renewal": self.renewal,
            "checked_at": self.checked_at,
            "payload_files": self.payload_files,
            "payload_bytes": self.payload_bytes,
            "manifest_entries": self.manifest_entries,
            "tag_files": self.tag_files,
            "custody_entries": self.custody_entries,
            "problems": [p.to_json() for p in self.problems],
            "problems_omitted": self.problems_omitted,
            "notes": list(self.notes),
        }

    def verdict_text(self) -> str:
        """The verdict in one short line (bundle content escaped): what a person must not misread."""
        verdict = self.verdict
        if verdict == VALID:
            return "VALID"
        if verdict == UNKNOWN_SIGNER:
            assert self.signer is not None
            if self.signer.trusted:
                return "INTACT BUT TIMESTAMPED BY AN AUTHORITY NOT TRUSTED HERE"
            return f"INTACT BUT SIGNED BY AN UNKNOWN KEY (fingerprint {shown(self.signer.fingerprint)})"
        count = len(self.problems) + self.problems_omitted
        if count == 0:
            return "NOT VALID: the bundle has no good signature"
        return f"NOT VALID: {count} problem{'s' if count != 1 else ''} found"

    def verdict_detail(self) -> str:
        """What the verdict means and what to do next, in plain words."""
        verdict = self.verdict
        if verdict == VALID:
            assert self.signer is not None
            return ("Every file matches its hashes, the signature is good, and the signer is trusted "
                    f"({shown(self.signer.trusted_as or 'trusted here')}).")
        if verdict == UNKNOWN_SIGNER and self.signer is not None and self.signer.trusted:
            return ("Every file matches its hashes and the signer is trusted, but the bundle says (in its signed "
                    "bag-info.txt) that the signature was timestamped, and the timestamp's authority "
                    f"({shown(self.unvouched_timestamp or '')}) is not trusted on this machine: anyone can make a "
                    "token in any name and at any time, so a replaced token looks just like this. Trust the "
                    "authority's root for this check (evbundle verify BUNDLE --trust-tsa TSA-ROOT.pem) or on this "
                    "machine (evbundle identity trust TSA-ROOT.pem --for tsa) and verify again.")
        if verdict == UNKNOWN_SIGNER:
            return ("Every file matches its hashes and the signature is good, but nothing on this machine "
                    "says whose key made it: a bundle altered and re-signed with someone else's key looks "
                    "just like this. Compare the fingerprint with the one in the sworn declaration; if they "
                    "are the same, verify again with --trust FINGERPRINT (in the app: trust its certificate "
                    "under Tools, Signing identities).")
        return "Each problem below names the file concerned."

    def trust_text(self) -> str:
        """Whether this machine trusts the signer, in one plain sentence."""
        if self.signer is None:
            return "UNKNOWN: the bundle names no readable signer."
        if not self.signer.signature_valid:
            return ("UNKNOWN: the signature could not be checked, so nothing shows who made it (signer.pem names "
                    "the certificate above, which anyone can copy into a bundle).")
        if any(problem.code == "distrusted-signer" for problem in self.problems):
            return ("NOT TRUSTED: a key you said not to trust on this machine (evbundle identity untrust); it may "
                    "be in other hands, so no certificate authority vouches for it here either.")
        if self.signer.trusted and self.expected_signers:
            return "THE SIGNER YOU NAMED: its fingerprint is the one given with --trust."
        if self.signer.trusted:
            why = f" ({shown(self.signer.trusted_as)})" if self.signer.trusted_as else ""
            return f"TRUSTED on this machine{why}."
        if self.expected_signers:
            return "NOT THE SIGNER YOU NAMED: the fingerprint differs from the one given with --trust."
        if not self.trust_checked:
            return ("UNKNOWN KEY: no trusted identities were given; compare the fingerprint "
                    "with the one in the sworn declaration.")
        return ("UNKNOWN KEY: not one of your identities or trusted certificates; compare the "
                "fingerprint with the one in the sworn declaration before relying on it.")

    @staticmethod
    def timestamp_text(stamp: TimestampSummary) -> str:
        if not stamp.valid:
            return f"{shown(stamp.path)}: NOT VALID (see problems)"
        trust = "trusted authority" if stamp.trusted else "authority NOT trusted on this machine"
        return f"{shown(stamp.time or '')} by {shown(stamp.authority or '')} ({trust})"

    @staticmethod
    def timestamp_detail(stamp: TimestampSummary) -> list[str]:
        """The lines under a timestamp: what it covers, its authority's certificate, the chain's status."""
        if not stamp.valid:
            return []
        lines = [f"{stamp.role.capitalize()} over {shown(stamp.covers)}"]
        if stamp.authority_not_valid_after:
            lines.append(f"Authority certificate valid until {shown(stamp.authority_not_valid_after[:10])}; "
                         + ("stored validation data shows its chain was good at the token's time"
                            if stamp.long_term else "no stored validation data shows its chain was good then"))
        lines.extend(shown(line) for line in stamp.chain)
        return lines

    def to_text(self) -> str:
        """The human report: verdict, signer, counts, then one line per problem naming its file."""
        where = (f"bag folder {shown(self.bag_name)}, a name the signature does not cover; the signed VERIFY.txt "
                 "states it" if self.bag_name else "no bag folder: the bag lies at the top of the zip")
        lines = [f"Bundle: {shown(self.source)} ({where})",
                 f"Result: {self.verdict_text()}.", f"  {self.verdict_detail()}"]
        if self.signer is not None:
            label = "Signed by" if self.signer.signature_valid else "Named in signer.pem (NOT proven by any signature)"
            lines.append(f"{label}: {shown(self.signer.subject)}")
            lines.append(f"  Certificate fingerprint (SHA-256): {shown(self.signer.fingerprint)}")
            if self.signer.signed_at:
                lines.append(f"  Signed at (signer's clock): {shown(self.signer.signed_at)}")
            lines.append(f"  Signer: {self.trust_text()}")
        else:
            lines.append("Signed by: UNKNOWN (no readable signer certificate)")
        if self.timestamps:
            for stamp in self.timestamps:
                lines.append(f"Timestamp: {self.timestamp_text(stamp)}")
                lines.extend(f"  {line}" for line in self.timestamp_detail(stamp))
            if self.renewal:
                lines.append(f"Renewal: {shown(self.renewal)}")
        else:
            lines.append("Timestamp: none (the time of signing rests on the signer's own clock)")
        lines.append(
            f"Evidence files: {self.payload_files} ({self.payload_bytes} bytes); "
            f"tag files: {self.tag_files}"
        )
        if self.problems:
            lines.append("Problems:")
            lines.extend(f"  {problem}" for problem in self.problems)
        if self.problems_omitted:
            lines.append(f"  ... and {self.problems_omitted} more problems, not listed (past {MAX_PROBLEMS:,})")
        if self.notes:
            lines.append("Notes:")
            lines.extend(f"  {shown(note)}" for note in self.notes)
        return "\n".join(lines) + "\n"
