"""The declaration carries the case (issue 13), checked on the sample case's real output files:
every listed domain cited with an exhibit, every claim about an exhibit found in that exhibit's
text, the e-mail exhibit showing its whole route and its links' targets, the pre-filing review
passing on the sample and naming each problem on a broken copy, and a confirmed Rule 5.2
redaction gone from every byte of the export and of the bundle's documents."""

from __future__ import annotations

import email
import email.policy
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from app.cli import main
from app.documents import load_profile
from app.documents.drafting import declaration_paragraphs
from app.documents.support_drafting import appendix_positions
from app.ops.build import build_case
from app.ops.demo import DEMO_IDENTITY_FOLDER, DEMO_PASSPHRASE, run_demo
from app.ops.filing import declaration_input, export_filing_set
from app.ops.identity import signing_identity
from app.ops.intake import import_file
from app.ops.redactions import decide_redactions, list_redactions
from app.ops.review import review_case
from app.sources.mail_view import view_message
from app.store import CaseFile

SSN = "123-45-6789"
SSN_DIGITS = SSN.replace("-", "")


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} not installed")
    return path


def _text(pdf: Path) -> str:
    return subprocess.run([_tool("pdftotext"), str(pdf), "-"], check=True, capture_output=True, text=True).stdout


def _flat(text: str) -> str:
    """Text as compared: no white space, no continuation marks of wrapped monospace lines, one case."""
    return "".join(text.replace("\u00bb", "").casefold().split())


@dataclass
class Sample:
    case_path: Path
    out: Path
    home: Path


@pytest.fixture(scope="module")
def sample_case(tmp_path_factory: pytest.TempPathFactory) -> Sample:
    root = tmp_path_factory.mktemp("carries")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EVBUNDLE_HOME", str(root / "home"))
        demo = run_demo(root / "demo")  # builds: it would refuse if the review blocked
        with CaseFile.open(demo.case_path) as case:
            export_filing_set(case, root / "out")
    return Sample(demo.case_path, root / "out", root / "home")


def _exhibit_pdf(out: Path, number: int) -> Path:
    return next(out.glob(f"01-declaration-exhibit-{number:03d}-*.pdf"))


def test_the_review_of_the_sample_finds_no_blocking_problem(sample_case: Sample,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", str(sample_case.case_path)]) == 0
    out = capsys.readouterr().out
    assert "no blocking problem: 0 blocking" in out
    assert main(["review", str(sample_case.case_path), "--json"]) == 0
    assert '"blocking": 0' in capsys.readouterr().out


def _numbered(text: str) -> list[str]:
    """The declaration's numbered paragraphs, each as one line of text (before the appendices)."""
    body = text.split("APPENDIX A")[0]
    flat = " ".join(body.split())
    return [p for p in re.split(r"(?:^| )(?=\d{1,3}\. {1,8}[A-Z\[])", flat) if re.match(r"\d{1,3}\. ", p)]


def test_every_listed_domain_is_cited_with_an_exhibit(sample_case: Sample) -> None:
    paragraphs = _numbered(_text(sample_case.out / "01-declaration.pdf"))
    with CaseFile.open(sample_case.case_path) as case:
        inp = declaration_input(case)
    positions = appendix_positions(inp.domains, inp.registries)
    by_number = {(p.appendix, p.group, p.number): name for name, p in positions.items()}
    cited: set[str] = set()
    for paragraph in paragraphs:
        if not re.search(r"Exhibits? \d", paragraph):
            continue
        cited |= {name for name in positions if re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w-])", paragraph)}
        for appendix, group, numbers in re.findall(r"Appendix ([AB]) under (\S+) as nos?\. ([\d–, and]+)",
                                                   paragraph):
            for piece in re.split(r", | and ", numbers.replace(", and ", ", ")):
                first, _, last = piece.strip().partition("–")
                for n in range(int(first), int(last or first) + 1):
                    cited.add(by_number[(appendix, group, n)])
    missing = sorted(set(positions) - cited)
    assert not missing, missing
    assert len(positions) == 121  # 21 in Appendix A (the provider among them), 100 in Appendix B


def test_every_claim_about_an_exhibit_is_in_that_exhibits_text(sample_case: Sample) -> None:
    with CaseFile.open(sample_case.case_path) as case:
        inp = declaration_input(case)
    paragraphs = declaration_paragraphs(inp, load_profile(inp.case.court))
    texts = {n: _flat(_text(_exhibit_pdf(sample_case.out, n))) for n in range(1, len(inp.exhibits) + 1)}
    checked = 0
    for paragraph in paragraphs:
        for number, claim in paragraph.claims:
            assert _flat(claim) in texts[number], (paragraph.key, number, claim)
            stated = _flat(claim) in _flat(paragraph.text) or "nos." in paragraph.text
            assert stated, (paragraph.key, claim)  # the claim is what the paragraph says
            checked += 1
    assert checked >= 40
    assert {p.key for p in paragraphs if p.claims} >= {"summary:records", "support:sample-dns-example.net",
                                                       "defendant:2", "defendant:3"}


def test_the_email_exhibit_shows_its_route_and_where_its_links_lead(sample_case: Sample) -> None:
    raw = (Path(__file__).resolve().parents[2] / "resources/sample/mail/05-html-newsletter-spam.eml").read_bytes()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    text = _flat(_text(_exhibit_pdf(sample_case.out, 8)))
    received = message.get_all("Received") or []
    assert len(received) == 2
    positions = [text.find(_flat(str(value))) for value in received]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)  # in order, whole
    for name in ("Authentication-Results", "Return-Path", "Message-ID", "Date"):  # label and value, as given
        assert _flat(name) in text and _flat(str(message[name])) in text, name
    links = view_message(raw).links
    assert len(links) == 5
    for shown, target in links:
        host = re.split(r"[/:?#]", target.split("://", 1)[1])[0]
        assert _flat(f"[{shown} -> {host}]") in text, (shown, host)
    assert _flat("[image from sample-newsletter-track-example.com, not loaded]") in text
    attachment = _flat(_text(_exhibit_pdf(sample_case.out, 7)))
    assert _flat("invoice.txt") in attachment and _flat("type text/plain, 271 bytes, SHA-256 168419cd") in attachment


def test_sworn_text_never_carries_the_typed_notes_or_tools(sample_case: Sample) -> None:
    declaration = _flat(_text(sample_case.out / "01-declaration.pdf"))
    certification = _text(sample_case.out / "03-certification-fre-902-13-14.pdf")
    face = _flat(_text(_exhibit_pdf(sample_case.out, 1)))
    for typed in ("drawn, not captured", "make_screenshots.py", "a stand-in for", "FICTIONAL SAMPLE:"):
        assert _flat(typed) not in declaration, typed
        assert _flat(typed) not in _flat(certification), typed
    assert _flat("drawn, not captured") not in face  # the notes are the investigator's, not the exhibit's
    assert _flat("make_screenshots.py") in face  # the capture details, labelled as recorded
    flat = " ".join(certification.split())
    assert "(Fed. R. Evid. 902(14))" in flat and "are data copied from files" in flat
    assert "generated by an electronic process" not in flat  # nothing in the sample was made by the app


def test_the_review_names_each_blocking_problem(sample_case: Sample, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.evcase"
    shutil.copy(sample_case.case_path, broken)
    assert main(["domains", str(broken), "add", "unsupported-sample-example.com"]) == 0
    assert main(["paragraphs", str(broken), "reset", "prompt:harm"]) == 0
    with CaseFile.open(broken) as case:
        row = next(r for r in list_redactions(case) if r.candidate.text == "trap-12@example.org")
    assert main(["redactions", str(broken), "withdraw", row.candidate.id]) == 0
    capsys.readouterr()
    assert main(["review", str(broken), "--bundle-date", "2026-10-01"]) == 1
    out = capsys.readouterr().out
    assert "unsupported-sample-example.com: no exhibit shows that it belongs in the order [unsupported-domain]" in out
    assert "prompt:harm: the declaration still holds a prompt" in out
    assert "[date-contradiction]" in out and "Exhibit 4: the papers are executed on October 1, 2026" in out
    assert "Exhibit 6: address in headers 'trap-12@example.org' is neither redacted nor kept" in out
    assert "not fileable yet" in out
    code = main(["export", str(broken), "--out", str(tmp_path / "refused")])
    assert code == 1 and not (tmp_path / "refused").exists()
    assert "the review found" in capsys.readouterr().err


def _ssn_case(sample_case: Sample, tmp_path: Path) -> Path:
    """The sample case plus a spam whose subject and attachment name carry an SSN, confirmed for redaction."""
    path = tmp_path / "ssn.evcase"
    shutil.copy(sample_case.case_path, path)
    message = (
        "Return-Path: <b@example.net>\r\n"
        "Received: from mx.example.net (mx.example.net [203.0.113.5]) by mx-in.example.org (Postfix);"
        " Tue, 13 Oct 2026 08:00:00 +0000\r\n"
        "From: Loans <loans@example.net>\r\nTo: trap-07@example.org\r\n"
        f"Subject: Your SSN {SSN} is approved\r\nDate: Tue, 13 Oct 2026 08:00:00 +0000\r\n"
        "Message-ID: <ssn1@example.net>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n'
        "Apply at http://example-pharmacy-sample.com/loan today.\r\n--b\r\n"
        f'Content-Type: application/pdf; name="form-{SSN}.pdf"\r\n'
        f'Content-Disposition: attachment; filename="form-{SSN}.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
        "JVBERi0xLjQK\r\n--b--\r\n").encode()
    eml = tmp_path / "ssn.eml"
    eml.write_bytes(message)
    with CaseFile.open(path) as case:
        import_file(case, eml)
        rows = [r for r in list_redactions(case) if r.exhibit_number == 15]
        ssn = [r.candidate.id for r in rows if r.candidate.text == SSN]
        assert len(ssn) == 1  # found in the subject and in the attachment name: one text, one decision
        decide_redactions(case, ssn, "confirm")
        decide_redactions(case, [r.candidate.id for r in rows if r.candidate.text != SSN], "dismiss")
    return path


def _bytes_and_text(path: Path) -> bytes:
    """Everything a reader could get out of a file: its bytes, its streams decompressed, its text."""
    data = path.read_bytes()
    if path.suffix == ".pdf":
        qdf = path.with_suffix(".qdf")
        subprocess.run([_tool("qpdf"), "--qdf", "--object-streams=disable", str(path), str(qdf)], check=True)
        data += qdf.read_bytes() + _text(path).encode()
        qdf.unlink()
    elif path.suffix == ".docx":
        with zipfile.ZipFile(path) as archive:
            data += b"".join(archive.read(n) for n in archive.namelist())
    return data


def test_a_confirmed_ssn_is_in_no_byte_of_the_export_or_the_bundle_documents(sample_case: Sample,
                                                                               tmp_path: Path) -> None:
    path = _ssn_case(sample_case, tmp_path)
    with CaseFile.open(path) as case:
        assert not review_case(case).blocking
        profile = replace(load_profile("edva"), electronic_appendix_threshold=10)  # the CSV appendix too
        result = export_filing_set(case, tmp_path / "out", profile=profile)
        identity = signing_identity(DEMO_PASSPHRASE, name="", organisation="",
                                    directory=sample_case.case_path.parent / DEMO_IDENTITY_FOLDER)
        (tmp_path / "build").mkdir()
        built = build_case(case, tmp_path / "build", identity)
    names = {p.name for p in result.files}
    assert "05-appendices-a-b-domains.csv" in names and "00-paper-set-print-ready.pdf" in names
    assert len(result.files) >= 30
    checked = 0
    for file in result.files + built.documents:
        data = _bytes_and_text(file)
        for needle in (SSN, SSN_DIGITS):
            assert needle.encode() not in data, (file.name, needle)
        checked += 1
    index = " ".join(_text(tmp_path / "out" / "02-exhibit-index.pdf").split())
    assert "Your SSN XXX-XX-6789 is approved" in index
    exhibit = _text(_exhibit_pdf(tmp_path / "out", 15))
    assert _flat("form-XXX-XX-6789.pdf") in _flat(exhibit)
    with zipfile.ZipFile(built.bundle) as bundle:
        for name in bundle.namelist():
            if "/data/documents/" in name or name.endswith("/exhibit.pdf"):
                target = tmp_path / "from-bundle" / Path(name).name
                target.parent.mkdir(exist_ok=True)
                target.write_bytes(bundle.read(name))
                assert SSN.encode() not in _bytes_and_text(target), name
                checked += 1
    assert checked >= 60
    with CaseFile.open(path) as case:
        assert SSN.encode() in case.read_object(case.exhibits()[14][1].sha256)  # the evidence is untouched
