"""``evbundle review | support | sworn``: what stands between the case and filing; which exhibits support
each listed domain; which typed-in details are stated under oath."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .exitcodes import EXIT_ERROR, EXIT_FAILED, EXIT_OK

HOW = ["registrant", "record", "advertised", "capture", "name-servers", "note"]


def register(sub: Any) -> None:
    p = sub.add_parser("review", help="the pre-filing review: blocking problems and warnings (exit 1 if blocked)")
    p.add_argument("case", type=Path)
    p.add_argument("--json", action="store_true")
    p.add_argument("--bundle-date", help="the date the papers will be executed on (default: the case's)")
    p.add_argument("--max-age", type=int, default=30, metavar="DAYS",
                   help="warn about records older than this on the date of execution (default 30)")
    p.set_defaults(handler=review)

    p = sub.add_parser("support", help="which exhibits show that each listed domain belongs in the order")
    p.add_argument("case", type=Path)
    ssub = p.add_subparsers(dest="support_command", metavar="ACTION", required=True)
    a = ssub.add_parser("list", help="each listed domain with its support links")
    a.add_argument("--unsupported", action="store_true", help="only the domains no exhibit supports")
    a.add_argument("--json", action="store_true")
    a = ssub.add_parser("add", help="link domains to an exhibit with the declarant's statement (logged)")
    a.add_argument("domains", nargs="*", metavar="DOMAIN")
    a.add_argument("--from", dest="from_file", type=Path, help="also the domains in this file, one per line")
    a.add_argument("--exhibit", type=int, required=True, help="the exhibit number that shows it")
    a.add_argument("--note", required=True,
                   help="the declarant's statement, printed as given after \"it was\" (e.g. \"found in the "
                        "malware's configuration\")")
    a.add_argument("--defendant", type=int, default=0, metavar="PARTY", help="also ties this defendant (party id)")
    for action, text in (("remove", "take support links out (logged)"), ("restore", "put taken-out links back")):
        a = ssub.add_parser(action, help=text)
        a.add_argument("domains", nargs="+", metavar="DOMAIN")
        a.add_argument("--exhibit", type=int, help="only links citing this exhibit")
        a.add_argument("--how", choices=HOW, help="only links of this kind")
        a.add_argument("--defendant", type=int, metavar="PARTY", help="only links tying this defendant")
    p.set_defaults(handler=support)

    p = sub.add_parser("sworn", help="choose which typed-in details of an item the declaration states under oath")
    p.add_argument("case", type=Path)
    p.add_argument("item", type=int, help="item id (see evbundle list)")
    p.add_argument("--field", action="append", default=[], metavar="FIELD",
                   help="captured_by, tool, tool_version, notes, source or server (repeat); none: state none")
    p.set_defaults(handler=sworn)


def review(args: argparse.Namespace) -> int:
    from app.ops.case import open_case
    from app.ops.review import review_case

    with open_case(args.case) as case:
        result = review_case(case, bundle_date=args.bundle_date, max_record_age_days=args.max_age)
    if args.json:
        print(json.dumps({"blocking": len(result.blocking), "warnings": len(result.warnings),
                          "problems": [p.as_json() for p in result.problems]}, indent=1, ensure_ascii=False))
    else:
        for problem in result.problems:
            print(problem)
        verdict = "not fileable yet" if result.blocking else "no blocking problem"
        print(f"{verdict}: {len(result.blocking)} blocking, {len(result.warnings)} warning(s)")
    return EXIT_FAILED if result.blocking else EXIT_OK


def _exhibit_item(case: Any, number: int | None) -> int | None:
    if number is None:
        return None
    for n, item, _ in case.exhibits():
        if n == number:
            return int(item.id)
    from app.core.errors import CaseFileError

    raise CaseFileError("no such exhibit", path=case.path, found=str(number))


def support(args: argparse.Namespace) -> int:
    from app.ops.case import open_case
    from app.ops.support import SupportKind, add_support, domain_support, remove_support, restore_support

    action = args.support_command
    with open_case(args.case) as case:
        if action in ("add", "remove", "restore"):
            names = list(args.domains)
            if getattr(args, "from_file", None) is not None:
                names += [line.strip() for line in args.from_file.read_text(encoding="utf-8").splitlines()
                          if line.strip() and not line.lstrip().startswith("#")]
            if not names:
                print("evbundle: error: name the domains (or --from FILE)", file=sys.stderr)
                return EXIT_ERROR
            item_id = _exhibit_item(case, args.exhibit)
            if action == "add":
                done = add_support(case, names, item_id or 0, args.note, party_id=args.defendant).links
            else:
                how = SupportKind(args.how) if args.how else None
                change = remove_support if action == "remove" else restore_support
                done = change(case, names, how=how, item_id=item_id, party_id=args.defendant).links
            past = {"add": "added", "remove": "took out", "restore": "put back"}[action]
            print(f"{past} {len(done)} link(s)")
            return EXIT_OK
        numbers = {item.id: n for n, item, _ in case.exhibits()}
        every = domain_support(case)
        rows = [r for r in every if not (args.unsupported and r.supported)]
    if args.json:
        print(json.dumps([{"domain": r.domain.ascii, "supported": r.supported,
                           "links": [{"how": link.how.value, "exhibit": numbers.get(link.item_id),
                                      "defendant": link.party_id or None, "shows": link.shows, "note": link.note,
                                      "derived": link.derived, "removed": link.removed} for link in r.links]}
                          for r in rows], indent=1, ensure_ascii=False))
        return EXIT_OK
    for r in rows:
        print(f"{r.domain.ascii}: {'supported' if r.supported else 'NO EXHIBIT'}")
        for link in r.links:
            where = f"Exhibit {numbers[link.item_id]}" if link.item_id in numbers else "no exhibit"
            state = " (taken out)" if link.removed else ("" if link.derived else " (added)")
            tie = f", defendant {link.party_id}" if link.party_id else ""
            said = link.note or link.shows
            print(f"    {link.how.value:<12} {where}{tie}{state}: {said}")
    print(f"{len(every)} listed domain(s); {sum(not r.supported for r in every)} without an exhibit")
    return EXIT_OK


def sworn(args: argparse.Namespace) -> int:
    from app.ops.case import open_case
    from app.ops.sworn import choose_sworn

    chosen = [f for f in args.field if f != "none"]
    with open_case(args.case) as case:
        item = choose_sworn(case, args.item, chosen).item
    print(f"item {item.id}: stated under oath: {', '.join(item.metadata.get('sworn') or []) or 'none'}")
    return EXIT_OK


def refused(error: Any) -> int:
    """What ``export`` and ``build`` print when the review blocks the filing documents: every blocking
    problem, one a line, and how to go on (exit 1: refused, as a failed check is)."""
    print(f"evbundle: refused: {error.path}: the papers are not fileable yet; the review found:", file=sys.stderr)
    for problem in error.problems:
        print(f"  {problem}", file=sys.stderr)
    print("fix them (evbundle review CASE lists them with warnings), or make a draft with --draft, which says "
          "DRAFT on every page", file=sys.stderr)
    return EXIT_FAILED
