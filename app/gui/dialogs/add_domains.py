"""Add domains: pasted (one per line, CSV, URLs or defanged names), or read from a list file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.gui.widgets.labels import plain_label, problem_label

LIST_FILTER = "Lists of domains (*.txt *.csv *.tsv *.lst);;All files (*)"
SHOWN_LIMIT = 2 * 1024 * 1024  # characters shown in the box; a longer list is added whole all the same


class AddDomainsDialog(QDialog):
    """A box to paste a list of domains into, or fill from a file."""

    def __init__(self, parent: QWidget | None = None, *, folder: Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add domains")
        self._folder = folder or Path.home()
        self.file: Path | None = None  # the list file read, if any
        self._whole = ""  # a file's whole text, when the box shows only its start
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)  # Tab moves on (a pasted list keeps its tabs)
        self.text.setPlaceholderText("bad-example.com\nhxxp://c2[.]example.net/gate.php\nsub.free-subdomains.cc")
        self.text.textChanged.connect(self._typed)
        self.source = QLineEdit("pasted list")
        self.problem = problem_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add domains")
        from_file = buttons.addButton("From a file…", QDialogButtonBox.ButtonRole.ActionRole)
        from_file.setToolTip("Read a saved list (.txt, .csv): one domain a line, CSV columns, URLs, defanged")
        from_file.clicked.connect(self.choose_file)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Where the list came from:", self.source)
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(
            "Paste the domains to add, or read them from a file: one per line, CSV columns, URLs and defanged "
            "forms (hxxp://, [.]) are all read. Names already in the case are not added twice."))
        layout.addWidget(self.text, 1)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.resize(540, 440)

    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Add the domains listed in", str(self._folder), LIST_FILTER)
        if name:
            self.read_file(Path(name))

    def read_file(self, path: Path) -> bool:
        """Fill the box from a list file; False (and a reason shown) when it cannot be read as text."""
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not a text file"
            self.problem.setText(f"{path.name} could not be read: {reason}.")
            return False
        self.problem.setText("")
        self.file = path
        typed = self.domains_text().strip()
        if typed:  # what was typed or loaded before stays: the file's list is added below it
            text = f"{typed}\n{text}"
            self.source.setText(f"{self.source_text()} and {path.name}")
        self._whole = text if len(text) > SHOWN_LIMIT else ""
        self.text.blockSignals(True)
        self.text.setPlainText(text[:SHOWN_LIMIT] + ("\n…" if self._whole else ""))
        self.text.blockSignals(False)
        if not typed:
            self.source.setText(path.name)
        return True

    def _typed(self) -> None:
        self._whole = ""  # edited by hand: the box is the list

    def domains_text(self) -> str:
        return self._whole or self.text.toPlainText()

    def source_text(self) -> str:
        return self.source.text().strip() or "pasted list"
