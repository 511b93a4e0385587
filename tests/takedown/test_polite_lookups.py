"""Politeness: per-server pace, Retry-After, a time limit and cancel; routing by TLD, bootstrap file and WHOIS."""

from __future__ import annotations

import json
import socketserver
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import cli
from app.core.errors import OperationCancelled
from app.core.model import CaseInfo
from app.core.reporting import CallbackReporter
from app.ops.compliance import run_compliance
from app.ops.intake import add_domains
from app.ops.lookups import servers_from_options
from app.ops.precheck import run_precheck
from app.ops.watch import Pace
from app.store import CaseFile

from .registry_play import PlayedDns, PlayedRegistry


@pytest.fixture
def case(tmp_path: Path) -> Iterator[CaseFile]:
    with CaseFile.create(tmp_path / "c.evcase", CaseInfo(case_id="", title="t")) as opened:
        yield opened


@pytest.fixture
def registry() -> Iterator[PlayedRegistry]:
    played = PlayedRegistry("verisign", ("com",))
    for i in range(12):
        played.add(f"bad{i:02d}.com")
    yield played
    played.close()


def test_each_server_gets_its_pace(case: CaseFile, registry: PlayedRegistry) -> None:
    add_domains(case, "\n".join(f"bad{i:02d}.com" for i in range(12)), source="t")
    servers = servers_from_options(rdap_urls=[f"com={registry.url}"])
    started = time.monotonic()
    run = run_precheck(case, kinds=["rdap"], servers=servers, pace=Pace(rate=20, per_server=4))
    took = time.monotonic() - started
    assert [s.registered for s in run.states] == [True] * 12 and registry.requests == 12
    assert 11 / 20 - 0.05 <= took < 3.0  # 12 starts at 20 a second: at least 0.55 s, whatever the threads
    assert run.paces[0].queries == 12 and run.paces[0].throttled == 0


def test_a_retry_after_longer_than_allowed_stops_that_server_only(case: CaseFile) -> None:
    slow = PlayedRegistry("slow", ("com",), limit=1, burst=1, retry_after="3600")
    fine = PlayedRegistry("fine", ("net",))
    try:
        for name in ("a.com", "b.com", "c.com"):
            slow.add(name)
        fine.add("d.net")
        add_domains(case, "a.com\nb.com\nc.com\nd.net\n", source="t")
        servers = servers_from_options(rdap_urls=[f"com={slow.url}", f"net={fine.url}"])
        run = run_precheck(case, kinds=["rdap"], servers=servers, pace=Pace(rate=50, per_server=1, max_wait=60))
    finally:
        slow.close()
        fine.close()
    by_name = {s.domain: s for s in run.states}
    assert by_name["d.net"].registered is True and by_name["a.com"].registered is True
    assert by_name["b.com"].registered is None and by_name["c.com"].registered is None
    assert any("Retry-After" in reason for _, _, reason in run.failures)
    assert any(f.code == "no-answer" for f in by_name["c.com"].flags)
    slow_pace = next(p for p in run.paces if p.server == slow.url)
    assert "asked to wait 3600 s" in slow_pace.gave_up and slow_pace.throttled == 1


def test_the_time_limit_is_kept(case: CaseFile, registry: PlayedRegistry) -> None:
    add_domains(case, "\n".join(f"bad{i:02d}.com" for i in range(12)), source="t")
    servers = servers_from_options(rdap_urls=[f"com={registry.url}"])
    started = time.monotonic()
    run = run_precheck(case, kinds=["rdap"], servers=servers, pace=Pace(rate=5, per_server=1, max_time=0.5))
    assert time.monotonic() - started < 2.5
    checked = [s for s in run.states if s.registered]
    assert 1 <= len(checked) < 12
    assert any("time limit" in reason for _, _, reason in run.failures)


def test_cancel_keeps_what_was_received(case: CaseFile, registry: PlayedRegistry) -> None:
    add_domains(case, "\n".join(f"bad{i:02d}.com" for i in range(12)), source="t")
    dns_server = PlayedDns([registry])  # the delegation is asked of .com's servers: played here, never the net
    servers = servers_from_options(rdap_urls=[f"com={registry.url}"], dns_servers=[dns_server.address])
    seen: list[int] = []
    reporter = CallbackReporter(lambda done, total, stage: seen.append(done), lambda: len(seen) >= 3)
    try:
        with pytest.raises(OperationCancelled):
            run_compliance(case, servers=servers, pace=Pace(rate=20, per_server=1), reporter=reporter,
                           resolve=False)
    finally:
        dns_server.close()
    assert 3 <= case.count_items() < 12 + 12
    assert case.check() == []


def test_bootstrap_file_and_whois_where_there_is_no_rdap(case: CaseFile, registry: PlayedRegistry, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    class Whois(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            query = self.rfile.readline().decode().strip()
            if query == "held.ru":
                self.wfile.write(b"Domain Name: HELD.RU\r\nRegistrar: Z Registrar\r\nDomain Status: serverHold\r\n"
                                 b"Domain Status: serverTransferProhibited\r\nName Server: NS1.R.EXAMPLE\r\n")
            else:
                self.wfile.write(b"No match for domain.\r\n")

    whois = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Whois)
    threading.Thread(target=whois.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    dns_server = PlayedDns([registry])
    bootstrap = tmp_path / "dns.json"
    bootstrap.write_text(json.dumps({"version": "1.0", "services": [[["com"], [registry.url]]]}))
    try:
        path = str(case.path)
        add_domains(case, "bad00.com\nheld.ru\n", source="t")
        case.close()
        code = cli.main(["compliance", path, "--bootstrap", str(bootstrap), "--whois-server",
                         f"127.0.0.1:{whois.server_address[1]}", "--dns-server", dns_server.address, "--rate", "50",
                         "--json"])
    finally:
        whois.shutdown()
        whois.server_close()
        dns_server.close()
    rows = {row["domain"]: row for row in map(json.loads, capsys.readouterr().out.splitlines())}
    assert code == 1
    assert rows["bad00.com"]["verdict"] == "not-yet" and rows["bad00.com"]["registrar"] == "Example Registrar, LLC"
    held = rows["held.ru"]
    assert held["registrar"] == "Z Registrar" and held["statuses"] == ["serverHold", "serverTransferProhibited"]
    assert held["verdict"] == "partly" and held["how"] == "hold"


def test_a_registrar_change_since_the_last_record_is_flagged(case: CaseFile, registry: PlayedRegistry) -> None:
    add_domains(case, "bad00.com\nbad01.com\n", source="t")
    servers = servers_from_options(rdap_urls=[f"com={registry.url}"])
    first = run_precheck(case, kinds=["rdap"], servers=servers, pace=Pace(rate=50))
    assert not [f for s in first.states for f in s.flags if f.code == "registrar-changed"]
    registry.domains["bad01.com"].registrar = "Another Registrar, Inc."
    second = run_precheck(case, kinds=["rdap"], servers=servers, pace=Pace(rate=50))
    flagged = {s.domain for s in second.states for f in s.flags if f.code == "registrar-changed"}
    assert flagged == {"bad01.com"}
