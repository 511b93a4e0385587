"""Who else a takedown would hurt: the sample case's Appendix B parent, curated providers, the PSL's private section."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.core.model import CaseInfo, ItemKind
from app.core.paths import resource
from app.ops.intake import add_domains, import_file
from app.ops.precheck import collateral_flags, drafting_hints, review_problems
from app.sources.collateral import collateral_flags as triage
from app.sources.collateral import load_providers, psl_private_operators, shipped_providers
from app.store import CaseFile


@dataclass(frozen=True)
class Name:
    ascii: str
    registrable: str


def test_sample_case_appendix_b_parent_is_flagged(tmp_path: Path) -> None:
    with CaseFile.create(tmp_path / "sample.evcase", CaseInfo(case_id="", title="sample")) as case:
        add_domains(case, resource("sample", "domains.txt").read_text("utf-8"), source="sample")
        mail = resource("sample", "mail")
        for entry in sorted(mail.iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".eml"):
                local = tmp_path / entry.name
                local.write_bytes(entry.read_bytes())
                import_file(case, local, forced_kind=ItemKind.EMAIL)
        flags = collateral_flags(case)
        problems = review_problems(case)
        hints = drafting_hints(case)
    parent = "free-subdomains-sample.cc"
    codes = {(f.code, f.where) for f in flags}
    assert ("appendix-b-parent", parent) in codes and ("many-subdomains", parent) in codes
    assert all(f.severity in ("blocking", "warning") for f in flags)
    assert {("appendix-b-parent", parent), ("many-subdomains", parent)} <= {(p.code, p.where) for p in problems}
    assert [p.where for p in problems if p.code == "not-checked"] == [""]  # one line, not one per domain
    assert not [p for p in problems if p.code == "no-answer"]
    assert any(parent in hint and "legitimate users" in hint for hint in hints)


def test_curated_provider_and_psl_private_section() -> None:
    names = [Name("evil-c2.duckdns.org", "duckdns.org"), Name("bit.ly", "bit.ly"), Name("x.no-ip.ca", "no-ip.ca"),
             Name("plain-bad.com", "plain-bad.com")]
    flags = {(f.code, f.where): f for f in triage(names)}
    assert flags[("known-provider", "duckdns.org")].severity == "blocking"
    assert "Duck DNS" in flags[("known-provider", "duckdns.org")].message
    assert ("known-provider", "bit.ly") in flags and "URL-shortener" in flags[("known-provider", "bit.ly")].message
    assert flags[("shared-service", "no-ip.ca")].severity == "blocking"  # listed by No-IP.com in the PSL
    assert not [f for f in flags if f[1] == "plain-bad.com"]


def test_shared_infrastructure() -> None:
    names = [Name(f"site{i}.com", f"site{i}.com") for i in range(12)] + [Name("bad-dns.net", "bad-dns.net")]
    flags = triage(names, name_servers={f"site{i}.com": ["ns1.bad-dns.net"] for i in range(3)},
                   addresses={f"site{i}.com": ["203.0.113.9"] for i in range(12)}, psl_private={})
    found = {(f.code, f.where) for f in flags}
    assert ("ns-host", "bad-dns.net") in found and ("shared-address", "203.0.113.9") in found


def test_the_curated_list_has_a_source_for_every_entry() -> None:
    providers = shipped_providers()
    assert len(providers.providers) >= 30 and providers.as_of
    assert all(p.source and p.name for p in providers.providers.values())
    assert providers.find("a.b.cz.cc") is providers.providers["cz.cc"]
    assert load_providers(Path(str(resource("providers.json")))).providers.keys() == providers.providers.keys()
    assert psl_private_operators()["duckdns.org"] == "DuckDNS"
