"""What a litigator found in the sample declaration and certification, checked as a litigator reads them:
the words the declaration and the certification print, and what the pre-filing review names."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.model import CaseInfo, Party, PartyRole
from app.documents.declaration import build_declaration
from app.ops.demo import run_demo
from app.ops.filing import declaration_input
from app.ops.intake import add_domains, import_file
from app.ops.parties import add_party
from app.ops.review import review_case
from app.ops.support import domain_support
from app.store import CaseFile

# Spoofed link text: the visible text names bank-kel.org, the link leads to a host under free-kel.cc.
PHISH = (b"From: a@example.net\r\nTo: trap@example.org\r\nSubject: Verify\r\nDate: Tue, 13 Oct 2026 08:00:00 +0000\r\n"
         b"Message-ID: <2@example.net>\r\nContent-Type: text/html\r\n\r\n"
         b'<p>Please verify: <a href="http://x1.free-kel.cc/login">https://www.bank-kel.org/verify</a>'
         b' or <a href="http://shop-kel.com/">our shop</a></p>\r\n')


@pytest.fixture
def case(tmp_path: Path) -> Iterator[CaseFile]:
    info = CaseInfo(case_id="", title="Fictional v. Roe", declarant="Jordan Sample",
                    declarant_title="an investigator", organisation="Fictional Corporation",
                    signing_place="Redmond, Washington", bundle_date="2026-12-01")
    case = CaseFile.create(tmp_path / "c.evcase", info)
    (tmp_path / "phish.eml").write_bytes(PHISH)
    import_file(case, tmp_path / "phish.eml")
    add_domains(case, "bank-kel.org\nshop-kel.com\nfree-kel.cc\n", source="test")
    add_party(case, Party(0, PartyRole.PLAINTIFF, "Fictional Corporation", "a Washington corporation"))
    add_party(case, Party(0, PartyRole.DEFENDANT, "Richard Roe", "an individual"))
    yield case
    case.close()


@pytest.fixture(scope="module")
def sample_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample case as ``evbundle demo`` makes it (the demo builds: it would refuse if the review blocked)."""
    root = tmp_path_factory.mktemp("litigator")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EVBUNDLE_HOME", str(root / "home"))
        return run_demo(root / "demo").case_path


@pytest.fixture(scope="module")
def sample_declaration_text(sample_case: Path) -> str:
    with CaseFile.open(sample_case) as case:
        return _declaration_text(case)


def _declaration_text(case: CaseFile) -> str:
    return " ".join(build_declaration(declaration_input(case)).text().split())


# -- 1. link text is not a link ------------------------------------------------------------------

def test_a_domain_shown_only_as_link_text_is_never_said_to_be_linked(case: CaseFile) -> None:
    text = _declaration_text(case)
    exhibit = text[text.index("attached hereto as Exhibit 1"):text.index("The SHA-256 hash value")]
    assert "It links to a host under free-kel.cc (Appendix A" in exhibit and "shop-kel.com (Appendix A" in exhibit
    assert "bank-kel.org (Appendix" not in exhibit.split("One of its links")[0]  # not among the links
    assert ("One of its links shows the text www.bank-kel.org (bank-kel.org is listed in Appendix A under "
            "Public Interest Registry, no. 1) while the link leads to x1.free-kel.cc.") in exhibit
    domain = text[text.index("As to the domain bank-kel.org"):]
    domain = domain[:domain.index(".", domain.index("leads to") + 30) + 1]
    assert "links to" not in domain
    assert ("the e-mail message in Exhibit 1 shows the text www.bank-kel.org as the visible text of a link, "
            "while the link leads to x1.free-kel.cc") in domain
    assert "and links to 2 of the domains listed in the appendices" in text  # free-kel.cc and shop-kel.com only
    assert not next(r for r in domain_support(case) if r.domain.ascii == "bank-kel.org").supported


def test_the_review_blocks_a_domain_whose_only_support_is_link_text(case: CaseFile) -> None:
    problems = [p for p in review_case(case).blocking if p.where == "bank-kel.org"]
    assert [p.code for p in problems] == ["display-text-only"]
    assert "Exhibit 1 shows it only as the visible text of a link (www.bank-kel.org)" in problems[0].message
    assert "x1.free-kel.cc" in problems[0].message and "take it out of the appendices" in problems[0].message
    assert not any(p.where in ("shop-kel.com", "free-kel.cc") and "support" in p.code
                   for p in review_case(case).problems)


def test_the_sample_declaration_no_longer_links_the_spoofed_domain(sample_declaration_text: str) -> None:
    text = sample_declaration_text
    assert "sample-pharmacy-example.org (Appendix" not in text  # no longer listed, never "linked"
    assert ("One of its links shows the text www.sample-pharmacy-example.org while the link leads to "
            "fe90cy.free-subdomains-sample.cc.") in text
    assert "and link to 16 of the domains listed in the appendices" in text


# -- 5. a sealed set is signed by hand -------------------------------------------------------------

def _certification_text(case: CaseFile) -> str:
    from app.documents.filing_documents import build_filing_document
    from app.documents.profile import load_profile

    inp = declaration_input(case)
    document = build_filing_document(inp, load_profile(inp.case.court), "03-certification-fre-902-13-14")
    return " ".join(document.text().split())


@pytest.fixture(scope="module")
def sample_certification_text(sample_case: Path) -> str:
    with CaseFile.open(sample_case) as case:
        return _certification_text(case)


def test_a_sealed_sets_declaration_and_certification_have_a_line_to_sign_by_hand(
        sample_declaration_text: str, sample_certification_text: str) -> None:
    for text in (sample_declaration_text, sample_certification_text):
        assert "FILED UNDER SEAL" in text
        assert "/s/" not in text
        assert "______________________________ Jordan Sample" in text


def test_an_unsealed_set_keeps_the_electronic_signature(case: CaseFile) -> None:
    assert not case.info().sealed
    for text in (_declaration_text(case), _certification_text(case)):
        assert "/s/ Jordan Sample Jordan Sample" in text and "______________________________ Jordan" not in text


# -- 2. facts no exhibit shows are marked until the declarant confirms them ------------------------

def _marked(case: CaseFile) -> list[str]:
    """The text of every stretch the declaration prints with the conspicuous mark."""
    from app.documents.model import NumberedParagraph

    document = build_declaration(declaration_input(case))
    return [run.text for block in document.blocks if isinstance(block, NumberedParagraph)
            for run in block.runs if run.mark]


def test_facts_no_exhibit_shows_are_marked_and_listed_until_the_declarant_confirms_them(case: CaseFile) -> None:
    from app.ops.paragraphs import confirm_paragraph, current_paragraphs, edit_paragraph

    prompts = [text for text in _marked(case) if text.startswith("[PROMPT:")]
    assert len(prompts) >= 3  # the unanswered prompts are marked too
    edit_paragraph(case, "prompt:harm", "Fictional Corporation has received 1,240 complaints.")
    marked = _marked(case)
    assert "[TO BE CONFIRMED BY THE DECLARANT: no exhibit shows the facts in this paragraph]" in marked
    text = _declaration_text(case)
    assert ("[TO BE CONFIRMED BY THE DECLARANT: no exhibit shows the facts in this paragraph] Fictional "
            "Corporation has received 1,240 complaints.") in text
    problems = [p for p in review_case(case).blocking if p.code == "paragraph-unconfirmed"]
    assert [p.where for p in problems] == ["prompt:harm"]
    assert "evbundle paragraphs CASE confirm prompt:harm" in problems[0].message

    confirm_paragraph(case, "prompt:harm")
    assert case.custody()[-1].action == "paragraph-confirmed"
    assert not any(t.startswith("[TO BE CONFIRMED") for t in _marked(case))
    assert not [p for p in review_case(case).blocking if p.code == "paragraph-unconfirmed"]
    edit_paragraph(case, "prompt:harm", "Fictional Corporation has received 2,000 complaints.")  # new words
    assert next(p for p in current_paragraphs(case) if p.key == "prompt:harm").unconfirmed


def test_the_mark_is_conspicuous_in_pdf_and_docx(case: CaseFile, tmp_path: Path) -> None:
    import shutil
    import subprocess
    import zipfile

    from app.documents.declaration import render_declaration
    from app.documents.model import Run
    from app.documents.pdf_text import runs_markup
    from app.ops.paragraphs import edit_paragraph

    edit_paragraph(case, "prompt:harm", "Fictional Corporation has received 1,240 complaints.")
    pdf, docx = render_declaration(declaration_input(case), tmp_path)
    xml = zipfile.ZipFile(docx).read("word/document.xml").decode()
    marked = xml[:xml.index("TO BE CONFIRMED BY THE DECLARANT")]
    run = marked[marked.rindex("<w:r>"):]
    assert '<w:highlight w:val="yellow"/>' in run and "<w:b/>" in run
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        shown = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "TO BE CONFIRMED BY THE DECLARANT" in " ".join(shown.split())
    assert 'backColor="#FFE600"><b>[TO BE CONFIRMED]</b>' in runs_markup((Run("[TO BE CONFIRMED]", mark=True),))


def test_the_sample_harm_paragraph_claims_no_marks_and_no_unsupported_figures(sample_declaration_text: str,
                                                                             sample_case: Path) -> None:
    text = sample_declaration_text
    harm = text[text.index("HARM TO FICTIONAL CORPORATION"):text.index("WHY ADVANCE NOTICE")]
    for unsupported in ("trademark", "1,240", "$350,000", "complaints"):
        assert unsupported not in harm, unsupported
    assert "Exhibits 5 and 1" in harm and "TO BE CONFIRMED" not in text  # the declarant confirmed it
    assert "unlicensed" not in text
    with CaseFile.open(sample_case) as case:
        assert {e.details["key"] for e in case.custody() if e.action == "paragraph-confirmed"} == {
            "prompt:scheme", "prompt:harm", "prompt:notice"}


# -- 13. the certification certifies the files in the bundle, not the printed exhibits ---------------

def test_the_certification_certifies_the_bundles_files_with_their_source_and_acquisition_time(
        sample_certification_text: str) -> None:
    text = sample_certification_text
    assert "original electronic files held in the evidence bundle" in text
    assert "attached to my declaration as exhibits and listed" not in text  # the old, wrong statement
    assert ("The exhibits attached to my declaration are human-readable renderings of these files" in text)
    for label in ("Exhibit 5", "Exhibit 7"):  # the recipient's address is redacted from both
        assert (f"{label} is redacted to remove the recipient's e-mail address (Fed. R. Civ. P. 5.2); the hash "
                "value listed for it is that of the unredacted original.") in text
    assert "Exhibit | Original file | Source | Acquired (UTC) | Bytes | SHA-256" in text
    row = next(line for line in text.split(" Exhibit 4 | ")[1:2])
    assert row.startswith("01-pharmacy-spam.eml | spam-trap mailbox trap-07@example.org | 2026-")
    assert "| WHOIS server whois.verisign-grs.com |" in text and "| RDAP server tld-rdap.verisign.com |" in text
    assert "j.recipient" not in text
    assert "For six years I have investigated botnets" in text  # the case's qualifications, not made-up words


def test_without_qualifications_the_certification_prints_a_marked_prompt_the_review_blocks(case: CaseFile) -> None:
    text = _certification_text(case)
    assert "[PROMPT: State your training and experience" in text
    assert "In that role I collect and preserve electronic evidence" not in text  # no invented qualifications
    assert "| not recorded |" in text  # a source the case does not hold is not guessed
    problems = [p for p in review_case(case).blocking if p.where == "certification"]
    assert [p.code for p in problems] == ["qualifications-missing"]
    case.update_info(declarant_qualifications="I have preserved e-mail evidence for ten years.")
    assert "I have preserved e-mail evidence for ten years." in _certification_text(case)
    assert not [p for p in review_case(case).blocking if p.where == "certification"]


# -- 10. stale evidence ---------------------------------------------------------------------------

def test_the_review_warns_when_the_newest_lookup_or_capture_is_older_than_the_profile_allows(
        sample_case: Path) -> None:
    with CaseFile.open(sample_case) as case:
        late = [p for p in review_case(case, bundle_date="2026-12-04").problems if p.code == "stale-evidence"]
        assert len(late) == 1 and not late[0].blocking
        assert late[0].message.startswith("the newest lookup or capture (Exhibit 14, October 20, 2026) is 45 days "
                                          "older than the date of execution (limit 14 days, court profile)")
        assert not [p for p in review_case(case, bundle_date="2026-11-03").problems if p.code == "stale-evidence"]


# -- 25. "on my screen" only for what the software captured from the screen ------------------------

def test_on_my_screen_is_sworn_only_for_a_capture_the_software_recorded(sample_declaration_text: str,
                                                                       case: CaseFile, tmp_path: Path) -> None:
    from app.ops.sworn import choose_sworn

    text = sample_declaration_text  # the sample's screenshots were drawn, then copied in as image files
    assert "as it appeared on my screen" not in text
    assert "I captured it. The exhibit reproduces the image file as it was saved, without alteration." in text
    shots = Path(__file__).resolve().parents[2] / "resources/sample/screenshots"
    for tool, name in (("evbundle screen capture", "01-fake-antivirus.png"), ("ShotTool 2", "03-stock-scam.png")):
        (tmp_path / name).write_bytes((shots / name).read_bytes())
        item = import_file(case, tmp_path / name, metadata={"url": "http://shop-kel.com/", "tool": tool,
                                                           "captured_at": "2026-11-30T10:00:00Z",
                                                           "captured_by": "Jordan Sample"})[0]
        choose_sworn(case, item, ["captured_by"])
    text = _declaration_text(case)
    # the software's own capture (its tool recorded as "evbundle ..."), not the one copied in from ShotTool
    assert text.count("It fairly and accurately shows the page as it appeared on my screen at that time.") == 1
    warned = [p for p in review_case(case).problems if p.code == "screenshot-not-screen-capture"]
    assert [p.where for p in warned] == ["Exhibit 3"] and not warned[0].blocking


# -- 8. thin support, for counsel's decision -----------------------------------------------------------

def test_the_review_flags_domains_resting_on_one_mention_or_only_on_tracking_links(sample_case: Path) -> None:
    with CaseFile.open(sample_case) as case:
        problems = [p for p in review_case(case).problems if p.code in ("single-mention", "tracking-link-only")]
    assert problems and not any(p.blocking for p in problems)
    by_domain = {p.where: p for p in problems}
    tracking = by_domain["sample-newsletter-track-example.com"]  # an unsubscribe link and a 1x1 image
    assert tracking.code == "tracking-link-only" and "(Exhibit 4, Exhibit 8)" in tracking.message
    for domain in ("example-investor-alerts-sample.org", "sample-pennystock-news-example.net", "example-pills-sample.cc",
                   "example-rx-shop-sample.net", "example-pharmacy-sample.com", "sample-invoice-portal-example.com",
                   "sample-scan-now-example.cc"):  # the litigator's list: each rests on one spam message
        assert by_domain[domain].code == "single-mention", domain
        assert by_domain[domain].message.startswith("only one e-mail message mentions it (Exhibit ")
    assert "97 of its subdomains listed in Appendix B" in by_domain["free-subdomains-sample.cc"].message
    for strong in ("kelihos-sample-c2-01.com", "sample-dns-example.net", "sample-antivirus-scan-example.com"):
        assert strong not in by_domain  # a record or a capture supports them


# -- 12. a redacted exhibit says so; 28. the comma after a date ------------------------------------------

def test_a_redacted_exhibit_is_offered_as_redacted_with_the_unredacted_originals_hash(
        sample_declaration_text: str) -> None:
    text = sample_declaration_text
    for number in (5, 7):  # the recipient's own mailbox address is redacted from both
        paragraph = next(p for p in text.split("A true and correct copy of")
                         if f"is attached hereto as Exhibit {number}." in p)
        assert (f"redacted to remove the recipient's e-mail address (Fed. R. Civ. P. 5.2), is attached hereto as "
                f"Exhibit {number}.") in paragraph
        assert "its HTML part rendered as text with the target of every link, except for the redacted text." in paragraph
        assert "The SHA-256 hash value of the unredacted original file, which is in the evidence bundle, is " in paragraph
    assert "The SHA-256 hash value of the original file is 114446de" in text  # Exhibit 4: not redacted
    assert "captured on October 14, 2026, is attached hereto as Exhibit 1." in text


# -- 27. the exhibit index; 12. where each message came from ------------------------------------------

def test_the_index_names_the_mailbox_not_the_forged_sender_and_carries_the_full_title(sample_case: Path) -> None:
    from app.documents.filing_documents import build_filing_document
    from app.documents.profile import load_profile

    with CaseFile.open(sample_case) as case:
        inp = declaration_input(case)
        text = build_filing_document(inp, load_profile(inp.case.court), "02-exhibit-index").text()
        declaration = _declaration_text(case)
    assert ("RESTRAINING ORDER AND ORDER TO SHOW CAUSE RE PRELIMINARY INJUNCTION" in " ".join(text.split()))
    assert "| spam-trap mailbox trap-07@example.org |" in text
    assert "| mailbox [redacted]@example.org (forwarded as an attachment by the recipient) |" in text
    assert "Rx Savings Desk <offers@example.net>" not in text  # the From line a spammer writes
    assert "It was acquired from mailbox [redacted]@example.org (forwarded as an attachment by the recipient)." \
        in declaration


def test_no_count_includes_a_domain_shown_only_as_link_text(case: CaseFile) -> None:
    from app.documents.facts import exhibit_facts
    from app.documents.profile import load_profile

    inp = declaration_input(case)
    facts = exhibit_facts(inp.exhibits[0], load_profile(inp.case.court), None)
    assert facts["advertised_domains"] == ["free-kel.cc", "shop-kel.com"]  # what the order's findings count


# -- 11 (sample): e-mails described by how they were received, the sandbox host by what Exhibit 13 shows --

def test_the_sample_describes_messages_by_how_they_arrived_not_as_the_botnets(sample_declaration_text: str) -> None:
    text = sample_declaration_text
    assert "sent by the botnet" not in text
    assert "dated September 14, 2026, received at a Fictional Corporation spam trap" in text
    assert "dated October 5, 2026, forwarded to Fictional Corporation by its recipient" in text
    assert "downloads its stock-promotion spam" not in text  # Exhibit 13 lists it among the C2 and update hosts
    assert "sample-stock-alert-example.com (Appendix A under Verisign, Inc., no. 17); and sample-update-example.cc" in text
