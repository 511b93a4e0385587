"""Counsel's exhibit order: renumber the case's exhibits in one change, with a custody entry."""

from __future__ import annotations

from collections.abc import Sequence

from app.core.errors import CaseFileError
from app.store import CaseFile


def order_exhibits(case: CaseFile, order: Sequence[int]) -> dict[int, int]:
    """Renumber the exhibits so that the exhibit now numbered ``order[0]`` becomes 1, and so on.

    ``order`` names every current exhibit number once. Returns old number -> new number.
    """
    current = [number for number, _, _ in case.exhibits()]
    if sorted(order) != sorted(current) or len(set(order)) != len(order):
        raise CaseFileError("name every exhibit number exactly once", path=case.path,
                            expected=" ".join(map(str, current)), found=" ".join(map(str, order)))
    mapping = {old: new for new, old in enumerate(order, start=1)}
    changed = {old: new for old, new in mapping.items() if old != new}
    if not changed:
        return mapping
    with case.transaction() as tx:
        # Two steps, because exhibit numbers are unique: first out of the way, then into place.
        tx.execute("UPDATE exhibits SET number = -number")
        for old, new in mapping.items():
            tx.execute("UPDATE exhibits SET number = ? WHERE number = ?", (new, -old))
        case._log(tx, "exhibits-renumbered",
                  details={"changes": {str(old): new for old, new in sorted(changed.items())}})
    return mapping


def move_exhibit(case: CaseFile, number: int, to: int) -> dict[int, int]:
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
