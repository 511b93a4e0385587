"""Help → Guide and Help → Verifying a bundle: short pages shipped with the app, shown offline.

The guide walks through a case; the verification page is the README's "Verifying a bundle
with stock tools" (a test keeps the two the same), the steps anyone can follow without this
app. Both are the app's own Markdown, shown read-only; nothing is fetched and no link is
followed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from app.core.paths import resource
from app.gui.widgets.screen_fit import fit_to_screen

PAGES = {"guide": ("Guide", "guide.md"), "verifying": ("Verifying a bundle", "verifying.md")}


def help_text(page: str) -> str:
    """The Markdown of a help page ("guide" or "verifying")."""
    return resource("help", PAGES[page][1]).read_text(encoding="utf-8")


class HelpDialog(QDialog):
    """One help page, selectable and scrollable, beside the window (modeless)."""

    def __init__(self, page: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(PAGES[page][0])
        self.text = QTextBrowser()
        self.text.setOpenLinks(False)
        self.text.setOpenExternalLinks(False)
        self.text.setMarkdown(help_text(page))
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                          | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        fit_to_screen(self, 760, 620)
