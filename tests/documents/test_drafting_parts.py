"""The parts the declaration is drafted from: the caption's parties, English lists and ranges, the HTML of
a message as text, the Rule 5.2 pass over the document model, and the DRAFT mark."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.model import CaseInfo, Party, PartyRole
from app.documents import build_declaration, load_profile
from app.documents import model as m
from app.documents.docx_writer import render_docx_bytes
from app.documents.parties_facts import parties_from_text, party_facts
from app.documents.pdf_writer import render_pdf_bytes
from app.documents.redaction import redact_document
from app.documents.wording import and_list, number_ranges, number_word
from app.sources.mail_view import html_as_text

from . import sample


def test_the_caption_names_each_party_with_its_entity_form() -> None:
    facts = party_facts([
        Party(1, PartyRole.PLAINTIFF, "Microsoft Corporation", "a Washington corporation"),
        Party(2, PartyRole.DEFENDANT, "Dominique Alexander Piatti", "an individual"),
        Party(3, PartyRole.DEFENDANT, "dotFREE Group s.r.o.", "a Czech limited liability company"),
        Party(4, PartyRole.DEFENDANT, "John Does 1-22", doe=True,
              description="controlling a computer botnet thereby injuring Microsoft and its customers"),
    ])
    assert facts["caption_plaintiffs"] == ["MICROSOFT CORPORATION, a Washington corporation,"]
    assert facts["caption_defendants"] == [
        "DOMINIQUE ALEXANDER PIATTI, an individual;",
        "DOTFREE GROUP S.R.O., a Czech limited liability company;",
        "JOHN DOES 1-22, CONTROLLING A COMPUTER BOTNET THEREBY INJURING MICROSOFT AND ITS CUSTOMERS,"]
    assert (facts["plaintiff_word"], facts["defendant_word"]) == ("Plaintiff,", "Defendants.")
    assert facts["short_title"] == "Microsoft Corporation v. Dominique Alexander Piatti, et al."
    assert [d["called"] for d in facts["defendants"]][-1] == "Defendants John Does 1-22"
    one = party_facts([Party(1, PartyRole.DEFENDANT, "Richard Roe", "an individual")])
    assert one["defendant_word"] == "Defendant." and one["caption_plaintiffs"] == ["[PLAINTIFF],"]
    old = parties_from_text(CaseInfo(case_id="", title="t", plaintiff="Contoso Corporation, a Washington corporation",
                                     defendants="JOHN DOES 1-10, controlling a botnet"))
    assert [(p.name, p.entity_form, p.doe) for p in old] == [("Contoso Corporation", "a Washington corporation",
                                                              False), ("JOHN DOES 1-10", "", True)]


def test_lists_ranges_and_small_numbers_read_as_english() -> None:
    assert and_list(["a"]) == "a" and and_list(["a", "b"]) == "a and b" and and_list(["a", "b", "c"]) == "a, b and c"
    assert and_list(["Sample, Inc.", "Example, LLC", "Other"]) == "Sample, Inc.; Example, LLC; and Other"
    assert number_ranges([1, 2, 3, 5, 7, 8, 10, 11, 12, 13]) == "1\u20133, 5, 7, 8 and 10\u201313"
    assert number_word(4) == "four" and number_word(12) == "12" and number_word(1200) == "1,200"


def test_html_is_read_as_text_with_every_link_target_shown() -> None:
    text, links = html_as_text(
        '<html><head><title>t</title><style>a{display:none}</style><script>alert(1)</script></head>'
        '<body><p>Log in at <a href="https://evil.example.net/x?a=1">https://www.bank.example.com/</a>.</p>'
        '<a href="mailto:x@example.org">write</a><a href="javascript:alert(2)">click</a>'
        '<a href="http://h.example.com/"><img src="http://i.example.com/a.png" alt="logo"></a>'
        '<div style="display:none">hidden words</div></body></html>')
    assert "alert" not in text.replace("javascript:alert(2)", "")  # no script text; a javascript: target shown
    assert "[https://www.bank.example.com/ -> evil.example.net]" in text
    assert "[write -> x@example.org]" in text and "[click -> javascript:alert(2)]" in text
    assert "[[image: logo from i.example.com, not loaded] -> h.example.com]" in text
    assert "hidden words" in text  # CSS is not applied: what the sender hid is shown
    assert links[0] == ("https://www.bank.example.com/", "https://evil.example.net/x?a=1")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/=\"' ahrefimgsrcp:.x-&#;\u202e\n")), max_size=300))
def test_any_html_becomes_text_without_raising(source: str) -> None:
    text, links = html_as_text(source)
    assert isinstance(text, str)
    for shown, _ in links:
        assert shown in text or shown == "[no link text]" or "\u27e6" in text


def test_the_rule_5_2_pass_reaches_every_block_and_the_metadata() -> None:
    ssn = "123-45-6789"
    doc = m.Document(
        m.DocumentInfo(title=f"Exhibit {ssn}", subject=f"s {ssn}", author=f"a {ssn}"),
        (m.Caption((f"c {ssn}",), f"d {ssn}", (m.CaptionLine(f"p {ssn}"),), (m.CaptionLine(f"r {ssn}"),)),
         m.Title((m.Run(f"t {ssn}", bold=True),)), m.Heading("I.", f"h {ssn}"),
         m.NumberedParagraph(1, (m.Run(f"n {ssn}"),)), m.Paragraph((m.Run(f"q {ssn}", italic=True),)),
         m.SignatureBlock((f"/s/ {ssn}",)), m.AppendixTitle("APPENDIX A", f"x {ssn}"),
         m.RegistryGroup(f"g {ssn}", (f"addr {ssn}",), (m.ListedDomain(f"{ssn}.example"),), f"note {ssn}"),
         m.Table(("A", f"B {ssn}"), ((f"c {ssn}", "d"),), (0.5, 0.5), title=f"tt {ssn}")))
    clean = redact_document(doc, [(ssn, "XXX-XX-6789")])
    assert ssn not in repr(clean) and repr(clean).count("XXX-XX-6789") == repr(doc).count(ssn)
    assert redact_document(doc, []) is doc
    profile = load_profile("edva")
    assert ssn.encode() not in render_pdf_bytes(clean, profile)
    with zipfile.ZipFile(io.BytesIO(render_docx_bytes(clean, profile))) as package:
        assert not any(ssn.encode() in package.read(n) for n in package.namelist())


def test_a_draft_says_draft_on_every_page_in_both_formats(tmp_path: Path) -> None:
    inp = replace(sample.declaration_input(), draft=True)
    document = build_declaration(inp)
    assert document.info.draft
    pdf = tmp_path / "draft.pdf"
    pdf.write_bytes(render_pdf_bytes(document, load_profile("edva")))
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext not installed")
    pages = subprocess.run([tool, str(pdf), "-"], check=True, capture_output=True, text=True).stdout.split("\f")[:-1]
    assert len(pages) >= 4 and all("DRAFT \u2014 NOT FOR FILING" in page for page in pages)
    with zipfile.ZipFile(io.BytesIO(render_docx_bytes(document, load_profile("edva")))) as package:
        headers = [package.read(n) for n in package.namelist() if n.startswith("word/header")]
    assert any("DRAFT \u2014 NOT FOR FILING".encode() in h for h in headers)
    final = build_declaration(sample.declaration_input())
    assert not final.info.draft and b"NOT FOR FILING" not in render_pdf_bytes(final, load_profile("edva"))
