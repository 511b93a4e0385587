"""What kind of evidence a file is, decided from its content.

The file name is only a tie-breaker (an ``.eml`` that starts with an mbox
"From " line is one message, not a mailbox): investigators rename files,
and a ``.txt`` WHOIS reply or an extension-less sample must still import.
"""

from __future__ import annotations

import re

from app.core.errors import ImageRefused, ImportRefused
from app.core.model import ItemKind

HEAD_SIZE = 64 * 1024

ACCEPTED = (
    "accepted: email (.eml or Outlook .msg), mbox mailbox, PNG or JPEG screenshot, "
    "WHOIS reply text, RDAP JSON"
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_OTHER_IMAGES = {
    b"GIF87a": "a GIF image",
    b"GIF89a": "a GIF image",
    b"BM": "a BMP image",
    b"II*\x00": "a TIFF image",
    b"MM\x00*": "a TIFF image",
    b"\x00\x00\x01\x00": "an icon (ICO) file",
    b"8BPS": "a Photoshop image",
}
_OTHER_BINARY = {
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive",
    b"\x1f\x8b": "a gzip archive",
    b"Rar!": "a RAR archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
    b"MZ": "a Windows program",
    b"\x7fELF": "a program (ELF)",
}

_RDAP_KEYS = re.compile(rb'"(objectClassName|rdapConformance|errorCode|ldhName)"\s*:')
_BOOTSTRAP = re.compile(rb'"services"\s*:|RDAP bootstrap', re.IGNORECASE)

_MAIL_HEADERS = {
    "received", "return-path", "from", "to", "cc", "subject", "date", "message-id",
    "delivered-to", "reply-to", "sender", "mime-version", "content-type",
    "content-transfer-encoding", "authentication-results", "dkim-signature",
    "arc-seal", "arc-message-signature", "arc-authentication-results", "received-spf",
    "x-original-to", "thread-index", "thread-topic", "in-reply-to", "references",
    "importance", "delivery-date", "envelope-to", "user-agent", "x-mailer", "list-unsubscribe",
}
_HEADER_LINE = re.compile(r"([!-9;-~]+)[ \t]*:")

_WHOIS_LINE = re.compile(
    r"^\s*(domain name|domain|registrar|sponsoring registrar|registry domain id|name server|"
    r"nserver|creation date|created|registered|registration time|paid-till|expir\w*|"
    r"whois server|registrant|puny name|domain-ace|state|status)\s*:",
    re.IGNORECASE | re.MULTILINE,
)
_WHOIS_MARKERS = re.compile(
    r"no match for|not found|no entries found|no data found|whois server version|"
    r"last update of whois database|^\[domain name\]|whois database|^%\s|^% ",
    re.IGNORECASE | re.MULTILINE,
)


def detect_kind(head: bytes, file_name: str) -> ItemKind:
    """The kind of an input file from its first bytes (~64 KiB); raise ImportRefused when it is none we accept."""
    head = head[:HEAD_SIZE]
    if not head:
        raise ImportRefused("empty file", path=file_name or None)
    if head.startswith((PNG_MAGIC, JPEG_MAGIC)):
        return ItemKind.SCREENSHOT
    if head.startswith(OLE2_MAGIC):
        return ItemKind.EMAIL
    for magic, what in _OTHER_IMAGES.items():
        if head.startswith(magic):
            raise ImageRefused(
                "not a PNG or JPEG screenshot", path=file_name or None, expected="PNG or JPEG", found=what
            )
    if head[8:12] == b"WEBP" and head.startswith(b"RIFF"):
        raise ImageRefused("not a PNG or JPEG screenshot (a WebP image)", path=file_name or None)
    for magic, what in _OTHER_BINARY.items():
        if head.startswith(magic):
            raise ImportRefused(f"not an evidence file this app reads: {what}; {ACCEPTED}", path=file_name or None)
    if not head.strip():
        raise ImportRefused("empty file (only blank space)", path=file_name or None)

    text_head = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if looks_like_json(text_head):
        return _json_kind(text_head, file_name)
    if text_head.startswith(b"From ") and _HEADER_LINE.match(
        text_head.split(b"\n", 2)[1].decode("latin-1") if text_head.count(b"\n") >= 2 else ""
    ):
        # A mailbox whose later messages hold binary junk is still a mailbox: one bad message costs nothing.
        return _mbox_or_message(text_head, file_name)
    if b"\x00" in head[:4096]:
        raise ImportRefused(f"binary data of unknown type; {ACCEPTED}", path=file_name or None)
    if text_head.startswith(b"From "):
        return _mbox_or_message(text_head, file_name)
    text = text_head.decode("utf-8", errors="replace")
    if _looks_like_mail(text):
        return ItemKind.EMAIL
    if _looks_like_whois(text):
        return ItemKind.DOMAIN_RECORD
    raise ImportRefused(f"unrecognised content; {ACCEPTED}", path=file_name or None)


def looks_like_json(data: bytes) -> bool:
    """Whether text starts like a JSON object or array ('[ JPRS database ...' WHOIS banners do not)."""
    return bool(re.match(rb"\s*(?:\xef\xbb\xbf)?\s*(?:\{|\[\s*[\[{\"\]\d-]|\[\s*\Z)", data[:1024]))


def _json_kind(text_head: bytes, file_name: str) -> ItemKind:
    if _RDAP_KEYS.search(text_head):
        return ItemKind.DOMAIN_RECORD
    if _BOOTSTRAP.search(text_head):
        raise ImportRefused(
            "an RDAP bootstrap file (the list of RDAP servers), not a domain record",
            path=file_name or None,
        )
    raise ImportRefused(
        "JSON that is not an RDAP reply (no objectClassName, rdapConformance or errorCode)",
        path=file_name or None,
    )


def _mbox_or_message(text_head: bytes, file_name: str) -> ItemKind:
    """A leading From_ line: a mailbox, unless the name says .eml and no second message follows."""
    separators = len(re.findall(rb"(?:\r?\n\r?\n)From \S", text_head))
    if file_name.lower().endswith(".eml") and separators == 0:
        return ItemKind.EMAIL
    return ItemKind.MAILBOX


def _looks_like_mail(text: str) -> bool:
    """An RFC 5322 header block at the start: header lines, at least one a known mail header."""
    known = 0
    lines = 0
    first_unknown = False
    for line in text.splitlines()[:60]:
        if not line.strip():
            break
        if line[0] in " \t":
            continue
        match = _HEADER_LINE.match(line)
        if not match:
            return (known >= 2 and not first_unknown) or known >= 3
        lines += 1
        name = match.group(1).lower()
        if name in _MAIL_HEADERS:
            known += 1
        elif lines == 1 and not name.startswith("x-"):
            first_unknown = True
    return known >= (2 if first_unknown else 1)


def _looks_like_whois(text: str) -> bool:
    return bool(_WHOIS_LINE.search(text) or _WHOIS_MARKERS.search(text))
