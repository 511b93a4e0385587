"""The domain commands of the CLI: ``domains CASE check | import | lookup | registry`` and ``lookup CASE``.

Kept beside app/cli.py so that the main CLI module stays small; same rules:
no Qt, errors are EvidenceErrors turned into one line by app.cli.main.
Exit codes: 0 success, 1 a check found a problem or a lookup got no reply.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

EXIT_OK, EXIT_FAILED = 0, 1


def domains_command(case: Any, args: argparse.Namespace) -> int:
    """Run one of the domain actions on an open case."""
    if args.domains_command == "check":
        return _check(case, args.max_age)
    if args.domains_command == "import":
        from app.ops.intake import import_files
        from app.core.model import ItemKind

        report = import_files(case, args.paths, forced_kind=ItemKind.DOMAIN_RECORD)
        for item_id in report.imported:
            item = case.item(item_id)
            status = "" if item.parse_status.value == "ok" else f" [{item.parse_status.value}: {item.parse_error}]"
            print(f"imported {item.exhibit_label}: {item.name} ({item.record.get('format', '?')}) "
                  f"sha256 {item.sha256}{status}")
        for path, reason in report.refused:
            print(f"refused {path}: {reason}", file=sys.stderr)
        return EXIT_OK if report.ok else EXIT_FAILED
    if args.domains_command == "lookup":
        return _lookup(case, args)
    return _registry(case, args)


def lookup_command(args: argparse.Namespace) -> int:
    """``evbundle lookup CASE [--rdap] [--whois] [--dns] NAME...``"""
    from app.store import CaseFile

    with CaseFile.open(args.case) as case:
        return _lookup(case, args)


def _lookup(case: Any, args: argparse.Namespace) -> int:
    from app.ops.lookups import LookupServers, lookup_domains

    kinds = [k for k in ("rdap", "whois", "dns") if getattr(args, k)] or ["rdap"]
    names = list(args.names) or [d.ascii for d in case.domains()]
    if not names:
        print("evbundle: nothing to look up: name domains or add some to the case", file=sys.stderr)
        return EXIT_FAILED

    def progress(done: int, total: int) -> None:
        print(f"\r{done}/{total} lookups", end="" if done < total else "\n", file=sys.stderr, flush=True)

    if args.refresh_bootstrap:
        from app.ops.lookups import refresh_bootstrap

        path, count = refresh_bootstrap(timeout=args.timeout)
        print(f"saved the RDAP bootstrap file ({count} TLDs) to {path}")
    whois_host, _, whois_port = (args.whois_server or "").partition(":")
    dns_host, _, dns_port = (args.dns_server or "").partition(":")
    servers = LookupServers(
        rdap_base=args.rdap_url, whois_server=whois_host or None, whois_port=int(whois_port or 43),
        dns_servers=[dns_host] if dns_host else None, dns_port=int(dns_port or 53), timeout=args.timeout,
    )
    report = lookup_domains(case, names, kinds, progress=progress, rate_limit=args.rate, servers=servers)
    for item_id in report.stored:
        item = case.item(item_id)
        lookup = item.record.get("lookup", {})
        status = f" HTTP {lookup['http_status']}" if "http_status" in lookup else ""
        problem = f" [{item.parse_error}]" if item.parse_error else ""
        print(f"stored {item.exhibit_label}: {lookup.get('kind')} {item.name} from {lookup.get('server')}"
              f"{status} sha256 {item.sha256}{problem}")
    for name, kind, reason in report.failed:
        print(f"failed {kind} {name}: {reason}", file=sys.stderr)
    return EXIT_OK if report.ok else EXIT_FAILED


def _check(case: Any, max_age: int) -> int:
    from app.ops.domains import check_domains

    checks = check_domains(case, max_record_age_days=max_age)
    for check in checks:
        print(check)
    problems = sum(1 for c in checks if c.severity == "problem")
    warnings = len(checks) - problems
    print(f"{case.count_domains()} domain(s): {problems} problem(s), {warnings} warning(s)")
    return EXIT_FAILED if problems else EXIT_OK


def _registry(case: Any, args: argparse.Namespace) -> int:
    from app.ops.domains import registry_table, set_registry

    if args.action == "set":
        if args.name is None and args.address is None and not args.tld:
            print("evbundle: error: give --name, --address or --tld", file=sys.stderr)
            return 2
        registry = set_registry(case, args.registry, name=args.name, address=args.address,
                                tlds=args.tld, note=args.note)
    else:
        table = registry_table(case)
        registry = table.get(args.registry) if args.registry in table.registries else table.for_tld(args.registry)
    print(f"{registry.id}: {registry.name}")
    for line in registry.address or ("(no postal address)",):
        print(f"  {line}")
    print(f"  TLDs: {', '.join('.' + t for t in registry.tlds[:20])}{' …' if len(registry.tlds) > 20 else ''}")
    print(f"  source: {registry.source}")
    return EXIT_OK
