"""What the registry and the zone show, against what the order requires: the verdicts and flags (pure)."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from app.sources.takedown import (
    LOCKS,
    DnsReading,
    DomainState,
    PrecheckRules,
    RegistryReading,
    Requirement,
    compliance_state,
    dns_reading,
    precheck_state,
    registry_reading,
)

VERDICTS = ("complied", "partly", "not-yet")
BASE = DomainState("bad.com", "bad.com", "bad.com", "Verisign, Inc.", "verisign", None, None)
SINKHOLE = frozenset({"ns1.sink.example", "ns2.sink.example"})
LIVE = DnsReading(delegated=True, delegation=("ns1.bad.example",), addresses=("192.0.2.1",), resolved=True)
GONE = DnsReading(delegated=False, resolved=False)


def registered(*statuses: str, servers: tuple[str, ...] = ("ns1.bad.example",)) -> RegistryReading:
    return RegistryReading(True, statuses=statuses, name_servers=servers, registrar="R", observed_at="2026-12-04T00:00:00Z")


def verdict(reading: RegistryReading | None, dns: DnsReading | None, remedy: str = "hold") -> tuple[str, str]:
    state = compliance_state(BASE, reading, dns, Requirement(remedy, SINKHOLE))
    return state.verdict, state.how


def test_hold_and_locks_and_out_of_the_zone_is_complied() -> None:
    assert verdict(registered("serverHold", *LOCKS), GONE) == ("complied", "hold")


def test_on_hold_but_still_delegated_is_partly() -> None:
    state = compliance_state(BASE, registered("serverHold", *LOCKS), LIVE, Requirement("hold", SINKHOLE))
    assert (state.verdict, state.missing) == ("partly", ("still delegated in the TLD zone",))


def test_locked_but_still_resolving_is_partly() -> None:
    assert verdict(registered(*LOCKS), LIVE)[0] == "partly"


def test_nothing_done_is_not_yet() -> None:
    assert verdict(registered("clientTransferProhibited"), LIVE) == ("not-yet", "")


def test_sinkhole_delegation_counts_for_either_remedy() -> None:
    zone = DnsReading(delegated=True, delegation=tuple(sorted(SINKHOLE)), resolved=True)
    reading = registered(*LOCKS, servers=tuple(sorted(SINKHOLE)))
    assert verdict(reading, zone, "redirect") == ("complied", "sinkhole")
    assert verdict(reading, zone, "hold") == ("complied", "sinkhole")


def test_redirect_ordered_but_held_is_partly_and_says_so() -> None:
    state = compliance_state(BASE, registered("serverHold", *LOCKS), GONE, Requirement("redirect", SINKHOLE))
    assert state.verdict == "partly" and state.how == "hold"
    assert any("instead of redirected" in m for m in state.missing)


def test_not_registered_or_unreadable_is_not_yet() -> None:
    assert verdict(RegistryReading(False), GONE) == ("not-yet", "")
    state = compliance_state(BASE, RegistryReading(None, throttled=True), None, Requirement())
    assert state.verdict == "not-yet" and "throttled" in state.missing[0]
    assert [f.code for f in state.flags] == ["no-answer"]


def test_without_dns_the_registry_alone_decides() -> None:
    assert verdict(registered("serverHold", *LOCKS), None) == ("complied", "hold")


def test_precheck_flags() -> None:
    rules = PrecheckRules(hearing=date(2027, 1, 10), recent_days=30, sinkholes=SINKHOLE, today=date(2026, 12, 4))
    fresh = RegistryReading(True, statuses=("clientHold",), registrar="New Registrar, Inc.",
                            created="2026-11-30T00:00:00Z", expires="2027-01-05T00:00:00Z")
    state = precheck_state(BASE, fresh, GONE, rules, previous_registrar="Old Registrar")
    assert {f.code for f in state.flags} == {"expires-before-hearing", "on-hold", "recently-registered",
                                             "registrar-changed", "not-resolving"}
    assert not state.ok
    same = precheck_state(BASE, registered(), LIVE, rules, previous_registrar="R.")
    assert same.flags == () and same.ok and same.resolving is True
    sinkholed = precheck_state(BASE, registered(servers=tuple(SINKHOLE)), None, rules)
    assert [f.code for f in sinkholed.flags] == ["sinkholed"]
    gone = precheck_state(BASE, RegistryReading(False), GONE, rules)
    assert [f.code for f in gone.flags] == ["not-registered"] and gone.flags[0].severity == "blocking"
    expired = precheck_state(BASE, RegistryReading(True, expires="2026-01-01"), LIVE, rules)
    assert [f.code for f in expired.flags] == ["expired"]


def test_json_keys_are_the_command_lines_contract() -> None:
    state = compliance_state(BASE, registered("serverHold", *LOCKS), GONE, Requirement())
    data = state.as_json({})
    for key in ("domain", "registered", "resolving", "statuses", "name_servers", "registrar", "created", "expires",
                "flags", "verdict", "how", "observed_at"):
        assert key in data
    assert "verdict" not in precheck_state(BASE, registered(), LIVE, PrecheckRules()).as_json()


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                         max_size=3), max_leaves=6)
records = st.dictionaries(st.sampled_from(["format", "status", "epp_status", "name_servers", "not_found", "domain",
                                           "registrar", "created", "expires", "throttled", "registrant", "lookup",
                                           "answers", "rcodes", "delegated", "delegation", "queried_at"]),
                          json_values, max_size=10)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(records, records, st.sampled_from(["hold", "redirect"]))
def test_any_record_gives_a_verdict_and_never_raises(registry: dict, dns: dict, remedy: str) -> None:
    state = compliance_state(BASE, registry_reading(registry), dns_reading(dns), Requirement(remedy, SINKHOLE))
    assert state.verdict in VERDICTS
    assert (state.verdict == "complied") == (not state.missing)
    precheck_state(BASE, registry_reading(registry), dns_reading(dns), PrecheckRules())
