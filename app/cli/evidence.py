"""``evbundle add | show | links | meta | attachments``: evidence files and what is in them."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from app.core.model import ItemKind

from .exitcodes import EXIT_ERROR, EXIT_FAILED, EXIT_OK


def register(sub: Any) -> None:
    p = sub.add_parser("add", help="import evidence files (kind detected from content)")
    p.add_argument("case", type=Path)
    p.add_argument("paths", type=Path, nargs="+", metavar="PATH")
    p.add_argument("--as", dest="kind", choices=[k.value for k in ItemKind], help="force the kind")
    _metadata_options(p)
    p.set_defaults(handler=add)

    p = sub.add_parser("show", help="print an item's parsed view (headers, hops, links, attachments; image info)")
    p.add_argument("case", type=Path)
    p.add_argument("item", type=int, help="item id (see evbundle list)")
    p.add_argument("--no-body", action="store_true", help="leave out the message body")
    p.set_defaults(handler=show)

    p = sub.add_parser("links", help="the domains each spam sample advertises, against the case's domains")
    p.add_argument("case", type=Path)
    p.add_argument("--add-unknown", action="store_true", help="add the advertised domains the case lacks")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=links)

    p = sub.add_parser("meta", help="edit an item's metadata (each change is logged)")
    p.add_argument("case", type=Path)
    p.add_argument("item", type=int)
    _metadata_options(p)
    p.add_argument("--category", choices=["pharma", "stock", "fake-av", "malware", "other"],
                   help="confirm a spam sample's category")
    p.set_defaults(handler=meta)

    p = sub.add_parser("attachments", help="export a message's attachments as <sha256>.bin (mode 0600)")
    p.add_argument("case", type=Path)
    p.add_argument("item", type=int)
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(handler=attachments)


def _metadata_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--url", help="the URL the screenshot shows")
    p.add_argument("--captured-at", help="capture time with zone, e.g. 2026-11-28T14:05:00Z")
    p.add_argument("--captured-by", help="who captured it")
    p.add_argument("--tool", help="capture tool")
    p.add_argument("--tool-version", help="capture tool version")
    p.add_argument("--notes")


def _metadata_of(args: argparse.Namespace) -> dict[str, str]:
    names = ("url", "captured_at", "captured_by", "tool", "tool_version", "notes", "category")
    return {name: getattr(args, name) for name in names if getattr(args, name, None) is not None}


def print_imported(case: Any, report: Any, *, records: bool = False) -> int:
    """One line per item made and per file refused (on standard error); the exit code."""
    for item_id in report.imported:
        item = case.item(item_id)
        status = "" if item.parse_status.value == "ok" else f" [{item.parse_status.value}: {item.parse_error}]"
        if records:
            print(f"imported {item.exhibit_label}: {item.name} ({item.record.get('format', '?')}) "
                  f"sha256 {item.sha256}{status}")
        else:
            label = f"{item.exhibit_label}: " if item.exhibit_label else ""
            print(f"added {label}{item.kind.value} {item.name!r} sha256 {item.sha256}{status}")
    for path, reason in report.refused:
        print(f"refused {path}: {reason}", file=sys.stderr)
    return EXIT_OK if report.ok else EXIT_FAILED


def add(args: argparse.Namespace) -> int:
    from app.ops.capture_meta import normalise_metadata
    from app.ops.case import open_case
    from app.ops.intake import import_files

    with open_case(args.case) as case:
        kind = ItemKind(args.kind) if args.kind else None
        metadata = _metadata_of(args)
        if metadata:
            metadata = normalise_metadata(ItemKind.SCREENSHOT, metadata)
        report = import_files(case, args.paths, forced_kind=kind, metadata=metadata or None)
        return print_imported(case, report)


def show(args: argparse.Namespace) -> int:
    from app.ops.case import open_case
    from app.ops.show import item_view

    with open_case(args.case) as case:
        print(item_view(case, args.item, body=not args.no_body))
    return EXIT_OK


def links(args: argparse.Namespace) -> int:
    from app.ops.case import open_case
    from app.ops.linking import add_unknown_domains, spam_links

    with open_case(args.case) as case:
        if args.add_unknown:
            report = add_unknown_domains(case)
            print(f"added {report.added} advertised domain(s) to the case", file=sys.stderr)
        rows = spam_links(case)
        if args.json:
            print(json.dumps([r.as_json() for r in rows], indent=1, ensure_ascii=False))
            return EXIT_OK
        for r in rows:
            label = r.exhibit_label or f"item {r.item_id}"
            print(f"{label}: {r.subject}")
            print(f"  in the case: {', '.join(r.in_case) or '-'}")
            print(f"  not in the case: {', '.join(r.unknown) or '-'}")
            for m in r.mismatches:
                print(f"  link text shows {m.get('shown_host')} but points to {m.get('host')}")
        unknown = sorted({d for r in rows for d in r.unknown})
        print(f"{len(rows)} message(s); {len(unknown)} advertised domain(s) not in the case")
    return EXIT_OK


def meta(args: argparse.Namespace) -> int:
    from app.ops.capture_meta import edit_metadata
    from app.ops.case import open_case

    changes = _metadata_of(args)
    if not changes:
        print("evbundle: error: give at least one field to change (--url, --captured-at, ...)", file=sys.stderr)
        return EXIT_ERROR
    with open_case(args.case) as case:
        item = edit_metadata(case, args.item, changes).item
        for key in sorted(changes):
            print(f"{key}: {item.metadata.get(key, '')}")
    return EXIT_OK


def attachments(args: argparse.Namespace) -> int:
    from app.ops.attachments import export_attachments
    from app.ops.case import open_case

    with open_case(args.case) as case:
        exported = export_attachments(case, args.item, args.out)
    for a in exported:
        print(f"{a.path}  {a.size:,} bytes  {a.sniffed_type}  (sent as {a.declared_name!r})")
    print(f"{len(exported)} attachment(s) written as <sha256>.bin, mode 0600; names in {args.out / 'manifest.tsv'}")
    return EXIT_OK
