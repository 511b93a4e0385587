"""The result of verifying a bundle: every problem, who signed, and what was counted.

A report is never a bare yes/no: each problem names the file concerned
(relative to the bag) and says in plain words what is wrong, so the CLI,
the GUI and a PDF report can all show the same reasons.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a bundle."""

    code: str  # stable, for scripts: "changed-file", "missing-file", "signature-invalid", ...
    path: str  # the file concerned, relative to the bag ("" for the bundle as a whole)
    message: str  # plain language, without the path
    expected: str | None = None
    found: str | None = None

    def __str__(self) -> str:
        text = self.message
        details = [
            part
            for part in (
                f"expected {self.expected}" if self.expected is not None else "",
                f"found {self.found}" if self.found is not None else "",
            )
            if part
        ]
        if details:
            text = f"{text} ({', '.join(details)})"
        if not self.path:
            return text
        shown = "".join(ch if ch.isprintable() else f"%{ord(ch):02X}" for ch in self.path)
        return f"{shown}: {text}"

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
    trusted: bool  # the fingerprint is one the caller trusts
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

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path, "valid": self.valid, "time": self.time, "authority": self.authority,
            "authority_fingerprint": self.authority_fingerprint, "trusted": self.trusted,
        }


@dataclass
class VerificationReport:
    """Everything verification found; ``ok`` only when there is no problem at all."""

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

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(
        self, code: str, path: str, message: str, *, expected: str | None = None, found: str | None = None
    ) -> None:
        """Record a problem, once (the same code for the same file is reported one time)."""
        if any(p.code == code and p.path == path and p.message == message for p in self.problems):
            return
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
            "source": self.source,
            "bag_name": self.bag_name,
            "signer": self.signer.to_json() if self.signer else None,
            "signer_trust": self.signer_trust,
            "trust_checked": self.trust_checked,
            "timestamps": [t.to_json() for t in self.timestamps],
            "payload_files": self.payload_files,
            "payload_bytes": self.payload_bytes,
            "manifest_entries": self.manifest_entries,
            "tag_files": self.tag_files,
            "custody_entries": self.custody_entries,
            "problems": [p.to_json() for p in self.problems],
            "notes": list(self.notes),
        }

    def trust_text(self) -> str:
        """Whether this machine trusts the signer, in one plain sentence."""
        if self.signer is None:
            return "UNKNOWN: the bundle names no readable signer."
        if self.signer.trusted:
            why = f" ({self.signer.trusted_as})" if self.signer.trusted_as else ""
            return f"TRUSTED on this machine{why}."
        if not self.trust_checked:
            return ("NOT CHECKED: no trusted identities were given; compare the fingerprint "
                    "with the one in the sworn declaration.")
        return ("UNTRUSTED: not one of your identities or trusted certificates; compare the "
                "fingerprint with the one in the sworn declaration before relying on it.")

    @staticmethod
    def timestamp_text(stamp: TimestampSummary) -> str:
        if not stamp.valid:
            return f"{stamp.path}: NOT VALID (see problems)"
        trust = "trusted authority" if stamp.trusted else "authority NOT trusted on this machine"
        return f"{stamp.time} by {stamp.authority} ({trust})"

    def to_text(self) -> str:
        """The human report: verdict, signer, counts, then one line per problem naming its file."""
        lines = [f"Bundle: {self.source} (bag {self.bag_name})"]
        if self.ok:
            lines.append("Result: VALID. Every file matches its hashes and the signature is good.")
        else:
            count = len(self.problems)
            lines.append(f"Result: NOT VALID. {count} problem{'s' if count != 1 else ''} found.")
        if self.signer is not None:
            lines.append(f"Signed by: {self.signer.subject}")
            lines.append(f"  Certificate fingerprint (SHA-256): {self.signer.fingerprint}")
            if self.signer.signed_at:
                lines.append(f"  Signed at (signer's clock): {self.signer.signed_at}")
            lines.append(f"  Signer: {self.trust_text()}")
        else:
            lines.append("Signed by: UNKNOWN (no readable signer certificate)")
        if self.timestamps:
            for stamp in self.timestamps:
                lines.append(f"Timestamp: {self.timestamp_text(stamp)}")
        else:
            lines.append("Timestamp: none (the time of signing rests on the signer's own clock)")
        lines.append(
            f"Evidence files: {self.payload_files} ({self.payload_bytes} bytes); "
            f"tag files: {self.tag_files}"
        )
        if self.problems:
            lines.append("Problems:")
            lines.extend(f"  {problem}" for problem in self.problems)
        if self.notes:
            lines.append("Notes:")
            lines.extend(f"  {note}" for note in self.notes)
        return "\n".join(lines) + "\n"
