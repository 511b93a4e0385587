"""The Documents page: the declaration's paragraphs to edit, the exhibit order, the Rule 5.2
review, a live preview of any document of the filing set.

Left, on a first tab, the paragraphs drafted from the evidence with counsel's edits (edit
the selected one in the pane below the list, add one, move it within its section, leave
it out or put it back, go back to the draft) and the exhibits in filing order (move
up/down); on a second tab, the personal data found in the exhibits for counsel to redact
or keep (``redaction_panel``). Right, the chosen document (the declaration first, or the
order, an appendix, the index, the certification, a letter, an exhibit) as it will be
filed, re-rendered half a second after each change. Every change is an ``app.ops`` call on
the write pool (which logs it in the custody log); the list is re-read on the read pool;
the GUI thread never waits.

The page loads lazily: a change elsewhere only marks it stale, and it reloads when it
is shown (or when asked), so an open case with thousands of emails costs nothing
until counsel look at the documents."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QItemSelectionModel, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.reporting import Reporter
from app.gui.background import Operation, Operations
from app.gui.dialogs.add_paragraph import AddParagraphDialog
from app.gui.events import CaseEvents
from app.gui.models.items import RowIdRole
from app.gui.models.paragraphs import ParagraphsModel
from app.gui.widgets.document_preview import DocumentPreview
from app.gui.widgets.labels import heading
from app.gui.widgets.redaction_panel import RedactionPanel
from app.gui.widgets.tables import make_table
from app.ops import paragraphs as ops
from app.ops.case import CaseFile
from app.ops.exhibit_order import Renumbered, move_exhibit
from app.ops.filing import numbered_paragraphs
from app.ops.paragraphs import DeclarationParagraph
from app.ops.previews import PreviewChoice, preview_choices

Loaded = tuple[list[DeclarationParagraph], int, list[PreviewChoice]]


def paragraphs_summary(paragraphs: list[DeclarationParagraph], numbered: int) -> str:
    """The heading over the list, in the preview's numbers: 15 numbered = 11 listed here + 4 fixed."""
    shown = sum(1 for p in paragraphs if not p.removed)
    fixed = max(0, numbered - shown)
    text = (f"Declaration: {numbered} numbered paragraph{'' if numbered == 1 else 's'}, "
            f"{shown} listed here, {fixed} fixed")
    return text + (f", {len(paragraphs) - shown} left out" if shown < len(paragraphs) else "")


PARAGRAPHS_HINT = ("No paragraphs about the evidence yet: one is drafted here for each screenshot, email "
                   "and domain record added to the case. Add… writes one of your own.")


class DocumentsPage(QWidget):
    """Paragraph editor, exhibit order and declaration preview for the open case."""

    def __init__(self, case: Callable[[], CaseFile | None], operations: Operations, events: CaseEvents,
                 exhibits: QAbstractItemModel, export: Callable[[], None]) -> None:
        super().__init__()
        self._case = case
        self._operations = operations
        self._events = events
        self._stale = True
        self._changing = False  # a change asked for on this page is running
        self._generation = 0
        self._select_key: str | None = None
        self._editing_key: str | None = None  # the paragraph whose words are in the editor
        self._last_saved: tuple[str, str] | None = None  # (key, words) last sent to be stored
        self.model = ParagraphsModel(self)
        self.preview = DocumentPreview(case, operations, self)
        self.redactions = RedactionPanel(case, operations, self)
        self.redactions.showExhibit.connect(self.preview.choose_exhibit)

        self.paragraphs_heading = heading("Declaration paragraphs")
        self.paragraphs_heading.setWordWrap(True)  # a narrow pane wraps it rather than widening the page
        self.paragraphs_heading.setToolTip("Fixed paragraphs come from the declaration template (who "
                                           "declares, how the evidence was preserved, the domains); the "
                                           "listed ones are drafted from the evidence or added by counsel")
        self.paragraphs_hint = QLabel(PARAGRAPHS_HINT)
        self.paragraphs_hint.setTextFormat(Qt.TextFormat.PlainText)
        self.paragraphs_hint.setWordWrap(True)
        self.paragraphs_hint.hide()
        self.view = make_table(self.model, sortable=False, stretch_column=3)
        for column, width in enumerate((80, 50, 70)):
            self.view.setColumnWidth(column, width)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._selection_moved())
        self.editor = QPlainTextEdit()
        self.editor.setTabChangesFocus(True)  # Tab moves on to Save paragraph, never into the words
        self.editor.setPlaceholderText("Select a paragraph to edit its words here.")
        self.editor.textChanged.connect(self._update_buttons)
        self.save_button = QPushButton("Save paragraph")
        self.save_button.setShortcut("Ctrl+Return")
        self.save_button.setToolTip("Save the words above (Ctrl+Return); moving to another paragraph "
                                    "saves them too")
        self.save_button.clicked.connect(self.save_selected)
        self.add_button = QPushButton("Add…")
        self.add_button.clicked.connect(self.add)
        self.up_button = QPushButton("Move up")
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button = QPushButton("Move down")
        self.down_button.clicked.connect(lambda: self.move_selected(+1))
        self.remove_button = QPushButton("Leave out")
        self.remove_button.clicked.connect(self.toggle_removed)
        self.reset_button = QPushButton("Back to draft")
        self.reset_button.setToolTip("Go back to the words and place drafted from the evidence")
        self.reset_button.clicked.connect(self.reset_selected)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.up_button, self.down_button, self.remove_button, self.reset_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.save_button)

        self.exhibits_heading = heading("Exhibit order")
        self.exhibits = exhibits
        self.exhibits_view = make_table(exhibits, sortable=False, stretch_column=2)
        for column in range(3, exhibits.columnCount()):
            self.exhibits_view.hideColumn(column)
        self.exhibits_view.setColumnWidth(0, 80)
        self.exhibit_up = QPushButton("Move up")
        self.exhibit_up.clicked.connect(lambda: self.move_exhibit_selected(-1))
        self.exhibit_down = QPushButton("Move down")
        self.exhibit_down.clicked.connect(lambda: self.move_exhibit_selected(+1))
        self.exhibits_view.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        exhibit_buttons = QHBoxLayout()
        exhibit_buttons.addWidget(self.exhibit_up)
        exhibit_buttons.addWidget(self.exhibit_down)
        exhibit_buttons.addStretch(1)

        self.export_button = QPushButton("Export filing set…")
        self.export_button.setToolTip("Write the declaration, exhibits, order, appendices, index and "
                                      "certification into a folder")
        self.export_button.clicked.connect(export)

        paragraphs_box = QWidget()
        p_layout = QVBoxLayout(paragraphs_box)
        p_layout.setContentsMargins(0, 0, 0, 0)
        p_layout.addWidget(self.paragraphs_heading)
        p_layout.addWidget(self.paragraphs_hint)
        p_layout.addWidget(self.view, 3)
        p_layout.addLayout(buttons)
        p_layout.addWidget(self.editor, 2)
        p_layout.addLayout(save_row)
        exhibits_box = QWidget()
        e_layout = QVBoxLayout(exhibits_box)
        e_layout.setContentsMargins(0, 0, 0, 0)
        e_layout.addWidget(self.exhibits_heading)
        e_layout.addWidget(self.exhibits_view, 1)
        e_layout.addLayout(exhibit_buttons)
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(paragraphs_box)
        left.addWidget(exhibits_box)
        left.setSizes([520, 200])
        self.left_tabs = QTabWidget()
        self.left_tabs.setDocumentMode(True)
        self.left_tabs.addTab(left, "Declaration && exhibits")
        self.left_tabs.addTab(self.redactions, "Rule 5.2 review")
        right = QWidget()
        r_layout = QVBoxLayout(right)
        r_layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(heading("Preview"), 1)
        top.addWidget(self.export_button)
        r_layout.addLayout(top)
        r_layout.addWidget(self.preview, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.left_tabs)
        splitter.addWidget(right)
        splitter.setSizes([560, 540])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        # Tab follows the eye on the right too: Export, then the document to preview, then its pages
        QWidget.setTabOrder(self.export_button, self.preview.choice)
        QWidget.setTabOrder(self.preview.choice, self.preview.view)

        events.caseOpened.connect(lambda _case: self._case_changed())
        events.caseClosed.connect(self._case_changed)
        for signal in (events.itemsChanged, events.domainsChanged, events.infoChanged, events.paragraphsChanged):
            signal.connect(self._evidence_changed)
        events.redactionsChanged.connect(self.preview.schedule)  # the exhibit shown may read differently now
        events.itemsChanged.connect(self.redactions.mark_stale)
        self._update_buttons()

    # -- loading -----------------------------------------------------------------------

    def _case_changed(self) -> None:
        self._generation += 1
        self.model.set_paragraphs([])
        self.editor.clear()
        self.preview.clear()
        self.redactions.case_changed()
        self._evidence_changed()

    def _evidence_changed(self) -> None:
        """Something the declaration says may have changed: reload now if shown (or if the change was
        made from this page), else when shown."""
        self._stale = True
        if self.isVisible() or self._changing:
            self._changing = False
            self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()

    def reload(self) -> Operation[Loaded] | None:
        """Re-read the paragraphs and the documents to preview in the background, then re-render."""
        case = self._case()
        if case is None:
            return None
        self._stale = False
        generation = self._generation

        def work(reporter: Reporter) -> Loaded:
            return ops.current_paragraphs(case), numbered_paragraphs(case), preview_choices(case)

        def done(result: Loaded) -> None:
            if generation == self._generation:
                paragraphs, numbered, choices = result
                self._show_paragraphs(paragraphs, numbered)
                self.preview.set_choices(choices)
                self.preview.schedule()

        return self._operations.run(self, work, done, error_title="The paragraphs could not be read")

    def _show_paragraphs(self, paragraphs: list[DeclarationParagraph], numbered: int) -> None:
        key = self._select_key or self.selected_key()
        self._select_key = None
        self.model.set_paragraphs(paragraphs)
        self.paragraphs_heading.setText(paragraphs_summary(paragraphs, numbered))
        self.paragraphs_hint.setVisible(not any(p.section == "exhibits" for p in paragraphs))
        row = self.model.row_of(key) if key else -1
        if row >= 0:
            self.view.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self._show_selected()

    # -- selection -----------------------------------------------------------------------

    def selected_row(self) -> int:
        index = self.view.selectionModel().currentIndex()
        return index.row() if index.isValid() else -1

    def selected_key(self) -> str | None:
        p = self.model.paragraph(self.selected_row())
        return p.key if p is not None else None


    def _selection_moved(self) -> None:
        """Keep what counsel typed: words left unsaved in the editor are saved on moving away."""
        row = self.model.row_of(self._editing_key) if self._editing_key else -1
        left = self.model.paragraph(row)
        words = " ".join(self.editor.toPlainText().split())
        if left is not None and words and words != left.text and left.key != self.selected_key() \
                and self._last_saved != (left.key, words):
            self._last_saved = (left.key, words)
            key = left.key
            self._change("changed", lambda case: ops.edit_paragraph(case, key, words))
        self._show_selected()

    def _show_selected(self) -> None:
        p = self.model.paragraph(self.selected_row())
        self._editing_key = p.key if p is not None else None
        self.editor.blockSignals(True)
        self.editor.setPlainText(p.text if p is not None else "")
        self.editor.blockSignals(False)
        self.editor.setEnabled(p is not None)
        self._update_buttons()

    def _update_buttons(self) -> None:
        row = self.selected_row()
        p = self.model.paragraph(row)
        has_case = self._case() is not None
        self.add_button.setEnabled(has_case)
        self.export_button.setEnabled(has_case)
        self.save_button.setEnabled(p is not None and " ".join(self.editor.toPlainText().split()) != p.text
                                    and bool(self.editor.toPlainText().strip()))
        self.up_button.setEnabled(p is not None and self.model.place(row) > 1)
        self.down_button.setEnabled(p is not None and self.model.place(row) < self.model.section_size(p.section))
        self.remove_button.setEnabled(p is not None)
        self.remove_button.setText("Put back" if p is not None and p.removed else "Leave out")
        self.reset_button.setEnabled(p is not None and bool(p.drafted) and (p.edited or p.removed))
        exhibit = self.exhibits_view.selectionModel().currentIndex()
        self.exhibit_up.setEnabled(exhibit.isValid() and exhibit.row() > 0)
        self.exhibit_down.setEnabled(exhibit.isValid() and exhibit.row() < self.exhibits.rowCount() - 1)

    # -- paragraph commands --------------------------------------------------------------

    def _change(self, what: str, change: Callable[[CaseFile], Any], *, select: str | None = None,
                then: Callable[[Any], None] | None = None) -> Operation[Any] | None:
        """Run one ops change on the write pool; then re-read the list and re-render the preview."""
        case = self._case()
        if case is None:
            return None

        def work(reporter: Reporter) -> Any:
            return change(case)

        def done(result: Any) -> None:  # the page reloads on the change it announced; select what it made
            self._select_key = select
            if then is not None:
                then(result)

        self._changing = True  # what this page changes, it shows at once
        return self._operations.run(self, work, done, writes_case=True, cancellable=False,
                                    error_title=f"The paragraph was not {what}")

    def save_selected(self) -> Operation[Any] | None:
        """Store the words in the editor as counsel's words for the selected paragraph."""
        key = self.selected_key()
        if key is None:
            return None
        return self.start_edit(key, self.editor.toPlainText())

    def start_edit(self, key: str, text: str) -> Operation[Any] | None:
        self._last_saved = (key, " ".join(text.split()))
        return self._change("changed", lambda case: ops.edit_paragraph(case, key, text), select=key)

    def add(self) -> None:
        """Ask for the section and words of a new paragraph, placed after the selected one."""
        p = self.model.paragraph(self.selected_row())
        dialog = AddParagraphDialog(p.section if p is not None else "evidence", self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            section, text = dialog.values()
            after = p.key if p is not None and p.section == section else None
            self.start_add(section, text, after=after)

    def start_add(self, section: str, text: str, *, after: str | None = None) -> Operation[Any] | None:
        def select(key: str) -> None:
            self._select_key = key

        return self._change("added", lambda case: ops.add_paragraph(case, section, text, after=after),
                            then=lambda added: select(added.key))

    def move_selected(self, step: int) -> Operation[Any] | None:
        """Move the selected paragraph one place up (-1) or down (+1) within its section."""
        row = self.selected_row()
        p = self.model.paragraph(row)
        if p is None:
            return None
        to = self.model.place(row) + step
        if not 1 <= to <= self.model.section_size(p.section):
            return None
        return self._change("moved", lambda case: ops.move_paragraph(case, p.key, to), select=p.key)

    def toggle_removed(self) -> Operation[Any] | None:
        """Leave the selected paragraph out of the declaration, or put it back."""
        p = self.model.paragraph(self.selected_row())
        if p is None:
            return None
        return self._change("changed", lambda case: ops.remove_paragraph(case, p.key, removed=not p.removed),
                            select=p.key)

    def reset_selected(self) -> Operation[Any] | None:
        """Go back to the drafted words and place."""
        p = self.model.paragraph(self.selected_row())
        if p is None:
            return None
        return self._change("reset", lambda case: ops.reset_paragraph(case, p.key), select=p.key)

    # -- exhibit order -------------------------------------------------------------------

    def move_exhibit_selected(self, step: int) -> Operation[Any] | None:
        """Move the selected exhibit one place up or down; the others renumber after it."""
        index = self.exhibits_view.selectionModel().currentIndex()
        case = self._case()
        if case is None or not index.isValid():
            return None
        item_id = index.siblingAtColumn(0).data(RowIdRole)
        to_row = index.row() + step
        if not 0 <= to_row < self.exhibits.rowCount():
            return None

        def work(reporter: Reporter) -> Renumbered:
            numbers = {item.id: number for number, item, _ in case.exhibits()}
            return move_exhibit(case, numbers[item_id], to_row + 1)

        def done(_renumbered: Renumbered) -> None:  # the models and this page reloaded on the change
            self.exhibits_view.selectRow(to_row)

        self._changing = True  # what this page changes, it shows at once
        return self._operations.run(self, work, done, writes_case=True, cancellable=False,
                                    error_title="The exhibits were not renumbered")
