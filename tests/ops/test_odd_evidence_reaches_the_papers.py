"""Evidence as investigators really hold it (a URL typed defanged, Outlook .msg files, WHOIS replies that hold
no record, a damaged PNG) goes through the review and into the papers with honest words, never a traceback."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from app.core.model import CaseInfo, ItemKind
from app.ops.capture_meta import edit_metadata
from app.ops.filing import export_filing_set
from app.ops.intake import add_domains, import_file
from app.ops.review import review_case
from app.store import CaseFile


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def case(tmp_path: Path) -> CaseFile:
    info = CaseInfo(case_id="", title="Fictional v. Roe", declarant="Jordan Sample", bundle_date="2026-12-01")
    case = CaseFile.create(tmp_path / "c.evcase", info)
    yield case
    case.close()


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def test_a_screenshot_url_typed_defanged_is_read_by_the_review(case: CaseFile, tmp_path: Path) -> None:
    (tmp_path / "shot.png").write_bytes(_png())
    (item_id,) = import_file(case, tmp_path / "shot.png")
    edit_metadata(case, item_id, {"url": "hxxps://alexasetup[.]club/setup", "captured_at": "2026-10-14T10:00:00Z"})
    add_domains(case, "alexasetup.club\n", source="test")

    review = review_case(case)  # used to stop with "ValueError: '.' does not appear to be an IPv4 or IPv6 address"

    assert not any("alexasetup.club" == p.where and "no exhibit" in p.message for p in review.problems)


def test_outlook_messages_make_readable_exhibits(case: CaseFile, corpus: Path, tmp_path: Path) -> None:
    for name in ("mp_mail_outlook_1.msg", "poi_blank.msg", "poi_clusterfuzz_4735011465854976_corrupt.msg"):
        import_file(case, corpus / "msg" / name)

    export_filing_set(case, tmp_path / "out", formats=("pdf",), draft=True)

    healthy, blank, corrupt = (_pdf_text(p) for p in sorted((tmp_path / "out").glob("*exhibit-00*-email.pdf")))
    assert "Outlook properties" in healthy and "NueblingV@w-vwa.de" in healthy  # the sender, from the .msg
    assert "Received" in healthy  # the internet headers Outlook kept
    assert "\\x00" not in healthy + blank  # never the compound file's raw bytes
    assert "Outlook properties" in corrupt  # a damaged one shows what could be read
    assert [p.where for p in review_case(case).problems if p.code == "exhibit-unreadable"] == ["Exhibit 3"]
    assert "Outlook keeps the internet headers only" in blank  # a message with none says so
    assert "without a subject (poi_blank.msg)" in blank  # not the file name passed off as a subject
    declaration = " ".join(_pdf_text(tmp_path / "out" / "01-declaration.pdf").split())
    assert declaration.count("It is an Outlook message file with no internet headers") == 2  # blank, corrupt
    assert declaration.count("The exhibit shows its full header block") == 1  # the one that kept them


@pytest.mark.parametrize(("path", "says"), [
    ("whois/verisign_response_unavailable.txt", "a WHOIS reply in which the server declined to answer (verisign_response_unavailable.txt)"),
    ("whois/verisign_cc_available.txt", "a WHOIS reply stating that the domain u34jedzcq.cc is not registered"),
    ("whois/iana_com_tld.txt", "the WHOIS record for the top-level domain .com"),
    ("rdap/ripe_error_501.json", "an RDAP reply that holds no registration record (ripe_error_501.json)"),
])
def test_a_reply_that_is_not_a_registration_record_is_not_described_as_one(
        case: CaseFile, corpus: Path, path: str, says: str) -> None:
    (item_id,) = import_file(case, corpus / path)

    (description,) = (words for _, item, words in case.exhibits() if item.id == item_id)
    assert case.item(item_id).kind is ItemKind.DOMAIN_RECORD
    assert description == says


def test_a_damaged_png_is_refused_in_words_not_bytes(case: CaseFile, tmp_path: Path) -> None:
    data = bytearray(_png())
    data[-20:-16] = b"\xf4\xa8\x81\xe1"  # the last chunk's type: not letters
    (tmp_path / "bad.png").write_bytes(bytes(data))

    with pytest.raises(Exception) as refused:
        import_file(case, tmp_path / "bad.png")

    assert "\\x" not in str(refused.value) and "get a fresh copy" in str(refused.value)


def test_an_unexpected_error_is_one_line_on_the_command_line(tmp_path: Path) -> None:
    script = ("import sys\nfrom app.cli import main, build_parser\nimport app.cli.case as c\n"
              "def boom(args):\n    raise ValueError('a bug')\n"
              "orig = c.register\n"
              "def register(sub):\n    orig(sub)\n    sub.choices['new'].set_defaults(handler=boom)\n"
              "c.register = register\nsys.exit(main(['new', sys.argv[1], '--title', 'T']))\n")
    run = subprocess.run([sys.executable, "-c", script, str(tmp_path / "c.evcase")], capture_output=True, text=True)

    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "an unexpected error stopped this command (ValueError: a bug)" in run.stderr and "--debug" in run.stderr


@pytest.mark.parametrize(("name", "shown"), [
    ("sa_spam_015_rx_pharma.eml", "xqr.benefitsanditsother.com"),  # its MIME boundary is broken
    ("sa_cjk_iso-2022-jp.eml", "www.unicode.org"),  # in its second inline text part
])
def test_the_exhibit_shows_the_text_the_declaration_cites(case: CaseFile, corpus: Path, tmp_path: Path,
                                                          name: str, shown: str) -> None:
    import_file(case, corpus / "eml" / name)

    claims = [p for p in review_case(case).problems if p.code == "claim-not-in-exhibit"]
    export_filing_set(case, tmp_path / "out", formats=("pdf",), draft=True)

    assert not claims
    (exhibit,) = (tmp_path / "out").glob("*exhibit-001-email.pdf")
    assert shown in _pdf_text(exhibit).replace("\n", "")


def test_the_declaration_swears_a_reply_without_a_record_is_only_that_and_the_review_says_so(
        case: CaseFile, corpus: Path, tmp_path: Path) -> None:
    for path in ("whois/verisign_response_unavailable.txt", "whois/verisign_cc_available.txt",
                 "whois/iana_com_tld.txt"):
        import_file(case, corpus / path)

    export_filing_set(case, tmp_path / "out", formats=("pdf",), draft=True)
    problems = review_case(case).problems

    declaration = " ".join(_pdf_text(tmp_path / "out" / "01-declaration.pdf").split())
    assert "It is the reply the WHOIS server gave; it holds no registration record." in declaration
    assert "stating that the domain u34jedzcq.cc is not registered" in declaration
    assert "registration record of the top-level domain .com" in declaration
    assert "registration record of the domain verisign_response_unavailable" not in declaration
    assert [p.where for p in problems if p.code == "reply-without-record"] == ["Exhibit 1"]


def test_a_capture_imported_weeks_later_asks_the_declaration_to_account_for_the_gap(case: CaseFile,
                                                                                     tmp_path: Path) -> None:
    (tmp_path / "shot.png").write_bytes(_png())
    (item_id,) = import_file(case, tmp_path / "shot.png")
    edit_metadata(case, item_id, {"url": "https://bad.example/x", "captured_at": "2026-09-01T10:00:00Z"})

    (gap,) = [p for p in review_case(case).problems if p.code == "entry-gap"]

    assert gap.message.startswith("Exhibit 1 entered the case more than 7 days after it was captured or looked up")
    assert not gap.blocking and gap.target == f"item:{item_id}"
