"""A hand-built declaration input: exhibits of every kind, ~30 domains, a dozen subdomains."""

from __future__ import annotations

import hashlib
import io

from PIL import Image

from app.core.model import CaseInfo, Domain, Item, ItemKind, ParseStatus, Registry
from app.documents.inputs import DeclarationInput, ExhibitEntry

REGISTRIES = {
    "verisign": Registry("verisign", "Verisign, Inc.", ("12061 Bluemont Way", "Reston, Virginia 20190"),
                         ("com", "net", "cc", "name")),
    "pir": Registry("pir", "Public Interest Registry", ("1760 Old Meadow Road, Suite 200",
                                                        "McLean, Virginia 22102"), ("org",)),
    "godaddy": Registry("godaddy", "GoDaddy Registry Services, LLC",
                        ("2155 E. GoDaddy Way", "Tempe, Arizona 85284"), ("tv", "biz", "us", "co")),
}
TLD_REGISTRY = {"com": "verisign", "net": "verisign", "cc": "verisign", "org": "pir", "tv": "godaddy"}


def case(**changes: object) -> CaseInfo:
    values: dict[str, object] = dict(
        case_id="0f6b1c1e-0000-4000-8000-000000000001",
        title="Contoso v. John Does 1-22",
        case_number="",
        declarant="Jane Q. Investigator",
        declarant_title="a Senior Investigator in the Digital Crimes Unit",
        organisation="Contoso Corporation",
        plaintiff="Contoso Corporation, a Washington corporation",
        defendants="JOHN DOES 1-22, controlling a computer botnet\nthereby injuring Contoso and its customers",
        sealed=True,
        signed_in_us=True,
        signing_place="Redmond, Washington",
        bates_prefix="CTSO-KEL",
        bates_start=1,
        bundle_date="2025-03-01",
        fictional=True,
    )
    values.update(changes)
    return CaseInfo(**values)  # type: ignore[arg-type]


def _item(n: int, kind: ItemKind, name: str, data: bytes, record: dict, metadata: dict) -> Item:
    return Item(
        id=n, kind=kind, name=name, original_name=name, sha256=hashlib.sha256(data).hexdigest(),
        sha512=hashlib.sha512(data).hexdigest(), size=len(data), acquired_at="2025-02-20T10:00:00Z",
        acquired_by="jqi", source_path=f"/evidence/{name}", parse_status=ParseStatus.OK,
        record=record, metadata=metadata, exhibit_number=n,
    )


def png_bytes(width: int = 1280, height: int = 900) -> bytes:
    image = Image.new("RGB", (width, height), (240, 240, 250))
    for y in range(0, height, 60):
        for x in range(width):
            image.putpixel((x, y), (200, 30, 30))
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


EMAIL = (
    b"From: \"Pharma Deals\" <deals@spam.example>\r\nTo: victim@example.org\r\n"
    b"Subject: Cheap meds <today> & more\r\nDate: Tue, 18 Feb 2025 08:15:00 +0000\r\n"
    b"Message-ID: <abc123@spam.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    b"Visit http://pharma-kel01.com/buy now! <script>alert(1)</script>\r\n"
    + b"A very long line " * 30 + b"\r\n\xe2\x82\xac price only today\r\n"
)
WHOIS = (
    b"Domain Name: KELI-CC-DROP.CC\nRegistry Domain ID: 123_DOMAIN_CC-VRSN\n"
    b"Registrar: Example Registrar, Inc.\nName Server: NS1.KELI-CC-DROP.CC\n"
    b"Domain Status: clientTransferProhibited\n>>> Last update of whois database: 2025-02-19T12:00:00Z <<<\n"
) + b"\xff\xfe broken bytes\n"


def exhibits() -> tuple[list[ExhibitEntry], dict[int, bytes]]:
    png = png_bytes()
    items = [
        (_item(1, ItemKind.SCREENSHOT, "fake-av.png", png, {"width": 1280, "height": 900, "format": "PNG"},
               {"url": "http://fake-av-kel01.com/scan?x=1&y=<2>", "captured_at": "2025-02-18T14:03:07Z",
                "captured_by": "Jane Q. Investigator", "tool": "evbundle capture 0.1"}),
         "a screenshot of the fake anti-virus site at fake-av-kel01.com", png),
        (_item(2, ItemKind.SCREENSHOT, "tall.png", png_bytes(600, 2400), {"width": 600, "height": 2400},
               {"url": "http://stock-kel.net/"}),
         "a screenshot of the stock scam site at stock-kel.net", png_bytes(600, 2400)),
        (_item(3, ItemKind.EMAIL, "spam1.eml", EMAIL,
               {"subject": "Cheap meds <today> & more", "from": "\"Pharma Deals\" <deals@spam.example>",
                "to": "victim@example.org", "date": "Tue, 18 Feb 2025 08:15:00 +0000",
                "date_utc": "2025-02-18T08:15:00+00:00", "message_id": "<abc123@spam.example>",
                "domains": ["pharma-kel01.com"], "urls": ["http://pharma-kel01.com/buy"],
                "attachments": [{"filename": "invoice.zip", "size": 2048, "sha256": "ab" * 32}]}, {}),
         "a spam email advertising pharma-kel01.com", EMAIL),
        (_item(4, ItemKind.DOMAIN_RECORD, "keli-cc-drop.cc.whois", WHOIS,
               {"domain": "keli-cc-drop.cc", "registrar": "Example Registrar, Inc.",
                "statuses": ["clientTransferProhibited"], "name_servers": ["ns1.keli-cc-drop.cc"],
                "source": "whois.nic.cc"}, {}),
         "the WHOIS record of keli-cc-drop.cc", WHOIS),
        (_item(5, ItemKind.DOMAIN_RECORD, "empty.json", b"{}", {}, {}), "an RDAP response", b"{}"),
    ]
    entries = [ExhibitEntry(item.id, item, desc) for item, desc, _ in items]
    originals = {item.id: data for item, _, data in items}
    return entries, originals


def domains() -> list[Domain]:
    names = [f"kelihos-{i:02d}.{tld}" for i, tld in enumerate(["com", "net", "cc", "org", "tv"] * 6)]
    names.append("xn--bcher-kva.com")
    out = []
    for i, name in enumerate(names):
        tld = name.rsplit(".", 1)[1]
        uni = "bücher.com" if name.startswith("xn--") else name
        out.append(Domain(i + 1, name, uni, tld, name, TLD_REGISTRY[tld], "2025-02-20T10:00:00Z"))
    for j in range(12):
        name = f"bot{j:02d}.cz.cc"
        out.append(Domain(100 + j, name, name, "cc", "cz.cc", "verisign", "2025-02-20T10:00:00Z"))
    out.append(Domain(200, "=cmd.example.tv", "=cmd.example.tv", "tv", "example.tv", "godaddy", "x"))
    return out


def declaration_input(**case_changes: object) -> DeclarationInput:
    entries, _ = exhibits()
    return DeclarationInput(
        case=case(**case_changes), exhibits=entries, domains=domains(), registries=REGISTRIES,
        signer_fingerprint="3A:7F:" + ":".join(["C4"] * 30), tool_name="evbundle", tool_version="0.1.0",
        bates={1: ("CTSO-KEL-000001", "CTSO-KEL-000002")},
    )
