"""A spam message's body on screen: sanitised HTML that can load nothing, or its text rendering.

QTextBrowser only ever receives HTML that nh3 has stripped of images,
styles, frames and forms (app.sources.html_safe); on top of that,
``loadResource`` answers every request with nothing and links never open,
so even a sanitiser bug cannot make the view fetch a tracking pixel."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QTextBrowser, QWidget

from app.sources.visible import reveal_invisible


class SafeMessageView(QTextBrowser):
    """A read-only body pane that never loads a resource and never follows a link."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setReadOnly(True)
        self.setTabChangesFocus(True)  # a keyboard user can Tab past the body
        self.resource_requests: list[str] = []  # what the document asked for (always refused)
        self.blocked: list[str] = []  # remote content the sanitiser removed from the last message
        self.anchorClicked.connect(self._show_target)

    def loadResource(self, kind: int, name: QUrl | str) -> Any:
        """Refuse every image, stylesheet or other resource the document names."""
        self.resource_requests.append(name.toString() if isinstance(name, QUrl) else name)
        return None

    def show_message(self, record: dict[str, Any], *, prefer_html: bool = True) -> None:
        """Show a parsed message record: its sanitised HTML when it has one, else its text."""
        from app.sources.html_safe import sanitise_html, text_as_html  # the sanitiser loads with the first message

        html = str(record.get("html_body") or "")
        if prefer_html and html.strip():
            safe = sanitise_html(html)
            self.blocked = safe.blocked
            note = ""
            if safe.blocked:
                note = (f"<p><i>{len(safe.blocked)} remote image(s) or style(s) removed; "
                        "they were never loaded.</i></p><hr>")
            self.setHtml(note + safe.html)
        else:
            self.blocked = []
            self.setHtml(text_as_html(str(record.get("text_body") or "")))

    def show_text(self, text: str) -> None:
        self.blocked = []
        self.setPlainText(reveal_invisible(text))

    def _show_target(self, url: QUrl) -> None:
        """A click on a link shows where it points in the tooltip area; it is never opened."""
        self.setToolTip(f"Link target (not opened): {url.toString()}")
