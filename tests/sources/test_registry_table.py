"""The registry Appendix A names for each TLD."""

from __future__ import annotations

import pytest

from app.sources.domains import normalise_domain
from app.sources.registries import RegistryTable


@pytest.fixture
def table() -> RegistryTable:
    return RegistryTable.load()


def test_verisign_runs_com_net_cc_name(table: RegistryTable) -> None:
    for tld in ("com", ".NET", "cc", "name"):
        registry = table.for_tld(tld)
        assert registry.id == "verisign"
        assert registry.name == "Verisign, Inc."
        assert registry.address[:2] == ("12061 Bluemont Way", "Reston, Virginia 20190")
    assert table.rdap_urls("cc") == ("https://tld-rdap.verisign.com/cc/v1/",)
    assert table.rdap_urls("com") == ("https://rdap.verisign.com/com/v1/",)


def test_tv_moved_to_godaddy_registry(table: RegistryTable) -> None:
    registry = table.for_tld("tv")
    assert registry.id == "godaddy-registry"
    assert registry.name == "GoDaddy Registry Services, LLC"
    assert "Tempe, AZ 85284" in registry.address


def test_org_is_public_interest_registry(table: RegistryTable) -> None:
    registry = table.for_tld("org")
    assert registry.name == "Public Interest Registry"
    assert registry.address[0] == "1775 Wiehle Avenue, Suite 100"


def test_new_gtld_and_idn_lookup(table: RegistryTable) -> None:
    assert table.for_tld("info").id == "identity-digital"
    assert table.for_tld(normalise_domain("shop.example.app").tld).id == "google-registry"


def test_unknown_tld_is_flagged_not_dropped(table: RegistryTable) -> None:
    registry = table.for_tld("zz")
    assert registry.id == "unknown-zz"
    assert "not in the registry table" in registry.name
    assert table.get("unknown-zz") == registry
    with pytest.raises(KeyError):
        table.get("no-such-registry")


def test_table_names_its_sources(table: RegistryTable) -> None:
    assert table.as_of >= "2025-06-30"
    assert "IANA RDAP bootstrap" in table.source and "Public Suffix List" in table.source
    assert RegistryTable.load() is table
    assert table.get("verisign").tlds == ("cc", "com", "edu", "jobs", "name", "net")
