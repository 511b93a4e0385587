"""The order side of the sample case's filing set, read as a litigator and a registry would.

The sample case is exported with the remedy set to redirection (two sinkhole name servers), counsel
named and the zone operator of the free-subdomain provider named; then the proposed order must meet
Rule 65, each registry's directions and letter must name only that registry's domains, the sealed set
must hold the Local Civil Rule 5(C) papers, every listed domain must come back from ``pdftotext`` as
one word, and no signature may stand on a page without body text above it (PDF, and DOCX as
LibreOffice lays it out).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import docx
import pikepdf
import pytest

from app.core.model import Counsel
from app.ops.case import edit_case
from app.ops.demo import run_demo
from app.ops.domains import registry_table
from app.ops.filing import export_filing_set
from app.ops.order_checks import registry_directions_text
from app.ops.parties import set_counsel
from app.store import CaseFile

SINKHOLES = ("ns1.sinkhole-fictional.example", "ns2.sinkhole-fictional.example")
SIGNED = ("00-sealing-1-motion-to-seal", "00-sealing-2-memorandum-in-support", "00-sealing-3-notice-of-sealing-motion",
          "00-sealing-4-proposed-sealing-order", "01-declaration", "03-certification-fre-902-13-14",
          "04-proposed-order-ex-parte-tro", "06-letter-01-godaddy-registry-services-llc",
          "06-letter-02-public-interest-registry", "06-letter-03-verisign-inc",
          "07-declaration-of-counsel-rule-65-b-1-b", "08-disclosure-statement-rule-7-1")
# The lines a signature block stands with, which are not themselves the body text it must be kept with.
_WITH_SIGNATURE = re.compile(r"^(Dated:|Respectfully submitted|.*, by counsel$|Sincerely|IT IS SO ORDERED|Entered this|"
                             r"Executed on|I declare under penalty|FICTIONAL SAMPLE CASE|\d+$)")
_SIGNATURE = re.compile(r"^(/s/ |_{25,}$)")


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} not installed")
    return path


def _pdftotext(pdf: Path, *args: str) -> str:
    return subprocess.run([_tool("pdftotext"), *args, str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


@dataclass
class Filed:
    case_path: Path
    out: Path


@pytest.fixture(scope="module")
def filed(tmp_path_factory: pytest.TempPathFactory) -> Filed:
    root = tmp_path_factory.mktemp("order")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EVBUNDLE_HOME", str(root / "home"))
        demo = run_demo(root / "demo")
        with CaseFile.open(demo.case_path) as case:
            edit_case(case, remedy="redirect", sinkhole_nameservers=SINKHOLES,
                      zone_operators=("free-subdomains-sample.cc=Example Free-Domains s.r.o.",),
                      service_emails=("operator@free-domains-sample.example",),
                      publication_site="notice-fictional-sample.example", disclosure=("none",))
            set_counsel(case, Counsel(name="Alex Q. Counsel", bar_number="VSB No. 99999", firm="Sample & Partners LLP",
                                      address=("1 Example Plaza, Suite 100", "Washington, DC 20004"),
                                      phone="(202) 555-0100", email="acounsel@sample-partners.example"))
            export_filing_set(case, root / "out")
    return Filed(demo.case_path, root / "out")


def test_the_order_meets_rule_65(filed: Filed) -> None:
    flat = " ".join(_pdftotext(filed.out / "04-proposed-order-ex-parte-tro.pdf").split())
    for needle in (
        "Entered this ____ day of ______________, 20__, at ____ __.m.",  # date and hour of entry, 65(b)(2)
        "expires fourteen (14) days after its entry",  # at most 14 days
        "to show cause",  # the preliminary-injunction hearing
        "immediate and irreparable injury",  # the injury and why it is irreparable
        "issues this Order without notice",  # why without notice
        "restrained and enjoined from: (1) using",  # the acts restrained, in the order itself (65(d)(1)(C))
        "active concert or participation", "actual notice", "65(d)(2)",  # who is bound
        "answering affidavits", "65(b)(4)",  # opposition deadline, motion to dissolve
        "4(f)(3)", "operator@free-domains-sample.example", "notice-fictional-sample.example",  # service
        "post a bond in the amount of $", "65(c)",
        "shall remain under seal until", "Plaintiff may give copies of this Order",  # seal and leave to serve
        *SINKHOLES,  # the redirect names the sinkhole name servers
    ):
        assert needle in flat, needle
    assert "serverHold" not in flat  # redirect chosen: the hold is not left open as an alternative
    assert "designates" not in flat  # no "name servers that Plaintiff designates"
    assert "Exhibits 4" in flat  # findings drawn from the exhibits, cited
    assert flat.index("FINDINGS OF FACT") < flat.index("IT IS THEREFORE ORDERED") < flat.index("APPENDIX A")


def test_each_registry_is_directed_only_about_its_own_domains(filed: Filed) -> None:
    with CaseFile.open(filed.case_path) as case:
        table = registry_table(case)
        owner = {d.ascii: table.get(d.registry_id).name for d in case.domains() if not d.is_subdomain}
        texts = registry_directions_text(case)
    assert set(texts) == {"GoDaddy Registry Services, LLC", "Public Interest Registry", "Verisign, Inc."}
    for registry, text in texts.items():
        own = {name for name, by in owner.items() if by == registry}
        for where in ("order", "letter"):
            named = {w.strip(".,;:()").lower() for w in text[where].split()} & set(owner)
            assert named <= own, (registry, where, named - own)
        assert own <= {w.strip(".,;:()") for w in text["letter"].split()}, registry  # and all of them
        assert all(server in text["order"] and server in text["letter"] for server in SINKHOLES), registry
    assert "free-subdomains-sample.cc" in texts["Verisign, Inc."]["order"]  # the parent, with its registry


def test_letters_are_signed_by_counsel_with_blanks_and_enclosures(filed: Filed) -> None:
    for stem in ("06-letter-01-godaddy-registry-services-llc", "06-letter-03-verisign-inc"):
        flat = " ".join(_pdftotext(filed.out / f"{stem}.pdf").split())
        for needle in ("Alex Q. Counsel VSB No. 99999", "Sample & Partners LLP", "(202) 555-0100",
                       "acounsel@sample-partners.example", "Civil Action No.", "On ____________, 20__, at ____ __.m.",
                       "Enclosures: the Order", "Appendix A", "Please confirm to the undersigned", *SINKHOLES):
            assert needle in flat, (stem, needle)
    verisign = " ".join(_pdftotext(filed.out / "06-letter-03-verisign-inc.pdf").split())
    assert "Appendix A; Appendix B" in verisign and "and not take it out of the domain name system" in verisign


def test_a_sealed_case_files_the_sealing_papers_first(filed: Filed) -> None:
    names = {p.name for p in filed.out.iterdir()}
    with CaseFile.open(filed.case_path) as case:
        domains = {d.ascii for d in case.domains()}
    for stem in ("00-sealing-1-motion-to-seal", "00-sealing-2-memorandum-in-support",
                 "00-sealing-3-notice-of-sealing-motion", "00-sealing-4-proposed-sealing-order",
                 "07-declaration-of-counsel-rule-65-b-1-b", "08-disclosure-statement-rule-7-1"):
        assert f"{stem}.pdf" in names and f"{stem}.docx" in names, stem
    with pikepdf.open(filed.out / "00-paper-set-print-ready.pdf") as paper:
        with paper.open_outline() as outline:
            titles = [item.title for item in outline.root]
    assert titles[:4] == ["Motion to seal", "Memorandum in support of the motion to seal", "Notice of sealing motion",
                          "Proposed sealing order"]
    assert {"Declaration of counsel", "Disclosure statement", "Proposed order"} <= set(titles)
    memorandum = " ".join(_pdftotext(filed.out / "00-sealing-2-memorandum-in-support.pdf").split())
    for needle in ("Local Civil Rule 5(C)", "Ashcraft v. Conoco", "no later than seven (7) days", "redact"):
        assert needle in memorandum, needle
    for stem in ("00-sealing-1-motion-to-seal", "00-sealing-2-memorandum-in-support",
                 "00-sealing-3-notice-of-sealing-motion", "00-sealing-4-proposed-sealing-order"):
        text = _pdftotext(filed.out / f"{stem}.pdf")
        assert "FILED UNDER SEAL" not in text, stem  # nonconfidential papers, as Local Civil Rule 5(C) asks
        assert not set(domains) & {w.strip(".,;:()") for w in text.split()}, stem  # and they name no domain
    counsel = " ".join(_pdftotext(filed.out / "07-declaration-of-counsel-rule-65-b-1-b.pdf").split())
    assert "65(b)(1)(B)" in counsel and "efforts made to give" in counsel and "penalty of perjury" in counsel
    disclosure = " ".join(_pdftotext(filed.out / "08-disclosure-statement-rule-7-1.pdf").split())
    assert "no parent corporation" in disclosure and "Local Civil Rule 7.1" in disclosure


def _words(pdf: Path) -> set[str]:
    return {w.strip(".,;:()<>/") for w in _pdftotext(pdf).split()}


def test_every_listed_domain_reads_back_as_one_word(filed: Filed) -> None:
    with CaseFile.open(filed.case_path) as case:
        domains = [d.ascii for d in case.domains()]
        named = " ".join(f"{d} {item.metadata.get('url', '')}" for _, item, d in case.exhibits())
    named_words = {w.strip(".,;:()<>") for w in re.split(r"[\s/]+", named)}
    for stem in ("05-appendices-a-b-domains", "04-proposed-order-ex-parte-tro", "01-declaration"):
        missing = set(domains) - _words(filed.out / f"{stem}.pdf")
        assert not missing, (stem, sorted(missing)[:5])
    in_index = set(domains) & named_words
    assert in_index and not in_index - _words(filed.out / "02-exhibit-index.pdf")
    for stem, registry_tld in (("06-letter-02-public-interest-registry", ".org"), ("06-letter-03-verisign-inc", ".com")):
        listed = {d for d in domains if d.endswith(registry_tld) and d.count(".") == 1}
        assert listed <= _words(filed.out / f"{stem}.pdf"), stem


def _signature_pages_hold_body_text(pages: list[str], name: str) -> None:
    found = False
    for number, page in enumerate(pages, start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        marks = [i for i, line in enumerate(lines) if _SIGNATURE.match(line)]
        if not marks:
            continue
        found = True
        above = [line for line in lines[:marks[0]] if not _WITH_SIGNATURE.match(line)]
        words = sum(len(line.split()) for line in above)  # a paragraph's last lines, or a table's last rows
        assert words >= 8, f"{name}, page {number}: the signature stands alone"
    assert found, f"{name}: no signature found"


def test_no_signature_stands_alone_on_a_page_in_the_pdfs(filed: Filed) -> None:
    for stem in SIGNED:
        _signature_pages_hold_body_text(_pdftotext(filed.out / f"{stem}.pdf").split("\f"), f"{stem}.pdf")


def test_the_docx_as_libreoffice_lays_it_out_breaks_like_the_pdf(filed: Filed, tmp_path: Path) -> None:
    """No signature alone on a page, no empty spill page, and (Liberation Serif being Times New Roman's
    metric twin) the same number of pages as the PDF, give or take one."""
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        pytest.skip("LibreOffice not installed")
    documents = sorted(filed.out.glob("*.docx"))
    subprocess.run([office, f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), *map(str, documents)], check=True, capture_output=True,
                   timeout=600)
    for stem in SIGNED:
        _signature_pages_hold_body_text(_pdftotext(tmp_path / f"{stem}.pdf").split("\f"), f"{stem}.docx")
    for document in documents:
        laid_out = tmp_path / f"{document.stem}.pdf"
        pages = [p for p in _pdftotext(laid_out).split("\f")[:-1]]
        for number, page in enumerate(pages, start=1):
            words = [w for w in page.split() if w not in {"FICTIONAL", "SAMPLE", "CASE", "—", "NOT", "A", "REAL",
                                                          "FILING", str(number)}]
            assert len(words) >= 4, f"{document.name}, page {number} is empty"
        with pikepdf.open(filed.out / f"{document.stem}.pdf") as ours:
            # Give or take two: LibreOffice keeps a registry's direction block whole where the PDF splits it
            # after its first rows, and with the parties as data the PDF's caption is a few lines shorter, so
            # the order is 13 pages in PDF and 15 in LibreOffice (issue 13's merge; main was 14 and 15).
            assert abs(len(pages) - len(ours.pages)) <= 2, document.name


def test_docx_properties_are_the_documents_own(filed: Filed) -> None:
    for stem in ("04-proposed-order-ex-parte-tro", "06-letter-03-verisign-inc"):
        word = docx.Document(str(filed.out / f"{stem}.docx"))
        props = word.core_properties
        assert props.title and props.subject == "Fictional Corp. v. John Does 1-22 (sample case)"
        with __import__("zipfile").ZipFile(filed.out / f"{stem}.docx") as package:
            app = package.read("docProps/app.xml").decode()
        assert "<Application>evbundle</Application>" in app and "Microsoft" not in app and "<Pages>" not in app


def test_public_sealing_papers_disclose_nothing_in_pdf_docx_or_metadata(filed: Filed) -> None:
    """Litigator #4, as filed: the four public papers' PDF text, PDF and DOCX metadata and DOCX text bear the
    neutral caption and name neither party nor any domain."""
    with CaseFile.open(filed.case_path) as case:
        secrets = [p.name.upper() for p in case.parties()] + [d.ascii for d in case.domains()][:30]
    for stem in ("00-sealing-1-motion-to-seal", "00-sealing-2-memorandum-in-support",
                 "00-sealing-3-notice-of-sealing-motion", "00-sealing-4-proposed-sealing-order"):
        flat = " ".join(_pdftotext(filed.out / f"{stem}.pdf").split())
        assert "SEALED PLAINTIFF, Plaintiff," in flat and "SEALED DEFENDANTS, Defendants." in flat, stem
        with pikepdf.open(filed.out / f"{stem}.pdf") as pdf:
            meta = " ".join(str(v) for v in pdf.docinfo.values())
        word = docx.Document(str(filed.out / f"{stem}.docx"))
        props = word.core_properties
        body = " ".join(p.text for p in word.paragraphs) + " ".join(
            c.text for t in word.tables for r in t.rows for c in r.cells)
        assert props.subject == "Sealed Plaintiff v. Sealed Defendants", stem
        for where, text in (("pdf", flat), ("pdf metadata", meta), ("docx", body),
                            ("docx metadata", f"{props.title} {props.subject} {props.keywords}")):
            leaked = [s for s in secrets if s.lower() in text.lower()]
            assert not leaked, (stem, where, leaked)


def test_appendix_b_names_the_zone_operator(filed: Filed) -> None:
    """Litigator #3: Appendix B's group note names who disables the subdomains (a defendant, here)."""
    flat = " ".join(_pdftotext(filed.out / "05-appendices-a-b-domains.pdf").split())
    assert "zone operator: Defendant Example Free-Domains s.r.o." in flat
    assert "NOT IDENTIFIED" not in flat
