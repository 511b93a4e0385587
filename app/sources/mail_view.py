"""A message as its exhibit shows it: every header in order, the text part, the HTML part as text, attachments.

The exhibit renderer and the Rule 5.2 search both read messages through
:func:`view_message`, so what counsel review is what the court sees. Headers
are read with the standard library's modern policy; the text and HTML parts
exactly as the importer read them (:func:`app.sources.mail.read_bodies`: every
inline text part, parts behind a broken MIME boundary found again), so that
whatever the declaration says a message shows is in its exhibit. A message
that cannot be split at all is shown as raw text, never refused.

The HTML part is never shown as HTML: it is read as text (nothing is loaded,
no style applied, so text the sender hid with CSS is shown too), each link
written in brackets as ``[link text -> target host]`` and each image as the
host it would have been loaded from. That is what lets a declaration say
"the link text shows one site and the link leads to another" and the exhibit
show it.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import re
from email.message import EmailMessage
from html.parser import HTMLParser

from app.core.model import MessageView
from app.sources.links import host_of_url
from app.sources.mail import read_bodies
from app.sources.visible import reveal_invisible

LINK_ARROW = " -> "  # ASCII: the exhibit's monospace font has no arrow glyph
MAX_HTML_TEXT = 200_000


def view_message(original: bytes) -> MessageView:
    """The message's headers, text, HTML part as text and attachments, as its exhibit shows them."""
    try:
        message = email.message_from_bytes(original, policy=email.policy.default)
    except Exception:  # a message the parser cannot even split: show it raw
        message = None
    if not isinstance(message, EmailMessage):
        return MessageView(False, (), original.decode("utf-8", errors="backslashreplace"))
    texts, htmls = read_bodies(original)  # the importer's reading: the facts drafted from it are shown
    html_text, links = html_as_text("\n".join(htmls)) if htmls else (None, ())
    if not texts:
        body = ("(no text/plain part; the HTML part, as text, is below)" if html_text is not None
                else "(no text body)")
    else:
        body = "\n".join(texts)
    names, types = _attachments(message)
    return MessageView(True, _headers(message), body, names, html_text or "", types, links)


def header_items(raw: bytes) -> tuple[tuple[str, str], ...]:
    """Every header of a header block (or whole message), in order, decoded as :func:`view_message` does."""
    try:
        message = email.message_from_bytes(raw, policy=email.policy.default)
    except Exception:
        return ()
    return _headers(message) if isinstance(message, EmailMessage) else ()


def _headers(message: EmailMessage) -> tuple[tuple[str, str], ...]:
    headers = []
    for name, raw in message.raw_items():
        try:
            value = str(message.policy.header_fetch_parse(name, raw))
        except Exception:  # a header the policy cannot parse
            value = ""
        headers.append((name, value))
    return tuple(headers)


def html_as_text(source: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """HTML as plain text with every link shown as ``text -> host`` and every image as its host;
    also (shown text, target URL) of each link. Nothing is fetched or run."""
    reader = _HtmlText()
    try:
        reader.feed(source[: MAX_HTML_TEXT * 4])
        reader.close()
    except (AssertionError, ValueError):  # HTMLParser on hopeless markup: what was read stands
        pass
    text = "".join(reader.parts)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r" ?\n[ \n]*", "\n", text).strip()
    return reveal_invisible(text[:MAX_HTML_TEXT]), tuple(reader.links)


_BLOCK = {"p", "div", "br", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6",
          "blockquote", "pre", "hr", "section", "article", "header", "footer", "center", "dl", "dt", "dd"}
_SKIP = {"script", "style", "head", "title", "noscript", "template", "svg", "math", "object", "iframe"}


def _target(url: str) -> str:
    """Where a link or image leads, as a host ("" for a relative or scheme-less target)."""
    url = url.strip()
    if url.lower().startswith("mailto:"):
        return url[7:].split("?", 1)[0]
    return host_of_url(url) if "://" in url or url.lower().startswith("www") else ""


class _HtmlText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[tuple[str, str]] = []
        self._skip = 0
        self._anchor: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip += 1
            return
        if tag in _BLOCK:
            self.parts.append("\n")
        values = {name: (value or "") for name, value in attrs}
        if tag == "a" and values.get("href"):
            self._close()
            self._anchor = (values["href"], [])
        elif tag == "img" and values.get("src"):
            host = _target(values["src"]) or "an address in the message"
            alt = " ".join(values.get("alt", "").split())
            shown = f"[image{': ' + alt if alt else ''} from {host}, not loaded]"
            (self._anchor[1] if self._anchor else self.parts).append(shown)
        elif tag == "form" and values.get("action"):
            self.parts.append(f"[form{LINK_ARROW}{_target(values['action']) or values['action']}]")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
            return
        if tag == "a":
            self._close()
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        (self._anchor[1] if self._anchor else self.parts).append(data)

    def _close(self) -> None:
        if self._anchor is None:
            return
        href, pieces = self._anchor
        self._anchor = None
        shown = " ".join("".join(pieces).split()) or "[no link text]"
        host = _target(href) or href.strip()
        self.parts.append(f"[{shown}{LINK_ARROW}{host}]")
        self.links.append((shown, href.strip()))

    def close(self) -> None:
        super().close()
        self._close()


def _attachments(message: EmailMessage) -> tuple[tuple[tuple[str, int, str], ...], tuple[str, ...]]:
    found: list[tuple[str, int, str]] = []
    types: list[str] = []
    try:
        for part in message.iter_attachments():
            payload = part.get_payload(decode=True) or b""
            data = payload if isinstance(payload, bytes) else b""
            found.append((str(part.get_filename() or ""), len(data), hashlib.sha256(data).hexdigest()))
            types.append(part.get_content_type())
    except Exception:  # listing is best effort; the original is in the bundle
        pass
    return tuple(found), tuple(types)
