"""Reading real spam in depth: charsets, hops, authentication, attachments' true types, hidden links."""

from __future__ import annotations

import base64

from app.core.model import ItemKind, ParseStatus
from app.sources.categories import suggest_category
from app.sources.html_safe import sanitise_html
from app.sources.links import collect_links, find_bare_domains, find_urls
from app.sources.mailbox import split_mailbox
from app.sources.parse import parse_item
from app.sources.sniff import sniff_type, types_disagree
from app.sources.visible import reveal_invisible


def _mail(headers: str, body: bytes, content_type: str = "text/plain; charset=utf-8", cte: str = "8bit") -> bytes:
    head = headers.strip().replace("\n", "\r\n") + "\r\n"
    head += f"MIME-Version: 1.0\r\nContent-Type: {content_type}\r\nContent-Transfer-Encoding: {cte}\r\n\r\n"
    return head.encode("utf-8") + body


def _parse(data: bytes) -> dict:
    return parse_item(ItemKind.EMAIL, data, "x.eml").record


def test_rfc2047_and_utf7_subjects_and_utf16_body() -> None:
    body = "Kaufen Sie jetzt: http://billig-pillen.de/x".encode("utf-16")
    record = _parse(_mail(
        "From: =?iso-8859-1?q?J=FCrgen?= <j@spam.example>\nSubject: =?utf-7?B?K0FPUUEtIGdyb8Q=?=\n",
        body, "text/plain; charset=utf-16", "binary",
    ))
    assert record["from"] == "Jürgen <j@spam.example>"
    assert "billig-pillen.de" in record["domains"]
    assert record["text_body"].startswith("Kaufen Sie jetzt")


def test_utf16_body_without_declared_charset_is_read() -> None:
    body = "Cheap meds at rx-deals.ru".encode("utf-16-le")
    record = _parse(_mail("From: a@b.example\nSubject: s\n", body, "text/plain", "binary"))
    assert record["text_body"] == "Cheap meds at rx-deals.ru"
    assert record["domains"] == ["rx-deals.ru"]


def test_raw_8bit_latin1_subject_is_decoded_and_flagged() -> None:
    data = b"From: x@y.example\r\nSubject: Pr\xe9sentation gratuite\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nhi\r\n"
    parsed = parse_item(ItemKind.EMAIL, data, "x.eml")
    assert parsed.name == "Présentation gratuite"
    assert parsed.status is ParseStatus.PARTIAL and "raw 8-bit" in parsed.error


def test_received_chain_auth_results_and_dkim() -> None:
    record = _parse(_mail(
        """Received: from mx.victim.example (mx.victim.example [198.51.100.2])
\tby inbox.victim.example with LMTP; Tue, 1 Mar 2011 15:00:02 +0000
Received: from bot.infected.example (unknown [203.0.113.66])
\tby mx.victim.example (Postfix) with ESMTP id 42; Tue, 1 Mar 2011 15:00:01 +0000
Authentication-Results: mx.victim.example; spf=fail smtp.mailfrom=pharma.example;
\tdkim=pass header.d=relay.example; dmarc=fail header.from=pharma.example
DKIM-Signature: v=1; a=rsa-sha256; d=Relay.Example; s=sel1; h=from:subject; bh=abc=; b=def=
From: Pharmacy <sales@pharma.example>
Reply-To: orders@other.example
Return-Path: <bounce@pharma.example>
Subject: Cheap pills
Date: Tue, 31 Feb 2011 99:00:00 +0000
Message-ID: <abc@pharma.example>
""", b"hello\r\n"))
    assert record["hop_count"] == 2
    first, second = record["received"]
    assert second["from"] == "bot.infected.example" and second["ip"] == "203.0.113.66"
    assert second["by"] == "mx.victim.example" and second["time"] == "Tue, 1 Mar 2011 15:00:01 +0000"
    (results,) = record["authentication_results"]
    assert results["server"] == "mx.victim.example"
    assert results["verdicts"] == {"spf": "fail", "dkim": "pass", "dmarc": "fail"}
    assert record["dkim_domains"] == ["relay.example"]
    assert record["reply_to"] == "orders@other.example" and record["return_path"] == "<bounce@pharma.example>"
    assert record["message_id"] == "<abc@pharma.example>"
    assert record["date"] == "Tue, 31 Feb 2011 99:00:00 +0000" and record["date_utc"] == ""  # as found, never invented


def test_attachments_have_declared_and_sniffed_types() -> None:
    exe = base64.b64encode(b"MZ\x90\x00" + b"\x00" * 60).decode()
    boundary = "b1"
    body = (
        f"--{boundary}\r\nContent-Type: text/plain\r\n\r\nSee the invoice\r\n"
        f"--{boundary}\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"invoice.pdf\"\r\n"
        f"Content-Transfer-Encoding: base64\r\n\r\n{exe}\r\n--{boundary}--\r\n"
    ).encode()
    record = _parse(_mail("From: a@b.example\nSubject: Invoice\n", body, f'multipart/mixed; boundary="{boundary}"'))
    (attachment,) = record["attachments"]
    assert attachment["name"] == "invoice.pdf"
    assert attachment["content_type"] == "application/pdf"
    assert attachment["sniffed_type"] == "application/x-msdownload"
    assert attachment["type_mismatch"] is True
    assert attachment["size"] == 64 and len(attachment["sha256"]) == 64
    assert suggest_category(record).category == "malware"


def test_sniffing() -> None:
    assert sniff_type(b"%PDF-1.7") == "application/pdf"
    assert sniff_type(b"PK\x03\x04rest") == "application/zip"
    assert sniff_type(b"plain words\n") == "text/plain"
    assert not types_disagree("application/x-zip-compressed", "application/zip")
    assert types_disagree("image/jpeg", "application/zip")


def test_links_href_mismatch_obfuscated_and_bare_domains() -> None:
    html = (
        '<p>Log in at <a href="http://paypa1-secure.ru/login">www.paypal.com</a> '
        '<a href="https://shop.cheap-pills.com/buy?x=1">Order now</a> '
        '<img src="http://track.spy-pixel.net/p.gif"></p>'
    )
    text = "Or visit hxxp://backup-pills[.]ru/ or cheap-meds DOT com or plain rx-store.net today. Mail me: a@mail.example, file.zip"
    links, rendered = collect_links([text], [html])
    by_domain = {link.domain: link for link in links}
    mismatch = by_domain["paypa1-secure.ru"]
    assert mismatch.shown_host == "www.paypal.com" and mismatch.mismatch
    assert not by_domain["cheap-pills.com"].mismatch
    assert by_domain["spy-pixel.net"].source == "src"
    assert by_domain["backup-pills.ru"].source == "text"
    assert by_domain["cheap-meds.com"].source == "text" or by_domain["cheap-meds.com"].source == "bare"
    assert by_domain["rx-store.net"].source == "bare"
    assert "mail.example" not in by_domain and "file.zip" not in by_domain
    assert "Order now" in rendered


def test_find_urls_full_width_dots_and_percent_hosts() -> None:
    assert find_urls("go to www．evil-shop．com now") == ["http://www.evil-shop.com"]
    assert find_bare_domains("see pharmacy。online-rx。biz") == ["pharmacy.online-rx.biz"]


def test_invisible_and_bidi_characters_are_shown() -> None:
    assert reveal_invisible("invoice\u202eexe.pdf") == "invoice⟦U+202E⟧exe.pdf"
    assert reveal_invisible("Vi\u200bagra\u00ad") == "Vi⟦U+200B⟧agra⟦U+00AD⟧"
    assert reveal_invisible("line one\nline two\ttab") == "line one\nline two\ttab"
    record = _parse(_mail("From: a@b.example\nSubject: =?utf-8?b?" + base64.b64encode("Pay\u202eFDP.exe".encode()).decode() + "?=\n", b"x"))
    assert record["subject"] == "Pay\u202eFDP.exe"  # stored as sent; shown with markers


def test_sanitised_html_keeps_no_remote_content() -> None:
    dirty = (
        '<html><head><style>body{background:url(http://css.track.example/bg.png)}</style>'
        '<link rel="stylesheet" href="http://css.track.example/s.css"></head>'
        '<body style="background-image:url(\'http://inline.track.example/i.png\')" background="http://bg.example/b.gif">'
        '<img src="http://pixel.track.example/open.gif?id=victim" width=1 height=1>'
        '<iframe src="http://frame.example"></iframe><script>fetch("http://x")</script>'
        '<form action="http://phish.example/post"><input name=p></form>'
        '<p onclick="x()">Hello \u202e world &#x200B;</p><a href="http://shop.example">shop</a></body></html>'
    )
    safe = sanitise_html(dirty)
    for word in ("<img", "src=", "url(", "<style", "<script", "<iframe", "<link", "background", "onclick", "action="):
        assert word not in safe.html.lower()
    assert "⟦U+202E⟧" in safe.html and "⟦U+200B⟧" in safe.html
    assert '<a href="http://shop.example"' in safe.html
    assert "http://pixel.track.example/open.gif?id=victim" in safe.blocked
    assert "http://css.track.example/bg.png" in safe.blocked
    assert "http://inline.track.example/i.png" in safe.blocked


def test_categories_are_suggested_from_words() -> None:
    assert suggest_category({"subject": "Cheap Viagra and Cialis, no prescription"}).category == "pharma"
    assert suggest_category({"subject": "This stock is about to explode", "text_body": "OTC ticker XYZ, strong buy"}).category == "stock"
    assert suggest_category({"subject": "Norton Alert: 20 viruses detected", "text_body": "your computer is at risk"}).category == "fake-av"
    assert suggest_category({"subject": "Hello", "text_body": "How are you"}).category == "other"


def test_mbox_from_lines_in_bodies_do_not_split_messages() -> None:
    mbox = (
        b"From spammer@x.example Tue Mar  1 10:00:00 2011\nFrom: a@x.example\nSubject: one\n\nbody\n\n"
        b"From here on prices drop\nand more\n\n"
        b"From MAILER-DAEMON Tue Mar  1 10:00:01 2011\nFrom: b@x.example\nSubject: two\n\nbody two\n"
    )
    parts = split_mailbox(mbox)
    assert len(parts) == 2
    assert b"From here on prices drop" in parts[0].data
    assert b"".join(p.data for p in parts) == mbox
