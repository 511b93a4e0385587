"""The operations the window's undo, search and everyday commands stand on, without the window.

Leaving an item out of the exhibits and putting it back, putting paragraph edits and parties back
exactly, withdrawing a registry correction, searching the evidence, recognising a list of domains,
and the custody log naming the declarant."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from app.core.model import CaseInfo, Party, PartyRole
from app.ops.case import create_case, edit_case, open_case
from app.ops.domains import registry_table, set_registry, withdraw_registry_correction
from app.ops.exhibit_order import leave_out, put_back
from app.ops.intake import add_domains, import_files, read_domain_list
from app.ops.paragraphs import add_paragraph, current_paragraphs, edit_paragraph, restore_paragraphs
from app.ops.parties import add_party, restore_parties
from app.ops.search import search_evidence
from app.store import CaseFile

EMAIL = (b"From: Deals <deals@pump.example>\r\nTo: v@victim.example\r\nSubject: Hot stock alert\r\n"
         b"Date: Tue, 1 Mar 2011 10:00:00 +0000\r\n\r\nBuy at hxxp://pump-sample[.]net/now\r\n")


def _png(colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def case(tmp_path: Path) -> Iterator[CaseFile]:
    for name, data in (("a.png", _png("red")), ("b.png", _png("blue")), ("c.eml", EMAIL)):
        (tmp_path / name).write_bytes(data)
    made = create_case(tmp_path / "c.evcase", CaseInfo(case_id="", title="t", declarant="Pat Investigator"))
    import_files(made, [tmp_path / "a.png", tmp_path / "b.png", tmp_path / "c.eml"])
    add_domains(made, "pump-sample.net\nother-sample.com\n", source="t")
    yield made
    made.close()


def _numbers(case: CaseFile) -> list[tuple[int, str]]:
    return [(number, item.original_name) for number, item, _ in case.exhibits()]


def test_an_item_left_out_stays_evidence_and_comes_back_where_it_was(case: CaseFile) -> None:
    assert _numbers(case) == [(1, "a.png"), (2, "b.png"), (3, "c.eml")]
    second = case.exhibits()[1][1]
    out = leave_out(case, second.id)
    assert out.number == 2 and out.changes.exhibits
    assert _numbers(case) == [(1, "a.png"), (2, "c.eml")]  # the ones after it moved up
    assert case.item(second.id).exhibit_number is None and len(case.items()) == 3  # still evidence
    assert leave_out(case, second.id).number is None  # twice: nothing more
    assert put_back(case, second.id, 2).exhibits
    assert _numbers(case) == [(1, "a.png"), (2, "b.png"), (3, "c.eml")]
    actions = [e.action for e in case.custody()]
    assert actions[-2:] == ["exhibit-left-out", "exhibit-put-back"]


def test_paragraph_edits_are_put_back_exactly(case: CaseFile) -> None:
    before = case.paragraph_edits()
    key = current_paragraphs(case)[0].key
    edit_paragraph(case, key, "Counsel's words.")
    added = add_paragraph(case, "exhibits", "Counsel's own.").key
    after = case.paragraph_edits()
    keys = sorted({e.key for e in before} | {e.key for e in after})
    assert restore_paragraphs(case, before, keys).paragraphs
    assert case.paragraph_edits() == before and added not in [p.key for p in current_paragraphs(case)]
    restore_paragraphs(case, after, keys)
    assert case.paragraph_edits() == after  # the added paragraph back under its own key
    assert case.custody()[-1].action == "paragraphs-restored"
    assert not restore_paragraphs(case, after, keys).any  # nothing to change, nothing logged


def test_parties_are_put_back_with_their_ids(case: CaseFile) -> None:
    plaintiff = add_party(case, Party(0, PartyRole.PLAINTIFF, "Test Corporation", "a Delaware corporation")).party
    assert plaintiff is not None
    before = case.parties()
    add_party(case, Party(0, PartyRole.DEFENDANT, "John Does 1-5", doe=True, description="running a botnet"))
    after = case.parties()
    restore_parties(case, before)
    assert case.parties() == before
    restore_parties(case, after)
    assert case.parties() == after and case.custody()[-1].action == "parties-restored"


def test_a_registry_correction_is_withdrawn(case: CaseFile) -> None:
    bundled = registry_table(case).for_tld("com").name
    set_registry(case, "verisign", name="Verisign, Inc. (checked)")
    assert registry_table(case).for_tld("com").name == "Verisign, Inc. (checked)"
    assert withdraw_registry_correction(case, "verisign").registries
    assert registry_table(case).for_tld("com").name == bundled
    assert not withdraw_registry_correction(case, "verisign").any


def test_search_finds_subjects_hashes_defanged_links_and_domains(case: CaseFile) -> None:
    shot = case.items()[0]
    assert [(h.kind, h.field) for h in search_evidence(case, "hot stock")] == [("Email", "subject")]
    assert [h.where for h in search_evidence(case, shot.sha256[:10].upper())] == [f"item:{shot.id}"]
    found = {(h.kind, h.field) for h in search_evidence(case, "hxxp://pump-sample[.]net")}
    assert ("Domain", "domain") in found
    assert search_evidence(case, "   ") == [] and search_evidence(case, "nothing-like-it") == []
    assert len(search_evidence(case, "sample", limit=1)) == 1


def test_a_list_of_domains_is_recognised(tmp_path: Path) -> None:
    listing = tmp_path / "domains.txt"
    listing.write_text("# seized\nbad-one.com\nhxxp://bad-two[.]net/x\n")
    assert read_domain_list(listing) == listing.read_text()
    prose = tmp_path / "notes.txt"
    prose.write_text("These are notes.\nNot a list of names at all, just words.\nMore words here.\n")
    assert read_domain_list(prose) is None
    (tmp_path / "binary.txt").write_bytes(b"\xff\xfe\x00")
    assert read_domain_list(tmp_path / "binary.txt") is None


def test_the_custody_log_names_the_declarant_and_follows_a_new_one(case: CaseFile, tmp_path: Path) -> None:
    assert {e.actor for e in case.custody()} == {"Pat Investigator"}
    case.close()
    reopened = open_case(tmp_path / "c.evcase")
    assert reopened.actor == "Pat Investigator"
    edit_case(reopened, declarant="Robin Analyst")
    edit_case(reopened, declarant_title="Analyst")
    assert reopened.custody()[-1].actor == "Robin Analyst"  # the new declarant acts from then on
    reopened.close()
    with open_case(tmp_path / "c.evcase", actor="someone else") as other:
        assert other.actor == "someone else"  # as asked
