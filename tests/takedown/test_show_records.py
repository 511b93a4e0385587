"""``evbundle show`` of the corpus's held WHOIS and RDAP records prints statuses, name servers and registrant."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import cli
from app.core.model import CaseInfo
from app.ops.intake import import_files
from app.ops.show import domain_detail
from app.store import CaseFile

RECORDS = {  # file: (a status it shows, a name server it shows)
    "rdap/verisign_google.com_domain.json": ("client delete prohibited", "ns1.google.com"),
    "rdap/lemonde.fr_afnic.json": ("server transfer prohibited", "ns-cloud-b4.googledomains.com"),
    "rdap/nic_cz_example.cz_domain.json": ("active", "ns.pipni.cz"),
    "whois/verisign_cc_google.cc_registered.txt": ("serverDeleteProhibited", "ns1.google.com"),
    "whois/verisign_com_killianestates_pendingdelete.txt": ("pendingDelete", "ns75.domaincontrol.com"),
    "whois/markmonitor_tv_registrar.txt": ("serverTransferProhibited", "ns2.google.com"),
    "whois/pir_org_registered.txt": ("clientTransferProhibited", "ns1.google.com"),
    "whois/godaddy_com_registrar.txt": ("clientRenewProhibited", "cns1.godaddy.com"),
}


def test_show_prints_statuses_and_name_servers(tmp_path: Path, corpus: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "c.evcase"
    with CaseFile.create(path, CaseInfo(case_id="", title="t")) as case:
        report = import_files(case, [corpus / name for name in RECORDS])
        ids = list(report.imported)
    for item_id, (status, server) in zip(ids, RECORDS.values()):
        assert cli.main(["show", str(path), str(item_id)]) == 0
        out = capsys.readouterr().out
        lines = {line.split(":", 1)[0]: line for line in out.splitlines() if ":" in line}
        assert status in lines["Statuses"], out
        assert server in lines["Name servers"], out
        assert "Registrant" in lines


def test_show_names_the_registrant_and_a_missing_registration(tmp_path: Path, corpus: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "c.evcase"
    with CaseFile.create(path, CaseInfo(case_id="", title="t")) as case:
        import_files(case, [corpus / "whois" / "pir_org_registered.txt", corpus / "whois" / "verisign_cc_available.txt"])
        detail = domain_detail(case, "google.org")
    assert cli.main(["show", str(path), "1"]) == 0
    out = capsys.readouterr().out
    assert "organization: Google Inc." in out and "Expires:     2014-10-20T04:00:00Z" in out
    assert cli.main(["show", str(path), "2"]) == 0
    assert "Registered:  NO" in capsys.readouterr().out
    assert "Statuses:" in detail and "Exhibit 1" in detail
