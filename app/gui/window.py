"""The main window: menus and toolbar from :class:`Actions`, a page per kind of evidence.

The window owns the open case and switches between the welcome page and the
case's pages; the commands that change the case live in ``app.gui.commands``
and every edit goes through :class:`~app.gui.undo.CaseEdits` (Edit → Undo).
Files dropped anywhere on the window are imported. Words typed and not yet
saved are saved or asked about before they could be lost (:meth:`MainWindow.settle`):
closing the case, opening another, quitting, building, exporting, undoing.
The case's pages (:class:`~app.gui.case_pages.CasePages`) are made the first time
a case is opened, or just after the window first shows; dialogs that need the heavy
parts of the app (signing, PDF, verification) are imported when first opened. So
the window shows quickly, and then everything else loads. The pages and "go there"
(``window_pages``) and the dialogs (``window_dialogs``) are mixins in files of their own.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QByteArray, Qt, SignalInstance
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QLabel,
    QMenu,
    QStackedWidget,
    QToolBar,
)

from app.gui import messages
from app.gui.actions import Actions, WindowState
from app.gui.background import Operations
from app.gui.commands.build import BuildCommand
from app.gui.commands.evidence import CaseCommands
from app.gui.commands.export import ExportCommand
from app.gui.commands.renew import RenewCommand
from app.gui.commands.review import ReviewGate
from app.gui.events import CaseEvents
from app.gui.pages.welcome import WelcomePage
from app.gui.undo import CaseEdits
from app.gui.widgets.case_label import CaseLabel
from app.gui.widgets.screen_fit import fit_to_screen
from app.gui.window_dialogs import WindowDialogs
from app.gui.window_pages import WindowPages
from app.ops import settings

if TYPE_CHECKING:
    from app.core.model import CaseInfo, Counsel, Party
    from app.gui.case_pages import CasePages
    from app.ops.case import CaseFile

APP_TITLE = "Evidence Bundle Builder"


class Unsaved(Protocol):
    """A page that may hold words typed and not saved."""

    def unsaved(self) -> str: ...
    def save_unsaved(self) -> None: ...
    def discard_unsaved(self) -> None: ...


def _count(count: int, word: str, plural: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else plural or word + 's'}"


class MainWindow(WindowPages, WindowDialogs):
    """One window per open case (or none). Services are built by the app and passed in."""

    def __init__(self, operations: Operations, events: CaseEvents) -> None:
        super().__init__()
        self.operations = operations
        self.events = events
        self.case: CaseFile | None = None
        self.setWindowTitle(APP_TITLE)
        self.setAcceptDrops(True)

        self.window_actions = Actions(self)
        self.edits = CaseEdits(operations, lambda: self.case, self)
        self.commands = CaseCommands(self, lambda: self.case, operations, self._show_status)
        self.gate = ReviewGate(self, lambda: self.case, operations, self.settle, self.go_to)
        self.builder = BuildCommand(self, lambda: self.case, operations, self.gate, self._show_status,
                                    self.verify_now)
        self.export = ExportCommand(self, self.current_case, operations, self._show_status, self.gate)
        self.renew = RenewCommand(self, self.current_case, operations, self._show_status)
        self._pages: CasePages | None = None
        self.welcome_page = WelcomePage(self.window_actions, self.open_case)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.welcome_page)
        self.setCentralWidget(self.stack)
        self.unsaved_pages: list[Unsaved] = []
        self._build_menus()
        self._build_status_bar()
        self._connect_actions()
        operations.busyChanged.connect(lambda _busy: self.update_state())
        operations.writingChanged.connect(lambda _writing: self.update_state())
        self.edits.stack.indexChanged.connect(lambda _index: self.update_state())
        geometry = QByteArray.fromBase64(settings.window_geometry().encode("ascii"))
        if geometry.isEmpty() or not self.restoreGeometry(geometry):
            fit_to_screen(self, 1280, 760)
        self.update_state()
        self._refresh_status()

    # -- layout ------------------------------------------------------------------------

    def current_case(self) -> CaseFile | None:
        return self.case

    def _build_menus(self) -> None:
        actions = self.window_actions
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(actions.new_case)
        file_menu.addAction(actions.open_case)
        self.recent_menu = QMenu("Open &recent", self)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addMenu(self.recent_menu)
        file_menu.addAction(actions.close_case)
        file_menu.addSeparator()
        file_menu.addAction(actions.add_evidence)
        file_menu.addAction(actions.add_domains)
        file_menu.addAction(actions.capture_web)
        file_menu.addSeparator()
        file_menu.addAction(actions.review)
        file_menu.addAction(actions.build_bundle)
        file_menu.addAction(actions.export_filing)
        file_menu.addAction(actions.build_draft)
        file_menu.addAction(actions.export_draft)
        file_menu.addAction(actions.verify_bundle)
        file_menu.addAction(actions.renew_bundle)
        file_menu.addSeparator()
        file_menu.addAction(actions.quit)
        edit_menu = self.menuBar().addMenu("&Edit")
        edit_menu.addAction(actions.undo)
        edit_menu.addAction(actions.redo)
        edit_menu.addSeparator()
        edit_menu.addAction(actions.find)
        edit_menu.addAction(actions.case_details)
        tools_menu = self.menuBar().addMenu("&Tools")
        tools_menu.addAction(actions.precheck)
        tools_menu.addAction(actions.compliance)
        tools_menu.addSeparator()
        tools_menu.addAction(actions.signing_identities)
        tools_menu.addAction(actions.preferences)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(actions.guide)
        help_menu.addAction(actions.verifying_help)
        help_menu.addSeparator()
        help_menu.addAction(actions.about)
        toolbar = QToolBar("Main", self)
        toolbar.setObjectName("main-toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in actions.toolbar():
            if action is None:
                toolbar.addSeparator()
            else:
                toolbar.addAction(action)
        self.addToolBar(toolbar)

    def _build_status_bar(self) -> None:
        self.case_label = CaseLabel()
        self.counts_label = QLabel()
        self.counts_label.setTextFormat(Qt.TextFormat.PlainText)
        # The case is a normal widget, so a message (import done, bundle built, a menu's tip) takes its
        # place for a few seconds; as a permanent widget it would leave the message no room at all.
        self.statusBar().addWidget(self.case_label, 1)
        self.statusBar().addPermanentWidget(self.counts_label)
        for signal in self._status_signals():
            signal.connect(self._refresh_status)

    def _status_signals(self) -> tuple[SignalInstance, ...]:
        return (self.events.itemsChanged, self.events.infoChanged, self.events.caseOpened, self.events.caseClosed)

    def _connect_actions(self) -> None:
        actions = self.window_actions
        actions.new_case.triggered.connect(self.new_case)
        actions.open_case.triggered.connect(self.choose_case)
        actions.close_case.triggered.connect(self.close_case)
        actions.add_evidence.triggered.connect(self.commands.add_evidence)
        actions.add_domains.triggered.connect(lambda: self.commands.add_domains())  # noqa: PLW0108 - not `checked`
        actions.build_bundle.triggered.connect(self.builder.ask_and_build)
        actions.capture_web.triggered.connect(lambda: self.case_pages().web_capture.ask_and_capture())  # noqa: PLW0108 - pages made on first use
        actions.export_filing.triggered.connect(self.export.ask_and_export)
        actions.build_draft.triggered.connect(lambda: self.builder.ask_where(draft=True))
        actions.export_draft.triggered.connect(lambda: self.export.ask_where(draft=True))
        actions.verify_bundle.triggered.connect(self.open_verify_dialog)
        actions.renew_bundle.triggered.connect(self.renew.ask_and_renew)
        actions.signing_identities.triggered.connect(self.open_identities_dialog)
        actions.preferences.triggered.connect(self.open_preferences_dialog)
        actions.quit.triggered.connect(self.close)
        actions.precheck.triggered.connect(lambda: self.start_check("precheck"))
        actions.review.triggered.connect(self.gate.review)
        actions.compliance.triggered.connect(lambda: self.start_check("compliance"))
        actions.undo.triggered.connect(self.undo)
        actions.redo.triggered.connect(self.redo)
        actions.find.triggered.connect(self.open_find_dialog)
        actions.case_details.triggered.connect(self.open_case_details)
        actions.guide.triggered.connect(lambda: self.open_help("guide"))
        actions.verifying_help.triggered.connect(lambda: self.open_help("verifying"))
        actions.about.triggered.connect(self.open_about)
        stack = self.edits.stack
        stack.undoTextChanged.connect(lambda text: self._name_edit(actions.undo, "Undo", text))
        stack.redoTextChanged.connect(lambda text: self._name_edit(actions.redo, "Redo", text))

    def start_check(self, kind: str) -> None:
        """Show the Compliance page in the check's mode and run it (the menu command is the user's ask)."""
        pages = self.case_pages()
        page = pages.compliance_page
        page.mode.setCurrentIndex(page.mode.findData(kind))
        pages.setCurrentWidget(page)
        page.check_now()

    @staticmethod
    def _name_edit(action: object, verb: str, text: str) -> None:
        from PySide6.QtGui import QAction

        assert isinstance(action, QAction)
        action.setText(f"&{verb} {text[:1].lower()}{text[1:]}" if text else f"&{verb}")

    # -- undo, and words not saved -------------------------------------------------------

    def settle(self, doing: str) -> bool:
        """Before ``doing`` ("closing the case"…): words typed and not saved are saved, or dropped, as the
        user says; False when they would rather go back to them."""
        pages = [page for page in self.unsaved_pages if page.unsaved()]
        if not pages:
            return True
        answer = messages.ask_unsaved(self, doing, [page.unsaved() for page in pages])
        if answer == "cancel":
            return False
        for page in pages:
            if answer == "save":
                page.save_unsaved()
            else:
                page.discard_unsaved()
        return True

    def undo(self) -> None:
        if self.edits.stack.canUndo() and self._settle_before_undo("undoing"):
            self.edits.stack.undo()

    def redo(self) -> None:
        if self.edits.stack.canRedo() and self._settle_before_undo("redoing"):
            self.edits.stack.redo()

    def _settle_before_undo(self, doing: str) -> bool:
        """Words typed and not saved: saved (and then not undone: that save is what Undo would take back
        next), or dropped before the undo goes ahead."""
        pending = [page for page in self.unsaved_pages if page.unsaved()]
        if not pending:
            return True
        answer = messages.ask_unsaved(self, doing, [page.unsaved() for page in pending])
        for page in pending:
            if answer == "save":
                page.save_unsaved()
            elif answer == "discard":
                page.discard_unsaved()
        return answer == "discard"

    # -- state -------------------------------------------------------------------------

    def update_state(self) -> None:
        """Enable commands and choose the page from whether a case is open and work is running."""
        stack = self.edits.stack
        self.window_actions.update(WindowState(
            case_open=self.case is not None, busy=self.operations.is_busy(), can_undo=stack.canUndo(),
            can_redo=stack.canRedo(), writing=self.operations.is_writing()))
        self.stack.setCurrentWidget(self.case_pages() if self.case is not None else self.welcome_page)

    def _refresh_status(self) -> None:
        if self.case is None:
            self.case_label.show_case("No case open")
            self.counts_label.setText("")
            self.setWindowTitle(APP_TITLE)
            if self._pages is not None:
                self._pages.set_counts(None)
            return
        info = self.case.info()
        number = f" ({info.case_number})" if info.case_number else ""
        self.case_label.show_case(f"{info.title}{number}", str(self.case.path))
        self.setWindowTitle(f"{info.title} — {APP_TITLE}")
        self.counts_label.setText("   ".join((
            _count(self.case.count_items(), "item"),
            _count(self.exhibits_model.rowCount(), "exhibit"),
            _count(self.domains_model.total(), "domain"),
        )))
        self.case_pages().set_counts(self.case_pages().counts())

    def _show_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    # -- opening and closing ---------------------------------------------------------------

    def new_case(self) -> None:
        from app.gui.dialogs.new_case import NewCaseDialog

        dialog = NewCaseDialog(settings.last_folder("cases"), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.create_case(dialog.case_path(), dialog.info(), dialog.parties(), dialog.counsel())

    def create_case(self, path: Path, info: CaseInfo, parties: list[Party] | None = None,
                    counsel: Counsel | None = None) -> bool:
        """Create a case file with its parties and counsel, and open it; a problem is shown, not raised."""
        if not self.settle("opening another case"):
            return False
        try:
            from app.ops.case import create_case
            from app.ops.parties import add_party, set_counsel

            case = create_case(path, info)

            for party in parties or ():
                add_party(case, party)
            if counsel is not None and counsel.is_set:
                set_counsel(case, counsel)
        except Exception as exc:  # noqa: BLE001 - shown to the user, never swallowed
            messages.show_error(self, "The case was not created", exc)
            return False
        self._set_case(case)
        return True

    def choose_case(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open a case", str(settings.last_folder("cases")), "Case files (*.evcase)"
        )
        if path:
            self.open_case(Path(path))

    def open_case(self, path: Path) -> bool:
        """Open a case file (closing the one open); a problem is shown, not raised."""
        if not self.settle("opening another case"):
            return False
        try:
            from app.ops.case import open_case  # the store: with the first case, not with the window

            case = open_case(path)
        except Exception as exc:  # noqa: BLE001 - shown to the user, never swallowed
            messages.show_error(self, "The case could not be opened", exc)
            return False
        self._set_case(case)
        return True

    def close_case(self, *, settled: bool = False) -> bool:
        """Close the open case, after asking about words not saved; False when the user went back to them."""
        if self.case is None:
            return True
        if not settled and not self.settle("closing the case"):
            return False
        self.operations.wait()  # a save just asked for reaches the case before it closes
        case, self.case = self.case, None
        self.edits.clear()  # the history belongs to the case
        self.events.caseClosed.emit()  # the pages cancel their quiet work (filtering, thumbnails)
        self.operations.wait()  # which stops within milliseconds, before the case's connections close
        case.close()
        self.update_state()
        return True

    def _set_case(self, case: CaseFile) -> None:
        self.close_case(settled=True)
        self.case_pages()  # made before the case opens, so that every page hears of it
        self.case = case
        settings.remember_case(case.path, case.info().title)
        settings.set_last_folder("cases", case.path.parent)
        self.events.caseOpened.emit(case)
        self.update_state()

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = settings.recent_cases()
        for path in recent:
            action = self.recent_menu.addAction(f"{path.name}   ({path.parent})")
            action.setStatusTip(str(path))
            action.setEnabled(not self.operations.is_busy())
            action.triggered.connect(lambda _checked=False, p=path: self.open_case(p))
        if not recent:
            self.recent_menu.addAction("No recent cases").setEnabled(False)

    # -- drag and drop ---------------------------------------------------------------------

    def _dropped_files(self, event: QDropEvent | QDragEnterEvent | QDragMoveEvent) -> list[Path]:
        mime = event.mimeData()
        if self.case is None or not mime.hasUrls():
            return []
        return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_files(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        self.dragEnterEvent(event)  # type: ignore[arg-type]

    def dropEvent(self, event: QDropEvent) -> None:
        """Import the dropped files (and folders) in the background."""
        paths = self._dropped_files(event)
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.commands.start_import(paths)

    # -- quitting --------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        """Ask about words not saved; then stop background work before the case closes, so nothing is left
        half written."""
        if not self.settle("quitting"):
            event.ignore()
            return
        self.operations.wait()  # the saves just asked for, before anything is cancelled
        self.operations.cancel_all()
        self.operations.wait()
        settings.set_window_geometry(bytes(self.saveGeometry().toBase64().data()).decode("ascii"))
        self.close_case(settled=True)
        event.accept()
