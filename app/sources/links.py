"""Links in spam: URLs from text and HTML, the registrable domains they point at, and HTML as plain text.

Nothing here fetches anything: HTML is read with the standard library's
HTMLParser only to collect text, link targets and the visible text of each
link. Spam hides where it sends people: a link whose text names one host
and whose target is another is recorded as a mismatch; defanged and
obfuscated forms (``hxxp://``, ``[.]``, ``dot``, percent-encoded or
full-width dots) are read back; bare domain names in the text count too.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote

import idna

from app.core.urls import refang
from app.sources.domains import registrable_domain

MAX_URLS = 500
MAX_TEXT = 200_000

_URL = re.compile(
    r"""(?:(?:https?|hxxps?|ftp)(?::|\[:\])//|www\d{0,3}(?:\.|\[\.\]))[^\s<>"'`{}|\\^\]\)]+""",
    re.IGNORECASE,
)
_BARE = re.compile(
    r"(?<![\w@.\-/])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24})(?![\w\-]|\.[a-z0-9])",
    re.IGNORECASE,
)
_SPELLED_DOT = re.compile(
    r"\b([a-z0-9][a-z0-9-]{1,62})\s*[\[\(\{]?\s*\b(?:dot|DOT|Dot)\b\s*[\]\)\}]?\s*([a-z]{2,12})\b")
_DOT_WORD = re.compile(r"\bdot\b", re.IGNORECASE)
_DEFANGED = re.compile(r"xxp|[\[({]", re.IGNORECASE)  # what refang() undoes always has one of these
# Bare names ending in these look like file names far more often than like domains.
_FILE_LIKE = {"zip", "exe", "mov", "doc", "pdf", "jpg", "png", "gif", "txt", "htm", "html", "php", "js", "py", "sh"}
_TRAILING = ".,;:!?)]}'\"*"
_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})
_LOOKALIKE_DOTS = ("\u3002", "\uff0e", "\uff61")
_BLOCK_TAGS = {
    "p", "div", "br", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "hr", "title", "section", "article", "header", "footer", "td", "th",
}
_SKIP_TAGS = {"script", "style", "head", "noscript", "template"}


@dataclass(frozen=True)
class Link:
    """One link target, with the text shown for it when that text names a different host."""

    url: str
    host: str
    domain: str  # registrable domain ('' when the host has none: an IP, an unknown TLD)
    source: str  # "text", "href", "src", "form", "bare"
    shown_host: str = ""  # the host the visible link text names, when it names one
    mismatch: bool = False  # the visible text names a different registrable domain than the target

    def as_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {"url": self.url, "host": self.host, "domain": self.domain, "source": self.source}
        if self.shown_host:
            record["shown_host"] = self.shown_host
            record["mismatch"] = self.mismatch
        return record


@functools.lru_cache(maxsize=64)  # a message's text is searched for URLs, then for bare domains
def deobfuscate(text: str) -> str:
    """Undo defanging and the spelled-out or look-alike dots spam uses to dodge filters."""
    if not text.isascii():
        for dot in _LOOKALIKE_DOTS:  # str.replace, not str.translate: translate is slow on long non-ASCII text
            if dot in text:
                text = text.replace(dot, ".")
    if _DEFANGED.search(text):
        text = refang(text)
    return _SPELLED_DOT.sub(_spelled, text) if _DOT_WORD.search(text) else text


def _spelled(match: re.Match[str]) -> str:
    candidate = f"{match.group(1)}.{match.group(2)}".lower()
    return candidate if registrable_domain(candidate) else match.group(0)


def find_urls(text: str, limit: int = MAX_URLS) -> list[str]:
    """URLs in plain text (incl. defanged hxxp:// and bare www. forms), de-duplicated in order."""
    found: list[str] = []
    for match in _URL.finditer(deobfuscate(text)):
        url = match.group(0).rstrip(_TRAILING)
        if url.lower().startswith("www"):
            url = "http://" + url
        if url not in found:
            found.append(url)
            if len(found) >= limit:
                break
    return found


def find_bare_domains(text: str, limit: int = MAX_URLS) -> list[str]:
    """Domain names written without a scheme ('buy at cheap-rx.ru'); e-mail addresses and file names left out."""
    text = _URL.sub(" ", deobfuscate(text))
    found: list[str] = []
    for match in _BARE.finditer(text):
        name = match.group(1).lower()
        if name.rsplit(".", 1)[-1] in _FILE_LIKE or not registrable_domain(name):
            continue
        if name not in found:
            found.append(name)
            if len(found) >= limit:
                break
    return found


def host_of_url(url: str) -> str:
    """The host of a URL in ASCII (A-label) form, or '' when it has none."""
    rest = url.split("://", 1)[-1]
    host = re.split(r"[/?#\\]", rest, maxsplit=1)[0]
    host = host.rsplit("@", 1)[-1]
    if "%" in host:
        host = unquote(host)
    host = host.translate(_DOTS)
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    host = host.split(":", 1)[0].strip(".").lower()
    if re.fullmatch(r"0x[0-9a-f]{1,8}|\d{8,10}", host) and int(host, 0) < 2**32:
        number = int(host, 0)  # an IPv4 address written as one number ('http://1370164356/'): a filter dodge
        return ".".join(str((number >> shift) & 255) for shift in (24, 16, 8, 0))
    if not host.isascii():
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except (idna.IDNAError, UnicodeError):
            return ""
    return host


@functools.lru_cache(maxsize=4096)
def domain_of_host(host: str) -> str:
    """The registrable domain (Public Suffix List, ICANN section) of an ASCII host, or ''."""
    return registrable_domain(host) or "" if host else ""



class _HtmlReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[tuple[str, str, str]] = []  # (target, source, visible text)
        self._skip = 0
        self._size = 0
        self._anchor: list[Any] | None = None  # [href, [text pieces]]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        for name, given in attrs:
            if not given or name not in ("href", "src", "action", "background"):
                continue
            value = given.strip()
            if re.match(r"(?:https?|hxxps?|ftp)(?::|\[:\])//", value, re.IGNORECASE) or value.lower().startswith("www"):
                source = {"href": "href", "action": "form"}.get(name, "src")
                if tag == "a" and name == "href":
                    self._close_anchor()
                    self._anchor = [value, []]
                else:
                    self.links.append((value, source, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS and self._skip:
            self._skip -= 1
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag == "a":
            self._close_anchor()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._anchor is not None:
            self._anchor[1].append(data)
        if self._size < MAX_TEXT:
            self.parts.append(data)
            self._size += len(data)

    def _close_anchor(self) -> None:
        if self._anchor is not None:
            self.links.append((self._anchor[0], "href", "".join(self._anchor[1])[:500]))
            self._anchor = None

    def close(self) -> None:
        super().close()
        self._close_anchor()



def _read(html: str) -> tuple[str, list[tuple[str, str, str]]]:
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


def collect_links(texts: list[str], htmls: list[str]) -> tuple[list[Link], str]:
    """Every link in a message's text and HTML parts, and the HTML parts as readable text.

    Order: HTML targets first as they appear, then URLs in the text, then bare domains.
    """
    links: list[Link] = []
    seen: set[str] = set()

    def add(url: str, source: str, shown: str = "") -> None:
        url = deobfuscate(url.strip()).rstrip(_TRAILING)
        if url.lower().startswith("www"):
            url = "http://" + url
        host = host_of_url(url)
        domain = domain_of_host(host)
        shown_host = _named_host(shown)
        mismatch = bool(shown_host) and domain_of_host(shown_host) != domain
        key = f"{url}\x00{shown_host}" if mismatch else url
        if key in seen or len(links) >= MAX_URLS:
            return
        seen.add(key)
        links.append(Link(url, host, domain, source, shown_host, mismatch))

    rendered: list[str] = []
    for html in htmls:
        text, found = _read(html)
        rendered.append(text)
        for target, source, shown in found:
            add(target, source, shown)
    plain = texts + rendered
    for text in plain:
        for url in find_urls(text):
            add(url, "text")
    known = {link.domain for link in links if link.domain}
    for text in plain:
        for name in find_bare_domains(text):
            if registrable_domain(name) not in known:
                add("http://" + name, "bare")
                known.add(registrable_domain(name) or "")
    return links, "\n".join(rendered).strip()


def _named_host(text: str) -> str:
    """The host a link's visible text names ('www.paypal.com', 'https://bank.example/login'), or ''."""
    text = deobfuscate(text.strip())
    if not text or len(text) > 300:
        return ""
    urls = find_urls(text, limit=1)
    if urls:
        return host_of_url(urls[0])
    bare = find_bare_domains(text, limit=1)
    return bare[0] if bare else ""


def link_domains(links: list[Link]) -> list[str]:
    """The registrable domains the links point at (targets, not shown text), de-duplicated in order."""
    result: list[str] = []
    for link in links:
        if link.domain and link.domain not in result:
            result.append(link.domain)
    return result
