"""Counsel's exhibit order: renumber the case's exhibits in one change, with a custody entry."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from app.core.changes import Changes
from app.core.errors import CaseFileError
from app.store import CaseFile


@dataclass(frozen=True)
class Renumbered:
    """Old exhibit number -> new, for every exhibit."""

    mapping: dict[int, int]
    changes: Changes = field(default_factory=Changes)


def order_exhibits(case: CaseFile, order: Sequence[int]) -> Renumbered:
    """Renumber the exhibits so that the exhibit now numbered ``order[0]`` becomes 1, and so on.

    ``order`` names every current exhibit number once.
    """
    current = [number for number, _, _ in case.exhibits()]
    if sorted(order) != sorted(current) or len(set(order)) != len(order):
        raise CaseFileError("name every exhibit number exactly once", path=case.path,
                            expected=" ".join(map(str, current)), found=" ".join(map(str, order)))
    mapping = {old: new for new, old in enumerate(order, start=1)}
    if all(old == new for old, new in mapping.items()):
        return Renumbered(mapping)
    case.renumber_exhibits(mapping)
    return Renumbered(mapping, Changes.to_case(exhibits=True))


def move_exhibit(case: CaseFile, number: int, to: int) -> Renumbered:
    """Move one exhibit to position ``to``; the others keep their relative order."""
    current = [n for n, _, _ in case.exhibits()]
    if number not in current:
        raise CaseFileError(f"there is no Exhibit {number}", path=case.path)
    if not 1 <= to <= len(current):
        raise CaseFileError("the new position is outside the exhibit list", path=case.path,
                            expected=f"1 to {len(current)}", found=str(to))
    order = [n for n in current if n != number]
    order.insert(to - 1, number)
    return order_exhibits(case, order)


@dataclass(frozen=True)
class LeftOut:
    """The exhibit number (and description) the item had before it was left out; None if it had none."""

    number: int | None
    description: str = ""
    changes: Changes = field(default_factory=Changes)


def leave_out(case: CaseFile, item_id: int) -> LeftOut:
    """Leave an item out of the exhibits: it stays evidence, sealed in the bundle with its custody
    record, but is no longer numbered, filed or described in the declaration; the exhibits after it
    move up one. Logged."""
    before = case.leave_out_exhibit(item_id)
    if before is None:
        return LeftOut(None)
    return LeftOut(before[0], before[1], Changes.to_case(items=True, exhibits=True))


def put_back(case: CaseFile, item_id: int, number: int | None = None, description: str = "") -> Changes:
    """Make a left-out item an exhibit again, at ``number`` (the exhibits from there move down one)
    or last, described as ``description`` or else as a new import would be (never an empty "Exhibit 21:").
    Logged."""
    item = case.item(item_id)
    if item.exhibit_number is not None:
        return Changes()
    if not description.strip():
        from .describe import default_description

        description = default_description(item.kind, item.name, item.record or {}, item.metadata or {})
    case.put_back_exhibit(item_id, number, description)
    return Changes.to_case(items=True, exhibits=True)
