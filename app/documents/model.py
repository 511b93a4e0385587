"""The format-neutral document model: what a legal document says, not how it is drawn.

A template renders into this model; the PDF and DOCX renderers draw it. Keeping
the two apart means one template source gives the same words in both formats,
and a new block type is added once here, then once per renderer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Align = Literal["left", "center", "right", "justify"]


@dataclass(frozen=True)
class Run:
    """A stretch of text with one look. Kept deliberately simple: bold and italic, and ``mark``, the one
    conspicuous marker (bold on yellow in PDF and DOCX) for what a person must still write or confirm
    before filing: a prompt, facts the declarant has not confirmed."""

    text: str
    bold: bool = False
    italic: bool = False
    mark: bool = False


Runs = tuple[Run, ...]


def plain_text(runs: Runs) -> str:
    """The runs' text without formatting (for bookmarks, tests, metadata)."""
    return "".join(run.text for run in runs)


@dataclass(frozen=True)
class CaptionLine:
    """One line of a caption column; ``indent`` is in steps of half an inch."""

    text: str
    indent: int = 0
    bold: bool = False


@dataclass(frozen=True)
class Caption:
    """The case caption: court lines on top, parties left of the ")" column, case number right."""

    court_lines: tuple[str, ...]
    division: str
    parties: tuple[CaptionLine, ...]
    right: tuple[CaptionLine, ...]


@dataclass(frozen=True)
class Title:
    """The document title, bold and centred under the caption."""

    runs: Runs


@dataclass(frozen=True)
class Heading:
    """A section heading; ``label`` is its Roman numeral ("I.") and it is bookmarked."""

    label: str
    text: str


@dataclass(frozen=True)
class NumberedParagraph:
    """A numbered body paragraph; numbers run straight through the whole document."""

    number: int
    runs: Runs


@dataclass(frozen=True)
class Paragraph:
    """An unnumbered paragraph. ``spacing`` "body" follows the court's body spacing, "single" is
    single-spaced with half a line after, "line" single-spaced with nothing after (address lines)."""

    runs: Runs
    align: Align = "justify"
    indent_first: bool = False
    spacing: Literal["body", "single", "line"] = "body"
    keep_with_next: bool = False


@dataclass(frozen=True)
class SignatureBlock:
    """The "/s/" signature and the lines under it, set towards the right."""

    lines: tuple[str, ...]


@dataclass(frozen=True)
class PageBreak:
    """Start a new page."""


@dataclass(frozen=True)
class AppendixTitle:
    """The title of an appendix ("APPENDIX A") and its subtitle; starts a top-level bookmark."""

    label: str
    text: str


@dataclass(frozen=True)
class ListedDomain:
    """One domain as listed in an appendix: its ASCII form and, for IDNs, its Unicode form."""

    ascii: str
    unicode: str = ""


@dataclass(frozen=True)
class RegistryGroup:
    """A group of domains under one heading: a registry (name and postal address) in
    Appendix A, a registrable domain in Appendix B."""

    title: str
    address: tuple[str, ...]
    domains: tuple[ListedDomain, ...]
    note: str = ""


@dataclass(frozen=True)
class NameList:
    """Names the reader must copy exactly (name servers, e-mail addresses, domains named in the order's
    text), one per line, indented, in the monospace font; a name is never broken across lines."""

    names: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """A table with a header row repeated on every page (the exhibit index, the hash list).

    ``widths`` are fractions of the text width; ``mono`` lists the columns set in the
    monospace font (hash values), which may break anywhere.
    """

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    mono: tuple[int, ...] = ()
    title: str = ""  # bookmarked when set


Block = (Caption | Title | Heading | NumberedParagraph | Paragraph | SignatureBlock | PageBreak | AppendixTitle
         | RegistryGroup | Table | NameList)


@dataclass(frozen=True)
class DocumentInfo:
    """What goes into the file's metadata and onto every page (the fictional-case legend)."""

    title: str
    author: str = ""
    subject: str = ""
    legend: str = ""  # printed on every page when non-empty (fictional sample case)
    date: str = ""  # YYYY-MM-DD: creation date written into the files, for reproducible builds
    draft: bool = False  # a draft, not for filing: both renderers mark every page DRAFT


@dataclass(frozen=True)
class Document:
    """A whole document: its metadata and its blocks in reading order."""

    info: DocumentInfo
    blocks: tuple[Block, ...] = field(default_factory=tuple)

    def text(self) -> str:
        """All text in reading order, one block per line (for tests and previews)."""
        lines: list[str] = []
        for block in self.blocks:
            if isinstance(block, Caption):
                lines.extend(block.court_lines)
                lines.append(block.division)
                lines.extend(line.text for line in block.parties + block.right)
            elif isinstance(block, (Title, Paragraph)):
                lines.append(plain_text(block.runs))
            elif isinstance(block, NumberedParagraph):
                lines.append(f"{block.number}. {plain_text(block.runs)}")
            elif isinstance(block, Heading):
                lines.append(f"{block.label} {block.text}".strip())
            elif isinstance(block, SignatureBlock):
                lines.extend(block.lines)
            elif isinstance(block, AppendixTitle):
                lines.extend([block.label, block.text])
            elif isinstance(block, RegistryGroup):
                lines.append(block.title)
                lines.extend(block.address)
                lines.extend(d.ascii for d in block.domains)
            elif isinstance(block, NameList):
                lines.extend(block.names)
            elif isinstance(block, Table):
                lines.append(" | ".join(block.header))
                lines.extend(" | ".join(row) for row in block.rows)
        return "\n".join(lines)


def roman(number: int) -> str:
    """Upper-case Roman numeral for a section number (1 -> "I")."""
    if number <= 0:
        raise ValueError("Roman numerals start at 1")
    values = [
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ]
    out = []
    for value, numeral in values:
        while number >= value:
            out.append(numeral)
            number -= value
    return "".join(out)
