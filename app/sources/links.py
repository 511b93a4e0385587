"""Links in spam: URLs from text and HTML, the registrable domains they point at, and HTML as plain text.

Nothing here fetches anything: HTML is read with the standard library's
HTMLParser only to collect text and link targets.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import idna

from app.sources.domains import refang, registrable_domain

MAX_URLS = 500
MAX_TEXT = 200_000

_URL = re.compile(
    r"""(?:(?:https?|hxxps?|ftp)(?::|\[:\])//|www\d{0,3}(?:\.|\[\.\]))[^\s<>"'`{}|\\^\]\)]+""",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?)]}'\"*"
_BLOCK_TAGS = {
    "p", "div", "br", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "hr", "title", "section", "article", "header", "footer", "td", "th",
}
_SKIP_TAGS = {"script", "style", "head", "noscript", "template"}


def find_urls(text: str, limit: int = MAX_URLS) -> list[str]:
    """URLs in plain text (incl. defanged hxxp:// and bare www. forms), de-duplicated in order."""
    found: list[str] = []
    for match in _URL.finditer(refang(text)):
        url = match.group(0).rstrip(_TRAILING)
        if url.lower().startswith("www"):
            url = "http://" + url
        if url not in found:
            found.append(url)
            if len(found) >= limit:
                break
    return found


def host_of_url(url: str) -> str:
    """The host of a URL in ASCII (A-label) form, or '' when it has none."""
    rest = url.split("://", 1)[-1]
    host = re.split(r"[/?#\\]", rest, maxsplit=1)[0]
    host = host.rsplit("@", 1)[-1]
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    host = host.split(":", 1)[0].strip(".").lower()
    if not host.isascii():
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except (idna.IDNAError, UnicodeError):
            return ""
    return host


def domains_of(urls: list[str]) -> list[str]:
    """Registrable domains (Public Suffix List, ICANN section) of these URLs, de-duplicated in order."""
    result: list[str] = []
    for url in urls:
        domain = registrable_domain(host_of_url(url))
        if domain and domain not in result:
            result.append(domain)
    return result


class _HtmlReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skip = 0
        self._size = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        for name, value in attrs:
            if value and name in ("href", "src", "action", "background"):
                value = value.strip()
                if re.match(r"(?:https?|hxxps?|ftp)://", value, re.IGNORECASE) or value.lower().startswith("www."):
                    self.links.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS and self._skip:
            self._skip -= 1
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip and self._size < MAX_TEXT:
            self.parts.append(data)
            self._size += len(data)


def read_html(html: str) -> tuple[str, list[str]]:
    """HTML reduced to readable text, and the link targets (href, src, action) it holds."""
    reader = _HtmlReader()
    try:
        reader.feed(html)
        reader.close()
    except (AssertionError, ValueError):  # HTMLParser on hopeless markup
        pass
    text = "".join(reader.parts)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r" ?\n[ \n]*", "\n", text).strip()
    return text[:MAX_TEXT], reader.links
