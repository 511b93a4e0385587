"""The capture's plain-Python parts, without a browser: network log, WARC, SURT, addresses, URL lists, DNS."""

from __future__ import annotations

import io
import socketserver
import threading
from collections.abc import Iterator

import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset
import pytest
import surt as reference_surt
from hypothesis import example, given, settings
from hypothesis import strategies as st
from warcio.archiveiterator import ArchiveIterator

from app.capture.addresses import is_public, private_reason, url_problem
from app.capture.cdxj import surt
from app.capture.dns_answers import resolve
from app.capture.environment import server_clock_offset
from app.capture.netlog import NetworkLog, parse_headers_text
from app.capture.warc import write_warc
from app.ops.capture_web import parse_url_list


def _events(log: NetworkLog) -> None:
    """A redirect then a gzip-encoded page, as DevTools reports them (raw headers arriving late)."""
    log.handle("Network.requestWillBeSent", {
        "requestId": "R1", "request": {"url": "https://a.test/start", "method": "GET", "headers": {"Accept": "*/*"}},
        "timestamp": 100.0, "wallTime": 1_700_000_000.0, "type": "Document"})
    log.handle("Network.requestWillBeSent", {
        "requestId": "R1", "request": {"url": "https://a.test/page", "method": "GET", "headers": {}},
        "timestamp": 100.2, "wallTime": 1_700_000_000.2, "type": "Document",
        "redirectResponse": {"url": "https://a.test/start", "status": 302, "statusText": "Found",
                             "headers": {"Location": "/page"}, "remoteIPAddress": "192.0.2.7", "remotePort": 443,
                             "protocol": "h2", "securityDetails": {"protocol": "TLS 1.3"}}})
    log.handle("Network.responseReceivedExtraInfo", {"requestId": "R1", "headers": {"location": "/page"}})
    log.handle("Network.responseReceivedExtraInfo", {
        "requestId": "R1", "headers": {"content-type": "text/html"},
        "headersText": "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n"
                       "Set-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n"})
    log.handle("Network.responseReceived", {
        "requestId": "R1", "type": "Document", "timestamp": 100.5,
        "response": {"url": "https://a.test/page", "status": 200, "headers": {"content-type": "text/html"},
                     "mimeType": "text/html", "remoteIPAddress": "192.0.2.7", "remotePort": 443,
                     "protocol": "http/1.1"}})
    finished = log.handle("Network.loadingFinished", {"requestId": "R1"})
    assert finished is not None and finished.url == "https://a.test/page"
    finished.body = b"<html>decoded</html>"
    log.handle("Network.requestWillBeSent", {
        "requestId": "R2", "request": {"url": "https://gone.test/x.js", "method": "GET", "headers": {}},
        "timestamp": 101.0, "wallTime": 1_700_000_001.0})
    log.handle("Network.loadingFailed", {"requestId": "R2", "errorText": "net::ERR_NAME_NOT_RESOLVED"})
    log.handle("Network.requestWillBeSent", {
        "requestId": "R3", "request": {"url": "data:image/png;base64,AAAA", "method": "GET", "headers": {}},
        "timestamp": 101.0, "wallTime": 1_700_000_001.0})


def test_a_redirect_chain_is_kept_as_one_exchange_per_hop_with_its_raw_headers() -> None:
    log = NetworkLog()
    _events(log)
    hops = log.chain("R1")
    assert [(h.url, h.status, h.redirected) for h in hops] == [
        ("https://a.test/start", 302, True), ("https://a.test/page", 200, False)]
    assert hops[0].remote_ip == "192.0.2.7" and hops[0].protocol == "h2"
    assert hops[1].headers_text.startswith("HTTP/1.1 200 OK")
    assert hops[1].responded_at == pytest.approx(1_700_000_000.5)
    assert [e.url for e in log.exchanges()] == [
        "https://a.test/start", "https://a.test/page", "https://gone.test/x.js"]
    assert log.exchanges()[2].error == "net::ERR_NAME_NOT_RESOLVED"


def test_the_warc_keeps_headers_as_received_and_says_the_body_is_decoded() -> None:
    log = NetworkLog()
    _events(log)
    stream = io.BytesIO()
    assert write_warc(stream, log.exchanges(), {"software": "test"}) == 2  # the failed request has no response
    stream.seek(0)
    records = [(r.rec_type, r.rec_headers, r.http_headers, r.content_stream().read())
               for r in ArchiveIterator(stream)]
    assert [r[0] for r in records] == ["warcinfo", "response", "request", "response", "request"]
    _, redirect_warc, redirect_http, _ = records[1]
    assert redirect_http.statusline == "302 Found" and redirect_http.get_header("location") == "/page"
    assert redirect_warc.get_header("WARC-IP-Address") == "192.0.2.7"
    assert redirect_warc.get_header("WARC-Protocol") == "h2"
    assert [v for n, v in redirect_warc.headers if n == "WARC-Protocol"] == ["h2", "tls/1.3"]
    _, page_warc, page_http, body = records[3]
    assert body == b"<html>decoded</html>"
    assert page_http.get_header("X-Archive-Orig-Content-Encoding") == "gzip"
    assert page_http.get_header("Content-Encoding") is None
    assert [v for n, v in page_http.headers if n == "Set-Cookie"] == ["a=1", "b=2"]  # order and repeats kept
    assert "decoded by the browser" in page_warc.get_header("WARC-Evbundle-Note")
    assert records[4][2].protocol == "GET" and records[4][2].get_header("Host") == "a.test"
    assert records[2][1].get_header("WARC-Concurrent-To") == redirect_warc.get_header("WARC-Record-ID")


def test_headers_text_parsing_keeps_order_and_folds_continuations() -> None:
    status, headers = parse_headers_text("HTTP/1.0 404 Not Found\r\nX-A: 1\r\n  more\r\nX-B: 2\r\n\r\n")
    assert status == "HTTP/1.0 404 Not Found" and headers == [("X-A", "1 more"), ("X-B", "2")]


URLS = st.builds(
    lambda scheme, host, port, path, query: f"{scheme}://{host}{port}/{path}{query}",
    st.sampled_from(["http", "https"]),
    st.from_regex(r"(www\.)?[a-z][a-z0-9-]{0,10}(\.[a-z]{2,6}){1,2}", fullmatch=True),
    st.sampled_from(["", ":80", ":443", ":8080"]),
    st.from_regex(r"[A-Za-z0-9_~-]{0,12}(//?[A-Za-z0-9_~-]{1,8}){0,2}/?", fullmatch=True),
    st.sampled_from(["", "?b=2&a=1", "?z", "?q=A+b&a=&c=3"]),
)


@given(URLS)
@settings(max_examples=200, deadline=None)
def test_surt_keys_match_the_internet_archive_surt_package(url: str) -> None:
    assert surt(url) == reference_surt.surt(url)


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_url_lists_never_crash_and_give_only_urls(text: str) -> None:
    for url in parse_url_list(text):
        assert "://" in url and not any(c.isspace() for c in url)


def test_url_lists_refang_and_drop_comments_and_duplicates() -> None:
    text = ("# botnet landing pages\nhxxp://bad[.]example/path  bad[.]example\nhttps://x.test/a#frag\n"
            "hxxp://bad[.]example/path\n")
    assert parse_url_list(text) == ["http://bad.example/path", "http://bad.example/", "https://x.test/a#frag"]


@pytest.mark.parametrize(("host", "addresses", "refused"), [
    ("127.0.0.1", [], True), ("10.0.0.8", [], True), ("[::1]", [], True), ("localhost", [], True),
    ("printer.localhost", [], True), ("8.8.8.8", [], False), ("example.test", ["192.0.2.1"], True),
    ("example.test", ["93.184.216.34"], False), ("example.test", ["93.184.216.34", "192.168.1.1"], True),
    ("example.test", ["::ffff:10.0.0.1"], True),
])
def test_private_and_loopback_addresses_are_refused(host: str, addresses: list[str], refused: bool) -> None:
    assert bool(private_reason(host, addresses)) is refused


def test_only_web_urls_can_be_captured() -> None:
    assert url_problem("https://example.test/") == ""
    assert "only http and https" in url_problem("file:///etc/passwd")
    assert "only http and https" in url_problem("javascript:alert(1)")
    assert url_problem("http://:80/") == "the URL names no host"
    assert "not a URL" in url_problem("http://example.test:99999999/")
    assert not is_public("not an address")


def test_server_clock_offset_from_the_date_header() -> None:
    import datetime as dt

    ours = dt.datetime(2026, 1, 5, 12, 0, 0, tzinfo=dt.UTC)
    assert server_clock_offset("Mon, 05 Jan 2026 12:00:03 GMT", ours) == 3.0
    assert server_clock_offset("", ours) is None and server_clock_offset("garbage", ours) is None


class _Dns(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        data, sock = self.request
        query = dns.message.from_wire(data)
        reply = dns.message.make_response(query)
        question = query.question[0]
        if question.name.to_text() == "bad.example." and question.rdtype == dns.rdatatype.A:
            reply.answer.append(dns.rrset.from_text(question.name, 60, "IN", "A", "192.0.2.9"))
        elif question.name.to_text() != "bad.example.":
            reply.set_rcode(dns.rcode.NXDOMAIN)
        sock.sendto(reply.to_wire(), self.client_address)


@pytest.fixture
def dns_port() -> Iterator[int]:
    server = socketserver.ThreadingUDPServer(("127.0.0.1", 0), _Dns)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_dns_answers_name_the_resolver_and_each_answer(dns_port: int) -> None:
    answers = resolve("Bad.Example.", servers=("127.0.0.1",), port=dns_port, timeout=2.0)
    assert answers.host == "bad.example" and answers.addresses == ["192.0.2.9"]
    assert answers.resolver == [f"127.0.0.1:{dns_port}"]
    first = answers.questions[0]
    assert first["type"] == "A" and first["rcode"] == "NOERROR" and first["answers"][0]["ttl"] == 60
    missing = resolve("nothing.example", servers=("127.0.0.1",), port=dns_port, timeout=2.0)
    assert missing.addresses == [] and missing.questions[0]["rcode"] == "NXDOMAIN"
    assert resolve("192.0.2.1").note.startswith("the URL names an IP address")


HEADER_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


@given(st.lists(st.tuples(HEADER_TEXT, HEADER_TEXT), max_size=6), st.binary(max_size=300),
       st.sampled_from([200, 301, 404, 599]))
@example(headers=[("", ";\x80=0")], body=b"", status=200)  # warcio's own encoding left the \x80 in
@settings(max_examples=150, deadline=None)
def test_any_headers_and_body_make_a_warc_that_reads_back(headers: list[tuple[str, str]], body: bytes,
                                                           status: int) -> None:
    """Whatever a server sends (names and values with line breaks, colons, any script), each record
    stays one record and the body comes back byte for byte."""
    from app.capture.netlog import Exchange

    exchange = Exchange(request_id="1", url="https://a.test/x?q=1", status=status, response_headers=headers,
                        request_headers=headers, body=body, started_at=1_700_000_000.0,
                        responded_at=1_700_000_000.1, remote_ip="192.0.2.1")
    stream = io.BytesIO()
    assert write_warc(stream, [exchange], {"software": "test"}) == 1
    stream.seek(0)
    records = [(r.rec_type, r.content_stream().read()) for r in ArchiveIterator(stream)]
    assert [kind for kind, _ in records] == ["warcinfo", "response", "request"]
    assert records[1][1] == body
