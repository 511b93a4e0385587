"""The parties as every filed document names them: the caption, the short title, "Defendant X".

From the case's parties (data, not free text): each name with its entity form as the
caption gives it ("FICTIONAL CORPORATION, a Washington corporation,"), Does with their
description in capitals as in the Kelihos caption, the right punctuation between parties
("; " and a final ","), "Plaintiff" or "Plaintiffs", and the short title "Plaintiff v.
First Defendant, et al.". A missing side prints a bracketed placeholder that the pre-filing
review reports, never a guess (the plaintiff is never taken from the declarant's employer).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from app.core.model import CaseInfo, Party, PartyRole

PLAINTIFF_PLACEHOLDER = "[PLAINTIFF]"
DEFENDANT_PLACEHOLDER = "[DEFENDANT]"
_PLURAL_DOES = re.compile(r"\bdoes\b", re.IGNORECASE)
_DOE = re.compile(r"\bdoes?\b", re.IGNORECASE)


def parties_from_text(info: CaseInfo) -> list[Party]:
    """Parties read from the case's free-text plaintiff and defendant lines (the form cases had before)."""
    parties: list[Party] = []
    if info.plaintiff.strip():
        name, _, form = info.plaintiff.strip().partition(",")
        parties.append(Party(0, PartyRole.PLAINTIFF, name.strip(), form.strip(), position=1))
    text = " ".join(line.strip() for line in info.defendants.splitlines() if line.strip())
    if text:
        name, _, rest = text.partition(",")
        doe = bool(_DOE.search(name))
        parties.append(Party(0, PartyRole.DEFENDANT, name.strip(), "" if doe else rest.strip(), doe=doe,
                             description=rest.strip() if doe else "", position=1))
    return parties


def _one(party: Party) -> dict[str, Any]:
    name = " ".join(party.name.split())
    plural = party.doe and bool(_PLURAL_DOES.search(name))
    role = "Plaintiff" if party.role is PartyRole.PLAINTIFF else "Defendant"
    caption = name.upper()
    if party.entity_form:
        caption += f", {party.entity_form}"
    if party.doe and party.description:
        caption += f", {party.description.upper()}"
    return {
        "id": party.id,
        "name": name,
        "entity_form": party.entity_form,
        "doe": party.doe,
        "plural": plural,
        "description": party.description,
        "caption": caption,
        "called": f"{role}{'s' if plural else ''} {name}",  # "Defendant Richard Roe", "Defendants John Does 1-22"
        "emails": list(party.emails),
        "aliases": list(party.aliases),
        "organisations": list(party.organisations),
    }


def _caption_lines(side: list[dict[str, Any]], placeholder: str) -> list[str]:
    if not side:
        return [placeholder + ","]
    return [p["caption"] + ("," if i == len(side) - 1 else ";") for i, p in enumerate(side)]


def party_facts(parties: Sequence[Party]) -> dict[str, Any]:
    """What the templates print about the parties (see the module docstring)."""
    plaintiffs = [_one(p) for p in parties if p.role is PartyRole.PLAINTIFF]
    defendants = [_one(p) for p in parties if p.role is PartyRole.DEFENDANT]
    first_plaintiff = plaintiffs[0]["name"] if plaintiffs else PLAINTIFF_PLACEHOLDER
    first_defendant = defendants[0]["name"] if defendants else DEFENDANT_PLACEHOLDER
    several = len(defendants) > 1 or any(d["plural"] for d in defendants)
    short_title = f"{first_plaintiff}{' et al.' if len(plaintiffs) > 1 else ''} v. {first_defendant}"
    if several and len(defendants) > 1:
        short_title += ", et al."
    plaintiffs_plural = len(plaintiffs) > 1
    return {
        "plaintiffs": plaintiffs,
        "defendants": defendants,
        "named_defendants": [d for d in defendants if not d["doe"]],
        "doe_defendants": [d for d in defendants if d["doe"]],
        "caption_plaintiffs": _caption_lines(plaintiffs, PLAINTIFF_PLACEHOLDER),
        "caption_defendants": _caption_lines(defendants, DEFENDANT_PLACEHOLDER),
        "plaintiff_word": "Plaintiffs," if plaintiffs_plural else "Plaintiff,",
        "defendant_word": "Defendants." if several else "Defendant.",
        "plaintiff_short": first_plaintiff,
        "short_title": short_title,
    }
