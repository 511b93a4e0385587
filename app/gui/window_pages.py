"""The main window's part that holds the case's pages: made when first needed, reached by name, and
"go there" for what a search or the pre-filing review found.

A mixin of :class:`app.gui.window.MainWindow` (as the store's parts are mixins of the case file),
kept apart so that the window's file stays about the window."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QMainWindow, QStackedWidget

if TYPE_CHECKING:
    from app.gui.actions import Actions
    from app.gui.background import Operations
    from app.gui.case_pages import CasePages
    from app.gui.commands.capture import CaptureCommand
    from app.gui.commands.capture_web import CaptureWebCommand
    from app.gui.commands.checks import CheckCommand
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
    from app.gui.window import Unsaved
    from app.ops.case import CaseFile


class WindowPages(QMainWindow):
    """The case's pages of the main window, and going to a place in them."""

    # what the main window provides
    operations: Operations
    events: CaseEvents
    edits: CaseEdits
    export: ExportCommand
    window_actions: Actions
    stack: QStackedWidget
    case: CaseFile | None
    unsaved_pages: list[Unsaved]
    _pages: CasePages | None
    current_case: Callable[[], CaseFile | None]
    _show_status: Callable[[str], None]
    _refresh_status: Callable[[], None]
    _status_signals: Callable[[], tuple[SignalInstance, ...]]
    open_case_details: Callable[[], bool]

    def case_pages(self) -> CasePages:
        """The case's pages, made (and their modules imported) the first time they are needed."""
        if self._pages is None:
            from app.gui.case_pages import CasePages

            self._pages = CasePages(self, self.current_case, self.operations, self.events, self.edits, self.export,
                                    self._show_status, self.window_actions.signing_identities, self.preview_exhibit)
            self.stack.addWidget(self._pages)
            self.unsaved_pages = [self._pages.screenshots_page, self._pages.documents_page]
            self._pages.domains_model.modelReset.connect(self._refresh_status)  # the domains, counted off the thread
            for signal in self._status_signals():  # the status bar counts after the models have read the case
                signal.disconnect(self._refresh_status)
                signal.connect(self._refresh_status)
            if self.case is not None:
                self._pages.domains_model.set_case(self.case)  # cannot happen today: pages come before a case
        return self._pages

    # the parts of the case's pages the window and its commands reach
    @property
    def tabs(self) -> CasePages:
        return self.case_pages()

    @property
    def domains_model(self) -> LazyDomainsModel:
        return self.case_pages().domains_model

    @property
    def screenshots_model(self) -> ScreenshotsModel:
        return self.case_pages().screenshots_model

    @property
    def spam_model(self) -> SpamModel:
        return self.case_pages().spam_model

    @property
    def exhibits_model(self) -> ExhibitsModel:
        return self.case_pages().exhibits_model

    @property
    def custody_model(self) -> CustodyModel:
        return self.case_pages().custody_model

    @property
    def domains_page(self) -> DomainsPage:
        return self.case_pages().domains_page

    @property
    def screenshots_page(self) -> ScreenshotsPage:
        return self.case_pages().screenshots_page

    @property
    def spam_page(self) -> SpamPage:
        return self.case_pages().spam_page

    @property
    def exhibits_page(self) -> ExhibitsPage:
        return self.case_pages().exhibits_page

    @property
    def documents_page(self) -> DocumentsPage:
        return self.case_pages().documents_page

    @property
    def signer_banner(self) -> SignerBanner:
        return self.case_pages().signer_banner

    @property
    def compliance_page(self) -> CompliancePage:
        return self.case_pages().compliance_page

    @property
    def checks(self) -> CheckCommand:
        return self.case_pages().checks

    @property
    def web_capture(self) -> CaptureWebCommand:
        return self.case_pages().web_capture

    @property
    def item_menus(self) -> ItemMenus:
        return self.case_pages().item_menus

    @property
    def capture(self) -> CaptureCommand:
        return self.case_pages().capture

    @property
    def lookups(self) -> LookupCommand:
        return self.case_pages().lookups

    @property
    def registries(self) -> RegistryCommand:
        return self.case_pages().registries

    # -- going to what a search or a review found ------------------------------------------

    def go_to(self, where: str) -> bool:
        """Show what ``where`` names: "details", "domain:<name>", "domains:<problem>", "item:<id>",
        "paragraph:<key>", "redaction:<id>". False when there is nothing to show for it."""
        kind, _, value = where.partition(":")
        if self.case is None:
            return False
        if kind == "details":
            self.open_case_details()
            return True
        if kind == "domain":
            self.tabs.setCurrentWidget(self.domains_page)
            self.domains_page.show_domain(value)
            return True
        if kind == "domains":  # the domains with a problem ("unconfirmed-registry"…)
            self.tabs.setCurrentWidget(self.domains_page)
            self.domains_page.show_problem(value)
            return True
        if kind == "paragraph":
            self.tabs.setCurrentWidget(self.documents_page)
            self.documents_page.select_paragraph(value)
            return True
        if kind == "redaction":
            self.tabs.setCurrentWidget(self.documents_page)
            self.documents_page.left_tabs.setCurrentWidget(self.documents_page.redactions)
            self.documents_page.redactions.select_candidate(value)
            return True
        if kind == "item" and value.isdigit():
            return self.show_item(int(value))
        return False

    def show_item(self, item_id: int) -> bool:
        """Select an item in the page that lists it (screenshot, message, or exhibit)."""
        return self.case_pages().show_item(item_id)

    def preview_exhibit(self, item_id: int) -> None:
        """The Documents page, previewing this exhibit as it will be filed."""
        self.tabs.setCurrentWidget(self.documents_page)
        self.documents_page.preview.choose_exhibit(item_id)
