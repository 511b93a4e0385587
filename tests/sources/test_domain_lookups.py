"""Live lookups against servers this test starts on 127.0.0.1 (never the internet), and none unless asked."""

from __future__ import annotations

import http.server
import json
import socket
import socketserver
import threading
from collections.abc import Iterator
from pathlib import Path

import dns.message
import dns.rrset
import pytest

from app import cli
from app.core.errors import OperationCancelled
from app.core.model import CaseInfo, ItemKind, ParseStatus
from app.core.reporting import CallbackReporter
from app.ops.domains import check_domains
from app.ops.intake import add_domains, import_files
from app.ops.lookups import LookupServers, lookup_domains
from app.store import CaseFile

GOOGLE_COM = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "rdap" / "verisign_google.com_domain.json"
RDAP_REPLY = {
    "objectClassName": "domain", "ldhName": "BAD-ONE.COM", "rdapConformance": ["rdap_level_0"],
    "status": ["client transfer prohibited"],
    "events": [{"eventAction": "registration", "eventDate": "2020-01-02T03:04:05Z"},
               {"eventAction": "last update of RDAP database", "eventDate": "2026-11-28T00:00:00Z"}],
    "entities": [{"objectClassName": "entity", "roles": ["registrar"], "publicIds": [
        {"type": "IANA Registrar ID", "identifier": "146"}],
        "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", "GoDaddy.com, LLC"]]]}],
    "nameservers": [{"objectClassName": "nameserver", "ldhName": "NS1.EXAMPLE.NET"}],
}


class _RdapHandler(http.server.BaseHTTPRequestHandler):
    seen: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        type(self).seen.append(self.path)
        if self.path.endswith("/domain/bad-one.com"):
            body, status = json.dumps(RDAP_REPLY).encode(), 200
        elif self.path.endswith("/domain/slow-down.com"):
            body, status = b'{"errorCode": 429, "title": "Too Many Requests"}', 429
        else:
            body, status = b'{"errorCode": 404, "title": "Not Found", "rdapConformance": ["rdap_level_0"]}', 404
        self.send_response(status)
        self.send_header("Content-Type", "application/rdap+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class _WhoisHandler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        query = self.rfile.readline().decode().strip()
        if query == "com":  # IANA's referral for the TLD
            self.wfile.write(b"domain:       COM\nrefer:        127.0.0.1\n")
        elif query == "bad-one.com":
            self.wfile.write(b"   Domain Name: BAD-ONE.COM\r\n   Registrar: GODADDY.COM, LLC\r\n"
                             b"   Creation Date: 2020-01-02T03:04:05Z\r\n   Domain Status: ok\r\n")
        else:
            self.wfile.write(f'No match for "{query.upper()}".\r\n'.encode())


class _DnsHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        data, sock = self.request
        query = dns.message.from_wire(data)
        reply = dns.message.make_response(query)
        question = query.question[0]
        if question.name.to_text() == "bad-one.com.":
            values = {"A": "192.0.2.1", "NS": "ns1.example.net.", "MX": "10 mail.bad-one.com.",
                      "TXT": '"v=spf1 -all"'}
            rdtype = dns.rdatatype.to_text(question.rdtype)
            if rdtype in values:
                reply.answer.append(dns.rrset.from_text(question.name, 300, "IN", rdtype, values[rdtype]))
        else:
            reply.set_rcode(dns.rcode.NXDOMAIN)
        sock.sendto(reply.to_wire(), self.client_address)


@pytest.fixture
def servers() -> Iterator[LookupServers]:
    rdap = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _RdapHandler)
    whois = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _WhoisHandler)
    dns_server = socketserver.ThreadingUDPServer(("127.0.0.1", 0), _DnsHandler)
    started = [rdap, whois, dns_server]
    for server in started:
        server.daemon_threads = True  # type: ignore[attr-defined]
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    yield LookupServers(
        rdap_base=f"http://127.0.0.1:{rdap.server_address[1]}/rdap/",
        whois_port=whois.server_address[1], iana_whois=("127.0.0.1", whois.server_address[1]),
        dns_servers=["127.0.0.1"], dns_port=dns_server.server_address[1], timeout=5.0,
    )
    for server in started:
        server.shutdown()
        server.server_close()


@pytest.fixture
def case(tmp_path: Path) -> Iterator[CaseFile]:
    with CaseFile.create(tmp_path / "c.evcase", CaseInfo(case_id="", title="t")) as opened:
        yield opened


def test_rdap_lookup_becomes_evidence(case: CaseFile, servers: LookupServers) -> None:
    progress: list[tuple[int, int]] = []
    report = lookup_domains(case, ["BAD-ONE.com", "gone.com"], ["rdap"], rate_limit=0,
                            servers=servers,
                            reporter=CallbackReporter(lambda d, t, _stage: progress.append((d, t))))
    assert report.ok and len(report.stored) == 2 and progress == [(1, 2), (2, 2)]
    found, missing = (case.item(i) for i in report.stored)
    assert found.kind is ItemKind.DOMAIN_RECORD and found.parse_status is ParseStatus.OK
    assert found.record["registrar"] == "GoDaddy.com, LLC" and found.record["registrar_iana_id"] == "146"
    assert found.record["database_updated"] == "2026-11-28T00:00:00Z"
    lookup = found.record["lookup"]
    assert lookup["server"].endswith("/rdap/domain/bad-one.com") and lookup["http_status"] == 200
    assert ["Content-Type", "application/rdap+json"] in lookup["http_headers"]
    assert lookup["queried_at"].endswith("Z")
    assert case.read_object(found.sha256) == json.dumps(RDAP_REPLY).encode()  # raw bytes as received
    assert missing.record["not_found"] is True and missing.record["lookup"]["http_status"] == 404
    actions = [e.action for e in case.custody() if e.item_id == found.id]
    assert actions == ["acquired", "exhibit-numbered", "looked-up"]
    assert case.check() == []
    checks = {(c.code, c.domain) for c in check_domains(case)}
    assert ("not-registered", "gone.com") not in checks  # gone.com is not a case domain


def test_throttled_rdap_reply_is_kept_and_named(case: CaseFile, servers: LookupServers) -> None:
    report = lookup_domains(case, ["slow-down.com"], ["rdap"], rate_limit=0, servers=servers)
    item = case.item(report.stored[0])
    assert item.parse_status is ParseStatus.FAILED and item.record["throttled"] is True
    assert "throttling" in item.parse_error


def test_whois_via_iana_referral_and_not_registered_check(case: CaseFile, servers: LookupServers) -> None:
    add_domains(case, "bad-one.com\nfree-name.com\n", source="t")
    report = lookup_domains(case, ["bad-one.com", "free-name.com"], ["whois"], rate_limit=0, servers=servers)
    assert report.ok
    registered, free = (case.item(i) for i in report.stored)
    assert registered.record["registrar"] == "GODADDY.COM, LLC"
    assert registered.record["lookup"]["server"].startswith("127.0.0.1:")
    assert free.record["not_found"] is True
    codes = {(c.code, c.domain) for c in check_domains(case)}
    assert ("not-registered", "free-name.com") in codes
    assert ("not-registered", "bad-one.com") not in codes and ("no-record", "bad-one.com") not in codes


def test_dns_lookup(case: CaseFile, servers: LookupServers) -> None:
    report = lookup_domains(case, ["bad-one.com", "nx.com"], ["dns"], rate_limit=0, servers=servers)
    found, nx = (case.item(i) for i in report.stored)
    assert found.record["answers"]["A"] == ["192.0.2.1"]
    assert found.record["answers"]["MX"] == ["10 mail.bad-one.com."]
    assert found.record["answers"]["AAAA"] == []
    assert nx.record["nxdomain"] is True  # out of the DNS; only the registry can say "not registered"
    assert "not_found" not in nx.record
    assert b"NXDOMAIN" in case.read_object(nx.sha256)


def test_refused_connection_is_reported_not_raised(case: CaseFile) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here once closed
    dead = LookupServers(rdap_base=f"http://127.0.0.1:{port}/", whois_server="127.0.0.1", whois_port=port,
                         timeout=2.0)
    report = lookup_domains(case, ["bad-one.com"], ["rdap", "whois"], rate_limit=0, servers=dead)
    assert report.stored == [] and [f[1] for f in report.failed] == ["rdap", "whois"]
    assert "no reply" in report.failed[0][2]
    assert case.count_items() == 0


def test_rate_limit_and_cancel(case: CaseFile, servers: LookupServers) -> None:
    calls = iter([False, False, True])
    with pytest.raises(OperationCancelled):
        lookup_domains(case, ["bad-one.com", "gone.com", "x.com"], ["rdap"], rate_limit=1000,
                       servers=servers,
                       reporter=CallbackReporter(cancelled=lambda: next(calls, True)))
    assert case.count_items() == 2  # what was received before the cancel is kept


def test_no_socket_opens_unless_a_lookup_is_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a socket was opened without a lookup being asked for")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    path = tmp_path / "c.evcase"
    assert cli.main(["new", str(path), "--title", "t"]) == 0
    assert cli.main(["domains", str(path), "add", "bad-one.com", "аррӏе.com"]) == 0
    assert cli.main(["domains", str(path), "import", str(corpus / "whois" / "verisign_cc_available.txt"),
                     str(corpus / "rdap" / "verisign_google.com_domain.json")]) == 0
    assert cli.main(["domains", str(path), "list", "--json"]) == 0
    assert cli.main(["domains", str(path), "check"]) == 0  # only warnings: a look-alike, no records
    with CaseFile.open(path) as case:
        assert import_files(case, [corpus / "whois" / "pir_org_registered.txt"]).ok
        assert check_domains(case)
    capsys.readouterr()


def test_lookup_command(tmp_path: Path, servers: LookupServers, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(tmp_path / "c.evcase")
    assert cli.main(["new", path, "--title", "t"]) == 0
    assert cli.main(["domains", path, "add", "bad-one.com"]) == 0
    whois = f"127.0.0.1:{servers.whois_port}"
    dns_server = f"127.0.0.1:{servers.dns_port}"
    assert cli.main(["lookup", path, "--rdap", "--whois", "--dns", "--rate", "0", "--rdap-url",
                     str(servers.rdap_base), "--whois-server", whois, "--dns-server", dns_server]) == 0
    out = capsys.readouterr().out
    assert out.count("stored Exhibit") == 3 and "HTTP 200" in out
    assert cli.main(["domains", path, "lookup", "gone.com", "--rdap-url", str(servers.rdap_base), "--rate", "0"]) == 0
    assert "HTTP 404" in capsys.readouterr().out


def test_rdap_falls_back_to_whois_where_the_tld_has_no_rdap(case: CaseFile, servers: LookupServers) -> None:
    # .io has no RDAP URL in the bundled table: the port-43 server IANA names is asked instead.
    local = LookupServers(whois_server="127.0.0.1", whois_port=servers.whois_port, timeout=5.0)
    report = lookup_domains(case, ["free.io"], ["rdap"], rate_limit=0, servers=local)
    assert report.ok
    item = case.item(report.stored[0])
    assert item.record["format"] == "whois" and item.record["not_found"] is True
