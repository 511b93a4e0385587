"""The main window: menus and toolbar from :class:`Actions`, a page per kind of evidence.

The window owns the open case and switches between the welcome page and the
case's pages; the commands that change the case live in
:class:`CaseCommands`. Files dropped anywhere on the window are imported.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QStackedWidget,
    QTabWidget,
    QToolBar,
    QWidget,
)

from app.core.errors import explain
from app.core.model import CaseInfo
from app.gui import messages
from app.gui.actions import Actions, WindowState
from app.gui.background import Operations
from app.gui.commands.capture import CaptureCommand
from app.gui.commands.capture_web import CaptureWebCommand
from app.gui.commands.checks import CheckCommand
from app.gui.commands.evidence import CaseCommands
from app.gui.commands.export import ExportCommand
from app.gui.commands.lookup import LookupCommand
from app.gui.commands.registry import RegistryCommand
from app.gui.commands.renew import RenewCommand
from app.gui.dialogs.about import about_box
from app.gui.dialogs.identities import IdentitiesDialog
from app.gui.dialogs.new_case import NewCaseDialog
from app.gui.dialogs.preferences import PreferencesDialog
from app.gui.dialogs.verify import VerifyDialog
from app.gui.events import CaseEvents
from app.gui.models.domains import LazyDomainsModel
from app.gui.models.items import CustodyModel, ExhibitsModel, ScreenshotsModel, SpamModel
from app.gui.pages.compliance import CompliancePage
from app.gui.pages.documents import DocumentsPage
from app.gui.pages.domains import DomainsPage
from app.gui.pages.exhibits import ExhibitsPage
from app.gui.pages.screenshots import ScreenshotsPage
from app.gui.pages.spam import SpamPage
from app.gui.pages.welcome import WelcomePage
from app.gui.widgets.case_label import CaseLabel
from app.gui.widgets.screen_fit import fit_to_screen
from app.gui.widgets.signer_banner import SignerBanner
from app.ops import settings
from app.ops.case import CASE_SUFFIX, CaseFile, create_case, open_case
from app.ops.show import domain_detail

APP_TITLE = "Evidence Bundle Builder"


def _count(count: int, word: str, plural: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else plural or word + 's'}"


class MainWindow(QMainWindow):
    """One window per open case (or none). Services are built by the app and passed in."""

    def __init__(
        self,
        operations: Operations,
        registry_name: Callable[[str], str],
        events: CaseEvents,
    ) -> None:
        super().__init__()
        self.operations = operations
        self.events = events
        self.case: CaseFile | None = None
        self.setWindowTitle(APP_TITLE)
        self.setAcceptDrops(True)

        self.window_actions = Actions(self)
        self.commands = CaseCommands(self, lambda: self.case, operations, self._show_status)
        self.domains_model = LazyDomainsModel(registry_name, operations, self)
        self.screenshots_model = ScreenshotsModel(self)
        self.spam_model = SpamModel(self)
        self.exhibits_model = ExhibitsModel(self)
        self.custody_model = CustodyModel(self)
        self._connect_models()
        self._build_pages()
        self._build_menus()
        self._build_status_bar()
        self._connect_actions()
        operations.busyChanged.connect(lambda _busy: self.update_state())
        geometry = QByteArray.fromBase64(settings.window_geometry().encode("ascii"))
        if geometry.isEmpty() or not self.restoreGeometry(geometry):
            fit_to_screen(self, 1100, 700)
        self.update_state()
        self._refresh_status()

    # -- layout ------------------------------------------------------------------------

    def _connect_models(self) -> None:
        """Each model listens for the changes that concern it, and only those."""
        events = self.events
        for model in (self.domains_model, self.screenshots_model, self.spam_model,
                      self.exhibits_model, self.custody_model):
            events.caseOpened.connect(model.set_case)
            events.caseClosed.connect(lambda m=model: m.set_case(None))
        events.domainsChanged.connect(self.domains_model.reload)
        events.itemsChanged.connect(self.domains_model.reload)  # a new record can change a domain's status
        for model in (self.screenshots_model, self.spam_model, self.exhibits_model):
            events.itemsChanged.connect(model.reload)
        events.custodyChanged.connect(self.custody_model.reload)  # every change to the case is logged

    def _build_pages(self) -> None:
        self.lookups = LookupCommand(self, lambda: self.case, self.operations)
        self.web_capture = CaptureWebCommand(self, lambda: self.case, self.operations, self._show_status)
        self.registries = RegistryCommand(self, lambda: self.case, self.operations)
        self.domains_page = DomainsPage(self.domains_model, lookup=self.lookups.ask_and_lookup,
                                        correct_registry=self.registries.ask_and_correct,
                                        capture=self.web_capture.capture_domains, detail=self._domain_detail)
        self.capture = CaptureCommand(self, lambda: self.case, self.operations, self._show_status)
        self.screenshots_page = ScreenshotsPage(self.screenshots_model, lambda: self.case, self.operations,
                                                self.events, capture=self.capture.ask_and_capture)
        self.spam_page = SpamPage(self.spam_model, lambda: self.case, self.operations, self.events,
                                  capture=self.web_capture.ask_and_capture)
        self.exhibits_page = ExhibitsPage(self.exhibits_model, self.custody_model)
        self.signer_banner = SignerBanner(lambda: self.case, self.events, self.window_actions.signing_identities)
        self.exhibits_page.add_banner(self.signer_banner)  # who signs, with the fingerprint
        self.export = ExportCommand(self, lambda: self.case, self.operations, self._show_status)
        self.renew = RenewCommand(self, lambda: self.case, self.operations, self._show_status)
        self.documents_page = DocumentsPage(lambda: self.case, self.operations, self.events,
                                            self.exhibits_model, self.export.ask_and_export)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.domains_page, "Domains")
        self.tabs.addTab(self.screenshots_page, "Screenshots")
        self.tabs.addTab(self.spam_page, "Spam")
        self.tabs.addTab(self.exhibits_page, "Exhibits && custody")
        self.tabs.addTab(self.documents_page, "Documents")
        self.checks = CheckCommand(self, lambda: self.case, self.operations)
        self.compliance_page = CompliancePage(lambda: self.case, self.operations, self.events, self.checks)
        self.tabs.addTab(self.compliance_page, "Compliance")
        self.welcome_page = WelcomePage(self.window_actions)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.welcome_page)
        self.stack.addWidget(self.tabs)
        self.setCentralWidget(self.stack)
        # Tab goes top to bottom on the Exhibits page: the signer banner's button first (it is on top),
        # then the two tables; set once the page is in the window, whose focus chain it joins
        QWidget.setTabOrder(self.signer_banner.button, self.exhibits_page.exhibits_view)
        QWidget.setTabOrder(self.exhibits_page.exhibits_view, self.exhibits_page.custody_view)

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
        file_menu.addAction(actions.build_bundle)
        file_menu.addAction(actions.export_filing)
        file_menu.addAction(actions.build_draft)
        file_menu.addAction(actions.export_draft)
        file_menu.addAction(actions.verify_bundle)
        file_menu.addAction(actions.renew_bundle)
        file_menu.addSeparator()
        file_menu.addAction(actions.quit)
        tools_menu = self.menuBar().addMenu("&Tools")
        tools_menu.addAction(actions.precheck)
        tools_menu.addAction(actions.compliance)
        tools_menu.addSeparator()
        tools_menu.addAction(actions.signing_identities)
        tools_menu.addAction(actions.preferences)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction("&About evbundle", lambda: about_box(self).exec())
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
        for signal in (self.events.itemsChanged, self.events.infoChanged, self.events.caseOpened,
                       self.events.caseClosed, self.domains_model.modelReset):  # the domains counted off the thread
            signal.connect(self._refresh_status)

    def _connect_actions(self) -> None:
        actions = self.window_actions
        actions.new_case.triggered.connect(self.new_case)
        actions.open_case.triggered.connect(self.choose_case)
        actions.close_case.triggered.connect(self.close_case)
        actions.add_evidence.triggered.connect(self.commands.add_evidence)
        actions.add_domains.triggered.connect(self.commands.add_domains)
        actions.capture_web.triggered.connect(lambda: self.web_capture.ask_and_capture())  # noqa: PLW0108 - not `checked`
        actions.build_bundle.triggered.connect(self.commands.build_bundle)
        actions.export_filing.triggered.connect(self.export.ask_and_export)
        actions.build_draft.triggered.connect(lambda: self.commands.build_bundle(draft=True))
        actions.export_draft.triggered.connect(lambda: self.export.ask_and_export(draft=True))
        actions.verify_bundle.triggered.connect(self.open_verify_dialog)
        actions.renew_bundle.triggered.connect(self.renew.ask_and_renew)
        actions.signing_identities.triggered.connect(self.open_identities_dialog)
        actions.preferences.triggered.connect(self.open_preferences_dialog)
        actions.quit.triggered.connect(self.close)
        actions.precheck.triggered.connect(lambda: self.start_check("precheck"))
        actions.compliance.triggered.connect(lambda: self.start_check("compliance"))

    def start_check(self, kind: str) -> None:
        """Show the Compliance page in the check's mode and run it (the menu command is the user's ask)."""
        page = self.compliance_page
        page.mode.setCurrentIndex(page.mode.findData(kind))
        self.tabs.setCurrentWidget(page)
        page.check_now()

    def _domain_detail(self, name: str, registrable: str) -> None:
        """The chosen domain's records for the Domains page, read off the window's thread."""
        case = self.case
        if case is not None:
            self.operations.run(self, lambda _r: domain_detail(case, name, registrable),
                                self.domains_page.show_detail, quiet=True,
                                on_failure=lambda exc: self.domains_page.show_detail(
                                    f"The records could not be read: {explain(exc) or repr(exc)}"))

    def open_verify_dialog(self) -> VerifyDialog:
        """The Verify dialog (modeless), which asks for a bundle to check."""
        dialog = VerifyDialog(self.operations, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def open_identities_dialog(self) -> IdentitiesDialog:
        """The signing identities dialog (modeless, one at a time)."""
        dialog = self.findChild(IdentitiesDialog)
        if dialog is None:
            dialog = IdentitiesDialog(self.operations, lambda: self.case, self.events, self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        dialog.raise_()
        return dialog

    def open_preferences_dialog(self) -> PreferencesDialog | None:
        """Preferences (timestamp authorities, this case's timestamp choice); None if the settings are unreadable."""
        try:
            dialog = PreferencesDialog(self.operations, lambda: self.case, self.events, self)
        except Exception as exc:  # noqa: BLE001 - shown to the user, never swallowed
            messages.show_error(self, "The preferences cannot be opened", exc)
            return None
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.show()
        return dialog

    # -- state -------------------------------------------------------------------------

    def update_state(self) -> None:
        """Enable commands and choose the page from whether a case is open and work is running."""
        self.window_actions.update(WindowState(case_open=self.case is not None, busy=self.operations.is_busy()))
        self.stack.setCurrentWidget(self.tabs if self.case is not None else self.welcome_page)

    def _refresh_status(self) -> None:
        if self.case is None:
            self.case_label.show_case("No case open")
            self.counts_label.setText("")
            self.setWindowTitle(APP_TITLE)
            self._set_tab_counts(None)
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
        self._set_tab_counts((self.domains_model.total(), self.screenshots_model.rowCount(),
                              self.spam_model.rowCount(), self.exhibits_model.rowCount()))

    def _set_tab_counts(self, counts: tuple[int, int, int, int] | None) -> None:
        for index, name in enumerate(("Domains", "Screenshots", "Spam", "Exhibits && custody")):
            self.tabs.setTabText(index, name if counts is None else f"{name} ({counts[index]:,})")

    def _show_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    # -- opening and closing ---------------------------------------------------------------

    def new_case(self) -> None:
        dialog = NewCaseDialog(settings.last_folder("cases"), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.create_case(dialog.case_path(), dialog.info())

    def create_case(self, path: Path, info: CaseInfo) -> bool:
        """Create a case file and open it; a problem is shown, not raised."""
        try:
            case = create_case(path, info)
        except Exception as exc:  # noqa: BLE001 - shown to the user, never swallowed
            messages.show_error(self, "The case was not created", exc)
            return False
        self._set_case(case)
        return True

    def choose_case(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open a case", str(settings.last_folder("cases")), f"Case files (*{CASE_SUFFIX})"
        )
        if path:
            self.open_case(Path(path))

    def open_case(self, path: Path) -> bool:
        """Open a case file (closing the one open); a problem is shown, not raised."""
        try:
            case = open_case(path)
        except Exception as exc:  # noqa: BLE001 - shown to the user, never swallowed
            messages.show_error(self, "The case could not be opened", exc)
            return False
        self._set_case(case)
        return True

    def close_case(self) -> None:
        if self.case is None:
            return
        case, self.case = self.case, None
        self.events.caseClosed.emit()  # the pages cancel their quiet work (filtering, thumbnails)
        self.operations.wait()  # which stops within milliseconds, before the case's connections close
        case.close()
        self.update_state()

    def _set_case(self, case: CaseFile) -> None:
        self.close_case()
        self.case = case
        settings.remember_case(case.path)
        settings.set_last_folder("cases", case.path.parent)
        self.events.caseOpened.emit(case)
        self.update_state()

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = settings.recent_cases()
        for path in recent:
            action = self.recent_menu.addAction(path.name)
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
        """Stop background work before the case closes, so nothing is left half written."""
        self.operations.cancel_all()
        self.operations.wait()
        settings.set_window_geometry(bytes(self.saveGeometry().toBase64().data()).decode("ascii"))
        self.close_case()
        event.accept()
