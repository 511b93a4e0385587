"""The order side of the sample filing set after the litigator's review (team/reports/litigator.md), read as
the litigator would: the text each generated paper prints, from the document model the PDF and DOCX are
drawn from. One sample case, exported once for the module; each test names the finding it answers."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from app.core.model import PartyRole
from app.documents.filing_documents import build_filing_documents
from app.documents.profile import load_profile
from app.ops.case import edit_case
from app.ops.demo import run_demo
from app.ops.filing import declaration_input
from app.ops.order_checks import order_problems
from app.store import CaseFile

PUBLIC = ("00-sealing-1-motion-to-seal", "00-sealing-2-memorandum-in-support", "00-sealing-3-notice-of-sealing-motion",
          "00-sealing-4-proposed-sealing-order")


@dataclass
class Sample:
    case_path: Path
    texts: dict[str, str]  # file stem -> the paper's text, whitespace folded
    titles: dict[str, str]  # file stem -> the file's metadata subject


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Sample:
    root = tmp_path_factory.mktemp("fixorder")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EVBUNDLE_HOME", str(root / "home"))
        demo = run_demo(root / "demo")
        with CaseFile.open(demo.case_path) as case:
            docs = build_filing_documents(declaration_input(case), load_profile("edva"))
    return Sample(demo.case_path, {d.stem: _flat(d.document.text()) for d in docs},
                  {d.stem: d.document.info.subject for d in docs})


def test_public_sealing_papers_name_no_party_witness_domain_or_subject(sample: Sample) -> None:
    """#4: the four public papers bear a neutral caption and do not disclose what the seal protects."""
    with CaseFile.open(sample.case_path) as case:
        secrets = [p.name for p in case.parties()] + [case.info().declarant, case.info().title]
        secrets.append(f"{case.info().declarant.split()[-1]} Decl.")  # a cite by the witness's name names him
        secrets += [d.ascii for d in case.domains()]
    secrets += ["FICTIONAL", "ROE", "botnet", "domain", "Internet", "registr", "computer", "Czech"]
    for stem in PUBLIC:
        text = sample.texts[stem]
        assert "SEALED PLAINTIFF" in text and "SEALED DEFENDANTS" in text, stem
        leaked = [s for s in secrets if s.lower() in text.lower()]
        assert not leaked, (stem, leaked)
        assert sample.titles[stem] == "Sealed Plaintiff v. Sealed Defendants", stem  # the PDF/DOCX subject too


def test_sealing_order_finds_an_interim_seal_not_a_past_objection_period(sample: Sample) -> None:
    """#4: the finding is true when signed: an emergency interim seal, objections heard later."""
    order = sample.texts["00-sealing-4-proposed-sealing-order"]
    assert "giving the public notice of the request to seal and an opportunity to object" not in order
    assert "sealing the papers on an interim basis before the period for objections has run" in order
    assert "Any objection filed within that period, or later, will be heard" in order
    assert "and the docket" not in order  # #16: nothing seals the docket, so nothing unseals it
    assert "before any of the papers is served or published" in order


def test_order_findings_rest_on_the_declaration_with_paragraph_cites(sample: Sample) -> None:
    """#7: no finding the declaration does not state; the cited paragraphs are the declaration's."""
    order = sample.texts["04-proposed-order-ex-parte-tro"]
    for gone in ("without the consent", "not the result of any lack of diligence",
                 "have not been identified and appear to operate from outside the United States",
                 "The registration records of the listed domains", "gave e-mail addresses"):
        assert gone not in order, gone
    with CaseFile.open(sample.case_path) as case:
        listed = sum(1 for d in case.domains() if not d.is_subdomain)
        held = {str((i.record or {}).get("domain")) for _, i, _ in case.exhibits() if i.kind.value == "domain-record"}
    from app.documents.wording import number_word

    assert f"The registration records of {number_word(len(held))} of the {number_word(listed)} domains" in order
    # the shared provider's domain is not found to be the Defendants' own: only the others are "used" by them
    assert (f"continue to use the {listed - 1} Internet domains listed in Appendix A other than the parent domain"
            " of the subdomains listed in Appendix B") in order
    assert "Defendants John Does 1-22 have not been identified (Sample Decl. ¶" in order
    assert "Defendant Richard Roe has given an address in the Czech Republic" in order
    assert "the registration record in Exhibit 12 gives an e-mail address of Defendant Richard Roe" in order
    declaration = sample.texts["01-declaration"]
    cited = re.search(r"Defendants John Does 1-22 have not been identified \(Sample Decl\. ¶\s(\d+)\)", order)
    assert cited and f"{cited.group(1)}. Defendants John Does 1-22 are" in declaration


def test_one_count_and_the_witness_own_words_for_how_fast(sample: Sample) -> None:
    """#17: the order's e-mail count is the declaration's; "within hours" everywhere, as the witness says."""
    declaration = sample.texts["01-declaration"]
    order = sample.texts["04-proposed-order-ex-parte-tro"]
    count = re.search(r"and link to (\d+) of the domains listed in the appendices", declaration)
    assert count and f"link to {count.group(1)} of the domains listed in the appendices" in order
    assert "advertising 14 domain names" not in order
    assert "within hours" in declaration
    for stem in ("04-proposed-order-ex-parte-tro", "07-declaration-of-counsel-rule-65-b-1-b",
                 "00-sealing-2-memorandum-in-support"):
        assert "within minutes" not in sample.texts[stem], stem
        assert "within hours" in sample.texts[stem], stem
    witness = re.search(r"(\d+)\. (In my experience, [^.]*within hours[^.]*\.)", declaration)
    counsel = sample.texts["07-declaration-of-counsel-rule-65-b-1-b"].replace("\u00a0", " ")
    assert witness and f"states: \u201c{witness.group(2)}\u201d (Sample Decl. ¶ {witness.group(1)})" in counsel
    assert "As the declaration of" not in counsel  # no paraphrase attributed to the witness


def test_zone_operator_is_named_with_its_own_letter(sample: Sample) -> None:
    """#3: the operator of free-subdomains-sample.cc is identified from the case and directed by name."""
    order = sample.texts["04-proposed-order-ex-parte-tro"]
    assert "the person who operates the zone" not in order
    assert ("IT IS FURTHER ORDERED that Defendant Example Free-Domains s.r.o., which operates the zone of the"
            " following parent domain") in order
    assert "operates the zone of the parent domain free-subdomains-sample.cc, as its registration record shows" in order
    letter = sample.texts["06-letter-04-zone-operator-free-subdomains-sample-cc"]
    assert "Example Free-Domains s.r.o." in letter and "al28kb.free-subdomains-sample.cc" in letter
    quoted = order[order.index("IT IS FURTHER ORDERED that Defendant Example Free-Domains"):]
    assert quoted[:quoted.index("free-subdomains-sample.cc") + 25] in letter  # the order's words, verbatim


def test_unidentified_zone_operator_blocks_and_prints_a_marked_blank(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """#3: with no record of the parent and no defendant tied to it, the review blocks naming the parent;
    the documents still build, with a marked blank."""
    monkeypatch.setenv("EVBUNDLE_HOME", str(tmp_path / "home"))
    demo = run_demo(tmp_path / "demo")
    with CaseFile.open(demo.case_path) as case:
        last = max(n for n, _, _ in case.exhibits())
        item = next(i for n, i, _ in case.exhibits() if n == last)
        from app.ops.exhibit_order import leave_out

        leave_out(case, item.id)
        problems = [p for p in order_problems(case) if p.code == "zone-operator-unidentified"]
        assert problems and problems[0].severity == "blocking"
        assert "free-subdomains-sample.cc" in problems[0].message
        inp = declaration_input(case, draft=True)
        text = _flat(next(d.document.text() for d in build_filing_documents(inp, load_profile("edva"))
                          if d.stem.startswith("04-")))
        assert "[OPERATOR OF THE ZONE OF free-subdomains-sample.cc: NOT IDENTIFIED IN THE CASE]" in text
        edit_case(case, zone_operators=("free-subdomains-sample.cc=Example Hosting Ltd",))
        assert not [p for p in order_problems(case) if p.code == "zone-operator-unidentified"]


def test_registry_letters_are_dated_on_sending_addressed_and_ask_only_what_the_order_orders(sample: Sample) -> None:
    """#19, #15, #30: blank date, attention line, the order's directions verbatim, no "and the seal lifted"."""
    order = sample.texts["04-proposed-order-ex-parte-tro"]
    for stem in ("06-letter-01-godaddy-registry-services-llc", "06-letter-02-public-interest-registry",
                 "06-letter-03-verisign-inc"):
        letter = sample.texts[stem]
        assert "Date: ____________, 20__" in letter
        assert "December" not in letter.split("Re:")[0]
        assert "Attention: [LEGAL DEPARTMENT OR LAW-ENFORCEMENT CONTACT]" in letter
        assert "and the seal lifted" not in letter
        assert "Re: Fictional Corporation v. Richard Roe, et al." in letter  # the first-named defendant
        start = letter.index("IT IS FURTHER ORDERED that")
        end = letter.index("confirm to counsel for Fictional Corporation in writing when it has taken these steps.")
        assert letter[start:end] in order  # quoted word for word
        assert ("at the time specified by Fictional Corporation, so that every registry and operator this Order"
                " directs acts at the same time, and in any event within three (3) business days") in letter


def test_seal_tied_to_execution_and_service_after_it(sample: Sample) -> None:
    """#16, #31: the seal lifts on execution and before service or publication; hearing place; bond effect."""
    order = sample.texts["04-proposed-order-ex-parte-tro"]
    assert "the seal is lifted before any of them is served or published under this Order" in order
    assert "no later than seven (7) days after its entry" in order
    assert "Service and publication under this paragraph are authorized once this Order has been carried out" in order
    assert "401 Courthouse Square, Alexandria, Virginia 22314" in order
    assert "this Order takes effect when the bond is posted" in order


def test_filing_checklist_lists_what_counsel_must_supply(sample: Sample) -> None:
    """#6: the first document of the set lists the missing papers and which generated paper recites each."""
    assert next(iter(sample.texts)) == "00-filing-checklist"
    checklist = sample.texts["00-filing-checklist"]
    for paper in ("Complaint", "Memorandum of law in support of the Application", "Local Civil Rule 7(F)(1)",
                  "Civil cover sheet (Form JS-44)", "Summons", "902(11)", "technical expert"):
        assert paper in checklist, paper
    row = checklist[checklist.index("[ ] Complaint"):checklist.index("[ ] Application")]
    assert "Proposed order" in row and "Motion to seal" in row


def test_hague_country_defendant_no_mail_service_and_a_review_warning(sample: Sample) -> None:
    """#14: a defendant with a Czech address: no service by post there; the review says so."""
    order = sample.texts["04-proposed-order-ex-parte-tro"]
    assert "a party to the Hague Service Convention" in order
    assert "by mail or courier except to an address in the Czech Republic" in order
    assert "(3) by mail, courier or e-mail" not in order
    assert "through its registrar’s relay address or contact form for the registrant" in order  # records withhold it
    with CaseFile.open(sample.case_path) as case:
        warned = [p for p in order_problems(case) if p.code == "hague-service-country"]
    assert any("Richard Roe" in p.message and "Czech Republic" in p.message for p in warned)


def test_no_hague_finding_for_a_domestic_defendant(sample: Sample) -> None:
    """#14: the finding and the exception appear only when a defendant's address is in a Convention country."""
    with CaseFile.open(sample.case_path) as case:
        inp = declaration_input(case)
    parties = [replace(p, addresses=(), organisations=()) if p.role is PartyRole.DEFENDANT else p
               for p in inp.parties]
    inp = replace(inp, parties=parties, support=[s for s in inp.support if not s.party_id])
    text = _flat(next(d.document.text() for d in build_filing_documents(inp, load_profile("edva"))
                      if d.stem.startswith("04-")))
    assert "Hague" not in text and "except to an address in" not in text


def test_registry_contacts_from_the_court_profile_address_the_letter(sample: Sample) -> None:
    """#19: a firm that fills the profile's registry_contacts gets the attention line and e-mail printed."""
    import dataclasses

    profile = load_profile("edva")
    contacts = {"Verisign, Inc.": {"attention": "Legal Department, Law Enforcement Requests",
                                   "email": "legal-process@verisign.example"}}
    custom = dataclasses.replace(profile, registry_contacts=contacts)
    with CaseFile.open(sample.case_path) as case:
        docs = {d.stem: _flat(d.document.text()) for d in build_filing_documents(declaration_input(case), custom)}
    letter = docs["06-letter-03-verisign-inc"]
    assert "Attention: Legal Department, Law Enforcement Requests" in letter
    assert "By e-mail to legal-process@verisign.example and by overnight courier" in letter
    assert "[LEGAL DEPARTMENT" in docs["06-letter-01-godaddy-registry-services-llc"]  # unknown: a marked blank


def test_counsel_declaration_bar_wording_and_numbers_in_words(sample: Sample) -> None:
    """#29: admitted to practice before this Court, the bar number on its own; "one e-mail address"."""
    counsel = sample.texts["07-declaration-of-counsel-rule-65-b-1-b"]
    assert "a member of the bar of this Court" not in counsel
    assert "admitted to practice before this Court; my bar number is VSB No. 99999" in counsel
    assert "including one e-mail address that the evidence shows they use" in counsel
    assert "The Defendants control the 22 domains" not in counsel  # not the shared provider's parent domain
    assert "listed in Appendix A to the proposed order other than the parent domain" in counsel
    assert "Alex Example VSB No. 99999" in counsel  # the signature block: name, then bar number on its own line


def test_a_non_party_zone_operator_is_named_from_the_record_and_directed_under_the_all_writs_act(
        sample: Sample) -> None:
    """#3: when the parent's record names a registrant who is not a defendant, that registrant is the operator,
    directed as a non-party under the All Writs Act with a burden finding."""
    with CaseFile.open(sample.case_path) as case:
        inp = declaration_input(case)
    parties = [p for p in inp.parties if "Free-Domains" not in p.name]
    inp = replace(inp, parties=parties, support=[s for s in inp.support if not s.party_id])
    text = _flat(next(d.document.text() for d in build_filing_documents(inp, load_profile("edva"))
                      if d.stem.startswith("04-")))
    assert "Example Free-Domains s.r.o. operates the zone of the parent domain free-subdomains-sample.cc" in text
    assert ("it is not a party, and there is good cause to direct it, under the All Writs Act, 28 U.S.C. § 1651(a),"
            " to take the steps set out below") in text.replace("\u00a0", " ")
    assert "IT IS FURTHER ORDERED that Example Free-Domains s.r.o., which operates the zone" in text


def test_the_review_lists_every_bracketed_blank_counsel_must_complete(sample: Sample) -> None:
    """#21 (in part, until the project's one marker reaches these papers): the review names each blank."""
    with CaseFile.open(sample.case_path) as case:
        blanks = [p for p in order_problems(case) if p.code == "blank-to-complete"]
    messages = " ".join(p.message for p in blanks)
    assert all(p.severity == "warning" for p in blanks)
    assert "Declaration of counsel (Rule 65(b)(1)(B) certification) still prints [Describe any earlier action" in messages
    assert "Disclosure statement (Rule 7.1) still prints [State each parent corporation" in messages
    assert "[LEGAL DEPARTMENT OR LAW-ENFORCEMENT CONTACT]" in messages
    assert "[PROPOSED]" not in messages


def test_a_defendant_zone_operator_acts_once_served_and_may_keep_its_parent_in_service(sample: Sample) -> None:
    """Second review, N2: a Defendant gets no notice before the registries act, so it is ordered to act once
    served, restraint (1) does not forbid it the parent domain it must keep in service, and the review says
    what that means for the subdomains."""
    order = sample.texts["04-proposed-order-ex-parte-tro"]
    assert ("Defendant Example Free-Domains s.r.o., which operates the zone of the following parent domain, shall, "
            "within 48 hours of being served with this Order") in order
    assert "except that a Defendant who operates the zone of a parent domain of Appendix B shall keep" in order
    with CaseFile.open(sample.case_path) as case:
        codes = [p.code for p in order_problems(case)]
    assert "zone-operator-is-defendant" in codes


def test_the_order_pleads_no_claim_the_record_cannot_carry_and_the_harm_reaches_the_plaintiff(sample: Sample) -> None:
    """Second review, N1 and 2(a): no mark is in the record, so no Lanham Act; the harm the order finds to
    Plaintiff is in the harm paragraph it cites, and the defendant's country is in the paragraph cited for it."""
    order, declaration = sample.texts["04-proposed-order-ex-parte-tro"], sample.texts["01-declaration"]
    assert "Lanham" not in order and "1116" not in order
    assert "burden on Fictional Corporation grows every day the domains remain in service" in declaration
    assert "the city “Brno” and the country “CZ”" in declaration
