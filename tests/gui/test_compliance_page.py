"""The Compliance page: check before filing and after the order from the window, against loopback registries."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from takedown.registry_play import PlayedDns, PlayedRegistry

from app.core.model import CaseInfo
from app.gui.models.checks import CheckRowsModel
from app.gui.window import MainWindow
from app.ops.case import CaseFile
from app.ops.compliance import latest_compliance
from app.ops.intake import add_domains
from app.ops.lookups import servers_from_options

from .conftest import Shown

LOCKS = ["server transfer prohibited", "server update prohibited", "server delete prohibited"]


@pytest.fixture
def played() -> Iterator[tuple[PlayedRegistry, PlayedDns]]:
    registry = PlayedRegistry("verisign", ("com", "net", "cc"))
    for name in ("held-c2.com", "locked-c2.com", "sinkholed-c2.net", "untouched-c2.net", "free-subs.cc"):
        registry.add(name)
    dns = PlayedDns([registry], subdomains={"x1.free-subs.cc": ["192.0.2.9"]})
    yield registry, dns
    registry.close()
    dns.close()


def _open(window: MainWindow, qtbot: QtBot, tmp_path: Path, played: tuple[PlayedRegistry, PlayedDns]) -> CaseFile:
    registry, dns = played
    path = tmp_path / "c.evcase"
    with CaseFile.create(path, CaseInfo(case_id="", title="Fictional v. Does", plaintiff="FICTIONAL CORP.")) as case:
        add_domains(case, "held-c2.com\nlocked-c2.com\nsinkholed-c2.net\nuntouched-c2.net\nx1.free-subs.cc\n"
                          "gone-c2.com\n", source="t")
    assert window.open_case(path)
    window.checks.servers = servers_from_options(rdap_urls=[registry.url], dns_servers=[dns.address])
    assert window.case is not None
    return window.case


def test_before_filing_and_after_the_order(window: MainWindow, qtbot: QtBot, tmp_path: Path, shown: list[Shown],
                                           played: tuple[PlayedRegistry, PlayedDns],
                                           qtmodeltester: ModelTester) -> None:
    registry, _dns = played
    case = _open(window, qtbot, tmp_path, played)
    page = window.compliance_page
    window.resize(1366, 768)
    page.rate.setValue(50)
    with qtbot.waitSignal(window.events.itemsChanged, timeout=20000):
        window.start_check("precheck")
    qtbot.waitUntil(lambda: page.run is not None and page.run.kind == "precheck" and page.run.replies > 0,
                    timeout=20000)
    assert window.tabs.currentWidget() is page and page.model.rowCount() == 6
    assert "5 ready, 1 to check" in page.summary.text() and "collateral" in page.summary.text()
    qtmodeltester.check(page.model)

    for name, statuses, servers in (("held-c2.com", ["server hold", *LOCKS], None),
                                    ("locked-c2.com", [*LOCKS], None),
                                    ("sinkholed-c2.net", [*LOCKS], ["ns1.sink.example", "ns2.sink.example"]),
                                    ("free-subs.cc", ["server hold", *LOCKS], None)):
        registry.set(name, statuses=statuses, name_servers=servers)
    page.mode.setCurrentIndex(page.mode.findData("compliance"))
    page.sinkholes.setText("ns1.sink.example, ns2.sink.example")
    with qtbot.waitSignal(window.events.itemsChanged, timeout=20000):
        page.check_now()
    qtbot.waitUntil(lambda: page.run is not None and page.run.kind == "compliance" and page.run.replies > 0,
                    timeout=20000)
    window.operations.wait()
    verdicts = {page.model.state(r).domain: page.model.state(r).verdict for r in range(page.model.rowCount())}
    assert verdicts == {"held-c2.com": "complied", "locked-c2.com": "partly", "sinkholed-c2.net": "complied",
                        "untouched-c2.net": "not-yet", "x1.free-subs.cc": "complied", "gone-c2.com": "not-yet"}
    assert "3 complied, 1 partly, 2 not yet" in page.summary.text()
    assert case.info().sinkhole_nameservers == ("ns1.sink.example", "ns2.sink.example")
    page.view.selectRow(0)
    assert "Verdict" in page.details.toPlainText() and "Exhibit" in page.details.toPlainText()
    page.show_rows.setCurrentIndex(page.show_rows.findData("attention"))
    assert page.model.rowCount() == 3
    qtmodeltester.check(page.model)
    if os.environ.get("EVBUNDLE_SCREENSHOTS"):  # for a person to look at
        page.show_rows.setCurrentIndex(0)
        window.grab().save(str(Path(os.environ["EVBUNDLE_SCREENSHOTS"]) / "compliance-page.png"))

    # Reopened, the page shows the verdicts the newest records give, without asking anyone.
    requests = registry.requests
    again = latest_compliance(case)
    assert {s.domain: s.verdict for s in again.states} == verdicts and registry.requests == requests
    assert not [s for s in shown if s.icon.name == "Critical"]


def test_the_schedule_is_opt_in(window: MainWindow, qtbot: QtBot, tmp_path: Path,
                                played: tuple[PlayedRegistry, PlayedDns]) -> None:
    _open(window, qtbot, tmp_path, played)
    page = window.compliance_page
    assert not page.schedule.isChecked() and not page.timer.isActive()
    page.schedule.setChecked(True)
    assert page.timer.isActive() and page.timer.interval() == 60 * 60 * 1000
    page.rate.setValue(50)
    with qtbot.waitSignal(window.events.itemsChanged, timeout=20000):
        page.scheduled_check()  # what the timer does: no progress dialog, the same run
    qtbot.waitUntil(lambda: page.run is not None and page.run.replies > 0, timeout=20000)
    window.close_case()
    assert not page.schedule.isChecked() and not page.timer.isActive()


def test_domain_detail_pane(window: MainWindow, qtbot: QtBot, tmp_path: Path,
                            played: tuple[PlayedRegistry, PlayedDns]) -> None:
    case = _open(window, qtbot, tmp_path, played)
    page = window.compliance_page
    page.rate.setValue(50)
    with qtbot.waitSignal(window.events.itemsChanged, timeout=20000):
        window.start_check("precheck")
    window.operations.wait()
    domains = window.domains_page
    qtbot.waitUntil(lambda: window.domains_model.rowCount() == 6, timeout=5000)
    row = next(r for r in range(window.domains_model.rowCount())
               if window.domains_model.domain(r).ascii == "held-c2.com")  # type: ignore[union-attr]
    domains.view.selectRow(row)
    qtbot.waitUntil(lambda: "Statuses" in domains.detail.toPlainText(), timeout=5000)
    text = domains.detail.toPlainText()
    assert "held-c2.com" in text and "Name servers" in text and "Exhibit" in text and case.count_items() > 0


def test_opening_a_case_reads_the_records_once_and_quietly(window: MainWindow, qtbot: QtBot, tmp_path: Path,
                                                             played: tuple[PlayedRegistry, PlayedDns]) -> None:
    registry, _dns = played
    _open(window, qtbot, tmp_path, played)
    seen: list[str] = []
    window.events.itemsChanged.connect(lambda: seen.append("items"))
    window.events.custodyChanged.connect(lambda: seen.append("custody"))
    qtbot.wait(600)  # a reload that said it changed the case would reload again, and again
    assert seen == [] and registry.requests == 0 and not window.operations.is_busy()
    assert window.compliance_page.model.rowCount() == 6  # the domains, none checked yet


def test_rows_model_is_sound_when_empty(qtmodeltester: ModelTester) -> None:
    model = CheckRowsModel()
    qtmodeltester.check(model)
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Domain"
