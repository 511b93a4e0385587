"""The generated table covers every TLD, is reproducible from its inputs, and takes the case's corrections."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO
from publicsuffixlist import PublicSuffixList

from app.core.model import CaseInfo
from app.ops.domains import RegistryNotFound, registry_table, set_registry
from app.ops.intake import add_domains
from app.sources.registries import RegistryTable
from app.store import CaseFile


@pytest.fixture
def table() -> RegistryTable:
    return RegistryTable.load()


def test_every_psl_tld_has_a_registry(table: RegistryTable) -> None:
    psl = (Path(__import__("publicsuffixlist").__file__).with_name("public_suffix_list.dat")).read_text("utf-8")
    icann = psl.split("===BEGIN ICANN DOMAINS===")[1].split("===END ICANN DOMAINS===")[0]
    tlds = {line.strip() for line in icann.splitlines()
            if line.strip() and not line.startswith("//") and "." not in line and not line.startswith(("*", "!"))}
    assert len(tlds) > 1400
    missing = [t for t in tlds if not table.is_known(t)]
    assert missing == []
    assert PublicSuffixList  # the package that ships the list is the one the app uses


@pytest.mark.parametrize(
    ("tld", "registry_id", "rdap"),
    [
        ("com", "verisign", "https://rdap.verisign.com/com/v1/"),
        ("net", "verisign", "https://rdap.verisign.com/net/v1/"),
        ("cc", "verisign", "https://tld-rdap.verisign.com/cc/v1/"),
        ("name", "verisign", "https://tld-rdap.verisign.com/name/v1/"),
        ("org", "pir", "https://rdap.publicinterestregistry.org/rdap/"),
        ("app", "google-registry", "https://pubapi.registry.google/rdap/"),
        ("aaa", "op-american-automobile-association-inc", "https://rdap.nic.aaa/"),
        ("amazon", "op-amazon-registry-services-inc", "https://rdap.nominet.uk/amazon/"),
    ],
)
def test_registry_and_rdap_url_per_tld(table: RegistryTable, tld: str, registry_id: str, rdap: str) -> None:
    assert table.for_tld(tld).id == registry_id
    assert table.rdap_urls(tld)[0] == rdap


def test_tv_is_godaddy_and_the_stale_verisign_url_is_dropped(table: RegistryTable) -> None:
    assert table.for_tld("tv").name == "GoDaddy Registry Services, LLC"
    assert table.rdap_urls("tv") == ()  # the 2021 bootstrap still says Verisign


def test_new_gtld_operator_comes_from_the_psl_and_is_unconfirmed(table: RegistryTable) -> None:
    aaa = table.for_tld("aaa")
    assert aaa.name == "American Automobile Association, Inc."
    assert not table.is_confirmed(aaa.id) and table.is_confirmed("verisign")
    assert table.for_tld("live").id == "identity-digital"  # Binky Moon, LLC is an Identity Digital company
    io = table.for_tld("io")
    assert io.name == "Registry operator of .io" and "iana.org/domains/root/db/io.html" in io.source


def test_idn_tld(table: RegistryTable) -> None:
    assert table.for_tld("рф").id == table.for_tld("xn--p1ai").id == "tld-xn--p1ai"


def test_generator_reproduces_the_shipped_table() -> None:
    script = REPO / "resources" / "registry" / "build_registry_table.py"
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    document = json.loads((REPO / "resources" / "registries.json").read_text("utf-8"))
    assert document["generated_by"].endswith("build_registry_table.py")
    assert {i["file"] for i in document["inputs"]} >= {"resources/registry/rdap-base-urls.json",
                                                       "resources/registry/curated.json"}


def test_case_correction_is_logged_and_used(tmp_path: Path) -> None:
    with CaseFile.create(tmp_path / "c.evcase", CaseInfo(case_id="", title="t")) as case:
        add_domains(case, "google.io\n", source="t")
        fixed = set_registry(case, ".io", name="Internet Computer Bureau Limited",
                             address=["Example House", "London"], note="IANA root zone database").registry
        assert fixed.id == "tld-io"
        table = registry_table(case)
        assert table.get("tld-io").name == "Internet Computer Bureau Limited"
        assert table.is_confirmed("tld-io")
        assert RegistryTable.load().get("tld-io").name == "Registry operator of .io"  # the bundled table is untouched
        entry = case.custody()[-1]
        assert entry.action == "registry-corrected"
        assert entry.details["old"]["name"] == "Registry operator of .io"
        assert entry.details["new"]["address"] == ["Example House", "London"]
        with pytest.raises(RegistryNotFound):
            set_registry(case, "no such registry!", name="x")


def test_registry_added_for_an_unknown_tld_moves_its_domains(tmp_path: Path) -> None:
    with CaseFile.create(tmp_path / "c.evcase", CaseInfo(case_id="", title="t")) as case:
        add_domains(case, "shop.example.com\n", source="t")
        set_registry(case, "unknown-zz", name="ZZ Registry", address=["1 Road"], tlds=["zz"])
        table = registry_table(case)
        assert table.for_tld("zz").name == "ZZ Registry"


def test_domains_added_after_a_correction_follow_it(tmp_path: Path) -> None:
    with CaseFile.create(tmp_path / "c.evcase", CaseInfo(case_id="", title="t")) as case:
        add_domains(case, "old.io\n", source="t")
        set_registry(case, "verisign", tlds=["io"], note="hypothetical move, for the test")
        add_domains(case, "new.io\n", source="t")
        assert {d.ascii: d.registry_id for d in case.domains()} == {"old.io": "verisign", "new.io": "verisign"}
        assert "io" in registry_table(case).get("verisign").tlds
