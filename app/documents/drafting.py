"""Declaration paragraphs drafted from the evidence, and counsel's edits laid over them.

Each exhibit gets a first-draft paragraph (what it is, what its own bytes show of where
and when it came from, its hash value, its Bates numbers; for spam, the domains it
advertises and where Appendix A or B lists them, and the route its headers record),
worded by the firm-editable text template ``templates/exhibit_paragraph.txt.j2``. The
support links give the paragraphs on the domains, the defendants and the counts
(``support_drafting``, template ``declaration_paragraphs.txt.j2``); what only a person can
write (the scheme, the harm, why notice would defeat the relief) is drafted as a
``[PROMPT: ...]`` that the pre-filing review refuses to file. Nothing the user typed as a
note or a tool name reaches these words unless chosen for sworn text.

Counsel then edit, reorder, remove or add paragraphs; those edits are stored in the case
and applied here, so a re-drafted paragraph (new Bates numbers, say) keeps counsel's words
whenever counsel changed them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.errors import TemplateError
from app.core.model import Domain, ParagraphEdit, Registry
from app.core.urls import url_host
from app.documents.facts import exhibit_facts, registry_groups, subdomain_groups, text
from app.documents.inputs import DeclarationInput
from app.documents.profile import CourtProfile
from app.documents.support_drafting import PROMPT_MARK, Claims, draft_support
from app.documents.template import make_environment, render_markup

EXHIBIT_PARAGRAPH_TEMPLATE = "exhibit_paragraph.txt.j2"
SECTIONS = ("scheme", "evidence", "exhibits", "domains", "defendants", "harm", "notice")
"""The declaration's sections in print order (the declaration template sets their headings):
the scheme, how the evidence was kept, the exhibits, the domains and what shows each, the
defendants and what ties each to the domains, the harm, and why notice would defeat the relief."""
SECTION_NAMES = {"scheme": "The scheme", "evidence": "Evidence", "exhibits": "Exhibits", "domains": "Domains",
                 "defendants": "Defendants", "harm": "Harm", "notice": "Why not notice"}
"""Each section in the user's words (lists and menus)."""


@dataclass(frozen=True)
class DeclarationParagraph:
    """One paragraph as the declaration will print it, with where its words came from."""

    key: str
    section: str
    position: int
    text: str
    drafted: str  # the words drafted from the evidence ("" for a paragraph counsel added)
    edited: bool = False
    removed: bool = False
    claims: Claims = ()  # (exhibit number, text) the drafted words say that exhibit shows

    @property
    def is_prompt(self) -> bool:
        """Whether the paragraph still holds a prompt that only a person can answer."""
        return PROMPT_MARK in self.text


def appendix_entries(domains: Sequence[Domain], registries: Mapping[str, Registry]) -> dict[str, str]:
    """Each listed domain -> where the appendices list it ("Appendix A, Verisign, Inc., no. 3")."""
    entries: dict[str, str] = {}
    for group in registry_groups(list(domains), registries):
        for number, d in enumerate(group["domains"], start=1):
            entries[d["ascii"]] = f"Appendix A under {group['name']}, no. {number}"
    for group in subdomain_groups(list(domains), registries):
        for number, d in enumerate(group["domains"], start=1):
            entries[d["ascii"]] = f"Appendix B under {group['name']}, no. {number}"
    return entries


def advertised(record: Mapping[str, Any], entries: Mapping[str, str]) -> list[str]:
    """The domains a spam advertises, each with its appendix entry or a note that none lists it.

    ``record["domains"]`` holds registrable domains; hosts in ``record["urls"]`` that the
    appendices list as subdomains are named too, since Appendix B lists them one by one.
    """
    out: list[str] = []
    seen: set[str] = set()
    hosts = []
    for url in record.get("urls") or []:
        host = url_host(str(url))
        if host:
            hosts.append(host)
    names = [text(d).lower() for d in record.get("domains") or [] if text(d)]
    for name in [h for h in hosts if h in entries and h not in names] + names:
        if name in seen:
            continue
        seen.add(name)
        where = entries.get(name)
        if where is None and any(h.endswith("." + name) and h in entries for h in hosts):
            continue  # named through its listed subdomain above
        out.append(f"{name} ({where})" if where else f"{name} (not listed in the appendices)")
    return out


def draft_paragraphs(
    inp: DeclarationInput, profile: CourtProfile, *, search_path: Sequence[Path] = ()
) -> list[DeclarationParagraph]:
    """The first-draft paragraphs: one per exhibit in exhibit order, and those drafted from the
    support links and the parties (the scheme, domains, defendants, harm and notice sections)."""
    env = make_environment(search_path)
    entries = appendix_entries(inp.domains, inp.registries)
    out = []
    for index, entry in enumerate(inp.exhibits):
        facts = exhibit_facts(entry, profile, inp.bates.get(entry.number), parts=inp.parts.get(entry.number, 1),
                              declarant=inp.case.declarant)
        listed = advertised(entry.item.record or {}, entries) if facts["kind"] == "email" else []
        words = " ".join(render_markup(EXHIBIT_PARAGRAPH_TEMPLATE, {"ex": facts, "listed": listed},
                                       env=env).split())
        out.append(DeclarationParagraph(f"exhibit:{entry.item.id}", "exhibits", (index + 1) * 10,
                                        words, words, claims=_exhibit_claims(facts, listed)))
    positions: dict[str, int] = {}
    for drafted in draft_support(inp, profile, env):
        positions[drafted.section] = positions.get(drafted.section, 0) + 10
        out.append(DeclarationParagraph(drafted.key, drafted.section, positions[drafted.section], drafted.text,
                                        drafted.text, claims=drafted.claims))
    return out


def _exhibit_claims(facts: dict[str, Any], listed: Sequence[str]) -> Claims:
    """What an exhibit paragraph says its exhibit shows, as text to find in the exhibit."""
    number = int(facts["number"])
    shown: list[str] = []
    if facts["kind"] == "screenshot" and facts["url"]:
        shown.append(facts["url"])
    elif facts["kind"] == "email":
        shown += [facts[k] for k in ("subject", "origin_ip") if facts.get(k)]
        shown += [entry.split(" (", 1)[0] for entry in listed]
    elif facts["kind"] == "domain-record":
        shown += [facts[k] for k in ("domain", "registrar") if facts.get(k)]
    return tuple((number, value) for value in shown)


def apply_edits(
    drafts: Sequence[DeclarationParagraph], edits: Sequence[ParagraphEdit]
) -> list[DeclarationParagraph]:
    """Counsel's edits over the drafts: changed words, new order, removals, added paragraphs.

    An edit whose drafted paragraph no longer exists (its exhibit was removed) is dropped,
    unless counsel wrote its words, in which case it stays as counsel's own paragraph.
    """
    by_key = {e.key: e for e in edits}
    out: list[DeclarationParagraph] = []
    for draft in drafts:
        edit = by_key.pop(draft.key, None)
        if edit is None:
            out.append(draft)
            continue
        words = edit.text if edit.text is not None else draft.drafted
        out.append(DeclarationParagraph(draft.key, edit.section, edit.position, words, draft.drafted,
                                        edited=edit.text is not None, removed=edit.removed,
                                        claims=draft.claims if edit.text is None else ()))
    for edit in by_key.values():
        if edit.text is not None:
            out.append(DeclarationParagraph(edit.key, edit.section, edit.position, edit.text, "",
                                            edited=True, removed=edit.removed))
    order = {p.key: i for i, p in enumerate(out)}
    out.sort(key=lambda p: (SECTIONS.index(p.section) if p.section in SECTIONS else len(SECTIONS),
                            p.position, order[p.key]))
    return out


def declaration_paragraphs(
    inp: DeclarationInput, profile: CourtProfile, *, search_path: Sequence[Path] = ()
) -> list[DeclarationParagraph]:
    """Every paragraph counsel can edit, in order, removed ones included (flagged)."""
    return apply_edits(draft_paragraphs(inp, profile, search_path=search_path), inp.paragraphs)


def by_section(paragraphs: Sequence[DeclarationParagraph]) -> dict[str, list[dict[str, str]]]:
    """The printed paragraphs per section, as the declaration template sees them."""
    sections: dict[str, list[dict[str, str]]] = {name: [] for name in SECTIONS}
    for p in paragraphs:
        if p.removed or not p.text.strip():
            continue
        if p.section not in sections:
            raise TemplateError(f"declaration paragraph {p.key}: unknown section",
                                expected=", ".join(SECTIONS), found=p.section)
        sections[p.section].append({"key": p.key, "text": " ".join(p.text.split())})
    return sections
