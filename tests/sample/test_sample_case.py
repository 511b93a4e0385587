"""The fictional sample case in resources/sample/ is complete, consistent and harmless.

The demo (`evbundle demo`) and the documents are built from these files, so a
broken link between them (an e-mail advertising a domain that is not in the
case, a screenshot of the wrong size, a listed file that is missing) would
surface later as a confusing failure far from its cause.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import importlib.util
import ipaddress
import json
import re
import subprocess
import sys
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import pytest
from PIL import Image

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "resources" / "sample"
PROVIDER = "free-subdomains-sample.cc"
DOC_NETS = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")]
LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
URL = re.compile(r"""https?://[^\s"'<>]+""", re.IGNORECASE)
BARE_HOST = re.compile(r"(?<![\w.@/-])((?:[a-z0-9-]+\.)+(?:com|net|cc|org|tv))\b", re.IGNORECASE)
IPV4 = re.compile(r"(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(?![\d.])")


def load_case() -> dict[str, Any]:
    return json.loads((SAMPLE / "case.json").read_text(encoding="utf-8"))


def read_domains() -> list[str]:
    lines = (SAMPLE / "domains.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def is_covered(host: str, domains: set[str]) -> bool:
    """True when host is a listed name or a subdomain (www., …) of one."""
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in domains)


def email_paths() -> list[Path]:
    return sorted((SAMPLE / "mail").glob("*.eml"))


def parse_email(path: Path) -> EmailMessage:
    with path.open("rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


class LinkCollector(HTMLParser):
    """Collects href/src values and each <a>'s visible text."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.anchors: list[tuple[str, str]] = []
        self.text: list[str] = []
        self._href: str | None = None
        self._anchor_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.urls.append(value)
        if tag == "a":
            self._href = dict(attrs).get("href") or ""
            self._anchor_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.anchors.append((self._href, "".join(self._anchor_text).strip()))
            self._href = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._href is not None:
            self._anchor_text.append(data)


def email_texts(msg: EmailMessage) -> tuple[list[str], list[LinkCollector]]:
    """Decoded text of every text/plain part and a parsed collector per text/html part."""
    plains, htmls = [], []
    for part in msg.walk():
        if part.get_content_maintype() != "text":
            continue
        content = part.get_content()
        if part.get_content_subtype() == "html":
            collector = LinkCollector()
            collector.feed(content)
            collector.close()
            htmls.append(collector)
        else:
            plains.append(content)
    return plains, htmls


def hosts_in(msg: EmailMessage) -> set[str]:
    plains, htmls = email_texts(msg)
    texts = plains + ["".join(c.text) for c in htmls]
    urls = [u for t in texts for u in URL.findall(t)] + [u for c in htmls for u in c.urls]
    hosts = {urlsplit(u).hostname or "" for u in urls}
    hosts |= {h.lower() for t in texts for h in BARE_HOST.findall(URL.sub(" ", t))}
    return hosts


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_screenshots", SAMPLE / "make_screenshots.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- case.json --------------------------------------------------------------


def test_case_json_holds_the_case_facts() -> None:
    case = load_case()
    assert case["fictional"] is True
    assert case["title"] == "Fictional Corp. v. John Does 1-22 (sample case)"
    assert case["case_number"] == ""
    assert case["court"] == "edva"
    assert "plaintiff" not in case and "defendants" not in case, "the parties are data (case['parties'])"
    assert case["declarant"] == "Jordan Sample"
    assert case["declarant_title"] == "a Senior Investigator in its Digital Crimes Unit"
    assert case["organisation"] == "Fictional Corporation"
    assert case["sealed"] is True and case["signed_in_us"] is True
    assert case["signing_place"] == "Redmond, Washington"
    assert case["bates_prefix"] == "FIC-KEL" and case["bates_start"] == 1
    assert case["bundle_date"] == "", "the demo dates the papers the day it runs, after it acquires the evidence"
    assert (SAMPLE / case["domains_file"]).is_file()


def test_parties_counsel_and_the_named_defendants_in_the_records() -> None:
    case = load_case()
    parties = case["parties"]
    assert [p["role"] for p in parties] == ["plaintiff", "defendant", "defendant", "defendant"]
    assert all(p.get("entity_form") or p.get("doe") for p in parties)
    does = [p for p in parties if p.get("doe")]
    assert len(does) == 1 and does[0]["description"].startswith("controlling a computer botnet")
    records = {p.name: p.read_text(encoding="ascii") for p in (SAMPLE / "records").glob("*.txt")}
    roe = next(p for p in parties if p["name"] == "Richard Roe")
    assert f"Registrant Name: {roe['name']}" in records["whois-sample-dns-example.net.txt"]
    assert f"Registrant Email: {roe['emails'][0]}" in records["whois-sample-dns-example.net.txt"]
    free = next(p for p in parties if p["name"].startswith("Example Free-Domains"))
    assert f"Registrant Organization: {free['organisations'][0]}" in records[
        "whois-sample-av-download-example.net.txt"]
    assert case["counsel"]["name"] and case["counsel"]["bar_number"].startswith("VSB")


def test_support_links_redactions_and_written_paragraphs_fit_the_evidence() -> None:
    case = load_case()
    files = {item["file"] for item in case["items"]}
    domains = set(read_domains())
    for link in case["support"]:
        assert link["exhibit_file"] in files and link["note"].strip()
        assert link["domains"] == "appendix-b" or set(link["domains"]) <= domains
    mail = "".join(p.read_text(encoding="ascii") for p in email_paths())
    decided = case["rule_5_2"]["confirm"] + case["rule_5_2"]["dismiss"]
    assert decided and all(address in mail for address in decided)
    assert set(case["paragraphs"]) == {"prompt:scheme", "prompt:harm", "prompt:notice"}
    assert set(case["sworn"]) <= files
    # who captured the screenshots; the mailbox or server each message and saved record came from
    assert all(v == {"screenshots": ["captured_by"], "mail": ["source"], "records": ["server"]}[f.split("/")[0]]
               for f, v in case["sworn"].items())
    assert set(case["confirmed"]) == set(case["paragraphs"])  # the declarant confirmed what no exhibit shows
    assert all("[PROMPT" not in text and len(text) > 200 for text in case["paragraphs"].values())


def test_every_listed_item_exists_with_its_metadata() -> None:
    items = load_case()["items"]
    kinds = [item["kind"] for item in items]
    assert kinds.count("screenshot") == 4 and kinds.count("email") == 5 and kinds.count("domain-record") == 5
    assert {item["file"] for item in items} == {
        p.relative_to(SAMPLE).as_posix()
        for folder in ("screenshots", "mail", "records") for p in (SAMPLE / folder).iterdir()
        if p.name != "__init__.py" and p.suffix != ".pyc" and p.is_file()
    }, "case.json must list exactly the evidence files in the folders"
    for item in items:
        path = SAMPLE / item["file"]
        assert path.is_file(), item["file"]
        assert path.resolve().is_relative_to(SAMPLE.resolve())
        assert item["description"].strip()
        meta = item["metadata"]
        assert re.fullmatch(r"2026-\d\d-\d\dT\d\d:\d\d:\d\dZ", meta["captured_at"]), item["file"]
        assert meta["captured_by"] == "Jordan Sample"
        assert meta["tool"] and "FICTIONAL SAMPLE" in meta["notes"]


def test_screenshot_and_record_metadata_name_case_domains() -> None:
    domains = set(read_domains())
    for item in load_case()["items"]:
        meta = item["metadata"]
        if item["kind"] == "screenshot":
            host = urlsplit(meta["url"]).hostname or ""
            assert is_covered(host, domains) or host.endswith(".example.org"), meta["url"]  # the analysis page
            assert any(ipaddress.ip_address(meta["resolved_ip"]) in n for n in DOC_NETS)
        if item["kind"] == "domain-record":
            assert meta["query"] in domains


# --- domains.txt --------------------------------------------------------------


def test_domains_are_valid_lower_case_names_without_duplicates() -> None:
    text = (SAMPLE / "domains.txt").read_text(encoding="ascii")
    assert text.startswith("#") and "FICTIONAL" in text.splitlines()[0]
    domains = read_domains()
    assert len(domains) == len(set(domains))
    for name in domains:
        assert name == name.lower() and not name.endswith("."), name
        assert len(name) <= 253, name
        labels = name.split(".")
        assert len(labels) >= 2, name
        assert all(LABEL.fullmatch(label) for label in labels), name
        assert labels[-1].isalpha(), name
        assert "sample" in name or "example" in name, f"{name} does not look fictional"


def test_domain_counts_and_registries() -> None:
    domains = read_domains()
    subdomains = [d for d in domains if d.endswith("." + PROVIDER)]
    apex = [d for d in domains if d not in subdomains]
    assert len(apex) == 21  # 20 of the botnet's own, and the provider's domain (the parent of Appendix B)
    assert len(subdomains) == 100
    assert all(d.count(".") == 2 for d in subdomains), "one label under the provider"
    assert all(d.count(".") == 1 for d in apex), "Appendix A lists registered names"
    assert {d.rsplit(".", 1)[1] for d in apex} == {"com", "net", "cc", "org", "tv"}
    assert PROVIDER in apex  # Appendix B's parent is in Appendix A, or the order cannot be enforced


# --- mail ---------------------------------------------------------------------


def test_five_emails_with_realistic_headers() -> None:
    paths = email_paths()
    assert len(paths) == 5
    for path in paths:
        raw = path.read_bytes()
        assert raw.count(b"\r\n") == raw.count(b"\n"), f"{path.name}: mixed line endings"
        msg = parse_email(path)
        assert not msg.defects, (path.name, msg.defects)
        received = msg.get_all("Received") or []
        assert 2 <= len(received) <= 3, path.name
        for header in received:
            for ip in IPV4.findall(str(header)):
                assert any(ipaddress.ip_address(ip) in n for n in DOC_NETS), (path.name, ip)
        assert msg["Message-ID"] and msg["Subject"]
        assert msg["Date"].datetime.year == 2026
        for field in ("From", "To"):
            for address in msg[field].addresses:
                assert re.fullmatch(r"example\.(com|net|org)", address.domain), (path.name, address)
        plains, htmls = email_texts(msg)
        for text in plains[:1] + ["".join(c.text) for c in htmls]:
            assert "FICTIONAL SAMPLE" in text, path.name


def _shown_only(msg: EmailMessage) -> set[str]:
    """Hosts a message shows only as the visible text of a link that leads to another host."""
    shown = set()
    for collector in email_texts(msg)[1]:
        for href, text in collector.anchors:
            host = urlsplit(text).hostname if URL.fullmatch(text) else None
            if host and host != urlsplit(href).hostname:
                shown.add(host)
    return shown


def test_every_url_host_in_every_email_is_a_case_domain() -> None:
    domains = set(read_domains())
    for path in email_paths():
        msg = parse_email(path)
        hosts = hosts_in(msg)
        assert hosts, f"{path.name} advertises no domain"
        stray = sorted(h for h in hosts if not is_covered(h, domains))
        # the spoofed link text names an impersonated site, which the appendices must not list
        assert stray == sorted(_shown_only(msg)), f"{path.name}: hosts not in domains.txt: {stray}"


def test_html_email_has_a_link_whose_text_shows_another_host() -> None:
    mismatched = []
    for path in email_paths():
        msg = parse_email(path)
        if msg.get_content_type() != "multipart/alternative":
            continue
        for collector in email_texts(msg)[1]:
            for href, text in collector.anchors:
                shown = urlsplit(text).hostname if URL.fullmatch(text) else None
                if shown and shown != urlsplit(href).hostname:
                    mismatched.append((path.name, href, text))
    assert len(mismatched) == 1, mismatched


def test_malware_lure_carries_a_harmless_text_attachment() -> None:
    attachments = [
        (path.name, part) for path in email_paths()
        for part in parse_email(path).iter_attachments()
    ]
    assert len(attachments) == 1
    name, part = attachments[0]
    assert part.get_filename() == "invoice.txt"
    assert part.get_content_type() == "text/plain"
    assert part["Content-Transfer-Encoding"] == "base64"
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    assert payload.isascii() and b"FICTIONAL SAMPLE" in payload
    assert not payload.startswith((b"MZ", b"\x7fELF", b"PK", b"#!"))


# --- records -----------------------------------------------------------------


def test_whois_records_name_case_domains() -> None:
    domains = set(read_domains())
    texts = {p.name: p.read_text(encoding="ascii") for p in (SAMPLE / "records").glob("*.txt")}
    assert len(texts) == 4  # and the parent domain of Appendix B, which names its zone operator
    names = set()
    for name, text in texts.items():
        assert "FICTIONAL SAMPLE" in text, name
        found = re.findall(r"^\s*Domain Name:\s*(\S+)\s*$", text, re.MULTILINE)
        assert len(found) == 1, name
        names.add(found[0].lower())
        assert re.search(r"^\s*Registrar: (Sample Registrar, Inc\.|Example Names Registrar, LLC)$", text, re.MULTILINE)
    assert names <= domains
    assert {n.rsplit(".", 1)[1] for n in names} == {"com", "net", "cc"}


def test_rdap_record_is_shaped_like_a_registry_reply() -> None:
    domains = set(read_domains())
    paths = list((SAMPLE / "records").glob("*.json"))
    assert len(paths) == 1
    rdap = json.loads(paths[0].read_text(encoding="utf-8"))
    assert rdap["objectClassName"] == "domain"
    assert rdap["ldhName"].lower() in domains
    assert "rdap_level_0" in rdap["rdapConformance"]
    actions = {e["eventAction"] for e in rdap["events"]}
    assert {"registration", "expiration", "last update of RDAP database"} <= actions
    assert rdap["status"] and len(rdap["nameservers"]) >= 2
    registrar = [e for e in rdap["entities"] if "registrar" in e["roles"]]
    assert registrar and registrar[0]["publicIds"][0]["type"] == "IANA Registrar ID"
    assert any("FICTIONAL SAMPLE" in n["title"] for n in rdap["notices"])


def test_every_ip_address_is_a_documentation_address() -> None:
    files = [SAMPLE / "case.json", *email_paths(), *(SAMPLE / "records").glob("*.txt"),
             *(SAMPLE / "records").glob("*.json")]
    for path in files:
        for ip in IPV4.findall(path.read_text(encoding="utf-8")):
            assert any(ipaddress.ip_address(ip) in n for n in DOC_NETS), (path.name, ip)


# --- screenshots ------------------------------------------------------------


def test_screenshots_open_at_the_stated_size() -> None:
    shots = [item["file"] for item in load_case()["items"] if item["kind"] == "screenshot"]
    for rel in shots:
        path = SAMPLE / rel
        assert path.stat().st_size < 150_000, rel
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert image.size == (1280, 800)
            image.load()


def test_rerunning_the_screenshot_script_is_byte_identical(tmp_path: Path) -> None:
    if load_script().font_files() is None:
        pytest.skip("DejaVu/Liberation fonts absent: Pillow's default font draws different pixels")
    result = subprocess.run(
        [sys.executable, str(SAMPLE / "make_screenshots.py"), str(tmp_path)],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    committed = sorted(p.name for p in (SAMPLE / "screenshots").glob("*.png"))
    assert sorted(p.name for p in tmp_path.iterdir()) == committed
    for name in committed:
        new = hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()
        old = hashlib.sha256((SAMPLE / "screenshots" / name).read_bytes()).hexdigest()
        assert new == old, (
            f"{name} differs from the committed file: rerun "
            "`python resources/sample/make_screenshots.py` and commit the PNGs")
