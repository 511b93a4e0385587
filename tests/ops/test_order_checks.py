"""Checks before filing for the order side: each one blocks (or warns) on the case it is about, and is
quiet on a case without the problem."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from app.cli import main
from app.core.errors import EvidenceError
from app.core.model import CaseInfo, Counsel
from app.documents.profile import Direction, load_profile
from app.ops import order_checks
from app.ops.case import edit_case
from app.ops.intake import add_domains
from app.ops.order_checks import (
    BLOCKING,
    WARNING,
    appendix_b_parents,
    counsel_for_letters,
    directions_name_only_own_domains,
    order_problems,
    order_terms,
    remedy_and_sinkholes,
    sealing_papers,
    zone_operators_named,
)
from app.ops.parties import set_counsel
from app.store import CaseFile

DOMAINS = "bad-one.com\nbad-two.net\nbad-three.org\nfree-host.cc\nab12.free-host.cc\ncd34.free-host.cc\nx1.orphan-host.tv\n"
COUNSEL = Counsel(name="Alex Q. Counsel", bar_number="VSB No. 99999", firm="Firm LLP", address=("1 Plaza",),
                  phone="(202) 555-0100", email="alex@firm.example")


@pytest.fixture
def case(tmp_path: Path) -> CaseFile:
    opened = CaseFile.create(tmp_path / "c.evcase", CaseInfo(case_id="", title="Contoso v. Does", court="edva"))
    add_domains(opened, DOMAINS, source="test")
    return opened


def _codes(problems: list[order_checks.OrderProblem], severity: str = BLOCKING) -> list[str]:
    return [p.code for p in problems if p.severity == severity]


def test_an_appendix_b_parent_missing_from_appendix_a_blocks(case: CaseFile) -> None:
    problems = appendix_b_parents(case)
    assert _codes(problems) == ["appendix-b-parent-missing"]
    assert problems[0].where == "Appendix B: orphan-host.tv" and "not in Appendix A" in problems[0].message
    unnamed = zone_operators_named(case)  # nothing identifies either zone's operator: the order cannot name it
    assert _codes(unnamed) == ["zone-operator-unidentified"] * 2
    assert {p.where for p in unnamed} == {"Appendix B: free-host.cc", "Appendix B: orphan-host.tv"}
    add_domains(case, "orphan-host.tv", source="test")
    edit_case(case, zone_operators=("free-host.cc=Free Host s.r.o.", "orphan-host.tv=Orphan Ltd"))
    assert appendix_b_parents(case) == [] and zone_operators_named(case) == []


def test_redirect_needs_named_sinkholes_and_a_hold_ignores_them(case: CaseFile) -> None:
    assert remedy_and_sinkholes(case) == []  # hold, nothing named: nothing to say
    edit_case(case, remedy="redirect")
    assert _codes(remedy_and_sinkholes(case)) == ["redirect-without-sinkholes"]
    edit_case(case, sinkhole_nameservers=("ns1.sink.example",))
    assert _codes(remedy_and_sinkholes(case), WARNING) == ["one-sinkhole"]
    with pytest.raises(EvidenceError, match="not a host name"):  # refused where it is typed
        edit_case(case, sinkhole_nameservers=("ns1.sink.example", "not a host"))
    case.update_info(sinkhole_nameservers=("ns1.sink.example", "not a host"))  # as a case from before that
    assert _codes(remedy_and_sinkholes(case)) == ["sinkhole-not-a-host-name"]
    edit_case(case, sinkhole_nameservers=("ns1.sink.example", "ns2.sink.example"))
    assert remedy_and_sinkholes(case) == []
    edit_case(case, remedy="hold")
    assert _codes(remedy_and_sinkholes(case), WARNING) == ["sinkholes-unused"]


def test_an_expiry_past_fourteen_days_blocks(case: CaseFile) -> None:
    assert order_terms(case) == []
    edit_case(case, tro_days=21)
    assert _codes(order_terms(case)) == ["tro-expiry-too-long"]


def test_a_sealed_case_needs_its_sealing_papers_signed_by_counsel(case: CaseFile) -> None:
    assert sealing_papers(case) == []  # not sealed
    edit_case(case, sealed=True)
    assert _codes(sealing_papers(case)) == ["sealing-unsigned"]
    set_counsel(case, COUNSEL)
    assert sealing_papers(case) == []


def test_a_sealed_case_whose_sealing_papers_are_missing_blocks(case: CaseFile, monkeypatch: pytest.MonkeyPatch) -> None:
    edit_case(case, sealed=True)
    set_counsel(case, COUNSEL)
    real = order_checks.filing_document_names
    monkeypatch.setattr(order_checks, "filing_document_names",
                        lambda facts: [(s, n) for s, n in real(facts) if "notice" not in s])
    problems = sealing_papers(case)
    assert _codes(problems) == ["sealing-paper-missing"] and problems[0].where == "Notice of sealing motion"


def test_directions_naming_another_registrys_domain_block(case: CaseFile, monkeypatch: pytest.MonkeyPatch) -> None:
    add_domains(case, "orphan-host.tv", source="test")
    assert directions_name_only_own_domains(case) == []  # the shipped directions name no domain
    profile = load_profile("edva")
    wrong = dataclasses.replace(profile, registry_directions=(
        *profile.registry_directions, Direction("also act on bad-three.org, as {plaintiff} asks;")))
    monkeypatch.setattr(order_checks, "load_profile", lambda court: wrong)
    problems = directions_name_only_own_domains(case)
    where = {p.where for p in problems}
    assert {"Proposed order: Verisign, Inc.", "Letter: Verisign, Inc."} <= where
    assert not any("Public Interest Registry" in w for w in where)  # its own domain: no problem
    assert all(p.severity == BLOCKING and "bad-three.org" in p.message for p in problems)


def test_counsel_missing_from_letters_is_a_warning(case: CaseFile) -> None:
    assert _codes(counsel_for_letters(case), WARNING) == ["counsel-incomplete"]
    set_counsel(case, COUNSEL)
    assert counsel_for_letters(case) == []


def test_all_checks_together_put_blocking_problems_first(case: CaseFile) -> None:
    edit_case(case, remedy="redirect")
    problems = order_problems(case)
    severities = [p.severity for p in problems]
    assert severities == sorted(severities, key=lambda s: s != BLOCKING)
    assert {"appendix-b-parent-missing", "redirect-without-sinkholes"} <= set(_codes(problems))


def test_details_sets_the_orders_terms_and_refuses_a_long_expiry(case: CaseFile,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = case.path
    case.close()
    assert main(["details", str(path), "--hearing-date", "2026-11-20", "--hearing-time", "10:00 a.m.",
                 "--tro-days", "10", "--bond-amount", "$50,000", "--production", "--service-email", "Op@Host.example",
                 "--zone-operator", "free-host.cc = Free Host s.r.o.", "--publication-site", "notice.example",
                 "--seal-days", "21", "--disclosure", "none"]) == 0
    with CaseFile.open(path) as reopened:
        info = reopened.info()
    assert (info.hearing_date, info.hearing_time, info.tro_days, info.bond_amount) == (
        "2026-11-20", "10:00 a.m.", 10, "$50,000")
    assert info.production_clause and info.service_emails == ("op@host.example",)
    assert info.zone_operators == ("free-host.cc=Free Host s.r.o.",) and info.seal_days == 21
    assert info.disclosure == ("none",) and info.publication_site == "notice.example"
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main(["details", str(path), "--tro-days", "15"])
    assert "at most 14 days" in capsys.readouterr().err
