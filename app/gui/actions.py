"""Every command of the window, declared once, enabled from the window's state.

Menus and the toolbar are built from these; nothing else creates a QAction
for a command, so a command is enabled, disabled or renamed in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QStyle, QWidget


@dataclass(frozen=True)
class WindowState:
    """What decides which commands make sense right now."""

    case_open: bool
    busy: bool  # background work is running
    can_undo: bool = False
    can_redo: bool = False
    writing: bool = False  # a change to the case is queued or running (undo and redo wait for it)


class Actions:
    """The window's commands. Connect ``triggered``; call :meth:`update` when the state changes."""

    def __init__(self, parent: QWidget) -> None:
        style = parent.style()

        def make(text: str, tip: str, shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
                 icon: QStyle.StandardPixmap | None = None) -> QAction:
            action = QAction(text, parent)
            action.setStatusTip(tip)
            action.setToolTip(tip)
            if shortcut is not None:
                action.setShortcut(QKeySequence(shortcut))
                keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
                action.setToolTip(f"{tip} ({keys})" if keys else tip)  # the toolbar teaches the shortcut
            if icon is not None:
                action.setIcon(QIcon(style.standardIcon(icon)))
            return action

        pix = QStyle.StandardPixmap
        self.new_case = make("&New case…", "Create a new case file", QKeySequence.StandardKey.New,
                             pix.SP_FileIcon)
        self.open_case = make("&Open case…", "Open an existing case file", QKeySequence.StandardKey.Open,
                              pix.SP_DialogOpenButton)
        self.add_evidence = make("Add &evidence…", "Import screenshots, emails, mailboxes and domain records",
                                 "Ctrl+E", pix.SP_FileDialogNewFolder)
        self.add_domains = make("Add &domains…", "Paste a list of domains to seize", "Ctrl+D",
                                pix.SP_FileDialogDetailedView)
        self.capture_web = make("Capture &web pages…", "Load web pages in the app's own browser and keep screenshots, "
                                "WARC, server address, certificate and DNS answers as evidence", "Ctrl+Shift+W",
                                pix.SP_BrowserReload)
        self.build_bundle = make("&Build bundle…", "Build the signed exhibit bundle and the documents",
                                 "Ctrl+B", pix.SP_DialogSaveButton)
        self.export_filing = make("E&xport filing set…", "Write the declaration, exhibits, order, appendices, "
                                  "index and certification into a folder", "Ctrl+Shift+E", pix.SP_DirLinkIcon)
        self.build_draft = make("Build &draft bundle…", "Build the bundle with documents marked DRAFT on every page, "
                                "even while the pre-filing review finds blocking problems")
        self.export_draft = make("Export draft filing set…", "Write the filing set marked DRAFT on every page, "
                                 "even while the pre-filing review finds blocking problems")
        self.verify_bundle = make("&Verify a bundle…", "Check a bundle's files, signature, timestamp and custody log",
                                  "Ctrl+Shift+V", pix.SP_DialogApplyButton)
        self.review = make("&Review before filing…", "What stands between the case and a fileable set of papers, "
                           "each problem with Go there (nothing is built; no network)", "Ctrl+R")
        self.precheck = make("Check domains are &live…", "Over the network, before filing: is each domain still "
                             "registered and resolving, and who else would a takedown hurt (asks the registries; "
                             "replies kept as exhibits). Not the review before filing: that is File → Review "
                             "before filing…")
        self.compliance = make("&Compliance check…", "After the order: has each registry put its domains on hold "
                               "or delegated them to the sinkhole (asks the registries; replies kept as exhibits)")
        self.renew_bundle = make("&Renew a bundle…", "Add an archive timestamp to a bundle before its last "
                                 "timestamp's certificate expires (recorded in the open case)")
        self.close_case = make("&Close case", "Close the open case", QKeySequence.StandardKey.Close)
        self.signing_identities = make("Signing &identities…", "Create, import, export and trust signing "
                                       "identities; choose the one that signs this case")
        self.preferences = make("&Preferences…", "Trusted timestamp authorities and this case's timestamp choice",
                                QKeySequence.StandardKey.Preferences)
        self.quit = make("&Quit", "Quit the app", QKeySequence.StandardKey.Quit)
        # Edit: the platform's own keys (Ctrl+Z and Ctrl+Shift+Z or Ctrl+Y; Cmd+Z on a Mac)
        self.undo = make("&Undo", "Take back the last edit of the case (logged, like every change)",
                         QKeySequence.StandardKey.Undo)
        self.redo = make("&Redo", "Make the edit taken back again", QKeySequence.StandardKey.Redo)
        self.find = make("&Find in evidence…", "Search names, subjects, senders, domains, URLs and hashes",
                         QKeySequence.StandardKey.Find)
        self.case_details = make("Case &details…", "Court, caption, parties, case number, declarant, counsel, "
                                 "Bates numbers and signer: what the documents print", "Ctrl+I")
        # Help
        self.guide = make("&Guide", "A case, step by step", QKeySequence.StandardKey.HelpContents)
        self.verifying_help = make("&Verifying a bundle", "How anyone checks a bundle with stock tools")
        self.about = make("&About evbundle", "Version, licences and where the app keeps your files")
        self.update(WindowState(case_open=False, busy=False))

    def update(self, state: WindowState) -> None:
        """Enable what makes sense: without a case only New, Open and Quit.

        Adding evidence stays possible while other work runs (writes queue up
        one after another); opening, closing and building wait for it.
        """
        self.new_case.setEnabled(not state.busy)
        self.open_case.setEnabled(not state.busy)
        self.close_case.setEnabled(state.case_open and not state.busy)
        self.add_evidence.setEnabled(state.case_open)
        self.add_domains.setEnabled(state.case_open)
        self.capture_web.setEnabled(state.case_open)  # queues behind running writes, like adding evidence
        self.build_bundle.setEnabled(state.case_open and not state.busy)
        self.export_filing.setEnabled(state.case_open)  # queues behind running writes
        self.build_draft.setEnabled(state.case_open and not state.busy)
        self.export_draft.setEnabled(state.case_open)
        self.precheck.setEnabled(state.case_open and not state.busy)
        self.review.setEnabled(state.case_open)  # queues behind running writes, like an export
        self.compliance.setEnabled(state.case_open and not state.busy)
        self.verify_bundle.setEnabled(True)  # needs no case: any bundle, from anyone
        self.renew_bundle.setEnabled(not state.busy)  # any bundle; the open case records it
        self.signing_identities.setEnabled(True)  # identities belong to the user, not the case
        self.preferences.setEnabled(True)
        self.quit.setEnabled(True)
        self.undo.setEnabled(state.case_open and state.can_undo and not state.writing)
        self.redo.setEnabled(state.case_open and state.can_redo and not state.writing)
        self.find.setEnabled(state.case_open)
        self.case_details.setEnabled(state.case_open)

    def toolbar(self) -> list[QAction | None]:
        """The toolbar, left to right (None is a separator)."""
        return [self.new_case, self.open_case, None, self.add_evidence, self.add_domains, self.capture_web, None,
                self.build_bundle, self.export_filing, self.verify_bundle]
