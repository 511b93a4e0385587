"""Spam samples (.eml, one mbox message): what a declaration needs from them, read from broken mail.

Parsed with the standard library's ``email`` package and its modern policy,
falling back to ``compat32`` for a header the modern policy cannot read.
Nothing is fetched, executed or written out: attachments are listed with
their size and SHA-256 only.
"""

from __future__ import annotations

import email
import hashlib
import re
from email import policy
from email.header import decode_header
from email.message import Message
from email.utils import getaddresses
from typing import Any

from app.core.model import ParseStatus
from app.sources.links import MAX_TEXT, collect_links, link_domains
from app.sources.mail_auth import authentication
from app.sources.mime_recover import declared_file_count, flat_named_parts
from app.sources.received import date_fields, received_hop
from app.sources.sniff import name_disagrees, sniff_type, types_disagree

MAX_ATTACHMENTS = 200



def parse_email(data: bytes) -> tuple[ParseStatus, str, dict[str, Any], str]:
    """Parse one message: (status, subject, record, error). Never raises for content problems."""
    if not data.strip():
        return ParseStatus.FAILED, "", {}, "empty message"
    defects: list[str] = []
    # The body is parsed once, with compat32 (fast, and it never raises on odd headers); the modern
    # policy reads only the header block, where its decoding of addresses and encoded words helps.
    legacy = email.message_from_bytes(data, policy=policy.compat32)
    try:
        modern = email.message_from_bytes(_header_block(data), policy=policy.default)
    except Exception as exc:  # the modern parser gave up: the legacy reading stands alone
        defects.append(f"modern parser failed ({type(exc).__name__}); read with compat32")
        modern = None
    message: Message = legacy
    if not legacy.keys():
        return ParseStatus.FAILED, "", {}, "no message headers found"

    headers = _Headers(modern, legacy, _header_charset(legacy), defects)
    record: dict[str, Any] = {
        "subject": headers.text("subject"),
        "from": headers.text("from"),
        "to": headers.text("to"),
        "cc": headers.text("cc"),
        "reply_to": headers.text("reply-to"),
        "return_path": headers.text("return-path"),
        "sender_address": _first_address(headers.text("from")),
        "message_id": headers.text("message-id"),
    }
    record.update(authentication(headers.raw("authentication-results"), headers.raw("dkim-signature")))
    raw_dates = headers.raw("date")
    record.update(date_fields(raw_dates[0] if raw_dates else "", defects))
    hops = [received_hop(value) for value in headers.raw("received")]
    record["received"] = hops
    record["hop_count"] = len(hops)

    texts, htmls, attachments = _parts(message, data, defects)

    links, html_text = collect_links(texts, htmls)
    plain = "\n".join(texts).strip()
    body = plain if len(plain) * 2 >= len(html_text) else html_text
    record["text_body"] = body[:MAX_TEXT]
    record["text_truncated"] = len(body) > MAX_TEXT
    record["has_html"] = bool(htmls)
    html = "\n".join(htmls)
    record["html_body"] = html[:MAX_TEXT]  # as sent; only ever shown sanitised (app.sources.html_safe)
    record["urls"] = [link.url for link in links]
    record["links"] = [link.as_record() for link in links]
    record["link_mismatches"] = [link.as_record() for link in links if link.mismatch]
    record["domains"] = link_domains(links)
    record["attachments"] = attachments
    for part in message.walk():
        defects.extend(_defect_text(d) for d in getattr(part, "defects", []))
    if not (record["subject"] or record["from"] or record["date"] or body or attachments):
        defects.append("no subject, sender, date or body")
    record["defects"] = _unique(defects)
    status = ParseStatus.PARTIAL if record["defects"] else ParseStatus.OK
    error = "; ".join(record["defects"][:5]) if record["defects"] else ""
    return status, record["subject"], record, error


def read_bodies(data: bytes) -> tuple[list[str], list[str]]:
    """The message's inline text/plain and text/html parts, decoded, as :func:`parse_email` reads them (every
    inline text part, whatever its charset says; parts behind a broken MIME boundary found again), so that an
    exhibit shows the text the declaration's facts were read from."""
    texts, htmls, _ = _parts(email.message_from_bytes(data, policy=policy.compat32), data, [])
    return texts, htmls


def _parts(message: Message, data: bytes, defects: list[str]) -> tuple[list[str], list[str], list[dict[str, Any]]]:
    texts: list[str] = []
    htmls: list[str] = []
    attachments: list[dict[str, Any]] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        if _safe(part.get_content_maintype, "") == "multipart":
            _recover_multipart(part, texts, htmls, attachments, defects)
            continue
        _read_part(part, texts, htmls, attachments, defects)
    if declared_file_count(data) > len(attachments):
        _recover_hidden_attachments(data, attachments, defects)
    return texts, htmls, attachments


def _header_block(data: bytes) -> bytes:
    """The header lines the modern policy reads (``_MODERN_HEADERS``), cut where the header block ends.

    Only those: the modern policy re-parses Content-Type through its header
    registry at every step of parsing, which cost more than the rest of its work.
    """
    ends = [i for i in (data.find(b"\n\n"), data.find(b"\r\n\r\n")) if i >= 0]
    kept: list[bytes] = []
    keeping = False
    for line in (data[: min(ends) + 2] if ends else data).splitlines(keepends=True):
        if line[:1] in (b" ", b"\t"):
            if keeping:
                kept.append(line)
            continue
        if line.startswith(b"From "):  # the envelope line, or one misplaced: neither is a header
            keeping = False
            continue
        match = _HEADER_NAME.match(line)
        if match is None:  # where the email package, too, ends the header block
            break
        keeping = match.group(1).lower() in _MODERN_HEADERS
        if keeping:
            kept.append(line)
    return b"".join(kept) + b"\n"


_HEADER_NAME = re.compile(rb"([\x21-\x39\x3b-\x7e]*):")
_MODERN_HEADERS = frozenset({b"subject", b"from", b"to", b"cc", b"reply-to", b"return-path", b"message-id"})


class _Headers:
    """Header values as text, tolerant of every way headers break.

    The modern policy's rendering is used when it is clean; otherwise the raw
    header is decoded here (RFC 2047 words with charset aliases such as
    GB2312 read as GB18030, raw 8-bit bytes as UTF-8 or the message's charset).
    """

    def __init__(self, modern: Message | None, legacy: Message, charset: str, defects: list[str]) -> None:
        self.modern = modern
        self.legacy = legacy
        self.charset = charset
        self.defects = defects

    def text(self, name: str) -> str:
        values = self.all(name)
        return values[0] if values else ""

    def raw(self, name: str) -> list[str]:
        """Values as found, unfolded, 8-bit bytes decoded but encoded words left alone."""
        values = []
        for key, value in self.legacy.raw_items():
            if key.lower() == name:
                values.append(self._unfold(self._bytes_to_text(str(value), name)))
        return values

    def all(self, name: str) -> list[str]:
        raws = self.raw(name)
        if all(_plain(raw, name) for raw in raws):
            return raws  # plain ASCII: nothing to decode, and shown exactly as found
        modern_values: list[str] = []
        if self.modern is not None:
            try:
                modern_values = [self._unfold(str(v)) for v in (self.modern.get_all(name) or [])]
            except Exception as exc:
                self.defects.append(f"{name} header unreadable by the modern parser ({type(exc).__name__})")
        result = []
        for index, raw in enumerate(raws):
            own = _decode_words(raw)
            modern_value = modern_values[index] if index < len(modern_values) else ""
            clean = modern_value and "\ufffd" not in modern_value and not _has_surrogates(modern_value)
            result.append(modern_value if clean and not _has_surrogates(raw) else own)
        return result

    def _bytes_to_text(self, value: str, name: str) -> str:
        if not _has_surrogates(value):
            return value
        raw = value.encode("utf-8", "surrogateescape")
        try:
            return raw.decode("utf-8")  # RFC 6532 (SMTPUTF8) headers are raw UTF-8 by design
        except UnicodeDecodeError:
            self.defects.append(f"raw 8-bit bytes (not UTF-8) in the {name} header")
            return _decode_8bit(raw, self.charset)

    @staticmethod
    def _unfold(value: str) -> str:
        value = value.replace("\r", "").replace("\n", "")
        return re.sub(r"\s{2,}", " ", value).strip()


_ADDRESS_HEADERS = frozenset({"from", "to", "cc", "bcc", "reply-to", "sender", "return-path"})
def _plain(raw: str, name: str) -> bool:
    """Whether the modern parser could only give the value back as it is (no encoding, quoting or comments)."""
    if not raw.isascii() or "=?" in raw:
        return False
    return name not in _ADDRESS_HEADERS or not any(c in raw for c in '"()\\')


_SURROGATE = re.compile("[\udc80-\udcff]")


def _has_surrogates(value: str) -> bool:
    """Whether undecodable 8-bit bytes hide in the text (the email package keeps them as surrogates)."""
    return not value.isascii() and _SURROGATE.search(value) is not None


def _decode_words(value: str) -> str:
    """Decode RFC 2047 encoded words, reading each charset through its superset alias."""
    if "=?" not in value:
        return value
    try:
        pieces = decode_header(value)
    except Exception:
        return value
    out: list[str] = []
    for piece, charset in pieces:
        if isinstance(piece, str):
            out.append(piece)
            continue
        name = _python_charset(charset.split("*", 1)[0]) if charset else "ascii"
        out.append(piece.decode(name if _known(name) else "utf-8", errors="replace"))
    text = ""
    for index, chunk in enumerate(out):
        plain_before = index > 0 and isinstance(pieces[index - 1][0], str)
        needs_space = text and not text.endswith(" ") and not chunk.startswith(" ") and (
            plain_before or isinstance(pieces[index][0], str)
        )
        text += (" " if needs_space else "") + chunk
    return re.sub(r"\s{2,}", " ", text).strip()


def _decode_8bit(raw: bytes, charset: str) -> str:
    for candidate in ("utf-8", charset):
        if candidate and _known(candidate):
            try:
                return raw.decode(candidate)
            except UnicodeDecodeError:
                continue
    return raw.decode("latin-1")


def _header_charset(legacy: Message) -> str:
    """The charset most likely used for raw 8-bit headers: the first one the message declares."""
    for part in legacy.walk():
        charset = part.get_content_charset()
        if charset:
            return _python_charset(charset)
    return ""


def _python_charset(charset: str) -> str:
    charset = charset.strip().strip('"').lower()
    if charset in ("gb2312", "gbk", "x-gbk", "euc-cn"):
        return "gb18030"  # a superset: GB2312-labelled spam routinely uses GBK characters
    return charset


def _first_address(value: str) -> str:
    try:
        pairs = getaddresses([value])
    except Exception:
        return ""
    for _, address in pairs:
        if "@" in address:
            return address
    return ""


def _recover_hidden_attachments(data: bytes, attachments: list[dict[str, Any]], defects: list[str]) -> None:
    """Attachments the MIME tree lost (a reused boundary, say) read from a flat cut of the body."""
    known = {a["sha256"] for a in attachments}
    found: list[dict[str, Any]] = []
    for part in flat_named_parts(data):
        _read_part(part, [], [], found, [])
    hidden = [a for a in found if a["sha256"] not in known and a["size"]]
    if hidden:
        defects.append(f"{len(hidden)} attachment(s) hidden by broken MIME structure recovered")
        attachments.extend(hidden[: MAX_ATTACHMENTS - len(attachments)])


def _recover_multipart(
    part: Message,
    texts: list[str],
    htmls: list[str],
    attachments: list[dict[str, Any]],
    defects: list[str],
) -> None:
    """A multipart whose declared boundary never appears: find the one the body uses and read its parts."""
    payload = _safe(lambda: part.get_payload(decode=True), b"")
    if not isinstance(payload, bytes) or not payload.strip():
        return
    counts: dict[bytes, int] = {}
    for line in payload.splitlines():
        match = re.match(rb"--([!-~]{3,200}?)(?:--)?\s*$", line)
        if match:
            counts[match.group(1)] = counts.get(match.group(1), 0) + 1
    recovered: list[Message] = []
    if counts:
        boundary = max(counts, key=lambda b: counts[b])
        if b'"' not in boundary:
            wrapper = b'Content-Type: multipart/mixed; boundary="' + boundary + b'"\n\n' + payload
            parsed = email.message_from_bytes(wrapper, policy=policy.compat32)
            if parsed.is_multipart():
                recovered = [p for p in parsed.walk() if not p.is_multipart()]
    if recovered:
        defects.append(
            f"MIME boundary did not match the declared one; {len(recovered)} part(s) recovered "
            "using the boundary found in the body"
        )
        for sub in recovered:
            _read_part(sub, texts, htmls, attachments, defects)
        return
    defects.append("multipart body without usable boundaries; shown as plain text")
    text = payload.decode("utf-8", errors="replace")
    (htmls if "<html" in text.lower() else texts).append(text)


def _read_part(
    part: Message,
    texts: list[str],
    htmls: list[str],
    attachments: list[dict[str, Any]],
    defects: list[str],
) -> None:
    content_type = _safe(part.get_content_type, "application/octet-stream")
    disposition = _safe(part.get_content_disposition, None)
    filename = _filename(part, defects)
    is_text = content_type in ("text/plain", "text/html")
    if is_text and disposition != "attachment" and not filename:
        text = _part_text(part, defects)
        (htmls if content_type == "text/html" else texts).append(text)
        return
    if len(attachments) >= MAX_ATTACHMENTS:
        return
    try:
        payload = part.get_payload(decode=True)
    except Exception as exc:
        defects.append(f"attachment {filename or content_type!r} could not be decoded ({type(exc).__name__})")
        payload = None
    if not isinstance(payload, bytes):
        payload = b""
    sniffed = sniff_type(payload)
    attachments.append(
        {
            "name": filename,
            "content_type": content_type,
            "sniffed_type": sniffed,
            "type_mismatch": types_disagree(content_type, sniffed) or name_disagrees(filename, sniffed),
            "size": len(payload),
            "sha256": hashlib.sha256(payload).hexdigest(),
        }
    )


def _filename(part: Message, defects: list[str]) -> str:
    try:
        name = part.get_filename() or ""
    except Exception as exc:
        defects.append(f"unreadable attachment name ({type(exc).__name__})")
        return ""
    if _has_surrogates(name):
        name = _decode_8bit(name.encode("utf-8", "surrogateescape"), "")
    if "=?" in name:  # RFC 2047 inside a quoted name: wrong, but what mail clients send and show decoded
        name = _decode_words(name)
    return name.replace("\r", "").replace("\n", "").strip()


def _part_text(part: Message, defects: list[str]) -> str:
    """A text part as str, whatever its declared charset and transfer encoding claim."""
    try:
        payload = part.get_payload(decode=True)
    except Exception as exc:
        defects.append(f"text part could not be decoded ({type(exc).__name__})")
        return ""
    if not isinstance(payload, bytes):
        return ""
    declared = _safe(part.get_content_charset, None) or ""
    charset = _python_charset(declared) if declared else "utf-8"
    bom = _bom_charset(payload)
    family = charset.replace("_", "-").replace("utf8", "utf-8")[:6]
    if bom and family != bom[:6]:
        if declared:
            defects.append(f"text declared {declared} but starts with a {bom} byte-order mark; read as {bom}")
        charset = bom
    elif bom:
        charset = bom  # the BOM is not text: utf-8-sig, utf-16 and utf-32 drop it
    elif not declared and b"\x00" in payload[:200] and len(payload) % 2 == 0:
        charset = "utf-16-le" if payload[1:2] == b"\x00" else "utf-16-be"
        defects.append(f"text has no declared charset and looks like {charset}; read as such")
    if not _known(charset):
        defects.append(f"unknown charset {declared!r}; text decoded as UTF-8 with replacements")
        return payload.decode("utf-8", errors="replace")
    try:
        return payload.decode(charset)
    except UnicodeDecodeError:
        if declared:
            defects.append(f"text not valid {declared}; decoded with replacements")
        else:
            try:
                return payload.decode("cp1252")
            except UnicodeDecodeError:
                pass
    return payload.decode(charset if _known(charset) else "utf-8", errors="replace")


def _bom_charset(payload: bytes) -> str:
    """The charset a byte-order mark announces, or ''."""
    if payload.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf-32"
    if payload.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if payload.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    return ""


def _known(charset: str) -> bool:
    """Whether Python has a text codec of this name ("base64" is a codec, not a text one; a name with a NUL
    in it is none, and says so with a ValueError)."""
    try:
        "".encode(charset)
    except (LookupError, ValueError):
        return False
    return True


def _safe(call: Any, default: Any) -> Any:
    try:
        return call()
    except Exception:
        return default


def _defect_text(defect: Any) -> str:
    name = type(defect).__name__
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower()
    detail = str(defect)
    return f"{words}: {detail}" if detail and detail != name else words


def _unique(items: list[str]) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen
