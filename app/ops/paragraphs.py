"""Counsel's edits to the declaration paragraphs: change the words, reorder, remove, add.

Paragraphs are first drafted from the evidence (``app.documents.drafting``); each edit is
kept by the store with its custody entry, and every later render lays the edits over a
fresh draft.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.core.changes import Changes
from app.core.errors import CaseFileError
from app.core.model import ParagraphEdit
from app.documents.drafting import SECTION_NAMES, SECTIONS, DeclarationParagraph, declaration_paragraphs, text_digest
from app.documents.profile import load_profile
from app.store import CaseFile

__all__ = [  # what the front ends use besides the operations: the paragraphs they show
    "SECTIONS",
    "SECTION_NAMES",
    "DeclarationParagraph",
    "ParagraphAdded",
    "add_paragraph",
    "confirm_paragraph",
    "current_paragraphs",
    "edit_paragraph",
    "move_paragraph",
    "remove_paragraph",
    "reset_paragraph",
    "restore_paragraphs",
    "withdraw_confirmation",
]

CHANGED = Changes.to_case(paragraphs=True)


def current_paragraphs(case: CaseFile) -> list[DeclarationParagraph]:
    """Every editable paragraph in print order, as drafted and edited (removed ones flagged)."""
    from app.ops.filing import declaration_input  # the snapshot the export renders from

    inp = declaration_input(case)
    return declaration_paragraphs(inp, load_profile(inp.case.court))


def _get(case: CaseFile, key: str) -> DeclarationParagraph:
    for paragraph in current_paragraphs(case):
        if paragraph.key == key:
            return paragraph
    raise CaseFileError("no declaration paragraph with that key", path=case.path, found=key)


def _kept(p: DeclarationParagraph, *, text: str | None, removed: bool) -> ParagraphEdit:
    return ParagraphEdit(p.key, p.section, p.position, text, removed)


def edit_paragraph(case: CaseFile, key: str, text: str) -> Changes:
    """Replace a paragraph's words with counsel's."""
    words = " ".join(text.split())
    if not words:
        raise CaseFileError("a paragraph needs some text; remove it instead", path=case.path)
    p = _get(case, key)
    case.save_paragraph(_kept(p, text=words, removed=p.removed), action="paragraph-edited",
                        details={"key": key, "old": p.text, "new": words})
    return CHANGED


def confirm_paragraph(case: CaseFile, key: str) -> Changes:
    """The declarant confirms the words of a paragraph that states facts no exhibit shows (counsel's words
    in place of a prompt, or a paragraph counsel added), as they now read: its mark goes, and the review
    stops listing it. Changed words later are unconfirmed again. Logged with the words' SHA-256."""
    p = _get(case, key)
    if p.is_prompt:
        raise CaseFileError("the paragraph is still a prompt: write the facts first ('paragraphs edit')",
                            path=case.path, found=key)
    if not p.narrative:
        raise CaseFileError("only a paragraph no exhibit shows needs the declarant's confirmation (counsel's "
                            "words in place of a prompt, or one counsel added)", path=case.path, found=key)
    if p.confirmed:
        return Changes()
    case.confirm_paragraph(key, text_digest(p.text), by=case.info().declarant)
    return CHANGED


def withdraw_confirmation(case: CaseFile, key: str) -> Changes:
    """Take back the declarant's confirmation of a paragraph (undoing a confirmation): it is marked and listed
    by the review again. Logged."""
    return CHANGED if case.withdraw_paragraph_confirmation(key) else Changes()


def reset_paragraph(case: CaseFile, key: str) -> Changes:
    """Go back to the drafted words and place (for a drafted paragraph)."""
    return CHANGED if case.forget_paragraph(key) else Changes()


def remove_paragraph(case: CaseFile, key: str, *, removed: bool = True) -> Changes:
    """Leave a paragraph out of the declaration (or, with ``removed=False``, put it back)."""
    p = _get(case, key)
    case.save_paragraph(_kept(p, text=p.text if p.edited else None, removed=removed),
                        action="paragraph-removed" if removed else "paragraph-restored", details={"key": key})
    return CHANGED


@dataclass(frozen=True)
class ParagraphAdded:
    """Counsel's new paragraph: its key ("added:N")."""

    key: str
    changes: Changes = CHANGED


def add_paragraph(case: CaseFile, section: str, text: str, *, after: str | None = None) -> ParagraphAdded:
    """Add counsel's own paragraph to ``section`` (at its end, or after paragraph ``after``)."""
    if section not in SECTIONS:
        raise CaseFileError("unknown declaration section", path=case.path,
                            expected=", ".join(SECTIONS), found=section)
    words = " ".join(text.split())
    if not words:
        raise CaseFileError("a paragraph needs some text", path=case.path)
    key = case.add_paragraph(section, words)
    if after is not None:
        target = _get(case, after)
        section_keys = [p.key for p in current_paragraphs(case) if p.section == target.section]
        section_keys.remove(key)
        section_keys.insert(section_keys.index(after) + 1, key)
        _reorder(case, target.section, section_keys, moved=key)
    return ParagraphAdded(key)


def move_paragraph(case: CaseFile, key: str, to: int) -> Changes:
    """Move a paragraph to position ``to`` (1-based) within its section."""
    p = _get(case, key)
    keys = [q.key for q in current_paragraphs(case) if q.section == p.section]
    if not 1 <= to <= len(keys):
        raise CaseFileError("the new position is outside the section", path=case.path,
                            expected=f"1 to {len(keys)}", found=str(to))
    keys.remove(key)
    keys.insert(to - 1, key)
    _reorder(case, p.section, keys, moved=key)
    return CHANGED


def _reorder(case: CaseFile, section: str, keys: list[str], *, moved: str) -> None:
    by_key = {p.key: p for p in current_paragraphs(case)}
    placed = [ParagraphEdit(key, section, index * 10, by_key[key].text if by_key[key].edited else None,
                            by_key[key].removed)
              for index, key in enumerate(keys, start=1)]
    case.place_paragraphs(placed, details={"key": moved, "section": section, "position": keys.index(moved) + 1})


def restore_paragraphs(case: CaseFile, edits: Sequence[ParagraphEdit], keys: Sequence[str]) -> Changes:
    """Put counsel's versions of the paragraphs ``keys`` back as ``edits`` say (a key with no edit goes
    back to its draft; one counsel added goes away): how the window undoes and redoes paragraph changes,
    whatever they were (words, place, left out, added). One change, logged."""
    return CHANGED if case.restore_paragraph_edits(edits, keys) else Changes()
