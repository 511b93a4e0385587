"""``evbundle export | exhibits | paragraphs | redactions``: the filing set and counsel's edits to it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .exitcodes import EXIT_ERROR, EXIT_OK
from .reporting import StageLines


def register(sub: Any) -> None:
    p = sub.add_parser("export", help="write the filing set (declaration, exhibits, order, index, ...)")
    p.add_argument("case", type=Path)
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.add_argument("--format", default="pdf,docx", help="pdf, docx or pdf,docx (default)")
    p.add_argument("--bundle-date", help="date for the documents (YYYY-MM-DD); default: the case's")
    paper = p.add_mutually_exclusive_group()
    paper.add_argument("--paper", dest="paper", action="store_true", default=None,
                       help="also write one print-ready PDF with tab pages (default: sealed E.D. Va. cases)")
    paper.add_argument("--no-paper", dest="paper", action="store_false")
    p.add_argument("--draft", action="store_true",
                   help="write the set even while the review finds blocking problems; every page says DRAFT")
    signing = p.add_mutually_exclusive_group()
    signing.add_argument("--sign-pdfs", dest="sign_pdfs", action="store_true", default=None,
                         help="sign the declaration, exhibit index and certification PDFs (PAdES B-T with the "
                              "case's timestamp authority; default: the case's choice)")
    signing.add_argument("--no-sign-pdfs", dest="sign_pdfs", action="store_false")
    p.add_argument("--passphrase-file", type=Path, help="the signing passphrase, when signing the PDFs")
    p.add_argument("--tsa", action="append", default=[], metavar="URL",
                   help="timestamp authority for the PDF signatures (default: as for a build)")
    p.add_argument("--no-timestamp", action="store_true", help="sign the PDFs without a timestamp")
    p.set_defaults(handler=export)

    p = sub.add_parser("exhibits", help="list or renumber the exhibits")
    p.add_argument("case", type=Path)
    esub = p.add_subparsers(dest="exhibits_command", metavar="ACTION", required=True)
    esub.add_parser("list", help="the exhibits in order")
    e = esub.add_parser("order", help="renumber: name every current exhibit number in the new order")
    e.add_argument("numbers", type=int, nargs="+")
    e = esub.add_parser("move", help="move one exhibit to a new position")
    e.add_argument("number", type=int)
    e.add_argument("--to", type=int, required=True)
    p.set_defaults(handler=exhibits)

    p = sub.add_parser("paragraphs", help="list or edit the declaration's paragraphs")
    p.add_argument("case", type=Path)
    psub = p.add_subparsers(dest="paragraphs_command", metavar="ACTION", required=True)
    psub.add_parser("list", help="the editable paragraphs, with their keys")
    e = psub.add_parser("edit", help="replace a paragraph's words")
    e.add_argument("key")
    e.add_argument("text")
    e = psub.add_parser("add", help="add a paragraph of your own")
    e.add_argument("section", choices=["scheme", "evidence", "exhibits", "domains", "defendants", "harm",
                                       "notice"])
    e.add_argument("text")
    e.add_argument("--after", help="the key of the paragraph it follows")
    for name, text in (("remove", "leave a paragraph out"), ("restore", "put a removed paragraph back"),
                       ("reset", "go back to the drafted words and place"),
                       ("confirm", "the declarant confirms a paragraph no exhibit shows, as it now reads")):
        psub.add_parser(name, help=text).add_argument("key")
    e = psub.add_parser("move", help="move a paragraph within its section")
    e.add_argument("key")
    e.add_argument("--to", type=int, required=True)
    p.set_defaults(handler=paragraphs)

    p = sub.add_parser("redactions", help="Rule 5.2: list personal data in the exhibits; confirm, dismiss or withdraw")
    p.add_argument("case", type=Path)
    p.add_argument("action", nargs="?", choices=["list", "confirm", "dismiss", "withdraw"], default="list")
    p.add_argument("ids", nargs="*", metavar="ID")
    p.set_defaults(handler=redactions)


def export(args: argparse.Namespace) -> int:
    from app.ops.case import open_case
    from app.ops.filing import export_filing_set
    from app.ops.pdf_signing import export_signing, wants_signed_pdfs
    from app.ops.review import FilingBlocked

    from .review import refused

    formats = tuple(f.strip().lower() for f in args.format.split(",") if f.strip())
    with open_case(args.case) as case:
        signing = None
        if wants_signed_pdfs(case.info(), args.sign_pdfs):
            from .passphrase import read_passphrase

            signing = export_signing(case, read_passphrase(args.passphrase_file, confirm=False),
                                     tsa_urls=args.tsa, no_timestamp=args.no_timestamp)
        try:
            result = export_filing_set(case, args.out, formats=formats, paper=args.paper,
                                       bundle_date=args.bundle_date, reporter=StageLines(), draft=args.draft,
                                       pdf_signing=signing)
        except FilingBlocked as exc:
            return refused(exc)
    for path in result.files:
        print(f"wrote {path}")
    if result.paper_set:
        print(f"paper set: {result.paper_set}")
    return EXIT_OK


def exhibits(args: argparse.Namespace) -> int:
    from app.ops.case import open_case
    from app.ops.exhibit_order import move_exhibit, order_exhibits

    with open_case(args.case) as case:
        mapping: dict[int, int] = {}
        if args.exhibits_command == "order":
            mapping = order_exhibits(case, args.numbers).mapping
        elif args.exhibits_command == "move":
            mapping = move_exhibit(case, args.number, args.to).mapping
        for old, new in sorted(mapping.items(), key=lambda kv: kv[1]):
            if old != new:
                print(f"Exhibit {old} is now Exhibit {new}")
        for number, item, description in case.exhibits():
            print(f"Exhibit {number:<4} {item.kind.value:<16} {description or item.name}")
    return EXIT_OK


def paragraphs(args: argparse.Namespace) -> int:
    from app.ops import paragraphs as ops
    from app.ops.case import open_case

    action = args.paragraphs_command
    with open_case(args.case) as case:
        if action == "edit":
            ops.edit_paragraph(case, args.key, args.text)
        elif action == "add":
            print(f"added {ops.add_paragraph(case, args.section, args.text, after=args.after).key}")
        elif action in ("remove", "restore"):
            ops.remove_paragraph(case, args.key, removed=action == "remove")
        elif action == "reset":
            ops.reset_paragraph(case, args.key)
        elif action == "confirm":
            ops.confirm_paragraph(case, args.key)
        elif action == "move":
            ops.move_paragraph(case, args.key, args.to)
        for p in ops.current_paragraphs(case):
            state = "removed" if p.removed else ("edited" if p.edited else "drafted")
            state += ", NOT CONFIRMED" if p.unconfirmed else (", confirmed" if p.confirmed else "")
            print(f"[{p.section}] {p.key} ({state}): {p.text}")
    return EXIT_OK


def redactions(args: argparse.Namespace) -> int:
    from app.ops.case import open_case
    from app.ops.redactions import decide_redactions, list_redactions

    past = {"confirm": "confirmed", "dismiss": "dismissed", "withdraw": "withdrew"}
    with open_case(args.case) as case:
        if args.action in past:
            if not args.ids:
                print("evbundle: error: name the candidates by ID", file=sys.stderr)
                return EXIT_ERROR
            for done in decide_redactions(case, args.ids, args.action).candidates:  # the exhibits searched once
                print(f"{past[args.action]} {done.id}: {done.text!r} -> {done.replacement!r}")
            return EXIT_OK
        rows = list_redactions(case)
        for row in rows:
            c = row.candidate
            mark = row.decision or "candidate"
            print(f"{c.id}  Exhibit {row.exhibit_number}  {mark:<9}  {c.text!r} -> {c.replacement!r}  ({c.reason})")
        print(f"{len(rows)} candidate(s); {sum(r.confirmed for r in rows)} confirmed")
    return EXIT_OK
