"""The open case's pages in their tabs (Domains, Screenshots, Spam, Exhibits & custody, Documents,
Compliance),
with the models they show and the commands that belong to them.

Built once, the first time a case is opened or right after the window is first shown
(:meth:`app.gui.window.MainWindow.case_pages`), so the window with its start screen appears
before any of this is imported or made. Each model listens for the changes that concern it,
and only those."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QTabWidget, QWidget

from app.gui.background import Operations
from app.gui.commands.capture import CaptureCommand
from app.gui.commands.capture_web import CaptureWebCommand
from app.gui.commands.checks import CheckCommand
from app.gui.commands.domain_edits import DomainEditsCommand
from app.gui.commands.export import ExportCommand
from app.gui.commands.item_menu import ItemMenus
from app.gui.commands.lookup import LookupCommand
from app.gui.commands.registry import RegistryCommand
from app.gui.events import CaseEvents
from app.gui.models.domains import LazyDomainsModel
from app.gui.models.items import CustodyModel, ExhibitsModel, ScreenshotsModel, SpamModel
from app.gui.pages.compliance import CompliancePage
from app.gui.pages.documents import DocumentsPage
from app.gui.pages.domains import DomainsPage
from app.gui.pages.exhibits import ExhibitsPage
from app.gui.pages.screenshots import ScreenshotsPage
from app.gui.pages.spam import SpamPage
from app.gui.undo import CaseEdits
from app.gui.widgets.signer_banner import SignerBanner

if TYPE_CHECKING:
    from app.ops.case import CaseFile

TAB_NAMES = ("Domains", "Screenshots", "Spam", "Exhibits && custody")


class CasePages(QTabWidget):
    """The tabs of the open case; ``window`` is the main window (parent of the commands' dialogs)."""

    def __init__(self, window: QWidget, case: Callable[[], CaseFile | None], operations: Operations,
                 events: CaseEvents, edits: CaseEdits, export: ExportCommand, status: Callable[[str], None],
                 manage_identities: QAction, preview_exhibit: Callable[[int], None]) -> None:
        super().__init__()
        from app.ops.domains import registry_namer  # the registry table: for the domains, when they are shown

        self.setDocumentMode(True)
        self.domains_model = LazyDomainsModel(registry_namer(), operations, self)
        self.screenshots_model = ScreenshotsModel(self)
        self.spam_model = SpamModel(self)
        self.exhibits_model = ExhibitsModel(self)
        self.custody_model = CustodyModel(self)
        for model in (self.domains_model, self.screenshots_model, self.spam_model,
                      self.exhibits_model, self.custody_model):
            events.caseOpened.connect(model.set_case)
            events.caseClosed.connect(lambda m=model: m.set_case(None))
        events.domainsChanged.connect(self.domains_model.reload)
        events.itemsChanged.connect(self.domains_model.reload)  # a new record can change a domain's status
        for model in (self.screenshots_model, self.spam_model, self.exhibits_model):
            events.itemsChanged.connect(model.reload)
        events.custodyChanged.connect(self.custody_model.reload)  # every change to the case is logged

        self._case = case
        self._operations = operations
        self.lookups = LookupCommand(window, case, operations)
        self.registries = RegistryCommand(window, case, edits)
        self.web_capture = CaptureWebCommand(window, case, operations, status)
        self.domain_edits = DomainEditsCommand(window, case, edits, status)
        self.domains_page = DomainsPage(self.domains_model, lookup=self.lookups.ask_and_lookup,
                                        correct_registry=self.registries.ask_and_correct,
                                        capture=self.web_capture.capture_domains, detail=self._domain_detail,
                                        link=self.domain_edits.ask_and_link, remove=self.domain_edits.remove)
        self.capture = CaptureCommand(window, case, operations, status)
        self.item_menus = ItemMenus(window, case, operations, edits, preview_exhibit)
        self.screenshots_page = ScreenshotsPage(self.screenshots_model, case, operations, events, edits,
                                                self.item_menus, capture=self.capture.ask_and_capture)
        self.spam_page = SpamPage(self.spam_model, case, operations, events, edits, self.item_menus,
                                  capture=self.web_capture.ask_and_capture)
        self.exhibits_page = ExhibitsPage(self.exhibits_model, self.custody_model, case, self.item_menus)
        self.signer_banner = SignerBanner(case, events, manage_identities)
        self.exhibits_page.add_banner(self.signer_banner)  # who signs, with the fingerprint
        self.documents_page = DocumentsPage(case, operations, events, self.exhibits_model, export.ask_and_export,
                                            edits, self.item_menus)
        self.addTab(self.domains_page, TAB_NAMES[0])
        self.addTab(self.screenshots_page, TAB_NAMES[1])
        self.addTab(self.spam_page, TAB_NAMES[2])
        self.addTab(self.exhibits_page, TAB_NAMES[3])
        self.addTab(self.documents_page, "Documents")
        self.checks = CheckCommand(window, case, operations)
        self.compliance_page = CompliancePage(case, operations, events, self.checks)
        self.addTab(self.compliance_page, "Compliance")
        # Tab goes top to bottom on the Exhibits page: the signer banner's button first (it is on top),
        # then the two tables
        QWidget.setTabOrder(self.signer_banner.button, self.exhibits_page.exhibits_view)
        QWidget.setTabOrder(self.exhibits_page.exhibits_view, self.exhibits_page.custody_view)

    def _domain_detail(self, name: str, registrable: str) -> None:
        """The chosen domain's records for the Domains page, read off the window's thread."""
        from app.core.errors import explain
        from app.ops.show import domain_detail

        case = self._case()
        if case is not None:
            self._operations.run(self, lambda _r: domain_detail(case, name, registrable),
                                 self.domains_page.show_detail, quiet=True,
                                 on_failure=lambda exc: self.domains_page.show_detail(
                                     f"The records could not be read: {explain(exc) or repr(exc)}"))

    def set_counts(self, counts: tuple[int, int, int, int] | None) -> None:
        """The tabs' names with what each holds ("Domains (1,204)"), or bare when no case is open."""
        for index, name in enumerate(TAB_NAMES):
            self.setTabText(index, name if counts is None else f"{name} ({counts[index]:,})")

    def counts(self) -> tuple[int, int, int, int]:
        return (self.domains_model.total(), self.screenshots_model.rowCount(), self.spam_model.rowCount(),
                self.exhibits_model.rowCount())

    def show_item(self, item_id: int) -> bool:
        """Select an item in the page that lists it (screenshot, message, or exhibit)."""
        for page in (self.screenshots_page, self.spam_page):
            if page.select_item(item_id):
                self.setCurrentWidget(page)
                return True
        self.setCurrentWidget(self.exhibits_page)
        return self.exhibits_page.select_item(item_id)
