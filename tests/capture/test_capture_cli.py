"""`evbundle capture --allow-private` against a real HTTPS site on 127.0.0.1, checked with outside tools.

One batch captures the test page (through its redirect), an unreachable
port and a port where the TLS handshake fails: the page's files are all
there and hashed, the failures are evidence of their own, and the batch went
on past them. The bundle built from it passes bagit.py and `evbundle verify`,
and its exhibit's face page states the facts.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from PIL import Image
from warcio.archiveiterator import ArchiveIterator

from app.capture.certificates import fingerprint
from app.cli import main
from app.core.model import ItemKind
from app.store import CaseFile

from .site import COLOURS, PAGE_HEIGHT, Site, serve
from .site import _png as png

PASSPHRASE = "correct horse battery staple"


@dataclass
class Captured:
    case: Path
    site: Site
    code: int
    out: str
    err: str


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def captured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Captured]:
    folder = tmp_path_factory.mktemp("capture")
    case = folder / "case.evcase"
    with serve(folder) as site:
        assert run_cli("new", str(case), "--title", "Pharmacy", "--declarant", "Jane Doe")[0] == 0
        code, out, err = run_cli("capture", str(case), site.start, site.unreachable, site.tls_failure,
                                 "--allow-private", "--wait", "0.3")
        yield Captured(case, site, code, out, err)


def _items(case_path: Path) -> list:
    with CaseFile.open(case_path) as case:
        return case.items()


def test_the_batch_goes_on_past_each_failure_and_says_so(captured: Captured) -> None:
    assert captured.code == 1, captured.out + captured.err  # a page failed: exit 1, the others kept
    assert "1 captured, 2 failed, 0 refused" in captured.out
    assert f"failed {captured.site.unreachable}: net::ERR_CONNECTION_REFUSED" in captured.err
    assert f"failed {captured.site.tls_failure}: net::ERR_SSL_PROTOCOL_ERROR" in captured.err


def test_every_file_of_the_capture_is_stored_and_hashed_as_one_group(captured: Captured) -> None:
    with CaseFile.open(captured.case) as case:
        (main_item,) = case.items(ItemKind.WEB_CAPTURE)
        parts = case.children(main_item.id)
        roles = {p.record["role"]: p for p in parts}
        assert set(roles) == {"screenshot-viewport", "mhtml", "pdf", "warc", "certificate-chain", "dns", "record"}
        assert main_item.exhibit_label == "Exhibit 1" and all(p.exhibit_number is None for p in parts)
        group = main_item.record["group"]
        assert len(group) == 8
        for member in group:  # the hashes in the record are the stored objects' own
            data = b"".join(case.iter_object(member["sha256"]))
            assert len(data) == member["size"]
        entry = [e for e in case.custody() if e.action == "web-captured" and e.item_id == main_item.id]
        assert len(entry) == 1 and entry[0].details["items"] == [main_item.id] + [p.id for p in parts]
        assert not case.check()
        assert case.read_object(roles["pdf"].sha256).startswith(b"%PDF-")
        assert b"Content-Type: multipart/related" in case.read_object(roles["mhtml"].sha256)


def test_the_full_page_screenshot_is_at_least_as_tall_as_the_page(captured: Captured) -> None:
    with CaseFile.open(captured.case) as case:
        (item,) = case.items(ItemKind.WEB_CAPTURE)
        image = Image.open(io.BytesIO(case.read_object(item.sha256)))
        viewport = Image.open(io.BytesIO(case.read_object(
            next(p for p in case.children(item.id) if p.record["role"] == "screenshot-viewport").sha256)))
    assert image.height >= PAGE_HEIGHT
    assert viewport.size == (1280, 800)
    assert image.convert("RGB").getpixel((600, image.height - 20)) == (255, 255, 255)  # drawn, not black
    colours = {colour for _, colour in image.convert("RGB").getcolors(1 << 16) or []}
    assert set(COLOURS.values()) <= colours  # both lazy images and the inserted one are in the picture


def test_the_warc_has_a_response_for_every_resource_with_the_server_address(captured: Captured) -> None:
    with CaseFile.open(captured.case) as case:
        (item,) = case.items(ItemKind.WEB_CAPTURE)
        warc = next(p for p in case.children(item.id) if p.record["role"] == "warc")
        data = case.read_object(warc.sha256)
    responses, requests = {}, set()
    for record in ArchiveIterator(io.BytesIO(data)):
        assert record.rec_headers.protocol == "WARC/1.1"
        if record.rec_type == "response":
            path = "/" + record.rec_headers.get_header("WARC-Target-URI").split("/", 3)[3]
            responses[path] = (record.http_headers.get_statuscode(), record.rec_headers, record.http_headers,
                               record.content_stream().read())
        elif record.rec_type == "request":
            requests.add(record.rec_headers.get_header("WARC-Target-URI"))
    expected = {"/start", "/page.html", "/img.png", "/inserted.png", "/lazy-native.png", "/lazy-io.png",
                "/style.css"}
    assert expected <= set(responses), sorted(responses)
    assert responses["/start"][0] == "302"
    assert all(warc.get_header("WARC-IP-Address") == "127.0.0.1" for _, warc, _, _ in responses.values())
    assert len(requests) == len(responses)
    _, css_warc, css_http, css_body = responses["/style.css"]
    assert css_body.startswith(b"h1 { color: #0a4; }")  # stored decoded, and said so
    assert css_http.get_header("X-Archive-Orig-Content-Encoding") == "gzip"
    assert css_http.get_header("Content-Length") == str(len(css_body))
    assert "decoded by the browser" in css_warc.get_header("WARC-Evbundle-Note")
    assert responses["/img.png"][3] == png(COLOURS["/img.png"])


def test_the_record_states_the_server_certificate_and_redirect(captured: Captured) -> None:
    with CaseFile.open(captured.case) as case:
        (item,) = case.items(ItemKind.WEB_CAPTURE)
        record = item.record
        pem = case.read_object(next(p for p in case.children(item.id)
                                    if p.record["role"] == "certificate-chain").sha256)
    assert record["server_ip"] == "127.0.0.1" and record["http_status"] == 200
    assert record["final_url"] == captured.site.page and record["redirects"][0]["status"] == 302
    assert record["tls"]["certificate"]["sha256_fingerprint"] == captured.site.fingerprint
    assert fingerprint(_leaf(pem)) == captured.site.fingerprint == fingerprint(_leaf(captured.site.certificate_pem))
    assert record["certificate_errors"][0]["type"] == "CertificateAuthorityInvalid"  # self-signed: recorded
    assert record["title"] == "Cheap Pharmacy Online"
    assert any(p["url"].endswith("/popup.html") for p in record["popups"])  # asked for, never opened
    assert "/popup.html" not in captured.site.requests
    assert record["environment"]["operator"] and record["browser"]["chromium"]


def test_failures_are_evidence_with_their_error(captured: Captured) -> None:
    with CaseFile.open(captured.case) as case:
        failed = case.items(ItemKind.WEB_CAPTURE_FAILED)
        assert [i.record["error"] for i in failed] == [
            "net::ERR_CONNECTION_REFUSED", "net::ERR_SSL_PROTOCOL_ERROR"]
        for item in failed:
            stored = json.loads(case.read_object(item.sha256))
            assert stored["outcome"] == "failed" and stored["failed_step"] == "load"
            assert item.exhibit_number is None
            assert [e for e in case.custody() if e.action == "web-captured" and e.item_id == item.id]


def test_the_bundle_verifies_with_bagit_and_evbundle_and_the_face_page_shows_the_facts(
        captured: Captured, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = tmp_path / "case.evcase"
    shutil.copy(captured.case, case)
    monkeypatch.setenv("EVBUNDLE_PASSPHRASE", PASSPHRASE)
    code, out, err = run_cli("build", str(case), "--out", str(tmp_path / "out"), "--bundle-date", "2026-01-05",
                             "--draft")  # a capture-only case is not fileable (no parties, prompts): a draft
    assert code == 0, out + err
    (bundle,) = (tmp_path / "out").glob("*.zip")
    assert run_cli("verify", str(bundle))[0] == 0
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(tmp_path / "unzipped")
        names = archive.namelist()
    (bag,) = (tmp_path / "unzipped").iterdir()
    bagit = shutil.which("bagit.py") or str(Path(sys.executable).parent / "bagit.py")
    result = subprocess.run([sys.executable, bagit, "--validate", str(bag)], capture_output=True, text=True)
    assert result.returncode == 0 and "is valid" in result.stderr, result.stderr
    originals = [n for n in names if "/Exhibit-001/original/" in n and not n.endswith("/")]
    assert len(originals) == 8 and any(n.endswith("traffic.warc.gz") for n in originals)
    exhibit = bag / "data" / "exhibits" / "Exhibit-001" / "exhibit.pdf"
    layout = subprocess.run(["pdftotext", "-layout", str(exhibit), "-"], capture_output=True, text=True).stdout
    face = " ".join(layout.split())  # labels beside their values
    text = subprocess.run(["pdftotext", str(exhibit), "-"], capture_output=True, text=True).stdout
    unwrapped = "".join(text.split())  # each cell on its own: a long value (a fingerprint, a hash) wraps in it
    site = captured.site
    for fact in (f"URL requested {site.start}", f"Final URL {site.page}", "HTTP status 200",
                 "Server IP address 127.0.0.1", "CN=127.0.0.1, O=Test Pharmacy Ltd",
                 "Redirected HTTP 302", "CertificateAuthorityInvalid", "Image part 1 of"):
        assert fact in face, fact
    assert site.fingerprint in unwrapped
    manifest = (bag / "manifest-sha256.txt").read_text()
    with CaseFile.open(case) as opened:
        (item,) = opened.items(ItemKind.WEB_CAPTURE)
    for member in item.record["group"]:  # every file of the capture: in the bag, and on the face page
        assert member["sha256"] in manifest and member["sha256"] in unwrapped
    documents = next((tmp_path / "out").glob("*-documents"))
    declaration = subprocess.run(["pdftotext", str(documents / "01-declaration.pdf"), "-"],
                                 capture_output=True, text=True).stdout
    assert "at IP address 127.0.0.1 answered with HTTP status 200" in " ".join(declaration.split())


def test_gzip_member_per_record(captured: Captured) -> None:
    """Each WARC record is its own gzip member, so a replay tool can read one by its offset."""
    with CaseFile.open(captured.case) as case:
        (item,) = case.items(ItemKind.WEB_CAPTURE)
        warc = next(p for p in case.children(item.id) if p.record["role"] == "warc")
        data = case.read_object(warc.sha256)
    first = gzip.GzipFile(fileobj=io.BytesIO(data)).read(9)
    assert first == b"WARC/1.1\r"


def test_the_wacz_passes_webrecorders_validator_and_its_signature_checks(
        captured: Captured, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVBUNDLE_PASSPHRASE", PASSPHRASE)
    case = tmp_path / "case.evcase"
    shutil.copy(captured.case, case)
    wacz = tmp_path / "pharmacy.wacz"
    code, out, err = run_cli("export-wacz", str(case), "--out", str(wacz), "--sign")
    assert code == 0, out + err
    result = subprocess.run([sys.executable, "-m", "wacz", "validate", "-f", str(wacz)],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0 and "Validation succeeded" in result.stdout, result.stdout + result.stderr
    with zipfile.ZipFile(wacz) as archive:
        assert all(i.compress_type == zipfile.ZIP_STORED for i in archive.infolist())
        digest = json.loads(archive.read("datapackage-digest.json"))
        package = archive.read("datapackage.json")
        pages = archive.read("pages/pages.jsonl").decode().splitlines()
        index = archive.read("indexes/index.cdx").decode().splitlines()
        (warc_name,) = [n for n in archive.namelist() if n.startswith("archive/")]
        warc = archive.read(warc_name)
    import hashlib

    assert digest["hash"] == "sha256:" + hashlib.sha256(package).hexdigest() == digest["signedData"]["hash"]
    assert _openssl_verifies(digest["signedData"], tmp_path)
    tampered = dict(digest["signedData"], hash="sha256:" + "0" * 64)
    assert not _openssl_verifies(tampered, tmp_path)
    assert json.loads(pages[0])["format"] == "json-pages-1.0"
    assert json.loads(pages[1])["url"] == captured.site.page
    with CaseFile.open(case) as opened:
        (item,) = opened.items(ItemKind.WEB_CAPTURE)
        stored = next(p for p in opened.children(item.id) if p.record["role"] == "warc")
        assert hashlib.sha256(warc).hexdigest() == stored.sha256  # the evidence WARC, byte for byte
        assert opened.custody()[-1].action == "wacz-exported"
    (tmp_path / "w.warc.gz").write_bytes(warc)
    reference = subprocess.run([str(Path(sys.executable).parent / "cdxj-indexer"), str(tmp_path / "w.warc.gz")],
                               capture_output=True, text=True).stdout.splitlines()
    ours = [line.rsplit('"filename"', 1)[0] for line in index]
    theirs = sorted(line.rsplit('"filename"', 1)[0] for line in reference)
    assert ours == theirs  # the same keys, offsets and lengths as Webrecorder's indexer


def _openssl_verifies(signed: dict[str, str], folder: Path) -> bool:
    """The signature checked by a tool nobody here wrote: raw r||s turned into DER for openssl."""
    import base64

    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    raw = base64.b64decode(signed["signature"])
    (folder / "sig.der").write_bytes(encode_dss_signature(int.from_bytes(raw[:32], "big"),
                                                          int.from_bytes(raw[32:], "big")))
    (folder / "pub.der").write_bytes(base64.b64decode(signed["publicKey"]))
    (folder / "data.txt").write_bytes(signed["hash"].encode())
    subprocess.run(["openssl", "pkey", "-pubin", "-inform", "DER", "-in", str(folder / "pub.der"),
                    "-out", str(folder / "pub.pem")], check=True, capture_output=True)
    result = subprocess.run(["openssl", "dgst", "-sha256", "-verify", str(folder / "pub.pem"), "-signature",
                             str(folder / "sig.der"), str(folder / "data.txt")], capture_output=True, text=True)
    return result.returncode == 0 and "Verified OK" in result.stdout


def _leaf(pem: bytes) -> bytes:
    """The first certificate of a PEM chain, as DER."""
    return x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)
