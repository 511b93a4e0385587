"""Change notifications: what an operation changed, so each page redraws only that.

Operations do not know about pages. When one completes, the background
helper hands its result's :class:`~app.core.changes.Changes` to
:meth:`CaseEvents.apply` (Anki's ``OpChanges``), which emits the matching
signals here, each once; the models, pages and the status bar listen.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.core.changes import Changes


class CaseEvents(QObject):
    """Signals about the open case (and the user's identities), emitted on the GUI thread."""

    caseOpened = Signal(object)  # the CaseFile now open
    caseClosed = Signal()
    infoChanged = Signal()  # case details: title, case number, declarant, signer…
    itemsChanged = Signal()  # evidence items or exhibits added, edited or renumbered
    domainsChanged = Signal()  # domains added, or their registries corrected
    paragraphsChanged = Signal()  # counsel's edits to the declaration
    redactionsChanged = Signal()  # Rule 5.2 decisions
    custodyChanged = Signal()  # the custody log grew (with every change to the case)
    identitiesChanged = Signal()  # signing identities or trusted certificates on this machine

    def apply(self, changes: Changes) -> None:
        """Tell the listeners what an operation changed."""
        if changes.case:
            self.infoChanged.emit()
        if changes.items or changes.exhibits:
            self.itemsChanged.emit()
        if changes.domains or changes.registries:
            self.domainsChanged.emit()
        if changes.paragraphs:
            self.paragraphsChanged.emit()
        if changes.redactions:
            self.redactionsChanged.emit()
        if changes.identities:
            self.identitiesChanged.emit()
        if changes.custody:
            self.custodyChanged.emit()
