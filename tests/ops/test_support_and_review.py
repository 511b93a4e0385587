"""Support links (derived, added, taken out, put back, each logged) and the pre-filing review's checks,
on small hand-made cases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from app.cli import main
from app.core.errors import CaseFileError
from app.core.model import CaseInfo, Party, PartyRole, SupportKind
from app.ops.filing import export_filing_set
from app.ops.intake import add_domains, import_file
from app.ops.paragraphs import confirm_paragraph, edit_paragraph
from app.ops.parties import add_party
from app.ops.review import CHECKS, FilingBlocked, Problem, review_case
from app.ops.support import add_support, domain_support, remove_support, restore_support, support_links
from app.ops.sworn import choose_sworn
from app.store import CaseFile

SPAM = (b"From: a@example.net\r\nTo: trap@example.org\r\nSubject: Deals\r\nDate: Tue, 13 Oct 2026 08:00:00 +0000\r\n"
        b"Message-ID: <1@example.net>\r\nContent-Type: text/html\r\n\r\n"
        b'<p>Buy <a href="http://www.shop-kel.com/x">at our shop</a> and <a href="http://a1.free-kel.cc/">here</a>'
        b'<img src="http://track-kel.net/p.gif"></p>\r\n')
WHOIS = (b"Domain Name: shop-kel.com\nRegistrar: Sample Registrar, Inc.\nCreation Date: 2026-08-01T00:00:00Z\n"
         b"Registrant Name: Richard Roe\nRegistrant Email: RROE@example.com\nRegistrant Street: 12 Sample Street\n"
         b"Name Server: ns1.dns-kel.net\nName Server: ns2.dns-kel.net\n")
DNS_WHOIS = (b"Domain Name: dns-kel.net\nRegistrar: Sample Registrar, Inc.\nCreation Date: 2026-08-02T00:00:00Z\n"
             b"Registrant Organization: Privacy Protect, LLC (privacy proxy)\nName Server: ns1.dns-kel.net\n")


@pytest.fixture
def case(tmp_path: Path) -> CaseFile:
    info = CaseInfo(case_id="", title="Fictional v. Roe", declarant="Jordan Sample",
                    declarant_title="an investigator", organisation="Fictional Corporation",
                    signing_place="Redmond, Washington", bundle_date="2026-12-01")
    case = CaseFile.create(tmp_path / "c.evcase", info)
    for name, data in (("spam.eml", SPAM), ("shop.txt", WHOIS), ("dns.txt", DNS_WHOIS)):
        (tmp_path / name).write_bytes(data)
        import_file(case, tmp_path / name)
    add_domains(case, "shop-kel.com\ntrack-kel.net\ndns-kel.net\nalone-kel.org\nfree-kel.cc\na1.free-kel.cc\n"
                "b2.free-kel.cc\n", source="test")
    add_party(case, Party(0, PartyRole.PLAINTIFF, "Fictional Corporation", "a Washington corporation"))
    add_party(case, Party(0, PartyRole.DEFENDANT, "Richard Roe", "an individual", emails=("rroe@example.com",)))
    yield case
    case.close()


def _links(case: CaseFile, domain: str) -> set[tuple[str, int, int, str]]:
    return {(link.how.value, link.item_id, link.party_id, link.shows) for link in support_links(case)
            if link.domain == domain and not link.removed}


def test_links_are_derived_from_the_evidence(case: CaseFile) -> None:
    spam, shop, dns = (item.id for _, item, _ in case.exhibits())
    roe = next(p.id for p in case.parties() if p.name == "Richard Roe")
    assert ("advertised", spam, 0, "www.shop-kel.com") in _links(case, "shop-kel.com")  # a host under it
    assert ("advertised", spam, 0, "a1.free-kel.cc") in _links(case, "a1.free-kel.cc")  # the exact subdomain
    assert ("advertised", spam, 0, "track-kel.net") in _links(case, "track-kel.net")  # an image it loads
    shop_links = _links(case, "shop-kel.com")
    assert ("record", shop, 0, "shop-kel.com") in shop_links
    registrant = {s for how, item, party, s in shop_links if how == "registrant" and party == roe}
    assert registrant == {"Richard Roe"}  # one link per record and defendant, whatever matched
    assert ("name-servers", shop, 0, "ns1.dns-kel.net") in _links(case, "dns-kel.net")
    assert not any(how == "registrant" for how, *_ in _links(case, "dns-kel.net"))  # a privacy proxy: no tie
    assert _links(case, "alone-kel.org") == set() and _links(case, "b2.free-kel.cc") == set()
    assert ("advertised", spam, 0, "a1.free-kel.cc") in _links(case, "free-kel.cc")  # the listed parent too
    rows = {r.domain.ascii: r.supported for r in domain_support(case)}
    assert rows == {"shop-kel.com": True, "track-kel.net": True, "dns-kel.net": True, "alone-kel.org": False,
                    "free-kel.cc": True, "a1.free-kel.cc": True, "b2.free-kel.cc": False}


def test_user_links_are_added_taken_out_and_put_back_each_logged(case: CaseFile) -> None:
    spam = case.exhibits()[0][1].id
    added = add_support(case, ["alone-kel.org", "B2.FREE-KEL.CC"], spam, "  found in the malware's  configuration ")
    assert [link.domain for link in added.links] == ["alone-kel.org", "b2.free-kel.cc"]
    assert {link.note for link in added.links} == {"found in the malware's configuration"}
    assert all(r.supported for r in domain_support(case))
    assert [e.action for e in case.custody()][-2:] == ["support-link-added", "support-link-added"]
    with pytest.raises(CaseFileError, match="statement"):
        add_support(case, ["alone-kel.org"], spam, " ")
    with pytest.raises(CaseFileError, match="does not list"):
        add_support(case, ["not-listed-kel.com"], spam, "seen")

    remove_support(case, ["track-kel.net"], how=SupportKind.ADVERTISED)  # a derived link: kept, taken out
    assert not next(r for r in domain_support(case) if r.domain.ascii == "track-kel.net").supported
    remove_support(case, ["alone-kel.org"])  # the user's own: dropped
    assert not any(link.domain == "alone-kel.org" for link in support_links(case))
    restore_support(case, ["track-kel.net"])
    assert next(r for r in domain_support(case) if r.domain.ascii == "track-kel.net").supported
    actions = [e.action for e in case.custody()]
    assert actions.count("support-link-removed") == 2 and actions[-1] == "support-link-restored"
    entry = next(e for e in reversed(case.custody()) if e.action == "support-link-added")
    assert entry.details["note"] == "found in the malware's configuration" and entry.details["how"] == "note"


def test_the_declaration_says_what_each_exhibit_shows_and_ties_the_defendant(case: CaseFile) -> None:
    from app.ops.paragraphs import current_paragraphs

    paragraphs = {p.key: p for p in current_paragraphs(case)}
    shop = paragraphs["support:shop-kel.com"].text
    assert shop.startswith("As to the domain shop-kel.com (Appendix A under")
    assert "the e-mail message in Exhibit 1 links to hosts under it" in shop  # www.shop-kel.com
    assert "Exhibit 2 is its WHOIS registration record" in shop
    assert "links to each of them or to a host under it" in paragraphs["support:free-kel.cc"].text  # a1's parent
    roe = next(p for p in paragraphs.values() if p.key.startswith("defendant:") and "Roe" in p.text)
    assert "gives as its registrant the name “Richard Roe” and the e-mail address “RROE@example.com”" in roe.text
    assert (2, "RROE@example.com") in roe.claims
    assert paragraphs["summary:mail"].text.startswith("The one e-mail message in Exhibit 1 was sent on October 13")
    assert {"prompt:scheme", "prompt:harm", "prompt:notice"} <= set(paragraphs)


def test_the_review_names_each_problem_and_export_refuses_until_fixed(case: CaseFile, tmp_path: Path) -> None:
    problems = review_case(case).problems
    codes = {(p.code, p.where) for p in problems if p.blocking}
    assert ("unsupported-domain", "alone-kel.org") in codes and ("unsupported-domain", "b2.free-kel.cc") in codes
    assert {("prompt-not-replaced", k) for k in ("prompt:scheme", "prompt:harm", "prompt:notice")} <= codes
    assert ("rule-5-2-undecided", "Exhibit 1") in codes  # the recipient's address
    assert any(c == "date-contradiction" for c, _ in codes)  # executed 2026-12-01, acquired today
    with pytest.raises(FilingBlocked) as refused:
        export_filing_set(case, tmp_path / "out")
    assert not (tmp_path / "out").exists() and refused.value.problems
    drafted = export_filing_set(case, tmp_path / "draft", formats=("pdf",), draft=True)
    assert drafted.files

    spam = case.exhibits()[0][1].id
    add_support(case, ["alone-kel.org", "b2.free-kel.cc"], spam, "found in the malware's configuration")
    for topic in ("scheme", "harm", "notice"):
        edit_paragraph(case, f"prompt:{topic}", f"The facts about the {topic}, written by a person.")
    unconfirmed = {p.where for p in review_case(case).blocking if p.code == "paragraph-unconfirmed"}
    assert unconfirmed == {"prompt:scheme", "prompt:harm", "prompt:notice"}  # no exhibit shows them
    for topic in ("scheme", "harm", "notice"):
        confirm_paragraph(case, f"prompt:{topic}")  # the declarant confirms them
    assert main(["details", str(case.path), "--declarant-qualifications",
                 "I have preserved electronic evidence for ten years."]) == 0  # the certification's ¶1
    assert main(["redactions", str(case.path), "dismiss", *[r.candidate.id for r in _rows(case)]]) == 0
    assert main(["details", str(case.path), "--zone-operator", "free-kel.cc=Free Kel Ltd"]) == 0  # who the order directs
    today = dt.datetime.now(dt.UTC).date().isoformat()
    left = review_case(case, bundle_date=today).blocking
    assert left == [], left
    result = export_filing_set(case, tmp_path / "out", formats=("pdf",), bundle_date=today)
    assert any(p.name == "01-declaration.pdf" for p in result.files)


def _rows(case: CaseFile) -> list:  # type: ignore[type-arg]
    from app.ops.redactions import list_redactions

    return [r for r in list_redactions(case) if not r.decision]


def test_a_check_is_a_plain_function_in_one_list(case: CaseFile, monkeypatch: pytest.MonkeyPatch) -> None:
    def sealing(checked: CaseFile) -> list[Problem]:
        return [Problem("blocking", "no-sealing-motion", "the motion to seal is missing", "filing set")]

    monkeypatch.setattr("app.ops.review.CHECKS", [*CHECKS, sealing])
    review = review_case(case)
    assert review.blocking[-1] == Problem("blocking", "no-sealing-motion", "the motion to seal is missing",
                                          "filing set")
    assert review.problems.index(review.blocking[-1]) < len(review.blocking)  # blocking ones first


def test_typed_details_reach_sworn_text_only_when_chosen(case: CaseFile, tmp_path: Path) -> None:
    from app.ops.intake import import_file as add
    from app.ops.paragraphs import current_paragraphs

    png = Path(__file__).resolve().parents[2] / "resources/sample/screenshots/01-fake-antivirus.png"
    item = add(case, png, metadata={"url": "http://shop-kel.com/", "captured_at": "2026-10-01T10:00:00Z",
                                    "captured_by": "Someone Else", "tool": "ShotTool 2",
                                    "notes": "drawn, not captured"})[0]
    paragraph = next(p for p in current_paragraphs(case) if p.key == f"exhibit:{item}")
    assert "ShotTool" not in paragraph.text and "Someone Else" not in paragraph.text
    assert "drawn" not in paragraph.text and "captured on October 1, 2026" in paragraph.text
    choose_sworn(case, item, ["tool", "captured_by"])
    paragraph = next(p for p in current_paragraphs(case) if p.key == f"exhibit:{item}")
    assert "by Someone Else using ShotTool 2" in paragraph.text
    assert case.custody()[-1].action == "metadata-edited"
    with pytest.raises(CaseFileError):
        choose_sworn(case, item, ["url"])
