"""The capture's traffic as a WARC 1.1 file (ISO 28500), written with warcio.

One ``request`` and one ``response`` record per exchange, redirects included,
each response with ``WARC-IP-Address`` (the server that answered) and, beyond
the standard, ``WARC-Protocol`` (``h2``, ``tls/1.3``) as the IIPC proposal for
WARC 1.1 names it. The status line and headers are written exactly as
received when Chromium gives them raw (HTTP/1.x); for HTTP/2 and HTTP/3 the
status line is written in HTTP/1.1 form, as every replay tool expects, and
``WARC-Protocol`` says what was really spoken.

Chromium hands over bodies already decoded (no gzip, no chunks). So that the
record stays true and replayable, the headers that describe the encoding
(``Content-Encoding``, ``Transfer-Encoding``, ``Content-Length``) are written
under ``X-Archive-Orig-…`` (the pywb/ReplayWeb.page convention) with the
length of the stored body added, and the record says so in
``WARC-Evbundle-Note``. Downloads (bytes the browser would have saved as a
file) are only ever kept here, marked the same way.
"""

from __future__ import annotations

import http
from collections.abc import Iterable
from datetime import UTC, datetime
from io import BytesIO
from typing import BinaryIO
from urllib.parse import quote, urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from .netlog import Exchange, parse_headers_text

ENCODING_HEADERS = ("content-encoding", "transfer-encoding", "content-length")
WARC_VERSION = "1.1"


def _warc_date(seconds: float) -> str:
    moment = datetime.fromtimestamp(seconds or 0.0, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _reason(status: int, text: str) -> str:
    if text:
        return text
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


def _response_head(exchange: Exchange) -> tuple[str, list[tuple[str, str]]]:
    """The status line (without "HTTP/1.1") and headers as received, rawest form first."""
    status = exchange.status or 0
    if exchange.headers_text:
        status_line, headers = parse_headers_text(exchange.headers_text)
        protocol, _, rest = status_line.partition(" ")
        if protocol.upper().startswith("HTTP/") and rest:
            return rest, headers
    headers = exchange.raw_response_headers or exchange.response_headers
    headers = [(n, v) for n, v in headers if not n.startswith(":")]  # HTTP/2 pseudo-headers
    return f"{status} {_reason(status, exchange.status_text)}".strip(), headers


def _clean(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Header lines that cannot break the record: no line breaks in values; names made of HTTP token
    characters; anything else in a name, and any non-ASCII character in a value, percent-encoded as
    UTF-8. (warcio's own encoding of values splits them at ``;`` and can leave non-ASCII behind.)"""
    out = []
    for raw_name, raw_value in headers:
        name = quote(raw_name, safe="!#$&'*+-.^_`|~") or "X-Unnamed"
        value = "".join(c if c < "\x80" else quote(c) for c in raw_value.replace("\r", " ").replace("\n", " "))
        out.append((name, value))
    return out


def _stored_headers(headers: list[tuple[str, str]], body: bytes | None) -> tuple[list[tuple[str, str]], bool]:
    """Headers for the body as stored (decoded): encoding headers renamed, the stored length added."""
    if body is None:
        return headers, False
    encoded = any(n.lower() in ("content-encoding", "transfer-encoding")
                  and v.strip().lower() not in ("", "identity") for n, v in headers)
    length_differs = any(n.lower() == "content-length" and v.strip() != str(len(body)) for n, v in headers)
    if not encoded and not length_differs:
        return headers, False
    out = [(f"X-Archive-Orig-{n}" if n.lower() in ENCODING_HEADERS else n, v) for n, v in headers]
    out.append(("Content-Length", str(len(body))))
    return out, True


def _request_head(exchange: Exchange) -> tuple[str, list[tuple[str, str]]]:
    parts = urlsplit(exchange.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = exchange.raw_request_headers or exchange.request_headers
    headers = [(n, v) for n, v in headers if not n.startswith(":")]
    if not any(n.lower() == "host" for n, _ in headers) and parts.netloc:
        headers = [("Host", parts.netloc.rsplit("@", 1)[-1]), *headers]
    return f"{exchange.method} {target} HTTP/1.1", headers


def _protocols(exchange: Exchange) -> list[str]:
    out = []
    if exchange.protocol:
        out.append(exchange.protocol.lower())
    security = exchange.security or {}
    tls = str(security.get("protocol") or "")
    if tls:
        out.append(tls.lower().replace(" ", "/"))  # "TLS 1.3" -> "tls/1.3"
    return out


def write_warc(stream: BinaryIO, exchanges: Iterable[Exchange], info: dict[str, str]) -> int:
    """Write a gzipped WARC 1.1 (a warcinfo record, then request/response pairs); returns the pairs written."""
    writer = WARCWriter(stream, gzip=True, warc_version=WARC_VERSION)
    writer.write_record(writer.create_warcinfo_record("traffic.warc.gz", info))
    written = 0
    for exchange in exchanges:
        if not exchange.has_response or not exchange.is_network:
            continue
        status_line, headers = _response_head(exchange)
        body = exchange.body
        headers, rewritten = _stored_headers(_clean(headers), body)
        notes = []
        if rewritten:
            notes.append("payload as decoded by the browser; the original encoding headers are kept as "
                         "X-Archive-Orig-*")
        if exchange.body_note:
            notes.append(exchange.body_note)
        if exchange.download:
            notes.append("a download: kept only in this record, never saved as a file or opened")
        warc_headers = {"WARC-Date": _warc_date(exchange.responded_at or exchange.started_at)}
        if exchange.remote_ip:
            warc_headers["WARC-IP-Address"] = exchange.remote_ip.strip("[]")
        for protocol in _protocols(exchange):
            warc_headers.setdefault("WARC-Protocol", protocol)
        if notes:
            warc_headers["WARC-Evbundle-Note"] = "; ".join(notes)
        http_headers = StatusAndHeaders(status_line, headers, protocol="HTTP/1.1")
        payload = body or b""
        response = writer.create_warc_record(
            exchange.url, "response", payload=BytesIO(payload), length=len(payload),
            http_headers=http_headers, warc_headers_dict=warc_headers,
        )
        for protocol in _protocols(exchange)[1:]:  # WARC-Protocol may repeat
            response.rec_headers.add_header("WARC-Protocol", protocol)
        request_line, request_headers = _request_head(exchange)
        request_body = exchange.post_data or b""
        request = writer.create_warc_record(
            exchange.url, "request", payload=BytesIO(request_body), length=len(request_body),
            http_headers=StatusAndHeaders(request_line, _clean(request_headers), is_http_request=True),
            warc_headers_dict={"WARC-Date": _warc_date(exchange.started_at),
                               "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID")},
        )
        writer.write_record(response)
        writer.write_record(request)
        written += 1
    return written
