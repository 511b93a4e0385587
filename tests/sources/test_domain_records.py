"""Every saved WHOIS and RDAP reply in the shared corpus: parsed fields where present, a named problem where not."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.core.model import ItemKind, ParseStatus
from app.sources.parse import Parsed, parse_item
from app.sources.rdap import parse_rdap
from app.sources.whois import parse_whois, to_utc_iso


def _parse(corpus: Path, folder: str, name: str) -> Parsed:
    return parse_item(ItemKind.DOMAIN_RECORD, (corpus / folder / name).read_bytes(), name)


# file, name, registrar, IANA id, created (UTC), expires (UTC), EPP statuses, name servers
WHOIS_CASES: list[tuple[str, str, str, str, str, str, list[str], list[str]]] = [
    ("verisign_com_killianestates_pendingdelete.txt", "killianestates.com", "GODADDY.COM, LLC", "",
     "2010-05-26T00:00:00Z", "2013-05-26T00:00:00Z", ["pendingDelete"],
     ["ns75.domaincontrol.com", "ns76.domaincontrol.com"]),
    ("verisign_cc_google.cc_registered.txt", "google.cc", "MARKMONITOR INC.", "292",
     "1999-06-07T04:00:00Z", "2018-06-07T04:00:00Z",
     ["clientDeleteProhibited", "clientTransferProhibited", "clientUpdateProhibited", "serverDeleteProhibited",
      "serverTransferProhibited", "serverUpdateProhibited"], ["ns1.google.com", "ns2.google.com",
                                                              "ns3.google.com", "ns4.google.com"]),
    ("verisign_tv_google.tv_registered.txt", "google.tv", "MARKMONITOR INC.", "292",
     "2002-08-02T16:43:36Z", "2018-08-02T16:43:36Z",
     ["clientDeleteProhibited", "clientTransferProhibited", "clientUpdateProhibited", "serverDeleteProhibited",
      "serverTransferProhibited", "serverUpdateProhibited"], ["ns1.google.com", "ns2.google.com",
                                                              "ns3.google.com"]),
    ("cc_msn.cc_registry.txt", "msn.cc", "CSC CORPORATE DOMAINS, INC.", "299",
     "1997-10-12T00:00:00Z", "2020-10-12T04:00:00Z", ["clientTransferProhibited"], None),  # type: ignore[list-item]
    ("markmonitor_cc_registrar.txt", "google.cc", "MarkMonitor, Inc.", "292",
     "1999-06-07T07:00:00Z", "2018-06-06T07:00:00Z",
     ["clientUpdateProhibited", "clientTransferProhibited", "clientDeleteProhibited", "serverUpdateProhibited",
      "serverTransferProhibited", "serverDeleteProhibited"], None),  # type: ignore[list-item]
    ("godaddy_com_registrar.txt", "godaddy.com", "GoDaddy.com, LLC", "146",
     "1999-03-02T05:00:00Z", "2021-11-01T11:59:59Z",
     ["clientTransferProhibited", "clientUpdateProhibited", "clientRenewProhibited", "clientDeleteProhibited"],
     None),  # type: ignore[list-item]
    ("encirca.com_redacted_registrar.txt", "encirca.com", "EnCirca, Inc.", "455",
     "1999-03-21T00:00:00Z", "2022-03-22T04:00:00Z", ["clientTransferProhibited", "clientDeleteProhibited"],
     None),  # type: ignore[list-item]
    ("pir_org_registered.txt", "google.org", "MarkMonitor Inc. (R37-LROR)", "292",
     "1998-10-21T04:00:00Z", "2014-10-20T04:00:00Z",
     ["clientDeleteProhibited", "clientTransferProhibited", "clientUpdateProhibited"],
     ["ns2.google.com", "ns1.google.com", "ns3.google.com", "ns4.google.com"]),
    ("alliancefrancaise.nu_idn.txt", "xn--alliancefranaise-npb.nu", "Worldnames, Inc.", "",
     "2010-03-02T00:00:00Z", "2021-06-02T00:00:00Z", ["ok"], None),  # type: ignore[list-item]
    ("jprs_jp_registered.txt", "google.jp", "", "", "2005-05-30T00:00:00Z", "2014-05-31T00:00:00Z", [],
     ["ns1.google.com", "ns2.google.com", "ns3.google.com", "ns4.google.com"]),
    ("nic_cz_keyset.txt", "realityporno.cz", "REG-ACTIVE24", "", "2006-01-30T18:55:00Z",
     "2014-01-30T00:00:00Z", [], ["beta.ns.active24.cz", "gama.ns.active24.sk", "alfa.ns.active24.cz"]),
    ("tcinet_ru_registered.txt", "google.ru", "RU-CENTER-REG-RIPN", "", "2004-03-04T00:00:00Z",
     "2015-03-05T00:00:00Z", [], ["ns1.google.com", "ns2.google.com", "ns3.google.com", "ns4.google.com"]),
    ("cn_idn_nihao.zhongguo.txt", "你好.中國", "厦门易名科技股份有限公司", "", "2004-08-08T22:27:10Z",
     "2021-08-08T22:27:10Z", ["clientDeleteProhibited", "clientTransferProhibited"], None),  # type: ignore[list-item]
]


@pytest.mark.parametrize(("file", "name", "registrar", "iana", "created", "expires", "epp", "servers"), WHOIS_CASES)
def test_whois_fields(corpus: Path, file: str, name: str, registrar: str, iana: str, created: str, expires: str,
                      epp: list[str], servers: list[str] | None) -> None:
    parsed = _parse(corpus, "whois", file)
    record = parsed.record
    assert parsed.status is ParseStatus.OK, parsed.error
    assert parsed.name == name
    assert record.get("registrar", "") == registrar
    assert record.get("registrar_iana_id", "") == iana
    assert record["created_utc"] == created
    assert record["expires_utc"] == expires
    assert record["epp_status"] == epp
    if servers is not None:
        assert record["name_servers"] == servers
    else:
        assert record["name_servers"]


def test_verisign_thin_reply_server_and_database_update(corpus: Path) -> None:
    record = _parse(corpus, "whois", "verisign_cc_google.cc_registered.txt").record
    assert record["registrar_whois_server"] == "whois.markmonitor.com"
    assert record["database_updated"] == "2017-08-01T00:30:52Z"
    assert record["dnssec_signed"] is False


def test_registrant_and_redactions(corpus: Path) -> None:
    encirca = _parse(corpus, "whois", "encirca.com_redacted_registrar.txt").record
    assert encirca["registrant"] == {"organization": "EnCirca Inc.", "state/province": "MA",
                                     "country": "United States"}
    assert encirca["registrant_redacted"] == ["name", "street", "city", "postal code", "phone", "email"]
    msn = _parse(corpus, "whois", "cc_msn.cc_registry.txt").record
    assert msn["registrant"]["organization"] == "Microsoft Corporation"
    proxy = _parse(corpus, "whois", "dreamhost_private_contact.txt").record
    assert proxy["registrant_proxy"] is True and proxy["records_in_reply"] == 2
    assert proxy["registrar_iana_id"] == "431"


def test_idn_replies_keep_both_forms(corpus: Path) -> None:
    denic = _parse(corpus, "whois", "baeckerei.de_idn.txt")
    assert denic.name == "bäckerei.de" and denic.record["domain_ascii"] == "xn--bckerei-5wa.de"
    assert denic.record["missing"] == ["registrar", "created", "expires"]
    failed = _parse(corpus, "whois", "denic_de_idn_failed_ace.txt")
    assert failed.record["status"] == ["failed"]
    assert failed.record["domain_ascii"] == "xn--tstdomain-failed-nserver-qbc.de"
    iana = _parse(corpus, "whois", "iana_com_tld.txt")
    assert iana.name == "com" and iana.record["created_utc"] == "1985-01-01T00:00:00Z"


def test_no_match_and_unavailable(corpus: Path) -> None:
    free = _parse(corpus, "whois", "verisign_cc_available.txt")
    assert free.record["not_found"] is True and free.name == "u34jedzcq.cc"
    assert free.record["database_updated"] == "2014-01-22T22:10:31Z"
    down = _parse(corpus, "whois", "verisign_response_unavailable.txt")
    assert down.status is ParseStatus.FAILED
    assert down.record["unavailable"] is True and down.record["throttled"] is False


def test_thin_reply_with_lookalike_host_records_picks_the_domain_asked() -> None:
    reply = (
        b"Whois Server Version 2.0\n\n"
        b"   Server Name: GOOGLE.COM.ZZZZZ.GET.LAID.AT.WWW.SWINGINGCOMMUNITY.COM\n"
        b"   IP Address: 69.41.185.195\n   Registrar: INNERWISE, INC. D/B/A ITS YOUR DOMAIN\n\n"
        b"   Domain Name: GOOGLE.COM.ZOMBIED.AND.HACKED.BY.WWW.WEB-HACK.COM\n   Registrar: ONLINENIC, INC.\n\n"
        b"   Domain Name: GOOGLE.COM\n   Registrar: MARKMONITOR INC.\n   Sponsoring Registrar IANA ID: 292\n"
        b"   Name Server: NS1.GOOGLE.COM\n   Status: clientDeleteProhibited\n"
        b"   Creation Date: 15-sep-1997\n   Expiration Date: 14-sep-2020\n\n"
        b">>> Last update of whois database: Mon, 19 Jun 2017 11:12:13 GMT <<<\n"
    )
    status, name, record, _ = parse_whois(reply, query="google.com")
    assert status is ParseStatus.OK and name == "google.com"
    assert record["registrar"] == "MARKMONITOR INC." and record["records_in_reply"] == 3
    assert record["created_utc"] == "1997-09-15T00:00:00Z"
    _, other, _, _ = parse_whois(reply, query="google.com.zombied.and.hacked.by.www.web-hack.com")
    assert other == "google.com.zombied.and.hacked.by.www.web-hack.com"


def test_non_utf8_and_throttling_replies() -> None:
    latin1 = "Domain Name: caf\xe9.fr\nRegistrar: Soci\xe9t\xe9\nCreation Date: 2001-01-01\n".encode("latin-1")
    status, name, record, error = parse_whois(latin1)
    assert status is ParseStatus.PARTIAL and "not valid UTF-8" in error
    assert record["registrar"].startswith("Soci")
    status, _, record, error = parse_whois(b"% Query rate limit exceeded. Try again later.\n")
    assert status is ParseStatus.FAILED and record["throttled"] is True and "did not answer" in error
    assert parse_whois(b"")[0] is ParseStatus.FAILED


RDAP_CASES: list[tuple[str, ParseStatus, str, dict[str, Any]]] = [
    ("verisign_google.com_domain.json", ParseStatus.OK, "google.com",
     {"registrar": "MarkMonitor Inc.", "registrar_iana_id": "292", "created": "1997-09-15T04:00:00Z",
      "expires": "2028-09-14T04:00:00Z", "database_updated": "2021-06-09T09:34:01Z",
      "registrar_rdap": "https://rdap.markmonitor.com/rdap/domain/GOOGLE.COM", "dnssec": "signed"}),
    ("verisign_20c.com_domain_reserialized.json", ParseStatus.OK, "20c.com",
     {"registrar": "CSL Computer Service Langenbach GmbH d/b/a joker.com", "created": "2004-06-28T18:28:14Z",
      "database_updated": "2024-07-24T18:48:30Z", "registrar_rdap": "https://rdap.joker.com/domain/20C.COM"}),
    ("lemonde.fr_afnic.json", ParseStatus.OK, "lemonde.fr",
     {"registrar": "NAMESHIELD", "created": "2005-08-02T14:16:36Z", "transferred": "2022-06-09T22:08:09Z",
      "port43": "whois.nameshield.net",
      "registrant": {"name": "SOCIETE EDITRICE du monde", "organization": "SOCIETE EDITRICE DU MONDE",
                     "address": "67-69 avenue Pierre Mendes-France, PARIS, 75013, FR",
                     "email": "domain_names@lemonde.fr", "phone": "+33.157282224"}}),
    ("nic_cz_example.cz_domain.json", ParseStatus.OK, "example.cz",
     {"registrar": "REG-INTERNET-CZ", "epp_status": ["ok"],
      "name_servers": ["ns2.pipni.cz", "ns3.pipni.cz", "ns.pipni.cz"]}),
    ("norid_norway.no_domain.json", ParseStatus.OK, "norway.no",
     {"registrar": "Domeneshop AS", "created": "2017-01-24T12:09:23Z"}),
    ("nameserver_ns1_nic_fr.json", ParseStatus.PARTIAL, "ns1.nic.fr", {"object_class": "nameserver"}),
    ("ripe_error_501.json", ParseStatus.FAILED, "ripe_error_501.json", {"error_code": 501}),
    ("help_nic_fr.json", ParseStatus.FAILED, "help_nic_fr.json", {"object_class": "help"}),
    ("entity_BRI2_empty_object.json", ParseStatus.FAILED, "entity_BRI2_empty_object.json", {}),
    ("bootstrap_dns_syntax_error.json", ParseStatus.FAILED, "bootstrap_dns_syntax_error.json", {}),
    ("iana_bootstrap_dns_2021-05-11.json", ParseStatus.FAILED, "iana_bootstrap_dns_2021-05-11.json", {}),
    ("whoisit_combined_bootstrap.json", ParseStatus.FAILED, "whoisit_combined_bootstrap.json", {}),
    ("bootstrap_dns_empty.json", ParseStatus.FAILED, "bootstrap_dns_empty.json", {}),
]


@pytest.mark.parametrize(("file", "status", "name", "fields"), RDAP_CASES)
def test_rdap_files(corpus: Path, file: str, status: ParseStatus, name: str, fields: dict[str, Any]) -> None:
    data = (corpus / "rdap" / file).read_bytes()
    parsed = parse_item(ItemKind.DOMAIN_RECORD, data, file) if data else Parsed(*_rdap_tuple(data, file))
    assert parsed.status is status
    assert parsed.name == name
    for key, value in fields.items():
        assert parsed.record[key] == value, key
    if status is not ParseStatus.OK:
        assert parsed.error


def _rdap_tuple(data: bytes, file: str) -> tuple[ParseStatus, str, dict[str, Any], str]:
    status, name, record, error = parse_rdap(data)
    return status, name or file, record, error


def test_every_corpus_record_is_covered(corpus: Path) -> None:
    covered = {c[0] for c in WHOIS_CASES} | {c[0] for c in RDAP_CASES} | {
        "verisign_cc_available.txt", "verisign_response_unavailable.txt", "dreamhost_private_contact.txt",
        "baeckerei.de_idn.txt", "denic_de_idn_failed_ace.txt", "iana_com_tld.txt", "markmonitor_tv_registrar.txt"}
    on_disk = {p.name for folder in ("whois", "rdap") for p in (corpus / folder).iterdir()}
    assert on_disk - covered == set()


def test_rfc9537_redactions_and_non_conformant_rdap() -> None:
    document = {
        "objectClassName": "domain", "ldhName": "example.com", "rdapConformance": ["rdap_level_0", "redacted"],
        "entities": [{"objectClassName": "entity", "roles": ["registrant"],
                      "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", ""],
                                               ["adr", {"cc": "CA"}, "text", ["", "", "", "", "QC", "", "CA"]]]]}],
        "redacted": [
            {"name": {"type": "Registrant Name"}, "prePath": "$.entities[?(@.roles[0]=='registrant')].vcardArray"
             "[1][?(@[0]=='fn')][3]", "method": "emptyValue", "reason": {"type": "Server policy"}},
            {"name": {"description": "Registrant Email"}, "method": "removal"},
        ],
    }
    status, name, record, _ = parse_rdap(json.dumps(document).encode())
    assert status is ParseStatus.OK and name == "example.com"
    assert record["redacted"][0] == {"name": "Registrant Name", "method": "emptyValue",
                                     "path": document["redacted"][0]["prePath"], "reason": "Server policy"}
    assert record["redacted"][1]["name"] == "Registrant Email" and record["redacted"][1]["method"] == "removal"
    assert record["registrant"] == {"address": "QC, CA"}
    odd = {"objectClassName": "domain", "ldhName": "x.com", "rdapConformance": "rdap_level_0", "events": {}}
    status, _, record, error = parse_rdap(json.dumps(odd).encode())
    assert status is ParseStatus.PARTIAL and "not conformant" in error
    status, _, record, _ = parse_rdap(b'{"errorCode": 404, "title": "Not Found"}')
    assert status is ParseStatus.FAILED and record["not_found"] is True
    assert parse_rdap(b"\xff\xfe{")[0] is ParseStatus.FAILED


def test_dates_without_a_known_format_are_left_alone() -> None:
    assert to_utc_iso("sometime in 2010") == ""
    assert to_utc_iso("2013/06/01 01:05:07 (JST)") == "2013-05-31T16:05:07Z"
