"""Counsel's edits to the declaration paragraphs: change the words, reorder, remove, add.

Paragraphs are first drafted from the evidence (``app.documents.drafting``); each edit is
stored in the case's ``paragraphs`` table in one transaction with its custody entry, and
every later render lays the edits over a fresh draft.
"""

from __future__ import annotations

import sqlite3

from app.core.errors import CaseFileError
from app.documents.drafting import SECTIONS, DeclarationParagraph, declaration_paragraphs
from app.documents.inputs import ParagraphEdit
from app.documents.profile import load_profile
from app.store import CaseFile


def paragraph_edits(case: CaseFile) -> list[ParagraphEdit]:
    """The stored edits, as the documents layer takes them."""
    rows = case._conn().execute("SELECT key, section, position, text, removed FROM paragraphs ORDER BY key")
    return [ParagraphEdit(r[0], r[1], int(r[2]), r[3], bool(r[4])) for r in rows]


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


def _store(tx: sqlite3.Connection, p: DeclarationParagraph, *, text: str | None, removed: bool) -> None:
    tx.execute(
        "INSERT INTO paragraphs(key, section, position, text, removed) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT(key) DO UPDATE SET section = excluded.section, position = excluded.position,"
        " text = excluded.text, removed = excluded.removed",
        (p.key, p.section, p.position, text, int(removed)),
    )


def edit_paragraph(case: CaseFile, key: str, text: str) -> None:
    """Replace a paragraph's words with counsel's."""
    words = " ".join(text.split())
    if not words:
        raise CaseFileError("a paragraph needs some text; remove it instead", path=case.path)
    p = _get(case, key)
    with case.transaction() as tx:
        _store(tx, p, text=words, removed=p.removed)
        case._log(tx, "paragraph-edited", details={"key": key, "old": p.text, "new": words})


def reset_paragraph(case: CaseFile, key: str) -> None:
    """Go back to the drafted words and place (for a drafted paragraph)."""
    with case.transaction() as tx:
        if tx.execute("DELETE FROM paragraphs WHERE key = ?", (key,)).rowcount:
            case._log(tx, "paragraph-reset", details={"key": key})


def remove_paragraph(case: CaseFile, key: str, *, removed: bool = True) -> None:
    """Leave a paragraph out of the declaration (or, with ``removed=False``, put it back)."""
    p = _get(case, key)
    with case.transaction() as tx:
        _store(tx, p, text=p.text if p.edited else None, removed=removed)
        case._log(tx, "paragraph-removed" if removed else "paragraph-restored", details={"key": key})


def add_paragraph(case: CaseFile, section: str, text: str, *, after: str | None = None) -> str:
    """Add counsel's own paragraph to ``section`` (at its end, or after paragraph ``after``)."""
    if section not in SECTIONS:
        raise CaseFileError("unknown declaration section", path=case.path,
                            expected=", ".join(SECTIONS), found=section)
    words = " ".join(text.split())
    if not words:
        raise CaseFileError("a paragraph needs some text", path=case.path)
    with case.transaction() as tx:
        number = tx.execute("SELECT COUNT(*) FROM paragraphs WHERE key LIKE 'added:%'").fetchone()[0] + 1
        while tx.execute("SELECT 1 FROM paragraphs WHERE key = ?", (f"added:{number}",)).fetchone():
            number += 1
        key = f"added:{number}"
        tx.execute("INSERT INTO paragraphs(key, section, position, text, removed) VALUES (?, ?, ?, ?, 0)",
                   (key, section, 10**9, words))
        case._log(tx, "paragraph-added", details={"key": key, "section": section, "text": words})
    if after is not None:
        target = _get(case, after)
        section_keys = [p.key for p in current_paragraphs(case) if p.section == target.section]
        section_keys.remove(key)
        section_keys.insert(section_keys.index(after) + 1, key)
        _reorder(case, target.section, section_keys, moved=key)
    return key


def move_paragraph(case: CaseFile, key: str, to: int) -> None:
    """Move a paragraph to position ``to`` (1-based) within its section."""
    p = _get(case, key)
    keys = [q.key for q in current_paragraphs(case) if q.section == p.section]
    if not 1 <= to <= len(keys):
        raise CaseFileError("the new position is outside the section", path=case.path,
                            expected=f"1 to {len(keys)}", found=str(to))
    keys.remove(key)
    keys.insert(to - 1, key)
    _reorder(case, p.section, keys, moved=key)


def _reorder(case: CaseFile, section: str, keys: list[str], *, moved: str) -> None:
    by_key = {p.key: p for p in current_paragraphs(case)}
    with case.transaction() as tx:
        for index, key in enumerate(keys, start=1):
            p = by_key[key]
            placed = DeclarationParagraph(p.key, section, index * 10, p.text, p.drafted, p.edited, p.removed)
            _store(tx, placed, text=p.text if p.edited else None, removed=p.removed)
        case._log(tx, "paragraph-moved", details={"key": moved, "section": section,
                                                  "position": keys.index(moved) + 1})
