"""What an operation changed, so that each front end redraws or prints only that.

Anki's ``OpChanges``: every operation that changes the case (or the user's
identities and settings) returns its result with a :class:`Changes`; the
GUI turns it into change notifications in one place, and nothing emits
"refresh" signals by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Changes:
    """Which parts of the case, or of this user's things, an operation changed."""

    case: bool = False  # case details: title, number, parties, declarant, court, Bates, signer…
    items: bool = False  # evidence items added, or their metadata edited
    exhibits: bool = False  # exhibit numbers or descriptions
    domains: bool = False  # domains added, or moved to another registry
    registries: bool = False  # a registry's name or address corrected for this case
    paragraphs: bool = False  # counsel's edits to the declaration
    redactions: bool = False  # Rule 5.2 decisions
    custody: bool = False  # the custody log grew (it does with every change to the case)
    identities: bool = False  # signing identities or trusted certificates on this machine
    settings: bool = False  # the user's settings

    def __or__(self, other: Changes) -> Changes:
        return Changes(**{f.name: getattr(self, f.name) or getattr(other, f.name) for f in fields(self)})

    @property
    def any(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    @classmethod
    def to_case(cls, **parts: bool) -> Changes:
        """A change to the case: the named parts, and the custody entry that records it."""
        return cls(custody=True, **parts)


LOGGED = Changes(custody=True)  # an output written (bundle, documents, package): only its custody entry is new
