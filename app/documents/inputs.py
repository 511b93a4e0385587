"""What the documents layer is given: plain values built by the orchestration from the case file.

Nothing here reads the store; the caller takes a snapshot and hands it over,
so rendering can run on a worker thread or in a batch job.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from app.core.model import CaseInfo, Counsel, Domain, Item, ParagraphEdit, Party, Registry, SupportLink


@dataclass(frozen=True)
class ExhibitEntry:
    """One exhibit as counsel numbered it: the evidence item and how the declaration describes it."""

    number: int
    item: Item
    description: str  # "a screenshot of the web page at http://example.com/ captured on ..."
    removed: tuple[str, ...] = ()  # what confirmed Rule 5.2 redactions took out ("the recipient's e-mail address")


@dataclass(frozen=True)
class DeclarationInput:
    """Everything the declaration and its appendices say."""

    case: CaseInfo
    exhibits: Sequence[ExhibitEntry]
    domains: Sequence[Domain]
    registries: Mapping[str, Registry]
    signer_fingerprint: str | None  # SHA-256 of the bundle signer's certificate
    tool_name: str
    tool_version: str
    bates: Mapping[int, tuple[str, str]] = field(default_factory=dict)
    """Exhibit number -> (first, last) Bates number, when the exhibits were rendered."""
    parts: Mapping[int, int] = field(default_factory=dict)
    """Exhibit number -> how many files it was split into (over the court's size limit)."""
    hashes_verified: bool = False
    """Whether every exhibit's original was re-hashed and matched just before rendering."""
    paragraphs: Sequence[ParagraphEdit] = ()
    """Counsel's edits to the drafted declaration paragraphs, in the order counsel set."""
    electronic_appendix: ElectronicAppendix | None = None
    """The appendices as a CSV list, filed beside them when the list is long; its hash is printed."""
    parties: Sequence[Party] = ()
    """Plaintiffs and defendants in caption order (the caption, the declaration and the order name them; what
    the evidence shows of each, such as e-mail addresses for service)."""
    counsel: Counsel | None = None
    """Who signs the letters and the motion papers for the plaintiff."""
    support: Sequence[SupportLink] = ()
    """Which exhibits show that each listed domain belongs in the order (derived, with the user's decisions)."""
    redactions: Sequence[tuple[str, str]] = ()
    """Rule 5.2: every (text, replacement) counsel confirmed, removed from every document and exhibit."""
    draft: bool = False
    """A draft: every page says DRAFT, and the pre-filing review's blocking problems do not stop it."""
    confirmed: Mapping[str, str] = field(default_factory=dict)
    """Paragraph key -> SHA-256 of the words the declarant confirmed (paragraphs no exhibit shows)."""


@dataclass(frozen=True)
class ElectronicAppendix:
    """The appendices' domains as a CSV file: its name in the filing, bytes, SHA-256 and row count."""

    file_name: str
    data: bytes = field(repr=False)
    sha256: str
    rows: int
