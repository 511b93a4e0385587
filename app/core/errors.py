"""One error hierarchy for everything a user can be told about.

Every error carries structured fields (path, expected, found) and one
user-facing sentence. Front ends turn them into text in exactly one place:
the CLI's single ``except`` and the GUI's plain-text error dialog.
"""

from __future__ import annotations

from pathlib import Path

from app.core.files import write_failure


class EvidenceError(Exception):
    """Base class for errors the user can act on."""

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        expected: str | None = None,
        found: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.expected = expected
        self.found = found

    def diagnostics(self) -> str:
        """One line for the user: the file (if any), then the problem."""
        text = self.message
        if self.expected is not None or self.found is not None:
            parts = []
            if self.expected is not None:
                parts.append(f"expected {self.expected}")
            if self.found is not None:
                parts.append(f"found {self.found}")
            text = f"{text} ({', '.join(parts)})"
        if self.path:
            return f"{self.path}: {text}"
        return text

    def __str__(self) -> str:
        return self.diagnostics()


class CaseFileError(EvidenceError):
    """The case file cannot be opened, is not a case file, or is damaged."""


class ImportRefused(EvidenceError):
    """An input file was refused; nothing of it was stored."""



class InvalidDomain(EvidenceError):
    """Text that is not a valid domain name."""


class ImageRefused(ImportRefused):
    """An image that is corrupt, truncated or too large to decode safely."""


class IdentityError(EvidenceError):
    """Signing identity missing, wrong passphrase, or unusable key."""


class WrongPassphrase(IdentityError):
    """The passphrase does not unlock the signing identity: the user may simply try again."""


class BundleError(EvidenceError):
    """A bundle that cannot be built or read (hostile, truncated, not a bundle)."""


class TemplateError(EvidenceError):
    """A document template failed to render; names the template and line."""


class OperationCancelled(EvidenceError):
    """The user cancelled a long operation; nothing was changed."""

    def __init__(self, message: str = "Cancelled; nothing was changed.") -> None:
        super().__init__(message)


def explain(error: BaseException, *, case_path: str | Path | None = None) -> str | None:
    """What a front end tells the user about ``error``: one line they can act on, or None for a bug.

    The only place where exceptions become words, so that the CLI and the GUI say the same thing.
    Besides the app's own errors, a file the system would not read or write and a case file that
    SQLite could not read or write (a full disk, an I/O error no layer below turned into a
    sentence) are things the user can act on; anything else is a bug, shown with its traceback.
    """
    if isinstance(error, EvidenceError):
        return error.diagnostics()
    if isinstance(error, OSError):
        where = f"{error.filename}: " if error.filename else ""
        return f"{where}{write_failure(error)}"
    import sqlite3  # here, not above: `evbundle verify` starts without it

    if isinstance(error, sqlite3.Error):
        where = f"{case_path}: " if case_path else ""
        if (getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF == sqlite3.SQLITE_READONLY:
            return f"{where}the case file is read-only here ({error}); nothing was changed"
        return f"{where}the case file could not be read or written ({error})"
    return None
