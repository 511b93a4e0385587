"""One document of the filing set rendered alone, as the documents page previews it, and the
Rule 5.2 decisions counsel make: what the preview shows must be what the export files."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from app.cli import main
from app.core.errors import EvidenceError
from app.documents.filing_documents import appendix_only, build_filing_documents
from app.ops.filing import declaration_input, export_filing_set
from app.ops.previews import (
    APPENDIX_A,
    APPENDIX_B,
    PageCounts,
    preview_choices,
    render_preview,
)
from app.ops.redactions import (
    decide_redactions,
    list_redactions,
)
from app.store import CaseFile

from .test_filing_ops import case  # noqa: F401 - the fixture: a spam email, two screenshots, domains


def _text(data: bytes, tmp_path: Path) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext not installed")
    pdf = tmp_path / "preview.pdf"
    pdf.write_bytes(data)
    return " ".join(subprocess.run([tool, str(pdf), "-"], check=True, capture_output=True, text=True).stdout.split())


def test_every_document_and_exhibit_can_be_previewed(case: CaseFile, tmp_path: Path) -> None:  # noqa: F811
    choices = preview_choices(case)
    keys = [c.key for c in choices]
    assert keys[0] == "00-filing-checklist"  # what counsel must still supply, first
    assert keys[1:5] == ["01-declaration", "02-exhibit-index", "03-certification-fre-902-13-14",
                        "04-proposed-order-ex-parte-tro"]
    assert APPENDIX_A in keys and APPENDIX_B in keys  # the case lists bot1.cz.cc
    assert [k for k in keys if k.startswith("06-letter-")] and keys[-3:] == [
        f"exhibit:{item.id}" for _, item, _ in case.exhibits()]
    order = render_preview(case, "04-proposed-order-ex-parte-tro")
    assert order.name == "Proposed order" and "IT IS SO ORDERED" in _text(order.pdf, tmp_path)
    a = _text(render_preview(case, APPENDIX_A).pdf, tmp_path)
    assert "APPENDIX A" in a and "pharma-kel01.com" in a and "APPENDIX B" not in a
    b = _text(render_preview(case, APPENDIX_B).pdf, tmp_path)
    assert "APPENDIX B" in b and "bot1.cz.cc" in b and "APPENDIX A" not in b
    with pytest.raises(EvidenceError):
        render_preview(case, "07-no-such-document")


def test_an_exhibit_preview_has_the_bates_numbers_and_redactions_of_the_export(
    case: CaseFile, tmp_path: Path  # noqa: F811
) -> None:
    ssn = next(r.candidate for r in list_redactions(case) if r.candidate.text == "123-45-6789")
    assert ssn.kind == "SSN" and "SSN 123-45-6789, account" in ssn.context
    decide_redactions(case, [ssn.id], "confirm")
    last = case.exhibits()[-1][1]
    counts = PageCounts()
    preview = render_preview(case, f"exhibit:{last.id}", counts, draft=True)  # the case is not fileable yet
    assert counts.counts == {}  # the caller's counts are not changed in place
    assert len(preview.page_counts.counts) == 3
    result = export_filing_set(case, tmp_path / "out", formats=("pdf",), draft=True)
    exported = next(p for p in result.files if p.name.startswith("01-declaration-exhibit-003-"))
    shown, filed = _text(preview.pdf, tmp_path), " ".join(
        subprocess.run(["pdftotext", str(exported), "-"], check=True, capture_output=True, text=True).stdout.split())
    assert "CTSO" in shown and shown == filed
    email = render_preview(case, f"exhibit:{case.exhibits()[0][1].id}", preview.page_counts)
    assert "123-45-6789" not in _text(email.pdf, tmp_path) and "XXX-XX-6789" in _text(email.pdf, tmp_path)


def test_dismissing_and_withdrawing_a_candidate_are_logged(case: CaseFile) -> None:  # noqa: F811
    dob = next(r.candidate for r in list_redactions(case) if r.candidate.text == "03/14/1985")
    assert dob.kind == "date of birth"
    decide_redactions(case, [dob.id], "confirm")
    decide_redactions(case, [dob.id], "dismiss")  # counsel changed their mind: not a birth date
    row = next(r for r in list_redactions(case) if r.candidate.id == dob.id)
    assert (row.confirmed, row.dismissed, row.decision) == (False, True, "dismissed")
    decide_redactions(case, [dob.id], "withdraw")
    row = next(r for r in list_redactions(case) if r.candidate.id == dob.id)
    assert row.decision == ""
    actions = [e.action for e in case.custody()]
    assert actions[-3:] == ["redaction-confirmed", "redaction-dismissed", "redaction-withdrawn"]
    assert all("03/14/1985" not in str(e.details) for e in case.custody())


def test_appendix_only_cuts_one_appendix(case: CaseFile) -> None:  # noqa: F811
    docs = {d.stem: d.document for d in build_filing_documents(declaration_input(case))}
    appendices = docs["05-appendices-a-b-domains"]
    a, b = appendix_only(appendices, "APPENDIX A"), appendix_only(appendices, "APPENDIX B")
    assert a is not None and b is not None and appendix_only(appendices, "APPENDIX C") is None
    assert len(a.blocks) + len(b.blocks) == len(appendices.blocks) - 3  # caption, title, the page break between


def test_the_cli_dismisses_a_candidate(case: CaseFile, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    path = case.path
    dob = next(r.candidate for r in list_redactions(case) if r.candidate.text == "03/14/1985")
    case.close()
    assert main(["redactions", str(path), "dismiss", dob.id]) == 0
    assert f"dismissed {dob.id}" in capsys.readouterr().out
    assert main(["redactions", str(path)]) == 0
    assert any("dismissed" in line and "03/14/1985" in line for line in capsys.readouterr().out.splitlines())
