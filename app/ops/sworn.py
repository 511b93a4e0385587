"""Which of an item's typed-in details the user chooses to state under oath.

Metadata is what the investigator typed about an item (who captured it, with what tool,
notes); the declaration and the exhibit faces never print it as fact unless the user
chose it for that purpose, here. The choice is kept in the item's metadata (``sworn``),
changed through the store with its custody entry (old and new list).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.core.changes import Changes
from app.core.errors import CaseFileError
from app.core.model import Item
from app.documents.facts import SWORN_CHOICES
from app.store import CaseFile

__all__ = ["SWORN_CHOICES", "SwornChosen", "choose_sworn"]

CHANGED = Changes.to_case(items=True, paragraphs=True)


@dataclass(frozen=True)
class SwornChosen:
    """The item as it now reads."""

    item: Item
    changes: Changes = CHANGED


def choose_sworn(case: CaseFile, item_id: int, chosen: Sequence[str]) -> SwornChosen:
    """State exactly the fields ``chosen`` (of :data:`SWORN_CHOICES`) of item ``item_id`` under oath;
    an empty list states none of them."""
    unknown = [name for name in chosen if name not in SWORN_CHOICES]
    if unknown:
        raise CaseFileError("not a field that can be stated under oath", path=case.path,
                            expected=", ".join(SWORN_CHOICES), found=", ".join(unknown))
    wanted = [name for name in SWORN_CHOICES if name in chosen]
    return SwornChosen(case.update_metadata(item_id, {"sworn": wanted}))
