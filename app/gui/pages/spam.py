"""The Spam page: every message with its linked domains and category, and the selected one's headers and body.

The table lists subject, sender, date, linked domains and category (the
user's confirmed one, else the keyword suggestion marked as such). Below
it, a header pane shows headers, hops, authentication and links as plain
text with invisible characters revealed, and the body pane shows the
message through :class:`SafeMessageView`. Choosing or confirming a category
writes metadata in the background (an undoable edit, in the custody log).
*Add domains not in the case* adds what the selected messages (or all of
them) advertise; *Export attachments…* writes the selected message's
attachments as inert ``<sha256>.bin`` files, as ``evbundle attachments`` does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core.changes import Changes
from app.core.model import Item
from app.core.reporting import Reporter
from app.gui import messages
from app.gui.background import Operation, Operations
from app.gui.commands import edits as recipes
from app.gui.commands.item_menu import ItemMenus
from app.gui.events import CaseEvents
from app.gui.models.items import RowIdRole
from app.gui.pages.table_page import TablePage
from app.gui.undo import CaseEdits
from app.gui.widgets import desktop
from app.gui.widgets.context_menu import add, attach
from app.gui.widgets.message_view import SafeMessageView
from app.gui.widgets.tables import fit_columns
from app.ops import settings
from app.sources.categories import CATEGORIES
from app.sources.visible import reveal_invisible

if TYPE_CHECKING:
    from app.ops.case import CaseFile


def header_text(item: Item, case: CaseFile | None) -> str:
    """Headers, hops, authentication, links and attachments of one message, as plain text."""
    record = item.record or {}
    lines = []
    for label, key in (("Subject", "subject"), ("From", "from"), ("Reply-To", "reply_to"),
                       ("Return-Path", "return_path"), ("To", "to"), ("Date", "date"),
                       ("Date (UTC)", "date_utc"), ("Message-ID", "message_id")):
        if record.get(key):
            lines.append(f"{label}: {reveal_invisible(str(record[key]))}")
    hops = record.get("received") or []
    lines.append(f"Received hops: {len(hops)}")
    for number, hop in enumerate(hops, 1):
        lines.append(f"  {number}. from {hop.get('from') or '?'} [{hop.get('ip') or '?'}] by {hop.get('by') or '?'}"
                     f"; {hop.get('time') or ''}")
    for result in record.get("authentication_results") or []:
        verdicts = ", ".join(f"{k}={v}" for k, v in (result.get("verdicts") or {}).items())
        lines.append(f"Authentication ({result.get('server') or '?'}): {verdicts or '-'}")
    if record.get("dkim_domains"):
        lines.append("DKIM d=: " + ", ".join(record["dkim_domains"]))
    from app.ops.linking import links_of_item  # URL parsing and the suffix list: when a message is shown
    from app.sources.html_safe import remote_resources

    if case is not None:
        links = links_of_item(item, case.domains())
        lines.append("In the case's domains: " + (", ".join(links.in_case) or "none"))
        lines.append("Not in the case: " + (", ".join(links.unknown) or "none"))
    for link in record.get("link_mismatches") or []:
        lines.append(f"Link text shows {link.get('shown_host')} but points to {link.get('host')}")
    blocked = remote_resources(str(record.get("html_body") or ""))
    if blocked:
        lines.append(f"Remote content never loaded: {len(blocked)}")
    for attachment in record.get("attachments") or []:
        flag = " (TYPE MISMATCH)" if attachment.get("type_mismatch") else ""
        lines.append(f"Attachment: {reveal_invisible(str(attachment.get('name') or '(no name)'))}, "
                     f"declared {attachment.get('content_type') or '?'}, bytes are "
                     f"{attachment.get('sniffed_type') or '?'}, {attachment.get('size', 0):,} bytes{flag}")
    if item.parse_error:
        lines.append(f"Reading problems: {item.parse_error}")
    return "\n".join(lines)


DATE_COLUMN = 3


class SpamPage(TablePage):
    """The spam table above a header pane and a body pane, with the category to confirm."""

    def __init__(
        self,
        model: Any,
        case: Callable[[], CaseFile | None],
        operations: Operations,
        events: CaseEvents,
        edits: CaseEdits,
        menus: ItemMenus,
        capture: Callable[[list[str]], object] | None = None,
    ) -> None:
        super().__init__(
            model, model.rowCount, ("spam sample", "spam samples"),
            "No spam yet. Drop .eml, .mbox or .msg files here, or use Add evidence….",
            stretch_column=1, widths=(90, 0, 180, 150, 160, 170, 140),  # Status: "Read with defects" whole
        )
        # the date and time whole (they are evidence), measured in this font
        self.view.setColumnWidth(DATE_COLUMN, self.view.fontMetrics().horizontalAdvance("2026-09-14 06:21:44") + 24)
        self._case = case
        self._operations = operations
        self._events = events
        self._edits = edits
        self._menus = menus
        self.current: Item | None = None
        self.headers = QPlainTextEdit()
        self.headers.setReadOnly(True)
        self.headers.setTabChangesFocus(True)
        self.headers.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)  # long Received: lines read whole
        self.headers.setPlaceholderText("Select a message above to see its headers, the servers it passed "
                                        "through, its authentication results and its links.")
        self.body = SafeMessageView()
        self.body.setPlaceholderText("The message's body: its text, or HTML that loads nothing.")
        self.category = QComboBox()
        for key, label in CATEGORIES.items():
            self.category.addItem(label, key)
        self.category.activated.connect(lambda _index: self.confirm_category())  # a choice is kept at once
        self.confirm = QPushButton("Confirm category")
        self.confirm.setToolTip("Keep the suggested category as the message's category (logged)")
        self.confirm.clicked.connect(self.confirm_category)
        self.category_note = QLabel()
        self.category_note.setTextFormat(Qt.TextFormat.PlainText)
        self.add_unknown_button = QPushButton("Add domains not in the case")
        self.add_unknown_button.setToolTip("Add the domains the selected messages advertise (all messages when "
                                           "none is selected) that the case does not list yet")
        self.add_unknown_button.clicked.connect(self.add_unknown_domains)
        self.attachments_button = QPushButton("Export attachments…")
        self.attachments_button.setToolTip("Write the selected message's attachments, for analysis, as inert "
                                           "<sha256>.bin files (mode 0600) with a manifest")
        self.attachments_button.clicked.connect(self.export_attachments)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        attach(self.view, self.fill_menu)

        bar = QHBoxLayout()
        bar.addWidget(QLabel("Category:"))
        bar.addWidget(self.category)
        bar.addWidget(self.confirm)
        bar.addWidget(self.category_note, 1)
        self.capture_links = QPushButton("Capture its links…")
        self.capture_links.setToolTip("Capture the web pages this message links to (each kept as evidence)")
        self.capture_links.setVisible(capture is not None)
        self.capture_links.clicked.connect(
            lambda: capture(list((self.current.record or {}).get("urls") or [])) if capture and self.current else None)
        bar.addWidget(self.capture_links)
        bar.addWidget(self.add_unknown_button)
        bar.addWidget(self.attachments_button)
        details = QSplitter(Qt.Orientation.Horizontal)
        details.addWidget(self.headers)
        details.addWidget(self.body)
        details.setSizes([450, 550])
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addLayout(bar)
        lower_layout.addWidget(details, 1)

        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)  # the table page's own layout
        layout.removeWidget(self.view)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.view)
        splitter.addWidget(lower)
        splitter.setSizes([300, 400])
        layout.addWidget(splitter, 1)
        self.view.selectionModel().currentRowChanged.connect(self._row_changed)
        model.modelReset.connect(self._reselect)
        model.modelReset.connect(lambda: fit_columns(self.view, {2: 300, 4: 260, 5: 220}))
        self._set_enabled(False)

    def _set_enabled(self, enabled: bool) -> None:
        self.category.setEnabled(enabled)
        self.confirm.setEnabled(enabled)
        self.capture_links.setEnabled(enabled and bool((self.current.record or {}).get("urls")) if self.current
                                      else False)
        self.attachments_button.setEnabled(enabled and bool((self.current.record or {}).get("attachments"))
                                           if self.current is not None else False)
        self.add_unknown_button.setEnabled(self.model.rowCount() > 0)

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        case = self._case()
        item_id = current.data(RowIdRole) if current.isValid() else None
        if case is None or item_id is None:
            self.show_item(None)
            return
        self.show_item(case.item(int(item_id)))

    def _reselect(self) -> None:
        """After a reload, show the same message again (its metadata may have changed)."""
        case = self._case()
        if self.current is not None and case is not None:
            try:
                self.show_item(case.item(self.current.id))
            except Exception:  # noqa: BLE001 - the item is gone with the case
                self.show_item(None)
        else:
            self.show_item(None)

    def show_item(self, item: Item | None) -> None:
        """Fill the header and body panes with one message (or clear them)."""
        self.current = item
        self._set_enabled(item is not None)
        self.confirm.setEnabled(item is not None and not (item.metadata or {}).get("category"))
        if item is None:
            self.headers.setPlainText("")
            self.body.show_text("")
            self.category.setCurrentIndex(-1)  # no message, no category to show
            self.category_note.setText("")
            return
        self.headers.setPlainText(header_text(item, self._case()))
        self.body.show_message(item.record or {})
        confirmed = str((item.metadata or {}).get("category") or "")
        suggested = str((item.record or {}).get("suggested_category") or "other")
        index = self.category.findData(confirmed or suggested)
        self.category.setCurrentIndex(max(index, 0))
        reasons = ", ".join((item.record or {}).get("category_reasons") or [])
        self.category_note.setText(
            "Confirmed" if confirmed else f"Suggested{' from: ' + reasons if reasons else ''}; not yet confirmed"
        )

    def selected_items(self) -> list[Item]:
        """The selected messages, the current one first."""
        case = self._case()
        if case is None:
            return []
        rows = sorted({index.row() for index in self.view.selectionModel().selectedRows()})
        ids = [self.view.model().index(row, 0).data(RowIdRole) for row in rows]
        items = [case.item(int(i)) for i in ids if i is not None]
        if self.current is not None:
            items.sort(key=lambda item: item.id != self.current.id if self.current else False)
        return items

    def select_item(self, item_id: int) -> bool:
        """Show the message with this id (search and review "go there"); False when it is not listed."""
        proxy = self.view.model()
        for row in range(proxy.rowCount()):
            index = proxy.index(row, 0)
            if index.data(RowIdRole) == item_id:
                self.view.setCurrentIndex(index)
                self.view.selectRow(row)
                self.view.scrollTo(index)
                return True
        return False

    def fill_menu(self, menu: QMenu) -> None:
        items = self.selected_items()
        self._menus.fill(menu, items)
        if items:
            menu.addSeparator()
            add(menu, "Add domains not in the case", self.add_unknown_domains)
            add(menu, "Export attachments…", self.export_attachments,
                enabled=len(items) == 1 and bool((items[0].record or {}).get("attachments")))

    def confirm_category(self) -> None:
        """Store the chosen category in the message's metadata (undoable, logged in the custody log)."""
        case, item = self._case(), self.current
        if case is None or item is None:
            return
        category = str(self.category.currentData())
        if str((item.metadata or {}).get("category") or "") == category:
            return
        self._edits.run(self, f"Set the category of {item.exhibit_label or item.name}",
                        recipes.metadata(item.id, {"category": category}), error_title="The category was not saved")

    def add_unknown_domains(self) -> Operation[Any] | None:
        """Add the domains the selected messages (or all of them) advertise and the case lacks."""
        case = self._case()
        if case is None:
            return None
        wanted = [item.id for item in self.selected_items()] or None

        def work(_reporter: Reporter) -> Any:
            from app.ops.linking import add_unknown_domains

            return add_unknown_domains(case, wanted)

        def done(report: Any) -> None:
            if report.added:
                messages.show_message(self, "Domains added", f"{report.added:,} domain"
                                      f"{'s' if report.added != 1 else ''} added to the case from "
                                      f"{'the selected messages' if wanted else 'the spam'}'s links.")
            else:
                messages.show_message(self, "No domains added", "Every domain these messages advertise is "
                                      "already in the case.")

        return self._operations.run(self, work, done, writes_case=True, cancellable=False,
                                    progress_title="Adding the advertised domains",
                                    error_title="The domains were not added")

    def export_attachments(self, folder: Path | None = None) -> Operation[Any] | None:
        """Write the current message's attachments into a folder chosen now (or ``folder``)."""
        case, item = self._case(), self.current
        if case is None or item is None:
            return None
        if folder is None:
            chosen = QFileDialog.getExistingDirectory(self, "Export the attachments into",
                                                      str(settings.last_folder("attachments", case.path)))
            if not chosen:
                return None
            folder = Path(chosen)
            settings.set_last_folder("attachments", folder, case.path)
        target, item_id = folder, item.id

        def work(_reporter: Reporter) -> Any:
            from app.ops.attachments import export_attachments

            return export_attachments(case, item_id, target)

        def done(written: Any) -> None:
            listed = "\n".join(f"{a.path.name}  {a.size:,} bytes  {a.sniffed_type}  ({a.declared_name})"
                               for a in written)
            messages.show_message(
                self, "Attachments exported",
                f"{len(written)} attachment{'s' if len(written) != 1 else ''} written to {target} as inert "
                "<sha256>.bin files (readable by you only), with manifest.tsv.",
                details=listed, actions=[("Open folder", lambda: desktop.show_folder(target))])

        return self._operations.run(self, work, done, writes_case=True, cancellable=False,
                                    changes=Changes(custody=True), error_title="The attachments were not exported")
