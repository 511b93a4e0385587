"""The main window's dialogs: verify, identities, preferences, find, help, about, case details.

A mixin of :class:`app.gui.window.MainWindow`. Each dialog's module is imported when it is
first opened: verification, signing and PDF code load then, not with the window."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMainWindow

from app.gui import messages
from app.ops import settings

if TYPE_CHECKING:
    from app.gui.background import Operations
    from app.gui.commands.build import BuildCommand
    from app.gui.events import CaseEvents
    from app.gui.undo import CaseEdits
    from app.ops.case import CaseFile


class WindowDialogs(QMainWindow):
    """The dialogs the main window opens."""

    # what the main window provides
    operations: Operations
    events: CaseEvents
    edits: CaseEdits
    case: CaseFile | None
    current_case: Callable[[], CaseFile | None]
    go_to: Callable[[str], bool]
    builder: BuildCommand

    def open_verify_dialog(self) -> QDialog:
        """The Verify dialog (modeless), which asks for a bundle to check (the last one built is offered)."""
        from app.gui.dialogs.verify import VerifyDialog

        dialog = VerifyDialog(self.operations, self, suggested=settings.last_bundle(), draft=self.builder.is_draft)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def verify_now(self, bundle: Path) -> QDialog:
        """The Verify dialog, checking ``bundle`` at once ("Verify now" after a build)."""
        dialog = self.open_verify_dialog()
        dialog.verify(bundle)  # type: ignore[attr-defined]
        return dialog

    def open_identities_dialog(self) -> QDialog:
        """The signing identities dialog (modeless, one at a time)."""
        from app.gui.dialogs.identities import IdentitiesDialog

        dialog = self.findChild(IdentitiesDialog)
        if dialog is None:
            dialog = IdentitiesDialog(self.operations, self.current_case, self.events, self, edits=self.edits)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        dialog.raise_()
        return dialog

    def open_preferences_dialog(self) -> QDialog | None:
        """Preferences (timestamp authorities, this case's timestamp choice); None if the settings are unreadable."""
        from app.gui.dialogs.preferences import PreferencesDialog

        try:
            dialog = PreferencesDialog(self.operations, self.current_case, self.events, self, edits=self.edits)
        except Exception as exc:  # noqa: BLE001 - shown to the user, never swallowed
            messages.show_error(self, "The preferences cannot be opened", exc)
            return None
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.show()
        return dialog

    def open_find_dialog(self) -> QDialog:
        """Find in evidence (modeless, one at a time)."""
        from app.gui.dialogs.find import FindDialog

        dialog = self.findChild(FindDialog)
        if dialog is None:
            dialog = FindDialog(self.current_case, self.operations, self.go_to, self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.events.caseClosed.connect(dialog.close)
        dialog.show()
        dialog.raise_()
        dialog.text.setFocus()
        dialog.text.selectAll()
        return dialog

    def open_help(self, page: str) -> QDialog:
        from app.gui.dialogs.help import HelpDialog

        dialog = HelpDialog(page, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def open_about(self) -> None:
        from app.gui.dialogs.about import about_box

        about_box(self).exec()

    def open_case_details(self) -> bool:
        """Edit → Case details…: the form; OK makes the changes as one undoable edit. False when cancelled."""
        case = self.case
        if case is None:
            return False
        from app.gui.commands import edits as recipes
        from app.gui.dialogs.case_details import CaseDetailsDialog
        from app.ops.parties import case_parties

        dialog = CaseDetailsDialog(case.info(), case_parties(case), case.counsel(), _identities(), self)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        form = dialog.form
        dialog.deleteLater()
        if not accepted or not form.has_changes():
            return False
        self.edits.run(self, "Edit the case details",
                       recipes.case_details(form.changed_info(), form.changed_parties(), form.changed_counsel()),
                       error_title="The case details were not changed")
        return True


def _identities() -> list[tuple[str, str]]:
    """(fingerprint, name) of this computer's signing identities, newest last."""
    from app.ops.identity import identity_listing

    return [(i.fingerprint, f"{i.subject}{f' [{i.label}]' if i.label else ''} — {i.fingerprint[:23]}…")
            for i in identity_listing().identities]
