"""``evbundle new | list | check | custody``: the case file itself."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from .exitcodes import EXIT_FAILED, EXIT_OK


def register(sub: Any) -> None:
    p = sub.add_parser("new", help="create a case file")
    p.add_argument("case", type=Path, help="the case file to create (.evcase)")
    p.add_argument("--title", required=True)
    p.add_argument("--case-number", default="")
    p.add_argument("--court", default="edva", help="court profile (default: edva)")
    p.add_argument("--declarant", default="")
    p.add_argument("--organisation", default="")
    p.add_argument("--plaintiff", default="")
    p.add_argument("--bates-prefix", default="EVB")
    p.set_defaults(handler=new)

    p = sub.add_parser("list", help="list the evidence items")
    p.add_argument("case", type=Path)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=list_items)

    p = sub.add_parser("check", help="re-hash every object, check custody chain and database")
    p.add_argument("case", type=Path)
    p.set_defaults(handler=check)

    p = sub.add_parser("custody", help="export a case's custody log")
    p.add_argument("case", type=Path)
    p.add_argument("--uco", type=Path, required=True, metavar="OUT", help="write CASE/UCO JSON-LD here")
    p.set_defaults(handler=custody)


def new(args: argparse.Namespace) -> int:
    from app.core.model import CaseInfo
    from app.ops.case import create_case

    info = CaseInfo(
        case_id="", title=args.title, case_number=args.case_number, court=args.court,
        declarant=args.declarant, organisation=args.organisation, plaintiff=args.plaintiff,
        bates_prefix=args.bates_prefix,
    )
    with create_case(args.case, info) as case:
        print(f"created {args.case} ({case.info().case_id})")
    return EXIT_OK


def list_items(args: argparse.Namespace) -> int:
    from app.ops.case import open_case

    with open_case(args.case) as case:
        items = case.items()
        if args.json:
            print(json.dumps(
                [{"id": i.id, "kind": i.kind.value, "name": i.name, "sha256": i.sha256,
                  "size": i.size, "exhibit": i.exhibit_label or None, "status": i.parse_status.value,
                  "parent": i.parent_id} for i in items],
                indent=1, ensure_ascii=False,
            ))
            return EXIT_OK
        for i in items:
            label = i.exhibit_label or "-"
            print(f"{i.id:>5}  {label:<12} {i.kind.value:<16} {i.sha256}  {i.name}")
        print(f"{len(items)} item(s)")
    return EXIT_OK


def check(args: argparse.Namespace) -> int:
    from app.ops.case import check_case

    report = check_case(args.case)
    if report.problems:
        for problem in report.problems:
            print(f"problem: {problem}")
        print(f"{args.case}: {len(report.problems)} problem(s) found")
        return EXIT_FAILED
    print(f"{args.case}: all {report.items} item(s) match their hashes; custody chain and database intact")
    return EXIT_OK


def custody(args: argparse.Namespace) -> int:
    from app.ops.case import open_case
    from app.ops.custody_export import export_uco

    with open_case(args.case) as case:
        count = export_uco(case, args.uco)
    print(f"wrote {count} custody entries as CASE/UCO JSON-LD to {args.uco}")
    return EXIT_OK
