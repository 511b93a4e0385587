"""The pre-filing check and the compliance watch against loopback registries, before and after an order.

Three registries play their part on 127.0.0.1: "Verisign" (.com, .net, .cc), "PIR" (.org), which
rate-limits with 429 and Retry-After, and "GoDaddy Registry" (.tv); one DNS server plays the TLD
zones (delegations, over UDP and, when a reply is too big, TCP) and a resolver. Before the order
every domain is registered and resolving but one; after it, some are on serverHold, some are
delegated to the sinkhole name servers, some only locked, some untouched.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app import cli
from app.core.model import CaseInfo, ItemKind
from app.ops.intake import add_domains
from app.store import CaseFile

from .registry_play import PlayedDns, PlayedRegistry, Registration

LOCKS = ["server transfer prohibited", "server update prohibited", "server delete prohibited"]
SINKHOLES = ["ns1.sinkhole.example", "ns2.sinkhole.example"]
TODAY = datetime.now(UTC).date()
MANY_NS = sorted(f"ns.{i:02d}-{'x' * 40}.example" for i in range(16))  # > 512 bytes by UDP: TCP


class Played:
    def __init__(self) -> None:
        self.verisign = PlayedRegistry("verisign", ("com", "net", "cc"))
        self.pir = PlayedRegistry("pir", ("org",), limit=2, burst=1, retry_after="1")
        self.godaddy = PlayedRegistry("godaddy", ("tv",))
        self.dns = PlayedDns([self.verisign, self.pir, self.godaddy],
                             subdomains={"a1.free-subs.cc": ["192.0.2.51"], "a2.free-subs.cc": ["192.0.2.52"]})
        self.verisign.add("bad-one.com", Registration(name_servers=MANY_NS))
        self.verisign.add("bad-two.com")
        self.verisign.add("evil.net", Registration(created=(TODAY - timedelta(days=5)).isoformat() + "T00:00:00Z"))
        self.verisign.add("free-subs.cc", Registration(addresses=["192.0.2.50"]))
        for name in ("c2.org", "c2b.org", "c2c.org"):
            self.pir.add(name)
        self.godaddy.add("spam.tv", Registration(expires=(TODAY + timedelta(days=20)).isoformat() + "T00:00:00Z"))

    def options(self) -> list[str]:
        return ["--rdap-url", f"com={self.verisign.url}", "--rdap-url", f"net={self.verisign.url}",
                "--rdap-url", f"cc={self.verisign.url}", "--rdap-url", f"org={self.pir.url}",
                "--rdap-url", f"tv={self.godaddy.url}", "--dns-server", self.dns.address,
                "--rate", "20", "--dns-rate", "500", "--timeout", "5"]

    def close(self) -> None:
        for server in (self.verisign, self.pir, self.godaddy, self.dns):
            server.close()


@pytest.fixture
def played() -> Iterator[Played]:
    servers = Played()
    yield servers
    servers.close()


@pytest.fixture
def case_path(tmp_path: Path) -> Path:
    path = tmp_path / "takedown.evcase"
    with CaseFile.create(path, CaseInfo(case_id="", title="Fictional v. Does", plaintiff="FICTIONAL CORP.")) as case:
        add_domains(case, "bad-one.com\nbad-two.com\nevil.net\nc2.org\nc2b.org\nc2c.org\nspam.tv\ngone.com\n"
                          "a1.free-subs.cc\na2.free-subs.cc\n", source="test")
    return path


def run_json(capsys: pytest.CaptureFixture[str], args: list[str]) -> tuple[int, dict[str, dict[str, object]]]:
    code = cli.main(args + ["--json"])
    out = capsys.readouterr().out
    rows = [json.loads(line) for line in out.splitlines() if line.strip()]
    return code, {row["domain"]: row for row in rows}


def test_precheck_then_compliance(played: Played, case_path: Path, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    hearing = (TODAY + timedelta(days=30)).isoformat()
    code, rows = run_json(capsys, ["precheck", str(case_path), *played.options(), "--hearing", hearing,
                                   "--out", str(tmp_path / "before")])
    assert code == 1  # gone.com is not registered, spam.tv expires before the hearing
    assert set(rows) == {"bad-one.com", "bad-two.com", "evil.net", "c2.org", "c2b.org", "c2c.org", "spam.tv",
                         "gone.com", "a1.free-subs.cc", "a2.free-subs.cc"}
    one = rows["bad-one.com"]
    assert one["registered"] is True and one["resolving"] is True
    assert one["statuses"] == ["clientTransferProhibited"] and one["registrar"] == "Example Registrar, LLC"
    assert one["name_servers"] == MANY_NS and one["delegation"] == MANY_NS  # the TCP retry got all of them
    assert one["created"].startswith("2020-01-02") and one["expires"].startswith("2031-01-02")
    assert one["flags"] == [] and one["observed_at"].endswith("Z")
    assert rows["gone.com"]["registered"] is False and "not-registered" in rows["gone.com"]["flags"]
    assert "expires-before-hearing" in rows["spam.tv"]["flags"]
    assert "recently-registered" in rows["evil.net"]["flags"]
    assert {"appendix-b-parent"} <= set(rows["a1.free-subs.cc"]["flags"])
    assert rows["a1.free-subs.cc"]["resolving"] is True and rows["a1.free-subs.cc"]["registered"] is True
    for name in ("c2.org", "c2b.org", "c2c.org"):  # PIR throttled, and the check waited as told
        assert rows[name]["registered"] is True, rows[name]
    assert played.pir.throttled >= 1 and played.dns.tcp_queries >= 1
    assert all(row["exhibits"] for name, row in rows.items())
    before = sorted(p.name for p in (tmp_path / "before").iterdir())
    assert [p.rsplit(".", 1)[1] for p in before] == ["csv", "pdf"]

    # The order is entered; the registries act (or not).
    for name, statuses, servers in (
        ("bad-one.com", ["server hold", *LOCKS], None),
        ("bad-two.com", ["client transfer prohibited", *LOCKS], None),  # locked, still delegated: partly
        ("evil.net", [*LOCKS], SINKHOLES),
        ("free-subs.cc", ["server hold", *LOCKS], None),
    ):
        played.verisign.set(name, statuses=statuses, name_servers=servers)
    played.pir.set("c2.org", statuses=["server hold", *LOCKS])
    played.pir.set("c2c.org", statuses=["server hold"])  # on hold without the locks: partly
    code, rows = run_json(capsys, ["compliance", str(case_path), *played.options(), "--since", TODAY.isoformat(),
                                   "--sinkhole", "NS1.SINKHOLE.EXAMPLE.", "--sinkhole", "ns2.sinkhole.example",
                                   "--out", str(tmp_path / "after")])
    assert code == 1
    verdicts = {name: (row["verdict"], row["how"]) for name, row in rows.items()}
    assert verdicts == {
        "bad-one.com": ("complied", "hold"), "bad-two.com": ("partly", None), "evil.net": ("complied", "sinkhole"),
        "c2.org": ("complied", "hold"), "c2b.org": ("not-yet", None), "c2c.org": ("partly", "hold"),
        "spam.tv": ("not-yet", None), "gone.com": ("not-yet", None),
        "a1.free-subs.cc": ("complied", "hold"), "a2.free-subs.cc": ("complied", "hold"),
    }
    assert rows["bad-one.com"]["resolving"] is False and rows["evil.net"]["delegation"] == SINKHOLES
    assert any("serverHold is not set" in m for m in rows["bad-two.com"]["missing"])
    assert any("still delegated in the TLD zone" in m for m in rows["bad-two.com"]["missing"])
    assert rows["c2c.org"]["missing"] == ["serverTransferProhibited is not set", "serverUpdateProhibited is not set",
                                          "serverDeleteProhibited is not set"]
    assert all(row["observed_at"].endswith("Z") for row in rows.values())

    with CaseFile.open(case_path) as case:
        assert case.info().sinkhole_nameservers == tuple(SINKHOLES)  # kept as the case's list
        records = case.items(ItemKind.DOMAIN_RECORD)
        numbered = {item.id for _, item, _ in case.exhibits()}
        assert records and all(item.id in numbered for item in records)  # every reply is an exhibit
        assert sum(1 for r in records if r.record.get("throttled")) == played.pir.throttled
        looked_up = [e for e in case.custody() if e.action == "looked-up"]
        assert len(looked_up) == len(records)
        actions = [e.action for e in case.custody()]
        assert "prefiling-checked" in actions and "compliance-checked" in actions
        assert actions.count("check-papers-written") == 2
    assert cli.main(["check", str(case_path)]) == 0

    after = sorted(p.name for p in (tmp_path / "after").iterdir())
    letters = [n for n in after if n.startswith("compliance-letter-")]
    assert letters == [f"compliance-letter-{n}.{ext}" for n in ("01-godaddy-registry-services-llc",
                       "02-public-interest-registry", "03-verisign-inc") for ext in ("docx", "pdf")]
    report = next(tmp_path.glob("after/compliance-2*.pdf"))
    text = subprocess.run(["pdftotext", "-layout", str(report), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "COMPLIANCE WITH THE ORDER" in text and "bad-two.com" in text and "not yet" in text
    status = subprocess.run(["pdftotext", str(tmp_path / "after" / "compliance-status-report.pdf"), "-"],
                            capture_output=True, text=True, check=True).stdout
    assert "STATUS REPORT" in status and "5 of the 10 domains" in " ".join(status.split())
