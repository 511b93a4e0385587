"""``evbundle precheck CASE`` (before filing) and ``evbundle compliance CASE`` (after the order).

Both ask each domain's registry (RDAP, WHOIS where a TLD has none) and the
TLD's authoritative name servers, politely, keep every reply as an exhibit, and
print one line (or, with ``--json``, one JSON object) per domain. Exit 0 when
every domain is as expected (pre-filing: registered, resolving, nothing
blocking; compliance: complied), 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from .domains import server_arguments, servers_of
from .exitcodes import EXIT_FAILED, EXIT_OK
from .reporting import Counter


def register(sub: Any) -> None:
    p = sub.add_parser("precheck", help="before filing: is each domain registered and resolving, who else "
                                        "would a takedown hurt (live lookups, kept as evidence)")
    _common(p)
    p.add_argument("--hearing", type=date.fromisoformat, metavar="YYYY-MM-DD",
                   help='the hearing\'s date, for "expires before the hearing"')
    p.add_argument("--recent", type=int, default=30, metavar="DAYS",
                   help='"registered recently": within this many days (default 30)')
    p.set_defaults(handler=precheck)

    p = sub.add_parser("compliance", help="after the order: has each registry put its domains on hold or "
                                          "delegated them to the sinkhole (live lookups, kept as evidence)")
    _common(p)
    p.add_argument("--since", default="", metavar="ORDER_DATE", help="the date the order was entered")
    p.set_defaults(handler=compliance)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("case", type=Path)
    p.add_argument("names", nargs="*", metavar="NAME", help="only these domains (default: all of the case's)")
    p.add_argument("--rdap", action="store_true", help="ask the registries' RDAP (WHOIS where a TLD has none)")
    p.add_argument("--whois", action="store_true", help="also ask port-43 WHOIS")
    p.add_argument("--dns", action="store_true", help="ask the TLDs' name servers for the delegation, and "
                                                       "the resolver for addresses")
    p.add_argument("--no-resolve", action="store_true",
                   help="ask only the TLDs' servers (the delegation), no A/AAAA through the resolver")
    server_arguments(p)
    p.add_argument("--sinkhole", action="append", metavar="NS",
                   help="a sinkhole name server of the order (repeat; kept as the case's list)")
    p.add_argument("--rate", type=float, default=1.0, metavar="PER_SECOND",
                   help="queries a second to each registry's server (default 1)")
    p.add_argument("--dns-rate", type=float, default=100.0, metavar="PER_SECOND",
                   help="queries a second to each DNS server (default 100)")
    p.add_argument("--per-server", type=int, default=4, metavar="N", help="requests in flight per server")
    p.add_argument("--max-time", type=float, default=7200.0, metavar="SECONDS",
                   help="stop after this long; the domains not reached say so (default 2 hours)")
    p.add_argument("--timeout", type=float, default=15.0, metavar="SECONDS", help="for one query")
    p.add_argument("--out", type=Path, metavar="DIR", help="write the report (PDF, CSV) and, after the order, "
                                                           "the follow-up letters and the status report here")
    p.add_argument("--json", action="store_true", help="one JSON object per domain, one per line")


def _pace(args: argparse.Namespace) -> Any:
    from app.ops.watch import Pace

    return Pace(rate=args.rate, dns_rate=args.dns_rate, per_server=max(1, args.per_server), max_time=args.max_time)


def _kinds(args: argparse.Namespace) -> list[str]:
    return [k for k in ("rdap", "whois", "dns") if getattr(args, k)] or ["rdap", "dns"]


def precheck(args: argparse.Namespace) -> int:
    from app.ops.case import open_case
    from app.ops.check_reports import write_precheck_report
    from app.ops.precheck import run_precheck

    with open_case(args.case) as case:
        run = run_precheck(case, args.names, kinds=_kinds(args), servers=servers_of(args), pace=_pace(args),
                           resolve=not args.no_resolve, hearing=args.hearing, recent_days=args.recent,
                           sinkholes=args.sinkhole, reporter=Counter("domains checked"))
        written = write_precheck_report(case, run, args.out) if args.out else []
    return _print(run, args.json, written)


def compliance(args: argparse.Namespace) -> int:
    from app.ops.case import open_case
    from app.ops.check_reports import write_compliance_papers
    from app.ops.compliance import run_compliance

    kinds = _kinds(args)
    with open_case(args.case) as case:
        run = run_compliance(case, args.names, since=args.since, sinkholes=args.sinkhole, servers=servers_of(args),
                             pace=_pace(args), resolve=not args.no_resolve, whois="whois" in kinds,
                             reporter=Counter("domains checked"))
        written = write_compliance_papers(case, run, args.out) if args.out else []
    return _print(run, args.json, written)


def _print(run: Any, as_json: bool, written: list[Path]) -> int:
    for state in run.states:
        if as_json:
            print(json.dumps(state.as_json(run.exhibits), ensure_ascii=False))
            continue
        exhibits = run.exhibit_labels(state)
        cited = f"  (Exhibit{'s' if len(exhibits) > 1 else ''} {', '.join(map(str, exhibits))})" if exhibits else ""
        if state.verdict:
            how = f" by {state.how}" if state.how and state.verdict != "not-yet" else ""
            print(f"{state.verdict + how:<18} {state.domain}{cited}")
            for line in state.missing:
                print(f"      - {line}")
        else:
            shown = "ready" if state.ok else "CHECK"
            facts = ", ".join(x for x in (
                {True: "registered", False: "NOT REGISTERED", None: "registration unknown"}[state.registered],
                {True: "resolving", False: "not resolving", None: "resolution unknown"}[state.resolving],
                " ".join(state.statuses), state.registrar, f"expires {state.expires[:10]}" if state.expires else "",
            ) if x)
            print(f"{shown:<6} {state.domain}: {facts}{cited}")
        for flag in () if state.verdict else state.flags:  # after the order, "missing" says it
            print(f"      ! {flag.severity}: {flag.message}")
    for name, kind, reason in run.failures:
        print(f"no reply: {kind} {name}: {reason}", file=sys.stderr)
    for pace in run.paces:
        if pace.throttled or pace.gave_up:
            print(f"{pace.server}: throttled {pace.throttled} time(s), waited {pace.waited:.0f} s, ended at "
                  f"{pace.rate}/s" + (f"; {pace.gave_up}" if pace.gave_up else ""), file=sys.stderr)
    counts = ", ".join(f"{n} {k}" for k, n in sorted(run.counts().items()))
    print(f"{len(run.states)} domain(s): {counts}; {run.replies} repl{'y' if run.replies == 1 else 'ies'} kept as "
          "evidence", file=sys.stderr if as_json else sys.stdout)
    for path in written:
        print(f"wrote {path}", file=sys.stderr if as_json else sys.stdout)
    return EXIT_OK if run.ok else EXIT_FAILED
