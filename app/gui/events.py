"""Change notifications: what an operation changed, so each page redraws only that.

Operations do not know about pages. When one completes, the window emits
the matching signal here (Anki's change sets, reduced to a few kinds of
change); the models and the status bar listen.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class CaseEvents(QObject):
    """Signals about the open case, emitted on the GUI thread."""

    caseOpened = Signal(object)  # the CaseFile now open
    caseClosed = Signal()
    infoChanged = Signal()  # title, case number, declarant...
    itemsChanged = Signal()  # evidence items or exhibits added or edited
    domainsChanged = Signal()  # domains added or removed
    custodyChanged = Signal()  # only the custody log grew (a bundle was built)
