"""A live preview of any document of the filing set: rendered in the background, shown with QtPdf.

Counsel pick the document (declaration, exhibit index, certification, proposed order,
Appendix A or B, a registry letter, or one exhibit with its Bates numbers and confirmed
redactions). It is rendered exactly as the export renders it (``app.ops.previews``: same
snapshot of the case, same templates, same court profile) to a file in a private
temporary folder, and loaded into a :class:`QPdfDocument` shown by a :class:`QPdfView`.
Requests are debounced (a burst of edits renders once) and never overlap: one render
runs at a time, and a request that arrives meanwhile renders once more when it is done.
The GUI thread only loads the finished file; QPdfView paints the pages asynchronously.

Zoom out, zoom in and "Fit width" sit beside the document chooser (Ctrl+wheel zooms too);
:meth:`DocumentPreview.show_text` turns to the page holding a paragraph, which the Documents
page calls as counsel move through the paragraphs ("Follow selection")."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPointF, Qt, QTemporaryDir, QTimer, Signal
from PySide6.QtGui import QWheelEvent
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from app.core.errors import explain
from app.core.files import write_atomic
from app.core.reporting import Reporter
from app.gui.background import Operation, Operations

if TYPE_CHECKING:
    from app.ops.case import CaseFile
if TYPE_CHECKING:  # the renderers load with the first preview, not with the window
    from app.ops.previews import PageCounts, Preview, PreviewChoice

EXHIBIT_PREFIX = "exhibit:"  # app.ops.previews' key of an exhibit's preview

DEBOUNCE_MS = 500


DECLARATION = "01-declaration"
ZOOMS = (0.5, 0.67, 0.8, 1.0, 1.25, 1.5, 2.0, 3.0)  # the steps of zoom in and zoom out
FOLLOW_WORDS = (40, 24, 14, 8)  # how many of a paragraph's first words are looked for on the pages, in turn


def _words(text: str) -> str:
    return " ".join(text.split()).lower()


log = logging.getLogger(__name__)


class DocumentPreview(QWidget):
    """The chosen document's pages, re-rendered in the background on :meth:`schedule`."""

    rendered = Signal(int)  # the page count of the preview just loaded

    def __init__(self, case: Callable[[], CaseFile | None], operations: Operations,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._case = case
        self._operations = operations
        self.view = QPdfView(self)
        self.document = QPdfDocument(self.view)  # the view goes first, then the document it shows
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.choice = QComboBox()
        self.choice.setToolTip("The document of the filing set to preview")
        self.choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.choice.setMinimumContentsLength(24)
        self.choice.addItem("Declaration", DECLARATION)
        self.choice.currentIndexChanged.connect(lambda *_: self._chosen())
        self.zoom_out = self._tool("−", "Zoom out (Ctrl+wheel)", lambda: self.zoom_by(-1))
        self.zoom_in = self._tool("+", "Zoom in (Ctrl+wheel)", lambda: self.zoom_by(+1))
        self.fit_width = self._tool("Fit width", "Fit the page to the width of the preview", self.fit_to_width)
        self.fit_width.setCheckable(True)
        self.fit_width.setChecked(True)
        self.follow = QCheckBox("Follow selection")
        self.follow.setToolTip("Turn to the paragraph selected in the list (when the declaration is shown)")
        self.follow.setChecked(True)
        self.view.viewport().installEventFilter(self)  # Ctrl+wheel zooms
        self._page_texts: list[str] | None = None  # the shown document's pages' words, read on first look
        self._wanted = ""  # a document to show once the choices arrive
        self.status = QLabel("No case open")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self._page_counts: PageCounts | None = None  # exhibits' page counts, for later ones' Bates numbers
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.render_now)
        self._folder = QTemporaryDir()  # removed with its files when the page goes
        self._shown: Path | None = None
        self._shown_key = ""
        self._serial = 0
        self._generation = 0  # bumped when the case changes: a late render for the old case is dropped
        self._running = False
        self._again = False
        self._operation: Operation[tuple[Path, Preview]] | None = None
        self._running_key = ""
        self.progress_timer = QTimer(self)  # a long exhibit render says how far it is
        self.progress_timer.setInterval(250)
        self.progress_timer.timeout.connect(self._show_progress)
        chooser = QHBoxLayout()
        chooser.addWidget(QLabel("Document:"))
        chooser.addWidget(self.choice, 1)
        for tool in (self.zoom_out, self.zoom_in, self.fit_width):
            chooser.addWidget(tool)
        chooser.addWidget(self.follow)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(chooser)
        layout.addWidget(self.status)
        layout.addWidget(self.view, 1)

    def _tool(self, text: str, tip: str, then: Callable[[], object]) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.clicked.connect(lambda _checked=False: then())
        return button

    # -- zoom and follow -----------------------------------------------------------------

    def zoom(self) -> float:
        """The zoom factor now shown (1.0 = 100 %)."""
        return float(self.view.zoomFactor())

    def zoom_by(self, steps: int) -> None:
        """One step in (+1) or out (-1) from the zoom shown."""
        now = self.zoom()
        if steps > 0:
            wanted = next((z for z in ZOOMS if z > now + 1e-3), ZOOMS[-1])
        else:
            wanted = next((z for z in reversed(ZOOMS) if z < now - 1e-3), ZOOMS[0])
        self.fit_width.setChecked(False)
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(wanted)

    def fit_to_width(self) -> None:
        self.fit_width.setChecked(True)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(event, QWheelEvent) and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom_by(+1 if event.angleDelta().y() > 0 else -1)
            return True
        return super().eventFilter(watched, event)

    def show_text(self, text: str) -> int:
        """Turn to the place in the shown document holding ``text`` (its first words): its page, scrolled
        so the paragraph is at the top (guiwalk A6: paragraphs lower on a page left the view where it
        was). The page number (0-based), or -1 when it is not there or following is off."""
        words = _words(text).split(" ")
        if not self.follow.isChecked() or not words or not self.document.pageCount():
            return -1
        if self._page_texts is None:
            self._page_texts = [_words(self.document.getAllText(page).text())
                                for page in range(self.document.pageCount())]
        # Paragraphs often begin alike ("A true and correct copy of the WHOIS record…"): the longest start
        # found tells them apart; a shorter one still finds a paragraph that runs on to the next page.
        for count in FOLLOW_WORDS:
            needle = " ".join(words[:count])
            for page, found in enumerate(self._page_texts):
                if needle in found:
                    self._turn_to(page, self._place_of(page, needle))
                    return page
        return -1

    def _turn_to(self, page: int, place: QPointF) -> None:
        """Show ``page`` with ``place`` (points from its top) at the top of the view. The navigator turns
        to the page (its top, and only when it is not the page shown already); the scroll is ours."""
        navigator = self.view.pageNavigator()
        navigator.jump(page, place, navigator.currentZoom())
        scale = self._pixels_per_point(page)
        top = self.view.documentMargins().top() + sum(
            self.document.pagePointSize(p).height() * scale + self.view.pageSpacing() for p in range(page))
        self.view.verticalScrollBar().setValue(round(top + place.y() * scale))

    def _pixels_per_point(self, page: int) -> float:
        size = self.document.pagePointSize(page)
        if self.view.zoomMode() == QPdfView.ZoomMode.FitToWidth and size.width() > 0:
            margins = self.view.documentMargins()
            return float(self.view.viewport().width() - margins.left() - margins.right()) / size.width()
        return float(self.view.zoomFactor()) * self.view.logicalDpiY() / 72.0

    def _place_of(self, page: int, needle: str) -> QPointF:
        """Where on ``page`` (in points from its top left) the words ``needle`` begin, a line above them."""
        raw = self.document.getAllText(page).text()
        flat, starts = [], []  # the page's words as _words() has them, and where each character came from
        space = True
        for index, char in enumerate(raw):
            if char.isspace():
                if not space:
                    flat.append(" ")
                    starts.append(index)
                space = True
                continue
            flat.append(char.lower())
            starts.append(index)
            space = False
        at = "".join(flat).find(needle)
        if at < 0:
            return QPointF()
        selection = self.document.getSelectionAtIndex(page, starts[at], len(needle))
        top = selection.boundingRectangle().top() if selection.isValid() else 0.0
        return QPointF(0.0, max(0.0, top - 14.0))

    @property
    def folder(self) -> Path:
        return Path(self._folder.path())

    @property
    def shown_file(self) -> Path | None:
        """The rendered file now shown (in :attr:`folder`), if any."""
        return self._shown

    @property
    def shown_key(self) -> str:
        """The key of the document now shown ("" when none)."""
        return self._shown_key

    def page_count(self) -> int:
        return self.document.pageCount()

    def current_key(self) -> str:
        """The key of the document chosen (``app.ops.previews`` keys)."""
        return str(self.choice.currentData() or DECLARATION)

    def want(self, key: str) -> None:
        """Show ``key`` once the case's documents are listed (an exhibit asked for from another page)."""
        self._wanted = key

    def set_choices(self, choices: Sequence[PreviewChoice]) -> None:
        """The documents of the open case; the one shown stays chosen if it is still there
        (else the declaration), unless another was asked for meanwhile (:meth:`want`)."""
        key, self._wanted = self._wanted or self.current_key(), ""
        self.choice.blockSignals(True)
        self.choice.clear()
        for c in choices:
            self.choice.addItem(c.name, c.key)
            self.choice.setItemData(self.choice.count() - 1, c.name, Qt.ItemDataRole.ToolTipRole)
        index = self.choice.findData(key)
        self.choice.setCurrentIndex(index if index >= 0 else max(0, self.choice.findData(DECLARATION)))
        self.choice.blockSignals(False)  # the caller schedules the render

    def choose(self, key: str) -> bool:
        """Show the document ``key`` (renders it); False if the case has no such document."""
        index = self.choice.findData(key)
        if index < 0:
            return False
        if index == self.choice.currentIndex():
            self.render_now()
        else:
            self.choice.setCurrentIndex(index)  # renders through currentIndexChanged
        return True

    def choose_exhibit(self, item_id: int) -> bool:
        """Show the exhibit of this item; False (and shown once the documents are listed) when not yet listed."""
        if self.choose(f"{EXHIBIT_PREFIX}{item_id}"):
            return True
        self.want(f"{EXHIBIT_PREFIX}{item_id}")
        return False

    def is_rendering(self) -> bool:
        return self._running or self.timer.isActive()

    def schedule(self) -> None:
        """Render soon: edits in quick succession give one render, half a second after the last."""
        if self._case() is not None:
            self.timer.start()

    def clear(self) -> None:
        """The case closed (or another opened): forget the pages shown."""
        self._generation += 1
        self.timer.stop()
        self._again = False
        if self._operation is not None:
            self._operation.cancel()  # its result would be dropped anyway
        self._page_counts = None
        self.choice.blockSignals(True)
        self.choice.clear()
        self.choice.addItem("Declaration", DECLARATION)
        self.choice.blockSignals(False)
        self.document.close()
        self._page_texts = None
        self._forget(self._shown)
        self._shown = None
        self._shown_key = ""
        self.status.setText("No case open")

    def _chosen(self) -> None:
        """Another document chosen: stop a render of the previous one, then render this one."""
        if self._running and self._operation is not None and self._running_key != self.current_key():
            self._operation.cancel()
        self.render_now()

    def _show_progress(self) -> None:
        operation = self._operation
        if operation is not None and self._running:
            done, total, _ = operation.last_progress
            if total:
                self.status.setText(f"Counting the pages of the {total:,} exhibits before it, for its "
                                    f"Bates numbers: {done:,} of {total:,}…")

    def render_now(self) -> None:
        """Start a render in the background (or, if one runs, one more after it)."""
        self.timer.stop()
        case = self._case()
        if case is None:
            return
        if self._running:
            self._again = True
            return
        self._running = True
        self._serial += 1
        generation = self._generation
        key = self.current_key()
        counts = self._page_counts.copy() if self._page_counts is not None else None  # the worker's own copy
        target = self.folder / f"preview-{self._serial}.pdf"
        self.status.setText("Updating the preview…")

        def work(reporter: Reporter) -> tuple[Path, Preview]:
            from app.ops.previews import render_preview

            preview = render_preview(case, key, counts, reporter=reporter)
            write_atomic(target, preview.pdf, durable=False)  # derived: a preview, made again on demand
            return target, preview

        def done(result: tuple[Path, Preview]) -> None:
            path, preview = result
            self._finished()
            if generation != self._generation:
                self._forget(path)
                return
            self._page_counts = preview.page_counts
            self._show(path, key, preview.name)

        def failed(error: BaseException) -> None:
            self._finished()
            if generation == self._generation:
                problem = explain(error)
                if problem is None:  # a bug: its traceback goes to the log, its name to the pane
                    log.error("the preview failed", exc_info=(type(error), error, error.__traceback__))
                    problem = f"{type(error).__name__}: {error}"
                if key != self._shown_key:  # another document's pages under this error would mislead (guiwalk B2)
                    self.document.close()
                    self._page_texts = None
                    self._forget(self._shown)
                    self._shown = None
                    self._shown_key = ""
                    self.status.setText(f"The preview could not be rendered:\n{problem}")
                else:
                    self.status.setText(f"The preview could not be brought up to date:\n{problem}\n"
                                        "The pages below are the last ones that rendered.")

        self._running_key = key
        self._operation = self._operations.run(self, work, done, on_failure=failed, on_cancelled=self._finished)
        self.progress_timer.start()

    def _finished(self) -> None:
        self._running = False
        self._operation = None
        self.progress_timer.stop()
        if self._again:
            self._again = False
            self.schedule()

    def _show(self, path: Path, key: str, name: str) -> None:
        """Load the new file where the reader was (same page of the same document), then drop the old file."""
        navigator = self.view.pageNavigator()
        same = key == self._shown_key
        page = navigator.currentPage() if self.document.pageCount() and same else 0
        old = self._shown
        error = self.document.load(str(path))
        self._page_texts = None
        self._shown = path
        self._shown_key = key
        self._forget(old)
        if error != QPdfDocument.Error.None_:
            self.status.setText(f"The preview could not be shown ({error.name}).")
            return
        count = self.document.pageCount()
        if not same and key.startswith(EXHIBIT_PREFIX) and count > 1:
            page = 1  # past the slip sheet, to the exhibit's first page
        navigator.jump(min(page, count - 1), QPointF(), navigator.currentZoom())
        pages = f"{count} page{'s' if count != 1 else ''}"
        if key.startswith(EXHIBIT_PREFIX):
            note = "with its Bates numbers and confirmed Rule 5.2 redactions, as it will be filed."
        else:
            note = "updated after each change (the exhibits' Bates ranges are filled in on export)."
        self.status.setText(f"Preview: {name}, {pages}; {note}")
        self.rendered.emit(count)

    @staticmethod
    def _forget(path: Path | None) -> None:
        if path is not None:
            path.unlink(missing_ok=True)
