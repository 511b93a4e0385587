"""Counsel's controls over the filing set: exhibit order, paragraph edits, Rule 5.2 redactions,
oversize exhibits split into parts, tall screenshots sliced, and firm-edited templates."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

import pytest

from app.core.errors import CaseFileError, TemplateError
from app.core.model import CaseInfo
from app.documents import build_declaration, load_profile, render_exhibit
from app.documents.drafting import advertised, appendix_entries
from app.documents.filing_documents import build_filing_documents
from app.documents.profile import Direction, profile_from_json
from app.documents.template import parse_markup
from app.ops.exhibit_order import move_exhibit, order_exhibits
from app.ops.filing import declaration_input, export_filing_set
from app.ops.intake import add_domains, import_file
from app.ops.paragraphs import (
    add_paragraph,
    current_paragraphs,
    edit_paragraph,
    move_paragraph,
    remove_paragraph,
    reset_paragraph,
)
from app.ops.redactions import decide_redactions, list_redactions
from app.store import CaseFile

from . import sample

SPAM = (
    b"From: \"Deals\" <deals@spam.example>\r\nTo: Jane Victim <jane.victim@example.org>\r\n"
    b"Subject: Your account\r\nDate: Tue, 18 Feb 2025 08:15:00 +0000\r\nMessage-ID: <x1@spam.example>\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
    b"Dear customer, we hold SSN 123-45-6789, account number 000123456789 and\r\n"
    b"date of birth: 03/14/1985 on file. Visit http://pharma-kel01.com/buy today.\r\n"
)


def _text(pdf: Path) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext not installed")
    return " ".join(subprocess.run([tool, str(pdf), "-"], check=True, capture_output=True,
                                   text=True).stdout.split())


@pytest.fixture
def case(tmp_path: Path) -> CaseFile:
    info = CaseInfo(case_id="", title="Contoso v. Does", declarant="Jane Q. Investigator",
                    plaintiff="Contoso Corporation, a Washington corporation", bates_prefix="CTSO",
                    bundle_date="2025-03-01", sealed=False)
    case = CaseFile.create(tmp_path / "c.evcase", info)
    files = {"a.eml": SPAM, "b.png": sample.png_bytes(400, 300), "c.png": sample.png_bytes(500, 200)}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        import_file(case, tmp_path / name, description=f"the file {name}")
    add_domains(case, "pharma-kel01.com\nother-kel.net\nbot1.cz.cc\n", source="test")
    yield case
    case.close()


def _actions(case: CaseFile) -> list[str]:
    return [e.action for e in case.custody()]


def test_counsel_orders_the_exhibits(case: CaseFile) -> None:
    assert [n for n, _, _ in case.exhibits()] == [1, 2, 3]
    first = case.exhibits()[2][1].id
    assert order_exhibits(case, [3, 1, 2]).mapping == {3: 1, 1: 2, 2: 3}
    assert case.exhibits()[0][1].id == first and "exhibits-renumbered" in _actions(case)
    move_exhibit(case, 1, 3)
    assert case.exhibits()[2][1].id == first
    with pytest.raises(CaseFileError):
        order_exhibits(case, [1, 1, 2])
    with pytest.raises(CaseFileError):
        move_exhibit(case, 9, 1)


def test_counsel_edits_adds_moves_and_removes_paragraphs(case: CaseFile, tmp_path: Path) -> None:
    keys = [p.key for p in current_paragraphs(case) if p.section == "exhibits"]
    assert len(keys) == 3 and all(k.startswith("exhibit:") for k in keys)
    edit_paragraph(case, keys[1], "Counsel's own words about the first screenshot.")
    added = add_paragraph(case, "exhibits", "A paragraph counsel added.", after=keys[0]).key
    move_paragraph(case, keys[2], 1)
    remove_paragraph(case, keys[0])
    order = [(p.key, p.removed) for p in current_paragraphs(case) if p.section == "exhibits"]
    assert order == [(keys[2], False), (keys[0], True), (added, False), (keys[1], False)]
    for action in ("paragraph-edited", "paragraph-added", "paragraph-moved", "paragraph-removed"):
        assert action in _actions(case)
    inp = declaration_input(case)
    text = build_declaration(inp, load_profile("edva")).text()
    assert "Counsel's own words about the first screenshot." in text
    assert text.index("A paragraph counsel added.") < text.index("Counsel's own words")
    assert "the file a.eml" not in text  # removed
    reset_paragraph(case, keys[1])
    assert "Counsel's own words" not in build_declaration(declaration_input(case), load_profile("edva")).text()


def test_spam_paragraph_names_its_domains_appendix_entries(case: CaseFile) -> None:
    inp = declaration_input(case)
    entries = appendix_entries(inp.domains, inp.registries)
    spam = inp.exhibits[0].item
    listed = advertised(spam.record, entries)
    assert any(s.startswith("pharma-kel01.com (Appendix A under ") for s in listed)
    paragraph = next(p for p in current_paragraphs(case) if p.key == f"exhibit:{spam.id}").text
    assert "It links to pharma-kel01.com (Appendix A under" in paragraph


def test_rule_5_2_candidates_confirmed_are_removed_from_the_exhibit(case: CaseFile, tmp_path: Path) -> None:
    rows = list_redactions(case)
    found = {r.candidate.text: r.candidate for r in rows}
    assert {"123-45-6789", "000123456789", "03/14/1985", "jane.victim@example.org"} <= set(found)
    assert found["123-45-6789"].replacement == "XXX-XX-6789"
    assert found["03/14/1985"].replacement == "1985"
    for text in ("123-45-6789", "jane.victim@example.org", "000123456789"):
        decide_redactions(case, [found[text].id], "confirm")
    entry = next(e for e in case.custody() if e.action == "redaction-confirmed")
    assert "123-45-6789" not in str(entry.details) and entry.details["text_sha256"]
    result = export_filing_set(case, tmp_path / "out", formats=("pdf",), draft=True)  # the case is not fileable
    text = _text(next(p for p in result.files if "exhibit-001-email" in p.name))
    assert "123-45-6789" not in text and "XXX-XX-6789" in text
    assert "jane.victim@example.org" not in text and "[redacted]@example.org" in text
    assert "000123456789" not in text and "XXXX6789" in text
    assert "03/14/1985" in text  # not confirmed: shown as it is
    original = case.read_object(case.exhibits()[0][1].sha256)
    assert b"123-45-6789" in original  # the evidence itself is never changed
    decide_redactions(case, [found["123-45-6789"].id], "withdraw")
    assert not next(r for r in list_redactions(case) if r.candidate.text == "123-45-6789").confirmed


def test_oversize_exhibit_split_into_parts_with_continuous_bates(case: CaseFile, tmp_path: Path) -> None:
    profile = dataclasses.replace(load_profile("edva"), attachment_limit_bytes=1_000)  # every page its own part
    result = export_filing_set(case, tmp_path / "out", formats=("pdf",), profile=profile, paper=True, draft=True)
    names = [p.name for p in result.files]
    parts = [n for n in names if "exhibit-001-email-part-" in n]
    assert parts and parts[0].endswith("part-1-of-2.pdf"), names
    index = _text(tmp_path / "out" / "02-exhibit-index.pdf")
    assert index.count("parts)") == 3 and "Exhibit 1 (2" in index  # each: slip sheet + one page
    declaration = _text(tmp_path / "out" / "01-declaration.pdf")
    assert "filed in 2 parts" in declaration
    assert result.paper_set is not None and "Exhibit 1 (part 2 of 2)" in _bookmarks(result.paper_set)
    (tmp_path / "out" / "counsel-notes.txt").write_text("kept")
    export_filing_set(case, tmp_path / "out", formats=("pdf",), paper=False, draft=True)
    left = {p.name for p in (tmp_path / "out").iterdir()}
    assert not [n for n in left if "-part-" in n or n.startswith("00-") and not n.startswith("00-filing-checklist")]  # the earlier split is gone
    assert "01-declaration-exhibit-001-email.pdf" in left and "counsel-notes.txt" in left


def _bookmarks(pdf: Path) -> list[str]:
    import pikepdf

    with pikepdf.open(pdf) as doc, doc.open_outline() as outline:
        return [str(item.title) for item in outline.root]


def test_export_refuses_an_unknown_format(case: CaseFile, tmp_path: Path) -> None:
    with pytest.raises(Exception, match="unknown document format"):
        export_filing_set(case, tmp_path / "out", formats=("odt",))


def test_tall_screenshot_is_sliced_across_pages_not_shrunk(tmp_path: Path) -> None:
    entries, originals = sample.exhibits()
    tall = entries[1]  # 600 x 2400 pixels
    rendered = render_exhibit(tall, originals[tall.item.id], sample.case(), load_profile("edva"), 1)
    assert rendered.pages >= 4  # slip sheet + three or more slices at a readable scale
    (tmp_path / "tall.pdf").write_bytes(rendered.pdf)
    text = _text(tmp_path / "tall.pdf")
    assert "Image part 1 of" in text and "CTSO-KEL-000004" in text


def test_order_directions_come_from_the_court_profile() -> None:
    inp = sample.declaration_input()
    profile = load_profile("edva")
    custom = dataclasses.replace(profile, registry_directions=(Direction("{registry} shall do a thing for {plaintiff}."),))
    docs = {d.stem: d.document for d in build_filing_documents(inp, custom)}
    text = docs["04-proposed-order-ex-parte-tro"].text()
    assert "A. Verisign, Inc. shall do a thing for Contoso Corporation." in text
    assert "serverHold" not in text
    registries = [s for s in docs if s.startswith("06-letter-") and "-zone-operator-" not in s]
    assert len(registries) == 3  # and one letter per zone operator of an Appendix B parent


def test_profile_refuses_a_direction_with_an_unknown_field() -> None:
    data = {"id": "x", "name": "X", "court_lines": ["X"], "margins_in": {"top": 1, "bottom": 1, "left": 1,
            "right": 1}, "font": {}, "line_spacing": {}, "caption": {},
            "registry_directions": ["{registry.__class__} shall"]}
    with pytest.raises(TemplateError, match="registry_directions"):
        profile_from_json(data)


def test_a_firms_order_template_error_names_template_and_line(tmp_path: Path) -> None:
    (tmp_path / "order.xml.j2").write_text("<document>\n\n{{ case.no_such_field }}\n</document>\n")
    with pytest.raises(TemplateError, match=r"order\.xml\.j2, line 3"):
        build_filing_documents(sample.declaration_input(), load_profile("edva"), search_path=[tmp_path])


def test_table_markup_checks_its_cells() -> None:
    doc = parse_markup('<document><table widths="1 3" mono="1"><head><cell>A</cell><cell>B</cell></head>'
                       '<row><cell>1</cell><cell>x</cell></row></table></document>')
    table = doc.blocks[0]
    assert table.widths == (0.25, 0.75) and table.rows == (("1", "x"),)
    with pytest.raises(TemplateError, match="one <cell> per column"):
        parse_markup('<document><table><head><cell>A</cell></head><row><cell>1</cell><cell>2</cell></row>'
                     '</table></document>')


def test_exhibit_labels_bold_and_counsel_text_never_markup() -> None:
    from app.documents.template import bold_labels

    out = str(bold_labels("See Exhibit 1 and Exhibit 10 <b>not bold</b> & more", ["Exhibit 1", "Exhibit 10"]))
    assert out == ("See <b>Exhibit 1</b> and <b>Exhibit 10</b> &lt;b&gt;not bold&lt;/b&gt; &amp; more")
