"""Every edit of the case the window can undo, as a recipe: make it, and say how to take it back.

A recipe is a function of the case, run on the write lane (never on the GUI thread). It
reads what it is about to change, calls the ``app.ops`` function that changes it (which
logs the change in the custody log), reads the result, and returns a :class:`Done` that
holds two more functions of the case: one that puts the state before back, one that puts
the state after back again. Undo and redo run those, through ops as well, so an undone
edit is a logged change like any other: the custody log only ever grows.

Each recipe restores state rather than replaying an inverse action, so redo after undo
lands exactly where the first edit did (an added paragraph gets its own key back, a party
its own id). Qt-free; the window's :class:`app.gui.undo.CaseEdits` puts each ``Done``
on its undo stack.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from app.core.changes import Changes

if TYPE_CHECKING:
    from app.core.model import Counsel, Party
    from app.ops.case import CaseFile
    from app.ops.redactions import Decision

Restore = Callable[["CaseFile"], Changes]


@dataclass(frozen=True)
class Done:
    """An edit made: what its op returned, what it changed, and how to go back and forth."""

    result: Any
    changes: Changes
    undo: Restore
    redo: Restore


Recipe = Callable[["CaseFile"], Done]


def changes_in(result: object) -> Changes:
    """What an op's result says it changed (a Changes itself, or a result's ``changes``)."""
    if isinstance(result, Changes):
        return result
    found = getattr(result, "changes", None)
    return found if isinstance(found, Changes) else Changes()


# -- an item's metadata (screenshots' capture facts, a message's category) -------------------------

def metadata(item_id: int, values: Mapping[str, str]) -> Recipe:
    """Set some of an item's metadata fields."""
    from app.ops.capture_meta import edit_metadata

    def put(fields_: Mapping[str, str]) -> Restore:
        return lambda case: changes_in(edit_metadata(case, item_id, dict(fields_)))

    def do(case: CaseFile) -> Done:
        stored = case.item(item_id).metadata
        before = {k: str(stored.get(k) or "") for k in values}
        edited = edit_metadata(case, item_id, dict(values))
        after = {k: str(edited.item.metadata.get(k) or "") for k in values}
        return Done(edited, edited.changes, put(before), put(after))

    return do


# -- the declaration's paragraphs ---------------------------------------------------------------

def paragraphs(change: Callable[[CaseFile], Any]) -> Recipe:
    """Any change to counsel's paragraphs (words, place, left out, added, back to draft)."""
    from app.ops.paragraphs import restore_paragraphs

    def do(case: CaseFile) -> Done:
        before = {e.key: e for e in case.paragraph_edits()}
        result = change(case)
        after = {e.key: e for e in case.paragraph_edits()}
        keys = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))

        def put(state: Mapping[str, Any]) -> Restore:
            edits = [state[k] for k in keys if k in state]
            return lambda c: restore_paragraphs(c, edits, keys)

        return Done(result, changes_in(result), put(before), put(after))

    return do


def confirmation(key: str) -> Recipe:
    """The declarant confirms a paragraph's words; undo takes the confirmation back."""
    from app.ops.paragraphs import confirm_paragraph, withdraw_confirmation

    def do(case: CaseFile) -> Done:
        changes = confirm_paragraph(case, key)
        return Done(changes, changes, lambda c: withdraw_confirmation(c, key), lambda c: confirm_paragraph(c, key))

    return do


# -- the exhibits: order, left out, put back ---------------------------------------------------

def exhibits(change: Callable[[CaseFile], Any]) -> Recipe:
    """Any change to which items are exhibits and in what order."""

    def do(case: CaseFile) -> Done:
        before = _exhibit_list(case)
        result = change(case)
        after = _exhibit_list(case)
        return Done(result, changes_in(result), lambda c: _put_exhibits(c, before), lambda c: _put_exhibits(c, after))

    return do


def _exhibit_list(case: CaseFile) -> list[tuple[int, str]]:
    return [(item.id, description) for _number, item, description in case.exhibits()]


def _put_exhibits(case: CaseFile, wanted: Sequence[tuple[int, str]]) -> Changes:
    """Make the exhibits exactly ``wanted`` (item ids in filing order, with their descriptions)."""
    from app.ops.exhibit_order import leave_out, order_exhibits, put_back

    changes = Changes()
    ids = [item_id for item_id, _ in wanted]
    for _number, item, _description in case.exhibits():
        if item.id not in ids:
            changes |= leave_out(case, item.id).changes
    numbered = {item.id for _n, item, _d in case.exhibits()}
    for item_id, description in wanted:
        if item_id not in numbered:
            changes |= put_back(case, item_id, None, description)
    numbers = {item.id: number for number, item, _ in case.exhibits()}
    return changes | order_exhibits(case, [numbers[i] for i in ids]).changes


def leave_out(item_ids: Collection[int], *, out: bool = True) -> Recipe:
    """Leave items out of the exhibits (``out``), or make them exhibits again (at the end)."""
    from app.ops import exhibit_order

    def change(case: CaseFile) -> Changes:
        changes = Changes()
        for item_id in item_ids:
            changes |= (exhibit_order.leave_out(case, item_id).changes if out
                        else exhibit_order.put_back(case, item_id))
        return changes

    return exhibits(change)


# -- Rule 5.2 decisions --------------------------------------------------------------------------

def redactions(candidate_ids: Sequence[str], decision: Decision, item_ids: Collection[int]) -> Recipe:
    """Counsel's decision on some candidates; undo gives each back the decision it had."""
    from app.ops.redactions import decide_redactions, list_redactions

    verb = {"confirmed": "confirm", "dismissed": "dismiss", "": "withdraw"}

    def put(decisions: Mapping[str, str]) -> Restore:
        def restore(case: CaseFile) -> Changes:
            changes = Changes()
            for wanted in ("confirm", "dismiss", "withdraw"):
                ids = [i for i, d in decisions.items() if d == wanted]
                if ids:
                    changes |= decide_redactions(case, ids, wanted, item_ids=item_ids).changes
            return changes
        return restore

    def do(case: CaseFile) -> Done:
        rows = [r for r in list_redactions(case, item_ids=item_ids) if r.candidate.id in candidate_ids]
        before = {r.candidate.id: verb[r.decision] for r in rows}
        decided = decide_redactions(case, list(candidate_ids), decision, item_ids=item_ids)
        return Done(decided, decided.changes, put(before), put(dict.fromkeys(candidate_ids, decision)))

    return do


# -- a registry's name and address -------------------------------------------------------------

def registry(registry_id: str, name: str, address: Sequence[str], note: str) -> Recipe:
    """Correct a registry for this case; undo withdraws the correction or puts the earlier one back."""
    from app.ops.domains import set_registry, withdraw_registry_correction

    def do(case: CaseFile) -> Done:
        before = next((c for c in case.registry_corrections() if c.registry_id == registry_id), None)
        corrected = set_registry(case, registry_id, name=name, address=address, note=note)
        after = next(c for c in case.registry_corrections() if c.registry_id == corrected.registry.id)

        def undo(c: CaseFile) -> Changes:
            if before is None:
                return withdraw_registry_correction(c, after.registry_id)
            return set_registry(c, before.registry_id, name=before.name, address=before.address,
                                tlds=before.tlds, note=before.note).changes

        def redo(c: CaseFile) -> Changes:
            return set_registry(c, after.registry_id, name=after.name, address=after.address,
                                tlds=after.tlds, note=after.note).changes

        return Done(corrected, corrected.changes, undo, redo)

    return do


# -- the case's details, parties and counsel ---------------------------------------------------

@dataclass(frozen=True)
class DetailsState:
    """Everything the case details editor changes, read at one moment."""

    info: dict[str, Any]
    parties: list[Party]
    counsel: Counsel


def _details_state(case: CaseFile, names: Collection[str]) -> DetailsState:
    info = case.info()
    return DetailsState({n: getattr(info, n) for n in names}, case.parties(), case.counsel())


def _put_details(state: DetailsState) -> Restore:
    from app.ops.case import edit_case
    from app.ops.parties import restore_parties, set_counsel

    def restore(case: CaseFile) -> Changes:
        return (edit_case(case, **state.info).changes | restore_parties(case, state.parties)
                | set_counsel(case, state.counsel).changes)

    return restore


def case_details(info: Mapping[str, Any], parties: Sequence[Party] | None = None,
                 counsel: Counsel | None = None) -> Recipe:
    """Change case details (``info``: CaseInfo fields), the parties (the list wanted, caption order;
    a party with id 0 is new) and counsel, as one edit; each change logged by its own op."""
    from app.core.model import CaseInfo
    from app.ops.case import edit_case
    from app.ops.parties import add_party, edit_party, remove_party, restore_parties, set_counsel

    known = {f.name for f in fields(CaseInfo)} - {"case_id", "created_at"}
    unknown = set(info) - known
    if unknown:
        raise ValueError(f"not case details: {sorted(unknown)}")

    def apply_parties(case: CaseFile, wanted: Sequence[Party]) -> Changes:
        changes = Changes()
        current = {p.id: p for p in case.parties()}
        keep = {p.id for p in wanted if p.id}
        for party_id in current:
            if party_id not in keep:
                changes |= remove_party(case, party_id).changes
        placed: list[Party] = []
        for party in wanted:
            if not party.id:
                added = add_party(case, party)
                changes |= added.changes
                placed.append(added.party or party)
            else:
                if current.get(party.id) != party:
                    changes |= edit_party(case, party).changes
                placed.append(party)
        # caption order as listed: positions 1, 2… within each side
        counters: dict[str, int] = {}
        ordered = []
        for party in case_order(placed):
            counters[party.role.value] = counters.get(party.role.value, 0) + 1
            ordered.append(_with_position(party, counters[party.role.value]))
        by_id = {p.id: p for p in case.parties()}
        if any(by_id.get(p.id) != p for p in ordered):
            changes |= restore_parties(case, ordered, reordered=True)
        return changes

    def do(case: CaseFile) -> Done:
        fields_ = {**info, **(caption_text(parties) if parties is not None else {})}
        before = _details_state(case, fields_)
        changes = edit_case(case, **fields_).changes
        if parties is not None:
            changes |= apply_parties(case, parties)
        if counsel is not None:
            changes |= set_counsel(case, counsel).changes
        after = _details_state(case, fields_)
        return Done(after, changes, _put_details(before), _put_details(after))

    return do


def caption_text(parties: Sequence[Party]) -> dict[str, str]:
    """The parties as the case's free-text ``plaintiff`` and ``defendants`` lines, which the documents
    print until they read the parties themselves (issues 13 and 14): kept in step with every edit of
    the parties, so the caption says what the Parties tab says."""
    ordered = case_order(parties)
    plaintiffs = [p for p in ordered if p.role.value == "plaintiff" and p.name.strip()]
    defendants = [p for p in ordered if p.role.value != "plaintiff" and p.name.strip()]
    lines = [p.caption_name for p in defendants]
    return {"plaintiff": "; ".join(p.name.strip() + (f", {p.entity_form.strip()}" if p.entity_form.strip() else "")
                                   for p in plaintiffs),
            "defendants": "\n".join(line + (";" if i < len(lines) - 1 else "") for i, line in enumerate(lines))}


def case_order(parties: Sequence[Party]) -> list[Party]:
    """Plaintiffs first, then defendants, each side in the order given."""
    from app.core.model import PartyRole

    return ([p for p in parties if p.role is PartyRole.PLAINTIFF]
            + [p for p in parties if p.role is not PartyRole.PLAINTIFF])


def _with_position(party: Party, position: int) -> Party:
    from dataclasses import replace

    return replace(party, position=position)


# -- the domains: taken out of the case, linked to an exhibit ------------------------------------

def remove_domains(names: Sequence[str]) -> Recipe:
    """Take domains out of the case; undo puts them back as they were (their links come back with them)."""
    from app.ops.domain_edits import remove_domains as remove
    from app.ops.domain_edits import restore_domains

    def do(case: CaseFile) -> Done:
        removed = remove(case, names)
        gone = list(removed.domains)
        return Done(removed, removed.changes, lambda c: restore_domains(c, gone),
                    lambda c: remove(c, [d.ascii for d in gone]).changes)

    return do


def support_link(names: Sequence[str], item_id: int, note: str) -> Recipe:
    """Link domains to an exhibit with the declarant's statement; undo puts their links back as they were."""
    from app.ops.domain_edits import put_support_decisions, support_decisions
    from app.ops.support import add_support

    def do(case: CaseFile) -> Done:
        before = case.support_decisions()
        added = add_support(case, names, item_id, note)
        domains = sorted({link.domain for link in added.links})
        earlier = [link for link in before if link.domain in domains]
        later = support_decisions(case, domains)
        return Done(added, added.changes, lambda c: put_support_decisions(c, domains, earlier),
                    lambda c: put_support_decisions(c, domains, later))

    return do
