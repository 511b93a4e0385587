"""A spam message's HTML made safe to look at: nothing runs, nothing is fetched, nothing is hidden.

A tracking pixel tells the senders the message was opened, and by whom: so
every image, stylesheet, frame, form and CSS ``url()`` is removed by nh3
(the Rust ``ammonia`` sanitiser, maintained and fuzzed) before any widget
sees the HTML, and what was removed is listed so the examiner knows it was
there. Links keep their target as text to read, never to follow. Invisible
and direction-changing characters are shown as ``⟦U+XXXX⟧`` markers.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import nh3

from app.sources.visible import reveal_invisible

ALLOWED_TAGS = frozenset({
    "a", "b", "i", "u", "em", "strong", "p", "br", "div", "span", "table", "thead", "tbody", "tfoot",
    "tr", "td", "th", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code",
    "hr", "center", "small", "big", "sub", "sup", "s", "strike", "tt", "dl", "dt", "dd", "caption", "font",
})
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
DROPPED_WITH_CONTENT = frozenset({"script", "style", "title", "head", "noscript", "template", "object",
                                  "iframe", "frame", "frameset", "applet", "embed", "svg", "math", "xml"})
_REMOTE_ATTRIBUTES = {"src", "background", "poster", "data", "srcset", "lowsrc", "dynsrc", "action", "formaction"}
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class SafeHtml:
    """Sanitised HTML, and the remote resources that were removed from it (never fetched)."""

    html: str
    blocked: list[str] = field(default_factory=list)


class _RemoteFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_style = tag == "style"
        for name, value in attrs:
            if not value:
                continue
            if name in _REMOTE_ATTRIBUTES or (tag == "link" and name == "href"):
                self.found.append(value.strip())
            elif name == "style":
                self.found.extend(a or b for a, b in _CSS_URL.findall(value))

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.found.extend(a or b for a, b in _CSS_URL.findall(data))


def remote_resources(html: str) -> list[str]:
    """Every image, stylesheet, frame or CSS url() an HTML body would load, de-duplicated in order."""
    finder = _RemoteFinder()
    try:
        finder.feed(html)
        finder.close()
    except (AssertionError, ValueError):
        pass
    return list(dict.fromkeys(u for u in finder.found if u))[:200]


def sanitise_html(html: str) -> SafeHtml:
    """HTML with only inert formatting and links left: no images, styles, scripts, frames or forms."""
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes={"http", "https", "mailto"},
        strip_comments=True,
        link_rel="noopener noreferrer nofollow",
    )
    return SafeHtml(reveal_invisible(_reveal_entities(cleaned)), remote_resources(html))


def _reveal_entities(html: str) -> str:
    """Numeric character references to invisible characters decoded, so that they get their markers too."""
    return re.sub(r"&#(x[0-9a-fA-F]+|\d+);", lambda m: html_lib.unescape(m.group(0))
                  if html_lib.unescape(m.group(0)) not in "<>&\"'" else m.group(0), html)


def text_as_html(text: str) -> str:
    """Plain text as escaped HTML (for a viewer that only takes HTML), invisible characters revealed."""
    return "<pre>" + html_lib.escape(reveal_invisible(text)) + "</pre>"
