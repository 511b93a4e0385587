"""``evbundle domains CASE add | list | check | import | lookup | registry`` and ``evbundle lookup CASE``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .exitcodes import EXIT_ERROR, EXIT_FAILED, EXIT_OK
from .reporting import Counter


def register(sub: Any) -> None:
    p = sub.add_parser("domains", help="add or list the case's domains")
    p.add_argument("case", type=Path)
    dsub = p.add_subparsers(dest="domains_command", metavar="ACTION", required=True)
    d = dsub.add_parser("add", help="add domains (names, or --from a list file)")
    d.add_argument("names", nargs="*")
    d.add_argument("--from", dest="from_file", type=Path, help="a file with one domain per line, CSV or URLs")
    d.set_defaults(handler=add)
    d = dsub.add_parser("list", help="list the domains by registry, with their problems")
    d.add_argument("--json", action="store_true")
    d.set_defaults(handler=list_domains)
    d = dsub.add_parser("check", help="checks before filing (registry, duplicates, look-alikes, records)")
    d.add_argument("--max-age", type=int, default=30, metavar="DAYS", help="records older than this are stale")
    d.set_defaults(handler=check)
    d = dsub.add_parser("import", help="import saved WHOIS text or RDAP JSON files as domain records")
    d.add_argument("paths", type=Path, nargs="+", metavar="PATH")
    d.set_defaults(handler=import_records)
    d = dsub.add_parser("lookup", help="look up the case's domains (or NAMEs) live: RDAP, WHOIS, DNS")
    _lookup_arguments(d)
    d = dsub.add_parser("registry", help="show or correct a registry's name and address for this case")
    d.add_argument("action", choices=["show", "set"])
    d.add_argument("registry", help="registry id (as `domains list --json` shows) or one of its TLDs")
    d.add_argument("--name", help="the registry's legal name")
    d.add_argument("--address", action="append", metavar="LINE", help="a postal address line (repeat)")
    d.add_argument("--tld", action="append", default=[], help="a TLD this registry runs (repeat)")
    d.add_argument("--note", default="", help="where the correction comes from")
    d.set_defaults(handler=registry)

    p = sub.add_parser("lookup", help="look up domains live (RDAP, WHOIS, DNS); each reply becomes evidence")
    p.add_argument("case", type=Path)
    _lookup_arguments(p)


def _lookup_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("names", nargs="*", metavar="NAME", help="domains to look up (default: all of the case's)")
    p.add_argument("--rdap", action="store_true", help="RDAP over HTTPS (the default when no kind is given)")
    p.add_argument("--whois", action="store_true", help="port-43 WHOIS")
    p.add_argument("--dns", action="store_true", help="DNS A, AAAA, NS, MX and TXT")
    p.add_argument("--rate", type=float, default=1.0, metavar="PER_SECOND", help="at most this many queries a second")
    p.add_argument("--timeout", type=float, default=15.0, metavar="SECONDS")
    server_arguments(p)
    p.add_argument("--refresh-bootstrap", action="store_true",
                   help="first download IANA's current RDAP bootstrap file (kept for later lookups)")
    p.set_defaults(handler=lookup)


def server_arguments(p: argparse.ArgumentParser) -> None:
    """The options that say which servers to ask (``lookup``, ``precheck`` and ``compliance`` share them)."""
    p.add_argument("--rdap-url", action="append", default=[], metavar="[TLD=]URL",
                   help="ask this RDAP base URL instead of the bootstrap's; TLD=URL for one TLD only (repeat)")
    p.add_argument("--bootstrap", type=Path, metavar="FILE",
                   help="an RDAP bootstrap file (RFC 9224, like IANA's dns.json) to route queries by TLD")
    p.add_argument("--whois-server", metavar="HOST[:PORT]", help="ask this WHOIS server instead of IANA's referral")
    p.add_argument("--dns-server", action="append", default=[], metavar="[TLD=]IP[:PORT]",
                   help="ask this DNS server instead of the system's (and the TLD's own); TLD=IP for one TLD (repeat)")


def servers_of(args: argparse.Namespace) -> Any:
    """The LookupServers the server options name."""
    from app.ops.lookups import servers_from_options

    return servers_from_options(rdap_urls=args.rdap_url, whois_server=args.whois_server or "",
                                dns_servers=args.dns_server, bootstrap=args.bootstrap, timeout=args.timeout)


def add(args: argparse.Namespace) -> int:
    from app.ops.case import open_case
    from app.ops.intake import add_domains

    parts = list(args.names)
    source = "command line"
    if args.from_file:
        parts.append(args.from_file.read_text(encoding="utf-8", errors="replace"))
        source = args.from_file.name
    if not parts:
        print("evbundle: error: name domains or give --from FILE", file=sys.stderr)
        return EXIT_ERROR
    with open_case(args.case) as case:
        report = add_domains(case, "\n".join(parts), source=source)
    print(f"added {report.added} domain(s); {report.duplicates} already in the case")
    for problem in report.problems:
        print(f"refused {problem}", file=sys.stderr)
    return EXIT_FAILED if report.problems else EXIT_OK


def list_domains(args: argparse.Namespace) -> int:
    from app.ops.case import open_case
    from app.ops.domains import domain_listing

    with open_case(args.case) as case:
        rows = domain_listing(case)
    if args.json:
        print(json.dumps([row.as_json() for row in rows], indent=1, ensure_ascii=False))
        return EXIT_OK
    current = None
    for row in rows:
        d = row.domain
        if d.registry_id != current:
            current = d.registry_id
            print(f"# {row.registry}")
        shown = d.ascii if d.unicode == d.ascii else f"{d.ascii} ({d.unicode})"
        flags = "".join(f"\n      ! {flag}" for flag in d.flags)
        print(f"  {shown}{flags}")
    print(f"{len(rows)} domain(s)")
    return EXIT_OK


def check(args: argparse.Namespace) -> int:
    from app.ops.case import open_case
    from app.ops.domains import check_domains

    with open_case(args.case) as case:
        checks = check_domains(case, max_record_age_days=args.max_age)
        count = case.count_domains()
    for c in checks:
        print(c)
    problems = sum(1 for c in checks if c.severity == "problem")
    warnings = len(checks) - problems
    print(f"{count} domain(s): {problems} problem(s), {warnings} warning(s)")
    return EXIT_FAILED if problems else EXIT_OK


def import_records(args: argparse.Namespace) -> int:
    from app.core.model import ItemKind
    from app.ops.case import open_case
    from app.ops.intake import import_files

    from .evidence import print_imported

    with open_case(args.case) as case:
        report = import_files(case, args.paths, forced_kind=ItemKind.DOMAIN_RECORD)
        return print_imported(case, report, records=True)


def lookup(args: argparse.Namespace) -> int:
    from app.ops.case import open_case
    from app.ops.lookups import lookup_domains, refresh_bootstrap

    kinds = [k for k in ("rdap", "whois", "dns") if getattr(args, k)] or ["rdap"]
    with open_case(args.case) as case:
        names = list(args.names) or [d.ascii for d in case.domains()]
        if not names:
            print("evbundle: nothing to look up: name domains or add some to the case", file=sys.stderr)
            return EXIT_FAILED
        if args.refresh_bootstrap:
            path, count = refresh_bootstrap(timeout=args.timeout)
            print(f"saved the RDAP bootstrap file ({count} TLDs) to {path}")
        servers = servers_of(args)
        report = lookup_domains(case, names, kinds, reporter=Counter("lookups"), rate_limit=args.rate,
                                servers=servers)
        for item_id in report.stored:
            item = case.item(item_id)
            details = item.record.get("lookup", {})
            status = f" HTTP {details['http_status']}" if "http_status" in details else ""
            problem = f" [{item.parse_error}]" if item.parse_error else ""
            print(f"stored {item.exhibit_label}: {details.get('kind')} {item.name} from {details.get('server')}"
                  f"{status} sha256 {item.sha256}{problem}")
    for name, kind, reason in report.failed:
        print(f"failed {kind} {name}: {reason}", file=sys.stderr)
    return EXIT_OK if report.ok else EXIT_FAILED


def registry(args: argparse.Namespace) -> int:
    from app.ops.case import open_case
    from app.ops.domains import find_registry, set_registry

    with open_case(args.case) as case:
        if args.action == "set":
            if args.name is None and args.address is None and not args.tld:
                print("evbundle: error: give --name, --address or --tld", file=sys.stderr)
                return EXIT_ERROR
            found = set_registry(case, args.registry, name=args.name, address=args.address,
                                 tlds=args.tld, note=args.note).registry
        else:
            found = find_registry(case, args.registry)
    print(f"{found.id}: {found.name}")
    for line in found.address or ("(no postal address)",):
        print(f"  {line}")
    print(f"  TLDs: {', '.join('.' + t for t in found.tlds[:20])}{' …' if len(found.tlds) > 20 else ''}")
    print(f"  source: {found.source}")
    return EXIT_OK
