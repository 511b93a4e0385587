"""CDXJ index lines for the records of a WARC: what replay tools use to find a URL in an archive.

Each line is ``<SURT key> <14-digit timestamp> <JSON>`` with the URL, MIME
type, status, payload digest, and the record's compressed length and offset
in its WARC file, as ``cdxj-indexer`` (Webrecorder) writes them; the tests
check the two agree on our WARCs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import BinaryIO
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator

DEFAULT_PORTS = {"http": 80, "https": 443}
INDEXED_TYPES = ("response", "revisit", "resource")


def surt(url: str) -> str:
    """The Sort-friendly URI Reordering Transform of a URL, as the Internet Archive's ``surt`` gives it
    by default for the URLs a browser requests: host labels reversed and comma-separated (``www``
    dropped), the port kept unless it is the scheme's default, ``)`` then the path (repeated and
    trailing slashes dropped) and the query with its arguments sorted, all lower case. (``surt`` also
    decodes some percent-escapes and dot segments; replay tools look pages up by the JSON's URL, so
    such keys only sort differently.)"""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    host = re.sub(r"^www\d*\.", "", host)
    key = ",".join(reversed(host.split("."))) if host else ""
    if port and port != DEFAULT_PORTS.get(parts.scheme.lower()):
        key += f":{port}"
    path = re.sub(r"/{2,}", "/", parts.path or "/")
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    pairs = sorted(tuple(p.split("=", 1)) for p in parts.query.split("&")) if parts.query else []
    query = "&".join("=".join(p) for p in pairs)
    return f"{key}){path}{'?' + query if query else ''}".lower()


def timestamp14(warc_date: str) -> str:
    """``2026-12-04T18:15:39.123456Z`` -> ``20261204181539``."""
    return re.sub(r"[^0-9]", "", warc_date)[:14].ljust(14, "0")


def index_lines(stream: BinaryIO, filename: str) -> Iterator[str]:
    """One CDXJ line per response, revisit or resource record of a (gzipped) WARC stream."""
    records = ArchiveIterator(stream)
    for record in records:
        kind = record.rec_type
        if kind not in INDEXED_TYPES:
            continue
        url = record.rec_headers.get_header("WARC-Target-URI") or ""
        date = record.rec_headers.get_header("WARC-Date") or ""
        fields: dict[str, str] = {"url": url}
        http = record.http_headers
        if http is not None:
            mime = (http.get_header("Content-Type") or "").split(";", 1)[0].strip()
            if mime:
                fields["mime"] = mime
            status = http.get_statuscode()
            if status:
                fields["status"] = str(status)
        elif kind == "resource":
            fields["mime"] = (record.rec_headers.get_header("Content-Type") or "").split(";", 1)[0].strip()
        digest = record.rec_headers.get_header("WARC-Payload-Digest")
        if digest:
            fields["digest"] = digest
        record.raw_stream.read()  # to the end of the record, so that its length is known
        fields["length"] = str(records.get_record_length())
        fields["offset"] = str(records.get_record_offset())
        fields["filename"] = filename
        yield f"{surt(url)} {timestamp14(date)} {json.dumps(fields)}"
