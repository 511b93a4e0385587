"""Appendix A/B grouping, the pre-filing checks, the electronic appendix, and the domain commands of the CLI."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app import cli
from app.core.model import Domain, Item, ItemKind, ParseStatus
from app.sources.appendix_data import (
    appendix_csv,
    needs_electronic_appendix,
    prefiling_checks,
    registry_groups,
    safe_cell,
    subdomain_groups,
)
from app.sources.domains import normalise_domain
from app.sources.registries import RegistryTable


def _domain(text: str, registry_id: str | None = None) -> Domain:
    name = normalise_domain(text)
    table = RegistryTable.load()
    return Domain(0, name.ascii, name.unicode, name.tld, name.registrable,
                  registry_id or table.for_tld(name.tld).id, "", "t", name.flags)


def _record(domain: str, acquired_at: str, **record: object) -> Item:
    return Item(1, ItemKind.DOMAIN_RECORD, domain, "x.txt", "0" * 64, "0" * 128, 1, acquired_at, "me", "x",
                ParseStatus.OK, record={"domain": domain, **record})


@pytest.fixture
def table() -> RegistryTable:
    return RegistryTable.load()


def test_groups_by_registry_and_subdomains_under_their_domain(table: RegistryTable) -> None:
    domains = [_domain(n) for n in ("b.com", "a.net", "x.cz.cc", "y.cz.cc", "evil.tv", "cz.cc")]
    groups = registry_groups(domains, table)
    assert [(g.registry.id, [d.ascii for d in g.domains]) for g in groups] == [
        ("godaddy-registry", ["evil.tv"]), ("verisign", ["a.net", "b.com", "cz.cc"])]
    subs = subdomain_groups(domains)
    assert [(s.registrable, [d.ascii for d in s.subdomains]) for s in subs] == [("cz.cc", ["x.cz.cc", "y.cz.cc"])]


def test_prefiling_checks(table: RegistryTable) -> None:
    now = datetime(2026, 11, 28, tzinfo=UTC)
    domains = [
        _domain("good.com"),
        _domain("evil.tv", registry_id="verisign"),  # .tv left under Verisign: the 2022 move
        _domain("good.com"),
        _domain("аррӏе.com"),
        _domain("appie.com"),
        _domain("free.cc"),
        _domain("old.net"),
        _domain("google.io"),
    ]
    records = [
        _record("good.com", "2026-11-27T10:00:00Z"),
        _record("free.cc", "2026-11-27T10:00:00Z", not_found=True),
        _record("old.net", "2026-01-01T00:00:00Z"),
    ]
    checks = prefiling_checks(domains, table, records, max_record_age_days=30, now=now)
    found = {(c.code, c.domain) for c in checks}
    assert ("registry-mismatch", "evil.tv") in found
    assert ("duplicate", "good.com") in found
    assert ("lookalike", "xn--80ak6aa92e.com") in found
    assert ("lookalike", "appie.com") in found  # the Latin name the Cyrillic one reads as
    assert ("not-registered", "free.cc") in found
    assert ("stale-record", "old.net") in found and ("stale-record", "good.com") not in found
    assert ("no-record", "google.io") in found
    assert ("registry-unconfirmed", "") in found  # .io's operator has no checked address
    mismatch = next(c for c in checks if c.code == "registry-mismatch")
    assert "GoDaddy Registry" in mismatch.message and str(mismatch).startswith("problem: evil.tv:")
    assert checks[0].severity == "problem" and checks[-1].severity == "warning"


def test_electronic_appendix_csv_is_safe_and_hashed(table: RegistryTable) -> None:
    domains = [_domain("a.com"), _domain("x.cz.cc"), replace(_domain("b.com"), unicode="=HYPERLINK(\"x\")")]
    data, digest = appendix_csv(domains, table)
    assert hashlib.sha256(data).hexdigest() == digest
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:5] == ["appendix", "number", "ascii", "unicode", "registrable domain"]
    assert rows[1][:3] == ["A", "1", "a.com"] and rows[2][3] == "'=HYPERLINK(\"x\")"
    assert rows[3][:3] == ["B", "1", "x.cz.cc"] and rows[3][7].startswith("12061 Bluemont Way")
    assert [safe_cell(v) for v in ("-1", "+1", "@x", "ok")] == ["'-1", "'+1", "'@x", "ok"]
    assert not needs_electronic_appendix(5000) and needs_electronic_appendix(5001)
    assert needs_electronic_appendix(11, threshold=10)


def test_domains_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(tmp_path / "c.evcase")
    assert cli.main(["new", path, "--title", "t"]) == 0
    assert cli.main(["domains", path, "add", "good.com", "pаypal.com", "bad_name.com", "hxxp://x.cz[.]cc/a"]) == 1
    err = capsys.readouterr().err
    assert "'bad_name.com': underscore" in err
    assert cli.main(["domains", path, "list", "--json"]) == 0
    rows = {r["ascii"]: r for r in json.loads(capsys.readouterr().out)}
    assert set(rows) == {"good.com", "xn--pypal-4ve.com", "x.cz.cc"}
    assert rows["xn--pypal-4ve.com"]["unicode"] == "pаypal.com"
    assert rows["xn--pypal-4ve.com"]["problems"][0].startswith("mixed-script")
    assert rows["x.cz.cc"]["registrable"] == "cz.cc" and rows["x.cz.cc"]["registry"] == "Verisign, Inc."
    assert cli.main(["domains", path, "list"]) == 0
    assert "! mixed-script" in capsys.readouterr().out
    assert cli.main(["domains", path, "add", "google.io"]) == 0
    assert cli.main(["domains", path, "check"]) == 1
    assert "Registry operator of .io" in capsys.readouterr().out
    assert cli.main(["domains", path, "registry", "set", "io", "--name", "Internet Computer Bureau Limited",
                     "--address", "1 Example Street", "--address", "London"]) == 0
    assert cli.main(["domains", path, "check"]) == 0
    out = capsys.readouterr().out
    assert "0 problem(s)" in out
    assert cli.main(["domains", path, "registry", "show", "tv"]) == 0
    assert "GoDaddy Registry Services, LLC" in capsys.readouterr().out
