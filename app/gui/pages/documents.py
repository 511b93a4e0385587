"""The Documents page: the declaration's paragraphs to edit, the exhibit order, the Rule 5.2
review, a live preview of any document of the filing set.

Left, on a first tab, the paragraphs drafted from the evidence with counsel's edits (edit
the selected one in the pane below the list, add one, move it within its section, leave
it out or put it back, go back to the draft) and the exhibits in filing order (move
up/down); on a second tab, the personal data found in the exhibits for counsel to redact
or keep (``redaction_panel``). Right, the chosen document (the declaration first, or the
order, an appendix, the index, the certification, a letter, an exhibit) as it will be
filed, re-rendered half a second after each change, turned to the selected paragraph.
Every change is an undoable edit (``app.gui.undo``): an ``app.ops`` call on the write pool,
which logs it in the custody log; the list is re-read on the read pool; the GUI thread never
waits. Words typed in the editor are saved on moving to another paragraph, and kept when the
list is read again meanwhile; closing the case or quitting asks about them first.

The page loads lazily: a change elsewhere only marks it stale, and it reloads when it
is shown (or when asked), so an open case with thousands of emails costs nothing
until counsel look at the documents."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractItemModel, QItemSelectionModel, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.reporting import Reporter
from app.gui.background import Operation, Operations
from app.gui.commands import edits as recipes
from app.gui.commands.item_menu import ItemMenus
from app.gui.dialogs.add_paragraph import AddParagraphDialog
from app.gui.events import CaseEvents
from app.gui.models.paragraphs import ParagraphsModel, section_names
from app.gui.undo import CaseEdits
from app.gui.widgets.context_menu import add, attach
from app.gui.widgets.document_preview import DECLARATION, DocumentPreview
from app.gui.widgets.exhibit_order import ExhibitOrder
from app.gui.widgets.labels import heading
from app.gui.widgets.redaction_panel import RedactionPanel
from app.gui.widgets.tables import make_table

if TYPE_CHECKING:
    from app.ops.case import CaseFile
    from app.ops.paragraphs import DeclarationParagraph

Loaded = tuple[list["DeclarationParagraph"], int, list[Any]]


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
                 exhibits: QAbstractItemModel, export: Callable[[], None], edits: CaseEdits,
                 menus: ItemMenus) -> None:
        super().__init__()
        self._case = case
        self._operations = operations
        self._events = events
        self._edits = edits
        self._stale = True
        self._generation = 0
        self._select_key: str | None = None
        self._editing_key: str | None = None  # the paragraph whose words are in the editor
        self._last_saved: tuple[str, str] | None = None  # (key, words) last sent to be stored
        self.model = ParagraphsModel(self)
        self.preview = DocumentPreview(case, operations, self)
        self.preview.rendered.connect(lambda _pages: self._follow())
        self.redactions = RedactionPanel(case, operations, edits, self)
        events.redactionsChanged.connect(self.preview.schedule)  # the exhibit shown may read differently now
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
        attach(self.view, self.fill_paragraph_menu)
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
        self.confirm_button = QPushButton("Declarant confirms")
        self.confirm_button.setToolTip("The declarant has read these very words and confirms the facts they state "
                                       "(for a paragraph no exhibit shows): the mark goes and the review stops "
                                       "listing it; changed words need confirming again")
        self.confirm_button.clicked.connect(self.confirm_selected)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.up_button, self.down_button, self.remove_button, self.reset_button,
                       self.confirm_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.save_button)

        self.exhibit_order = ExhibitOrder(exhibits, case, edits, menus, self.preview.choose_exhibit)
        self.exhibits = exhibits
        self.exhibits_view = self.exhibit_order.view

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
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(paragraphs_box)
        left.addWidget(self.exhibit_order)
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
        events.itemsChanged.connect(self.redactions.mark_stale)
        edits.replayed.connect(self.redactions.mark_stale)  # an undone decision: read the decisions again
        edits.replayed.connect(self.preview.schedule)
        self._update_buttons()

    # -- loading -----------------------------------------------------------------------

    def _case_changed(self) -> None:
        self._generation += 1
        self._editing_key = None
        self.model.set_paragraphs([])
        self.editor.clear()
        self.preview.clear()
        self.redactions.case_changed()
        self._evidence_changed()

    def _evidence_changed(self) -> None:
        """Something the declaration says may have changed: reload now if shown, else when shown."""
        self._stale = True
        if self.isVisible():
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
            from app.ops.filing import numbered_paragraphs
            from app.ops.paragraphs import current_paragraphs
            from app.ops.previews import preview_choices

            return current_paragraphs(case), numbered_paragraphs(case), preview_choices(case)

        def done(result: Loaded) -> None:
            if generation == self._generation:
                paragraphs, numbered, choices = result
                self._show_paragraphs(paragraphs, numbered)
                self.preview.set_choices(choices)
                self.preview.schedule()

        return self._operations.run(self, work, done, error_title="The paragraphs could not be read")

    def _show_paragraphs(self, paragraphs: list[DeclarationParagraph], numbered: int) -> None:
        typing = (self._editing_key, self.editor.toPlainText()) if self.unsaved() else None
        key = self._select_key or self.selected_key()
        self._select_key = None
        self.model.set_paragraphs(paragraphs)
        self.paragraphs_heading.setText(paragraphs_summary(paragraphs, numbered))
        self.paragraphs_hint.setVisible(not any(p.section == "exhibits" for p in paragraphs))
        row = self.model.row_of(key) if key else -1
        if row >= 0:
            self.view.selectionModel().blockSignals(True)  # the same paragraph: nothing to save on the way
            self.view.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
            self.view.selectionModel().blockSignals(False)
        self._show_selected()
        if typing is not None and typing[0] == self._editing_key:
            self.editor.setPlainText(typing[1])  # read again while counsel typed: the words stay theirs

    # -- selection -----------------------------------------------------------------------

    def selected_row(self) -> int:
        index = self.view.selectionModel().currentIndex()
        return index.row() if index.isValid() else -1

    def selected_key(self) -> str | None:
        p = self.model.paragraph(self.selected_row())
        return p.key if p is not None else None

    def select_paragraph(self, key: str) -> bool:
        """Select the paragraph ``key`` (review "go there"); False when the list does not have it."""
        row = self.model.row_of(key)
        if row < 0:
            self._select_key = key  # once the list is read
            if self._stale:
                self.reload()
            return False
        self.left_tabs.setCurrentIndex(0)
        self.view.selectRow(row)
        return True

    def _selection_moved(self) -> None:
        """Keep what counsel typed: words left unsaved in the editor are saved on moving away."""
        row = self.model.row_of(self._editing_key) if self._editing_key else -1
        left = self.model.paragraph(row)
        words = " ".join(self.editor.toPlainText().split())
        if left is not None and words and words != left.text and left.key != self.selected_key() \
                and self._last_saved != (left.key, words):
            self.start_edit(left.key, words, select=None)
        self._show_selected()
        self._follow()

    def _follow(self) -> None:
        """The preview turns to the selected paragraph, when it shows the declaration."""
        p = self.model.paragraph(self.selected_row())
        if p is not None and not p.removed and self.preview.shown_key == DECLARATION:
            self.preview.show_text(p.text)

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
        self.confirm_button.setEnabled(p is not None and p.unconfirmed and not self.save_button.isEnabled())

    def fill_paragraph_menu(self, menu: QMenu) -> None:
        p = self.model.paragraph(self.selected_row())
        if p is None:
            add(menu, "Add a paragraph…", self.add, enabled=self._case() is not None)
            return
        add(menu, "Move up", lambda: self.move_selected(-1), enabled=self.up_button.isEnabled())
        add(menu, "Move down", lambda: self.move_selected(+1), enabled=self.down_button.isEnabled())
        add(menu, "Put back" if p.removed else "Leave out", self.toggle_removed)
        add(menu, "Back to draft", self.reset_selected, enabled=self.reset_button.isEnabled())
        add(menu, "Declarant confirms", self.confirm_selected, enabled=self.confirm_button.isEnabled())
        menu.addSeparator()
        add(menu, "Add a paragraph after it…", self.add)
        add(menu, "Show in the preview", lambda: self._show_in_preview(p))

    def _show_in_preview(self, p: DeclarationParagraph) -> None:
        self.preview.follow.setChecked(True)
        if self.preview.shown_key != DECLARATION:
            self.preview.choose(DECLARATION)  # turns to it once rendered
        else:
            self.preview.show_text(p.text)

    # -- words not saved -----------------------------------------------------------------

    def unsaved(self) -> str:
        """The paragraph whose words are typed and not saved, in one line ("" when none)."""
        row = self.model.row_of(self._editing_key) if self._editing_key else -1
        p = self.model.paragraph(row)
        words = " ".join(self.editor.toPlainText().split())
        if p is None or not words or words == p.text or self._last_saved == (p.key, words):
            return ""
        return (f"Paragraph {self.model.place(row)} of the declaration's "
                f"“{section_names().get(p.section, p.section)}” section")

    def save_unsaved(self) -> None:
        row = self.model.row_of(self._editing_key) if self._editing_key else -1
        p = self.model.paragraph(row)
        if p is not None and self.unsaved():
            self.start_edit(p.key, self.editor.toPlainText())

    def discard_unsaved(self) -> None:
        self._show_selected()

    # -- paragraph commands --------------------------------------------------------------

    def _change(self, what: str, text: str, change: Callable[[CaseFile], Any], *, select: str | None = None,
                then: Callable[[Any], None] | None = None) -> Operation[Any] | None:
        """Run one ops change as an undoable edit; the list is read again when the pages hear of it."""

        def done(result: Any) -> None:
            self._select_key = select or self._select_key
            if then is not None:
                then(result)
            if self._stale:  # not shown (so not read again when the change was heard): the change was made here
                self.reload()

        return self._edits.run(self, text, recipes.paragraphs(change), on_done=done,
                               error_title=f"The paragraph was not {what}")

    def save_selected(self) -> Operation[Any] | None:
        """Store the words in the editor as counsel's words for the selected paragraph."""
        key = self.selected_key()
        if key is None:
            return None
        return self.start_edit(key, self.editor.toPlainText())

    def _label(self, key: str) -> str:
        row = self.model.row_of(key)
        p = self.model.paragraph(row)
        return f"paragraph {self.model.place(row)} of {section_names().get(p.section, p.section)}" if p else "paragraph"

    def start_edit(self, key: str, text: str, *, select: str | None = "") -> Operation[Any] | None:
        self._last_saved = (key, " ".join(text.split()))

        def edit(case: CaseFile) -> Any:
            from app.ops.paragraphs import edit_paragraph

            return edit_paragraph(case, key, text)

        return self._change("changed", f"Edit {self._label(key)}", edit, select=key if select == "" else select)

    def add(self) -> None:
        """Ask for the section and words of a new paragraph, placed after the selected one."""
        p = self.model.paragraph(self.selected_row())
        dialog = AddParagraphDialog(p.section if p is not None else "evidence", self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            section, text = dialog.values()
            after = p.key if p is not None and p.section == section else None
            self.start_add(section, text, after=after)

    def start_add(self, section: str, text: str, *, after: str | None = None) -> Operation[Any] | None:
        def select(added: Any) -> None:
            self._select_key = added.key

        def change(case: CaseFile) -> Any:
            from app.ops.paragraphs import add_paragraph

            return add_paragraph(case, section, text, after=after)

        return self._change("added", f"Add a paragraph to {section_names().get(section, section)}", change, then=select)

    def move_selected(self, step: int) -> Operation[Any] | None:
        """Move the selected paragraph one place up (-1) or down (+1) within its section."""
        row = self.selected_row()
        p = self.model.paragraph(row)
        if p is None:
            return None
        to = self.model.place(row) + step
        if not 1 <= to <= self.model.section_size(p.section):
            return None

        def change(case: CaseFile) -> Any:
            from app.ops.paragraphs import move_paragraph

            return move_paragraph(case, p.key, to)

        return self._change("moved", f"Move {self._label(p.key)} {'up' if step < 0 else 'down'}", change,
                            select=p.key)

    def toggle_removed(self) -> Operation[Any] | None:
        """Leave the selected paragraph out of the declaration, or put it back."""
        p = self.model.paragraph(self.selected_row())
        if p is None:
            return None

        def change(case: CaseFile) -> Any:
            from app.ops.paragraphs import remove_paragraph

            return remove_paragraph(case, p.key, removed=not p.removed)

        text = f"{'Put back' if p.removed else 'Leave out'} {self._label(p.key)}"
        return self._change("changed", text, change, select=p.key)

    def confirm_selected(self) -> Operation[Any] | None:
        """Record that the declarant confirmed the selected paragraph's words (undoable)."""
        p = self.model.paragraph(self.selected_row())
        if p is None or not p.unconfirmed:
            return None
        key = p.key

        def done(_: Any) -> None:
            self._select_key = key
            if self._stale:
                self.reload()

        return self._edits.run(self, f"Declarant confirms {self._label(key)}", recipes.confirmation(key),
                               on_done=done, error_title="The paragraph was not confirmed")

    def reset_selected(self) -> Operation[Any] | None:
        """Go back to the drafted words and place."""
        p = self.model.paragraph(self.selected_row())
        if p is None:
            return None

        def change(case: CaseFile) -> Any:
            from app.ops.paragraphs import reset_paragraph

            return reset_paragraph(case, p.key)

        return self._change("reset", f"Take {self._label(p.key)} back to its draft", change, select=p.key)
