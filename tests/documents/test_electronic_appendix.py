"""The electronic appendix: above the court profile's size the appendices are also filed as a
CSV list (header row, formula-safe cells) and the documents print that file's SHA-256."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.bundle import identity as identity_module
from app.bundle.identity import create_identity
from app.core.model import CaseInfo
from app.documents import load_profile
from app.documents.profile import CourtProfile, profile_from_json
from app.ops import build as build_module
from app.ops.build import build_case
from app.ops.domains import registry_table, set_registry
from app.ops.filing import ELECTRONIC_APPENDIX_FILE, export_filing_set
from app.ops.intake import add_domains
from app.sources.appendix_data import safe_cell
from app.store import CaseFile

DOMAINS = "pharma-kel01.com\nother-kel.net\nbücher.com\nkel-shop.org\nbot1.cz.cc\nbot2.cz.cc\n"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(pdf: Path) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext not installed")
    return " ".join(subprocess.run([tool, str(pdf), "-"], check=True, capture_output=True,
                                   text=True).stdout.split())


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.fixture
def case(tmp_path: Path) -> Iterator[CaseFile]:
    info = CaseInfo(case_id="", title="Contoso v. Does", declarant="Jane Q. Investigator",
                    plaintiff="Contoso Corporation", bundle_date="2025-03-01", sealed=False)
    case = CaseFile.create(tmp_path / "c.evcase", info)
    add_domains(case, DOMAINS, source="test")
    # A registry name and address a spreadsheet would run as formulas, were they not neutralised.
    set_registry(case, registry_table(case).for_tld("org").id, name="=HYPERLINK(\"http://x.example\")",
                 address=["+1 555 0100", "@ Main St"])
    yield case
    case.close()


def _short_threshold() -> CourtProfile:
    return dataclasses.replace(load_profile("edva"), electronic_appendix_threshold=3)


def test_long_list_is_filed_as_csv_whose_hash_the_documents_print(case: CaseFile, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = export_filing_set(case, out, formats=("pdf",), paper=False, profile=_short_threshold(), draft=True)
    listed = out / ELECTRONIC_APPENDIX_FILE
    assert listed in result.files
    data = listed.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    rows = _rows(data)
    assert rows[0][:7] == ["appendix", "number", "ascii", "unicode", "registrable domain", "tld", "registry"]
    assert len(rows) == 1 + len(case.domains())
    assert ["A", "3", "xn--bcher-kva.com", "bücher.com", "xn--bcher-kva.com", "com"] in [r[:6] for r in rows]
    assert ["B", "2", "bot2.cz.cc"] in [r[:3] for r in rows]  # numbered as the printed Appendix B
    org = next(r for r in rows if r[2] == "kel-shop.org")
    assert org[6] == "'=HYPERLINK(\"http://x.example\")" and org[7] == "'+1 555 0100; @ Main St"
    assert not any(cell.startswith(FORMULA_STARTS) for row in rows for cell in row)
    assert [safe_cell(v) for v in ("\tx", "\rx", "-1", "@x", "ok")] == ["'\tx", "'\rx", "'-1", "'@x", "ok"]
    for name in ("01-declaration.pdf", "05-appendices-a-b-domains.pdf", "04-proposed-order-ex-parte-tro.pdf"):
        text = _text(out / name)
        assert "also filed as an electronic list" in text and ELECTRONIC_APPENDIX_FILE in text, name
        assert f"SHA-256 {digest}" in text or f"hash value is {digest}" in text, name


def test_short_list_has_no_csv_and_a_later_short_export_removes_it(case: CaseFile, tmp_path: Path) -> None:
    out = tmp_path / "out"
    export_filing_set(case, out, formats=("pdf",), paper=False, profile=_short_threshold(), draft=True)
    assert (out / ELECTRONIC_APPENDIX_FILE).is_file()
    result = export_filing_set(case, out, formats=("pdf",), paper=False, draft=True)  # E.D. Va.: 5,000
    assert not (out / ELECTRONIC_APPENDIX_FILE).exists()
    assert all(p.suffix == ".pdf" for p in result.files)
    assert "electronic list" not in _text(out / "01-declaration.pdf")


def test_build_puts_the_csv_beside_the_declaration_in_the_bundle(
    case: CaseFile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(identity_module, "KDF_ROUNDS", 1000)
    signer = create_identity("Jane Investigator", "Example Corp", "correct horse", directory=tmp_path / "ids")
    monkeypatch.setattr(build_module, "load_profile", lambda court: _short_threshold())
    out = tmp_path / "out"
    out.mkdir()
    built = build_case(case, out, signer, bundle_date="2025-03-01", draft=True)
    listed = next(p for p in built.documents if p.name == ELECTRONIC_APPENDIX_FILE)
    digest = hashlib.sha256(listed.read_bytes()).hexdigest()
    declaration = next(p for p in built.documents if p.name == "01-declaration.pdf")
    assert digest in _text(declaration)
    with zipfile.ZipFile(built.bundle) as bundle:
        member = next(n for n in bundle.namelist() if n.endswith(f"data/documents/{ELECTRONIC_APPENDIX_FILE}"))
        assert hashlib.sha256(bundle.read(member)).hexdigest() == digest


def test_threshold_comes_from_the_court_profile() -> None:
    assert load_profile("edva").electronic_appendix_threshold == 5000
    assert load_profile("generic").electronic_appendix_threshold == 5000
    raw = {"id": "x", "name": "X", "court_lines": ["X"], "margins_in": {"top": 1, "bottom": 1, "left": 1,
           "right": 1}, "font": {}, "line_spacing": {}, "caption": {}, "electronic_appendix_threshold": 250}
    assert profile_from_json(raw).electronic_appendix_threshold == 250
