"""Before a build or an export: what the pre-filing review found, each with "Go there", and the choices.

Opened from File → Review before filing… (``doing`` empty) it only lists: Go there or Close.

Blocking problems (a filing would be wrong, or would show personal data) leave two ways
on: fix them (Go there closes this and opens the place to fix it), or make a draft (the
documents say DRAFT). Warnings alone let the build or export go ahead as final. The list is
``app.ops.review.review_case``'s, run off the window's thread before this opens."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.gui.models.problems import ProblemsModel
from app.gui.widgets.labels import heading, plain_label
from app.gui.widgets.screen_fit import fit_to_screen


class ReviewDialog(QDialog):
    """The review's problems; ``choice`` is "final", "draft", "go" (then ``where``) or "" (cancelled)."""

    def __init__(self, problems: Sequence[Any], doing: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Before {doing}" if doing else "Review before filing")
        self.choice = ""
        self.where = ""
        blocking = sum(1 for p in problems if p.severity == "blocking")
        warnings = len(problems) - blocking
        self.model = ProblemsModel(problems, self.style(), self)
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setWordWrap(True)
        self.view.setUniformItemSizes(False)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.doubleClicked.connect(lambda _index: self.go_there())
        self.view.selectionModel().currentChanged.connect(lambda *_: self._update())
        summary = []
        if blocking:
            summary.append(f"{blocking} problem{'s' if blocking != 1 else ''} to settle before a final filing")
        if warnings:
            summary.append(f"{warnings} thing{'s' if warnings != 1 else ''} worth a look")
        self.summary = heading("; ".join(summary).capitalize() + ".")
        explain = ("Go there opens the place to fix the selected problem (File → Review before filing… "
                   "brings this list back). Until the blocking problems are settled, you can make a draft: "
                   "every document says DRAFT, and it is not for filing."
                   if blocking else "None of these stops a final filing.")
        final = "Build" if doing.startswith("build") else "Export"
        self.buttons = QDialogButtonBox()
        self.go_button = self.buttons.addButton("Go there", QDialogButtonBox.ButtonRole.ActionRole)
        self.go_button.clicked.connect(self.go_there)
        self.draft_button = self.buttons.addButton(f"{final} a draft", QDialogButtonBox.ButtonRole.AcceptRole)
        self.draft_button.clicked.connect(lambda: self._choose("draft"))
        self.final_button: QPushButton = self.buttons.addButton(f"{final} anyway" if problems else final,
                                                                QDialogButtonBox.ButtonRole.AcceptRole)
        self.final_button.clicked.connect(lambda: self._choose("final"))
        self.final_button.setEnabled(not blocking)
        if blocking:
            self.final_button.setToolTip("Settle the blocking problems first, or make a draft")
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel if doing else
                               QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        (self.draft_button if blocking else self.final_button).setDefault(True)
        if not doing:  # only the list: File → Review before filing…
            self.draft_button.setVisible(False)
            self.final_button.setVisible(False)
            self.go_button.setDefault(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(plain_label(explain))
        layout.addWidget(self.view, 1)
        layout.addWidget(self.buttons)
        if problems:
            self.view.setCurrentIndex(self.model.index(0, 0))
        self._update()
        fit_to_screen(self, 820, 500)

    def _update(self) -> None:
        problem = self.selected()
        self.go_button.setEnabled(problem is not None and bool(problem.target))

    def selected(self) -> Any:
        index = self.view.currentIndex()
        return self.model.problems[index.row()] if index.isValid() else None

    def go_there(self) -> None:
        problem = self.selected()
        if problem is not None and problem.target:
            self.where = problem.target
            if problem.code == "registry-unconfirmed" and problem.target == "domain:":
                self.where = "domains:unconfirmed-registry"  # about a registry: its domains, to pick one
            self._choose("go")

    def _choose(self, choice: str) -> None:
        self.choice = choice
        self.accept()
