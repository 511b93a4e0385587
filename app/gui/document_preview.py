"""A live preview of the declaration: rendered in the background, shown with QtPdf.

The declaration is rendered exactly as the export renders it (same snapshot of the
case, same template, same court profile), to a file in a private temporary folder,
and loaded into a :class:`QPdfDocument` shown by a :class:`QPdfView`. Requests are
debounced (a burst of edits renders once) and never overlap: one render runs at a
time, and a request that arrives meanwhile renders once more when it is done. The
GUI thread only loads the finished file; QPdfView paints the pages asynchronously.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPointF, Qt, QTemporaryDir, QTimer, Signal
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.core.errors import EvidenceError
from app.documents.declaration import build_declaration
from app.documents.pdf_writer import render_pdf_bytes
from app.documents.profile import load_profile
from app.ops.filing import declaration_input
from app.store import CaseFile

from .background import Operations, Progress

DEBOUNCE_MS = 500


def declaration_pdf(case: CaseFile) -> bytes:
    """The declaration as the export would write it today (without exhibit Bates ranges)."""
    inp = declaration_input(case)
    profile = load_profile(inp.case.court)
    return render_pdf_bytes(build_declaration(inp, profile), profile)


class DeclarationPreview(QWidget):
    """The declaration's pages, re-rendered in the background on :meth:`schedule`."""

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
        self.status = QLabel("No case open")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.render_now)
        self._folder = QTemporaryDir()  # removed with its files when the page goes
        self._shown: Path | None = None
        self._serial = 0
        self._generation = 0  # bumped when the case changes: a late render for the old case is dropped
        self._running = False
        self._again = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status)
        layout.addWidget(self.view, 1)

    @property
    def folder(self) -> Path:
        return Path(self._folder.path())

    @property
    def shown_file(self) -> Path | None:
        """The rendered file now shown (in :attr:`folder`), if any."""
        return self._shown

    def page_count(self) -> int:
        return self.document.pageCount()

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
        self.document.close()
        self._forget(self._shown)
        self._shown = None
        self.status.setText("No case open")

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
        target = self.folder / f"declaration-preview-{self._serial}.pdf"
        self.status.setText("Updating the preview…")

        def work(progress: Progress, cancelled: Callable[[], bool]) -> Path:
            data = declaration_pdf(case)
            part = target.with_suffix(".part")
            part.write_bytes(data)
            os.replace(part, target)
            return target

        def done(path: Path) -> None:
            self._finished()
            if generation != self._generation:
                self._forget(path)
                return
            self._show(path)

        def failed(error: BaseException) -> None:
            self._finished()
            if generation == self._generation:
                problem = error.diagnostics() if isinstance(error, EvidenceError) else f"{type(error).__name__}: {error}"
                self.status.setText(f"The preview could not be rendered:\n{problem}")

        self._operations.run(self, work, done, on_failure=failed, on_cancelled=self._finished)

    def _finished(self) -> None:
        self._running = False
        if self._again:
            self._again = False
            self.schedule()

    def _show(self, path: Path) -> None:
        """Load the new file where the reader was (same page), then drop the old file."""
        navigator = self.view.pageNavigator()
        page = navigator.currentPage() if self.document.pageCount() else 0
        old = self._shown
        error = self.document.load(str(path))
        self._shown = path
        self._forget(old)
        if error != QPdfDocument.Error.None_:
            self.status.setText(f"The preview could not be shown ({error.name}).")
            return
        count = self.document.pageCount()
        if page:
            navigator.jump(min(page, count - 1), QPointF(), navigator.currentZoom())
        self.status.setText(f"Declaration preview: {count} page{'s' if count != 1 else ''}, "
                            "updated after each change. Export filing set… "
                            "writes it with the exhibits, Bates ranges and the other documents.")
        self.rendered.emit(count)

    @staticmethod
    def _forget(path: Path | None) -> None:
        if path is not None:
            path.unlink(missing_ok=True)
