"""Outlook .msg files (an OLE2 compound file of MAPI properties), read with olefile (BSD licence).

Only the properties a declaration needs are read: subject, sender,
recipients, dates, the internet headers Outlook kept, the text and HTML
bodies, and the attachments' names and sizes (hashed, never written out).
extract-msg would read more but is GPL-3, so it is not used here (see the README).
"""

from __future__ import annotations

import codecs
import hashlib
import io
import struct
from datetime import UTC, datetime, timedelta
from typing import Any

import olefile

from app.core.model import MessageView, ParseStatus
from app.sources.links import MAX_TEXT, collect_links, link_domains
from app.sources.mail import parse_email
from app.sources.mail_view import header_items, html_as_text
from app.sources.sniff import name_disagrees, sniff_type, types_disagree

MAX_STREAM = 50 * 1024 * 1024

# MAPI property ids
SUBJECT = 0x0037
CLIENT_SUBMIT_TIME = 0x0039
SENT_REPRESENTING_NAME = 0x0042
SENT_REPRESENTING_EMAIL = 0x0065
TRANSPORT_HEADERS = 0x007D
SENDER_NAME = 0x0C1A
SENDER_EMAIL = 0x0C1F
DISPLAY_CC = 0x0E03
DISPLAY_TO = 0x0E04
DELIVERY_TIME = 0x0E06
BODY = 0x1000
HTML = 0x1013
INTERNET_MESSAGE_ID = 0x1035
SENDER_SMTP = 0x5D01
MESSAGE_CODEPAGE = 0x3FFD
INTERNET_CPID = 0x3FDE
ATTACH_SIZE = 0x0E20
ATTACH_DATA = 0x3701
ATTACH_FILENAME = 0x3704
ATTACH_LONG_FILENAME = 0x3707
ATTACH_MIME_TAG = 0x370E
DISPLAY_NAME = 0x3001

PT_LONG = 0x0003
PT_SYSTIME = 0x0040
PT_STRING8 = 0x001E
PT_UNICODE = 0x001F
PT_BINARY = 0x0102
PT_OBJECT = 0x000D

_FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)


def parse_msg(data: bytes) -> tuple[ParseStatus, str, dict[str, Any], str]:
    """Parse an Outlook message: (status, subject, record, error). Never raises for content problems."""
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception as exc:
        return ParseStatus.FAILED, "", {}, f"not a readable Outlook message: {_reason(exc)}"
    defects = [f"compound file: {message}" for _, message in ole.parsing_issues]
    damage = _structural_damage(data)
    try:
        reader = _Reader(ole, defects)
        status, subject, record, error = _parse(reader, defects)
    except Exception as exc:
        return ParseStatus.FAILED, "", {}, f"corrupt Outlook message: {_reason(exc)}"
    finally:
        ole.close()
    if damage and status is not ParseStatus.FAILED:
        # What was read is kept for the examiner, but a damaged directory makes any field suspect.
        record["damaged"] = True
        return ParseStatus.FAILED, subject, record, (
            f"corrupt Outlook message: {damage} (the file's directory is damaged; fields read anyway may be wrong)"
        )
    return status, subject, record, error


def _structural_damage(data: bytes) -> str:
    """The reason a strict read refuses the compound file, or '' when its structure is sound."""
    try:
        strict = olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT)
    except Exception as exc:
        return _reason(exc)
    strict.close()
    return ""


def _parse(reader: _Reader, defects: list[str]) -> tuple[ParseStatus, str, dict[str, Any], str]:
    if not reader.has_properties():
        return ParseStatus.FAILED, "", {}, "not an Outlook message: no message properties in the compound file"
    fixed = reader.fixed_properties("", header=32)
    codepage = fixed.get(INTERNET_CPID) or fixed.get(MESSAGE_CODEPAGE)
    reader.codepage = _codec(codepage if isinstance(codepage, int) else None)

    record: dict[str, Any] = {
        "subject": reader.text("", SUBJECT),
        "from": _sender(reader),
        "to": reader.text("", DISPLAY_TO),
        "cc": reader.text("", DISPLAY_CC),
        "message_id": reader.text("", INTERNET_MESSAGE_ID),
        "date_utc": _iso(fixed.get(CLIENT_SUBMIT_TIME)) or _iso(fixed.get(DELIVERY_TIME)),
        "date": "",
        "received": [],
        "hop_count": 0,
    }
    record["sender_address"] = reader.text("", SENDER_SMTP) or reader.text("", SENDER_EMAIL)
    headers = reader.text("", TRANSPORT_HEADERS)
    if headers.strip():
        _, _, from_headers, _ = parse_email(headers.encode("utf-8", errors="replace") + b"\n\n")
        for key in ("date", "reply_to", "return_path", "received", "hop_count", "authentication_results",
                    "dkim_signatures", "dkim_domains"):
            if from_headers.get(key):
                record[key] = from_headers[key]
        record["message_id"] = record["message_id"] or from_headers.get("message_id", "")
    record.setdefault("reply_to", "")
    record.setdefault("return_path", "")
    record.setdefault("authentication_results", [])
    record.setdefault("dkim_signatures", [])
    record.setdefault("dkim_domains", [])

    body = reader.text("", BODY)
    html_raw = reader.text("", HTML)
    links, html_text = collect_links([body] if body else [], [html_raw] if html_raw else [])
    text_body = body.strip() or html_text
    record["text_body"] = text_body[:MAX_TEXT]
    record["text_truncated"] = len(text_body) > MAX_TEXT
    record["has_html"] = bool(html_raw)
    record["html_body"] = html_raw[:MAX_TEXT]  # as sent; only ever shown sanitised
    record["urls"] = [link.url for link in links]
    record["links"] = [link.as_record() for link in links]
    record["link_mismatches"] = [link.as_record() for link in links if link.mismatch]
    record["domains"] = link_domains(links)
    record["attachments"] = [_attachment(reader, storage) for storage in reader.attachments()]
    record["defects"] = list(dict.fromkeys(defects))
    if not (record["subject"] or record["from"] or text_body or record["attachments"]):
        record["defects"].append("no subject, sender, body or attachments (a blank message)")
    status = ParseStatus.PARTIAL if record["defects"] else ParseStatus.OK
    return status, record["subject"], record, "; ".join(record["defects"][:5])


def _sender(reader: _Reader) -> str:
    name = reader.text("", SENDER_NAME) or reader.text("", SENT_REPRESENTING_NAME)
    address = (
        reader.text("", SENDER_SMTP) or reader.text("", SENDER_EMAIL) or reader.text("", SENT_REPRESENTING_EMAIL)
    )
    if name and address and address not in name:
        return f"{name} <{address}>"
    return name or address


def _attachment(reader: _Reader, storage: str) -> dict[str, Any]:
    name = (
        reader.text(storage, ATTACH_LONG_FILENAME)
        or reader.text(storage, ATTACH_FILENAME)
        or reader.text(storage, DISPLAY_NAME)
    )
    content = reader.binary(storage, ATTACH_DATA)
    embedded = reader.exists(f"{storage}/__substg1.0_{ATTACH_DATA:04X}{PT_OBJECT:04X}")
    fixed = reader.fixed_properties(storage, header=8)
    size = len(content) if content is not None else fixed.get(ATTACH_SIZE, 0)
    declared = reader.text(storage, ATTACH_MIME_TAG) or ("message/rfc822" if embedded else "")
    sniffed = sniff_type(content) if content is not None else ("message/rfc822" if embedded else "")
    return {
        "name": name,
        "content_type": declared,
        "sniffed_type": sniffed,
        "type_mismatch": types_disagree(declared, sniffed) or name_disagrees(name, sniffed),
        "size": size if isinstance(size, int) else 0,
        "sha256": hashlib.sha256(content).hexdigest() if content is not None else "",
        "embedded_message": embedded,
    }


class _Reader:
    """Property access over an open compound file, recording what could not be read."""

    def __init__(self, ole: olefile.OleFileIO, defects: list[str]) -> None:
        self.ole = ole
        self.defects = defects
        self.codepage = "cp1252"

    def has_properties(self) -> bool:
        return self.exists("__properties_version1.0") or any(
            entry[-1].startswith("__substg1.0_") for entry in self.ole.listdir()
        )

    def exists(self, path: str) -> bool:
        try:
            return bool(self.ole.exists(path))
        except Exception:
            return False

    def _stream(self, path: str) -> bytes | None:
        if not self.exists(path):
            return None
        try:
            if self.ole.get_size(path) > MAX_STREAM:
                self.defects.append(f"stream {path} is larger than {MAX_STREAM // (1024 * 1024)} MB; not read")
                return None
            with self.ole.openstream(path) as stream:
                return bytes(stream.read())
        except Exception as exc:
            self.defects.append(f"stream {path} unreadable: {_reason(exc)}")
            return None

    def text(self, storage: str, prop: int) -> str:
        prefix = f"{storage}/" if storage else ""
        raw = self._stream(f"{prefix}__substg1.0_{prop:04X}{PT_UNICODE:04X}")
        if raw is not None:
            return raw.decode("utf-16-le", errors="replace").rstrip("\x00")
        for kind in (PT_STRING8, PT_BINARY):
            raw = self._stream(f"{prefix}__substg1.0_{prop:04X}{kind:04X}")
            if raw is not None:
                return _decode(raw.rstrip(b"\x00"), self.codepage, self.defects)
        return ""

    def binary(self, storage: str, prop: int) -> bytes | None:
        prefix = f"{storage}/" if storage else ""
        return self._stream(f"{prefix}__substg1.0_{prop:04X}{PT_BINARY:04X}")

    def fixed_properties(self, storage: str, header: int) -> dict[int, Any]:
        """Fixed-size properties (integers, times) from a __properties_version1.0 stream."""
        prefix = f"{storage}/" if storage else ""
        raw = self._stream(f"{prefix}__properties_version1.0")
        values: dict[int, Any] = {}
        if raw is None:
            return values
        for offset in range(header, len(raw) - 15, 16):
            prop_type, prop_id = struct.unpack_from("<HH", raw, offset)
            if prop_type == PT_LONG:
                values[prop_id] = struct.unpack_from("<i", raw, offset + 8)[0]
            elif prop_type == PT_SYSTIME:
                values[prop_id] = _filetime(struct.unpack_from("<Q", raw, offset + 8)[0])
        return values

    def attachments(self) -> list[str]:
        names = sorted(
            {entry[0] for entry in self.ole.listdir(storages=True) if entry[0].startswith("__attach_version1.0_#")}
        )
        return names


def _filetime(value: int) -> datetime | None:
    if value <= 0:
        return None
    try:
        return _FILETIME_EPOCH + timedelta(microseconds=value // 10)
    except OverflowError:
        return None


def _iso(value: Any) -> str:
    if not isinstance(value, datetime):
        return ""
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _codec(codepage: int | None) -> str:
    aliases = {65001: "utf-8", 20127: "ascii", 28591: "latin-1", 1200: "utf-16-le", 50220: "iso2022_jp", 936: "gb18030"}
    if codepage is None:
        return "cp1252"
    name = aliases.get(codepage, f"cp{codepage}")
    try:
        codecs.lookup(name)
    except LookupError:
        return "cp1252"
    return name


def _decode(raw: bytes, codec: str, defects: list[str]) -> str:
    try:
        return raw.decode(codec)
    except UnicodeDecodeError:
        defects.append(f"text not valid {codec}; decoded with replacements")
        return raw.decode(codec, errors="replace")


def _reason(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text[:300]


def msg_attachment_payloads(data: bytes) -> list[tuple[str, bytes]]:
    """(name, bytes) of each attachment stored in an Outlook message; embedded messages are skipped."""
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception:
        return []
    try:
        reader = _Reader(ole, [])
        result = []
        for storage in reader.attachments():
            content = reader.binary(storage, ATTACH_DATA)
            if content is not None:
                name = reader.text(storage, ATTACH_LONG_FILENAME) or reader.text(storage, ATTACH_FILENAME)
                result.append((name, content))
        return result
    except Exception:
        return []
    finally:
        ole.close()


def view_msg(data: bytes) -> MessageView:
    """An Outlook message as its exhibit shows it (see :class:`MessageView`): the internet headers Outlook kept,
    the sender, recipients, subject and date from its properties, the text body, the HTML body as text, the
    attachments. A file that is not a readable compound file is shown as unparsed."""
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception:
        return MessageView(False, (), "(not a readable Outlook message; the original file is in the bundle)")
    try:
        reader = _Reader(ole, [])
        if not reader.has_properties():
            return MessageView(False, (), "(not an Outlook message: no message properties in the file)")
        fixed = reader.fixed_properties("", header=32)
        codepage = fixed.get(INTERNET_CPID) or fixed.get(MESSAGE_CODEPAGE)
        reader.codepage = _codec(codepage if isinstance(codepage, int) else None)
        transport = reader.text("", TRANSPORT_HEADERS)
        headers = header_items(transport.encode("utf-8", errors="replace") + b"\n\n") if transport.strip() else ()
        date = _iso(fixed.get(CLIENT_SUBMIT_TIME)) or _iso(fixed.get(DELIVERY_TIME))
        summary = tuple((label, value) for label, value in (
            ("From", _sender(reader)), ("To", reader.text("", DISPLAY_TO)), ("Cc", reader.text("", DISPLAY_CC)),
            ("Subject", reader.text("", SUBJECT)), ("Sent (UTC)", date),
            ("Message-ID", reader.text("", INTERNET_MESSAGE_ID))) if value.strip())
        body = reader.text("", BODY)
        html_raw = reader.text("", HTML)
        html_text, links = html_as_text(html_raw) if html_raw else ("", ())
        shown = body if body.strip() else ("(no text body; the HTML version, as text, is below)" if html_text
                                           else "(no text body)")
        attachments = []
        for storage in reader.attachments():
            found = _attachment(reader, storage)
            attachments.append((str(found["name"]), int(found["size"]), str(found["sha256"])))
        return MessageView(True, headers, shown, tuple(attachments), html_text, (), links, outlook=True,
                           summary=summary)
    except Exception:  # a damaged file: what could not be read is not shown; the original is in the bundle
        return MessageView(False, (), "(a damaged Outlook message whose fields could not be read; the original "
                                      "file is in the bundle)")
    finally:
        ole.close()
