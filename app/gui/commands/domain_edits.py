"""The Domains page's edits: link domains to an exhibit, take them out of the case (both undoable).

What the pre-filing review asks for when a listed domain has no exhibit behind it: the
declarant's statement linking it to the exhibit that shows it, or the domain taken out of the
appendices. Both are edits on the undo stack (:mod:`app.gui.commands.edits`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QWidget

from app.gui.background import Operation
from app.gui.commands import edits as recipes
from app.gui.commands.edits import Done
from app.gui.undo import CaseEdits

if TYPE_CHECKING:
    from app.ops.case import CaseFile

SUBJECT_WIDTH = 70  # characters of an exhibit's description in the choice list


def _count(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{len(names):,} domains"


class DomainEditsCommand:
    """``ask_and_link(names)`` and ``remove(names)`` for the Domains page."""

    def __init__(self, window: QWidget | None, case: Callable[[], CaseFile | None], edits: CaseEdits,
                 status: Callable[[str], None]) -> None:
        self._window = window
        self._case = case
        self._edits = edits
        self._status = status

    def exhibits(self) -> list[tuple[int, str]]:
        """(item id, "Exhibit 3: description") for the case's exhibits, in filing order."""
        case = self._case()
        if case is None:
            return []
        choices = []
        for number, item, description in case.exhibits():
            words = " ".join((description or item.original_name or item.kind.label).split())
            if len(words) > SUBJECT_WIDTH:
                words = words[:SUBJECT_WIDTH - 1] + "…"
            choices.append((item.id, f"Exhibit {number}: {words}"))
        return choices

    def ask_and_link(self, names: Sequence[str]) -> Operation[Done] | None:
        """Ask which exhibit shows the domains belong in the order, and the declarant's words; link them."""
        if not names or self._case() is None:
            return None
        from app.gui.dialogs.link_exhibit import LinkExhibitDialog

        dialog = LinkExhibitDialog(names, self.exhibits(), self._window)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        item_id, note, label = dialog.item_id(), dialog.note.text().strip(), dialog.exhibit.currentText()
        dialog.deleteLater()
        if not accepted or not item_id:
            return None
        return self.link(names, item_id, note, label.partition(":")[0])

    def link(self, names: Sequence[str], item_id: int, note: str, exhibit: str = "the exhibit"
             ) -> Operation[Done] | None:
        return self._edits.run(self._window, f"Link {_count(names)} to {exhibit}",
                               recipes.support_link(list(names), item_id, note),
                               on_done=lambda _r: self._status(f"Linked {_count(names)} to {exhibit}."),
                               error_title="The link was not made")

    def remove(self, names: Sequence[str]) -> Operation[Done] | None:
        """Take the domains out of the case (Edit → Undo puts them back)."""
        if not names:
            return None
        return self._edits.run(self._window, f"Remove {_count(names)} from the case",
                               recipes.remove_domains(list(names)),
                               on_done=lambda _r: self._status(f"Removed {_count(names)} from the case "
                                                               "(Edit → Undo puts it back)."),
                               error_title="The domains were not removed")
