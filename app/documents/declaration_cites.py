"""Where the investigator's declaration states each fact the order side relies on, by paragraph number.

The proposed order's findings, counsel's Rule 65(b)(1)(B) declaration and the sealing memorandum may
say only what the declaration says, and a judge checks a finding against the paragraph it cites. So
the order side does not word these facts itself: it finds the declaration's own paragraphs (as
drafted, or as counsel edited them) and their numbers in the rendered declaration, and takes from
them the words it repeats, such as how quickly the declarant says the Defendants could move
("within hours"). A fact the declaration does not state is absent here, and the templates then
leave it out or print a marked blank.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from app.documents.drafting import DeclarationParagraph
from app.documents.model import Document, NumberedParagraph, plain_text
from app.documents.wording import number_runs

# "within minutes", "within a few hours", "within 24 hours": how fast, in the declarant's own words.
_HOW_FAST = re.compile(r"\bwithin (?:(?:a few|a matter of|several|a|\d+|[a-z]+-?[a-z]*) )?"
                       r"(?:seconds?|minutes?|hours?|days?)\b", re.IGNORECASE)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _sentence(text: str, at: int) -> str:
    """The whole sentence of ``text`` around position ``at``, for quoting the declarant word for word."""
    start = max(text.rfind(". ", 0, at), text.rfind("? ", 0, at), text.rfind("! ", 0, at))
    start = 0 if start < 0 else start + 2
    ends = [i for i in (text.find(". ", at), text.find("? ", at), text.find("! ", at)) if i >= 0]
    end = min(ends) + 1 if ends else len(text)
    return text[start:end].strip()


def paragraph_numbers(declaration: Document, paragraphs: Sequence[DeclarationParagraph]) -> dict[str, int]:
    """Each printed declaration paragraph's key -> its number in the rendered declaration."""
    printed: dict[str, int] = {}
    for block in declaration.blocks:
        if isinstance(block, NumberedParagraph):
            printed.setdefault(_flat(plain_text(block.runs)), block.number)
    out: dict[str, int] = {}
    for p in paragraphs:
        if p.removed or not p.text.strip():
            continue
        words = _flat(p.text)
        number = printed.get(words)
        if number is None:  # printed behind a marker ("[TO BE CONFIRMED ...] words"): the words end it
            number = next((n for text, n in printed.items() if text.endswith(" " + words)), None)
        if number is not None:
            out[p.key] = number
    return out


def cite(numbers: Iterable[int]) -> str:
    """"¶ 22", "¶¶ 16–19, 23": paragraph numbers as a citation (runs joined by an en dash)."""
    ordered = sorted(set(numbers))
    if not ordered:
        return ""
    runs = [str(first) if first == last else f"{first}\u2013{last}" for first, last in number_runs(ordered)]
    sign = "\u00b6" if len(ordered) == 1 else "\u00b6\u00b6"
    return f"{sign}\u00a0{', '.join(runs)}"


def declaration_cites(declaration: Document, paragraphs: Sequence[DeclarationParagraph],
                      exhibit_keys: Mapping[int, str]) -> dict[str, Any]:
    """What the order side cites: paragraph numbers by section, by key and by exhibit number
    (``exhibit_keys``: exhibit number -> its paragraph's key), and the declarant's own words for how
    quickly the Defendants could move once warned (from the notice section first, then harm, scheme)."""
    numbers = paragraph_numbers(declaration, paragraphs)
    sections: dict[str, list[int]] = {}
    texts: dict[str, list[tuple[int, str]]] = {}
    for p in paragraphs:
        if p.key in numbers:
            sections.setdefault(p.section, []).append(numbers[p.key])
            if "[PROMPT:" not in p.text:
                texts.setdefault(p.section, []).append((numbers[p.key], _flat(p.text)))
    how_fast = {"words": "", "cite": "", "sentence": ""}
    for section in ("notice", "harm", "scheme"):
        found = next(((n, m.group(0), _sentence(text, m.start())) for n, text in texts.get(section, [])
                      if (m := _HOW_FAST.search(text))), None)
        if found:
            how_fast = {"words": found[1], "cite": cite([found[0]]), "sentence": found[2]}
            break
    return {
        "by_key": numbers,
        "sections": {name: cite(found) for name, found in sections.items()},
        "stated": {name: bool(found) for name, found in texts.items()},
        "exhibits": {number: numbers[key] for number, key in exhibit_keys.items() if key in numbers},
        "how_fast": how_fast,
    }
