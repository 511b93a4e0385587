"""Kind detection and parsing on small synthetic inputs (no corpus needed)."""

from __future__ import annotations

import struct
import time
import zlib
from io import BytesIO

import pytest
from PIL import Image

from app.core.errors import ImageRefused, ImportRefused
from app.core.model import ItemKind, ParseStatus
from app.sources.detect import detect_kind
from app.sources.parse import parse_item, split_mailbox

EMAIL = (
    b"Return-Path: <spam@sender.example>\r\n"
    b"Received: from mx.bad.example (mx.bad.example [203.0.113.7])\r\n"
    b"\tby mail.victim.example with ESMTP id 123; Tue, 1 Mar 2011 10:00:00 -0500\r\n"
    b"From: =?utf-8?q?Ph=C3=A4rmacy?= <sales@sender.example>\r\n"
    b"To: victim@victim.example\r\n"
    b"Subject: Cheap pills\r\n"
    b"Date: Tue, 1 Mar 2011 10:00:00 -0500\r\n"
    b"Message-ID: <1@sender.example>\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
    b"--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
    b'<p>Buy <a href="http://shop.pills-online.com/buy">here</a><img src="https://track.spy.net/p.gif">'
    b"<script>evil()</script> or hxxp://backup-pills[.]ru</p>\r\n"
    b"--b1\r\nContent-Type: application/x-msdownload\r\n"
    b'Content-Disposition: attachment; filename="invoice.exe"\r\n'
    b"Content-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA\r\n--b1--\r\n"
)


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    ("head", "name", "kind"),
    [
        (b"\x89PNG\r\n\x1a\nrest", "x", ItemKind.SCREENSHOT),
        (b"\xff\xd8\xff\xe0rest", "x", ItemKind.SCREENSHOT),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "x", ItemKind.EMAIL),
        (b"From a@b.c Mon Jan  1 00:00:00 2024\nSubject: x\n\nbody\n", "box", ItemKind.MAILBOX),
        (b"From a@b.c Mon Jan  1 00:00:00 2024\nSubject: x\n\nbody\n", "one.eml", ItemKind.EMAIL),
        (b'{"objectClassName": "domain", "ldhName": "x.com"}', "r", ItemKind.DOMAIN_RECORD),
        (b'{"errorCode": 404}', "r", ItemKind.DOMAIN_RECORD),
        (EMAIL, "sample", ItemKind.EMAIL),
        (b"X-Spam: yes\nContent-Type: text/plain\n\nhi", "s", ItemKind.EMAIL),
        (b"Content-Class: urn:x\nSubject: y\nFrom: z@z.example\n\nhi", "s", ItemKind.EMAIL),
        (b"% WHOIS\ndomain:   example.de\nnserver: ns1.example.de\n", "w", ItemKind.DOMAIN_RECORD),
        (b"No match for \"NOPE.COM\".\n", "w", ItemKind.DOMAIN_RECORD),
        (b"   Domain Name: EXAMPLE.COM\n   Registrar: X\n", "w", ItemKind.DOMAIN_RECORD),
    ],
)
def test_kind_from_content(head: bytes, name: str, kind: ItemKind) -> None:
    assert detect_kind(head, name) is kind


def test_refusals_say_what_is_accepted() -> None:
    with pytest.raises(ImportRefused, match="empty file"):
        detect_kind(b"", "empty.eml")
    with pytest.raises(ImageRefused, match="not a PNG or JPEG screenshot"):
        detect_kind(b"GIF89a....", "x.gif")
    with pytest.raises(ImportRefused, match="accepted: email"):
        detect_kind(b"just some words\nof prose\n", "notes.txt")
    with pytest.raises(ImportRefused, match="ZIP archive"):
        detect_kind(b"PK\x03\x04....", "evil.zip")


def test_email_links_attachments_and_hops() -> None:
    parsed = parse_item(ItemKind.EMAIL, EMAIL, "sample.eml")
    assert parsed.status is ParseStatus.OK, parsed.error
    record = parsed.record
    assert parsed.name == "Cheap pills"
    assert record["from"] == "Phärmacy <sales@sender.example>"
    assert record["date_utc"] == "2011-03-01T15:00:00Z"
    assert record["received"][0]["ip"] == "203.0.113.7"
    assert record["received"][0]["by"] == "mail.victim.example"
    assert record["domains"] == ["pills-online.com", "spy.net", "backup-pills.ru"]
    assert "evil()" not in record["text_body"]
    (attachment,) = record["attachments"]
    assert attachment["name"] == "invoice.exe" and attachment["size"] == 12


def test_email_content_problems_never_raise() -> None:
    assert parse_item(ItemKind.EMAIL, b"", "x").status is ParseStatus.FAILED
    garbage = parse_item(ItemKind.EMAIL, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "x.msg")
    assert garbage.status is ParseStatus.FAILED and "Outlook" in garbage.error
    bad_date = parse_item(ItemKind.EMAIL, b"Subject: s\nDate: yesterday-ish\n\nbody", "x")
    assert bad_date.record["date"] == "yesterday-ish" and bad_date.record["date_utc"] == ""


def test_mailbox_with_a_corrupt_message_keeps_the_good_ones() -> None:
    good = b"From a@b.example Mon Jan  1 00:00:00 2024\nSubject: good %d\n\nhello\n>From quoted\n\n"
    bad = b"From x@y.example Mon Jan  1 00:00:00 2024\n\x00\x01garbage without headers\n\n"
    mailbox = (good % 1) + bad + (good % 2)
    parts = split_mailbox(mailbox)
    assert len(parts) == 3
    assert b"".join(p.data for p in parts) == mailbox
    assert [p.problem != "" for p in parts] == [False, True, False]
    assert b">From quoted" in parts[0].data
    subjects = [parse_item(ItemKind.MAILBOX_MESSAGE, p.data, "box").name for p in (parts[0], parts[2])]
    assert subjects == ["good 1", "good 2"]
    with pytest.raises(ImportRefused, match="empty mailbox"):
        split_mailbox(b"  \n")


def test_bare_from_in_body_does_not_split() -> None:
    mailbox = b"From a@b Mon Jan  1 00:00:00 2024\nSubject: one\n\nline\nFrom here on it is body\n"
    assert len(split_mailbox(mailbox)) == 1


def test_huge_png_refused_fast_before_decoding() -> None:
    start = time.perf_counter()
    with pytest.raises(ImageRefused, match="65536 × 65536 pixels") as caught:
        parse_item(ItemKind.SCREENSHOT, _png(65536, 65536), "bomb.png")
    assert time.perf_counter() - start < 0.5
    assert "megapixels" in caught.value.message


def test_pixel_limit_is_per_call() -> None:
    buffer = BytesIO()
    Image.new("RGB", (200, 100), "red").save(buffer, "PNG")
    data = buffer.getvalue()
    assert parse_item(ItemKind.SCREENSHOT, data, "s.png").record["width"] == 200
    with pytest.raises(ImageRefused, match="over the limit"):
        parse_item(ItemKind.SCREENSHOT, data, "s.png", max_pixels=10_000)
    assert parse_item(ItemKind.SCREENSHOT, data, "s.png").record["height"] == 100


def test_memory_limit_refuses_before_decoding_and_thumbnails_are_small() -> None:
    from app.sources.screenshot import read_screenshot
    from app.sources.thumbnails import make_thumbnail

    buffer = BytesIO()
    Image.new("RGB", (1000, 500), "blue").save(buffer, "JPEG")
    data = buffer.getvalue()
    with pytest.raises(ImageRefused, match="memory limit"):
        read_screenshot(data, max_bytes=1_000_000)
    assert read_screenshot(data)["format"] == "JPEG"
    with Image.open(BytesIO(make_thumbnail(data))) as thumb:
        assert thumb.format == "PNG" and thumb.size == (256, 128)


def test_truncated_jpeg_refused() -> None:
    buffer = BytesIO()
    Image.new("RGB", (64, 64), "blue").save(buffer, "JPEG")
    data = buffer.getvalue()
    assert parse_item(ItemKind.SCREENSHOT, data, "s.jpg").record["format"] == "JPEG"
    with pytest.raises(ImageRefused, match="truncated"):
        parse_item(ItemKind.SCREENSHOT, data[: len(data) // 2], "s.jpg")


def test_thin_whois_with_lookalike_records_yields_the_domain_asked_about() -> None:
    reply = (
        b"Whois Server Version 2.0\n\n"
        b"   Server Name: GOOGLE.COM.EVIL.EXAMPLE\n   IP Address: 192.0.2.1\n   Registrar: SHADY INC.\n\n"
        b"   Domain Name: GOOGLE.COM.AU.EXAMPLE\n   Registrar: OTHER LLC\n\n"
        b"   Domain Name: GOOGLE.COM\n   Registrar: MARKMONITOR INC.\n"
        b"   Name Server: NS1.GOOGLE.COM\n   Status: clientDeleteProhibited\n"
        b"   Creation Date: 15-sep-1997\n   Expiration Date: 14-sep-2020\n\n"
        b">>> Last update of whois database: Sat, 01 Jan 2011 00:00:00 UTC <<<\n"
    )
    parsed = parse_item(ItemKind.DOMAIN_RECORD, reply, "google.com.txt")
    assert parsed.name == "google.com"
    assert parsed.record["registrar"] == "MARKMONITOR INC."
    assert parsed.record["records_in_reply"] == 3
    other = parse_item(ItemKind.DOMAIN_RECORD, reply, "lookup_google.com.au.example.txt")
    assert other.record["registrar"] == "OTHER LLC"


def test_whois_throttling_and_bad_bytes() -> None:
    throttled = parse_item(ItemKind.DOMAIN_RECORD, b"%% Query rate limit exceeded. Try again later.\n", "w.txt")
    assert throttled.status is ParseStatus.FAILED and throttled.record["throttled"] is True
    latin = parse_item(ItemKind.DOMAIN_RECORD, b"domain: caf\xe9.example.fr\nregistrar: X\n", "w.txt")
    assert latin.status is ParseStatus.PARTIAL and "UTF-8" in latin.error


def test_rdap_not_found_and_non_json() -> None:
    missing = parse_item(ItemKind.DOMAIN_RECORD, b'{"errorCode": 404, "title": "Not Found"}', "r.json")
    assert missing.status is ParseStatus.FAILED and missing.record["not_found"] is True
    broken = parse_item(ItemKind.DOMAIN_RECORD, b"<html>502 Bad Gateway</html>", "r.json")
    assert broken.status is ParseStatus.FAILED and "not valid JSON" in broken.error


def test_pillow_global_state_untouched() -> None:
    from PIL import ImageFile

    before = (Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES)
    with pytest.raises(ImageRefused):
        parse_item(ItemKind.SCREENSHOT, _png(65536, 65536), "bomb.png")
    assert (Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES) == before


def test_importers_never_import_qt() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'PySide6': raise ImportError('Qt is not allowed here')\n"
        "sys.meta_path.insert(0, Block())\n"
        "import app.sources.parse, app.sources.detect, app.sources.domains, app.sources.registries\n"
        "app.sources.registries.RegistryTable.load()\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
