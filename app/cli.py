"""The headless commands: ``evbundle new | add | domains | list | check | build | verify | demo``.

Never imports Qt. Every user-facing error is an EvidenceError turned into
one line here, in one place; ``--debug`` shows the traceback instead.
Exit codes: 0 success, 1 a check failed or some input was refused,
2 the command could not run.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from app import __version__
from app.core.errors import EvidenceError, IdentityError
from app.core.model import CaseInfo, ItemKind

EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="evbundle",
        description="Build hash-signed evidence bundles and filing-ready declarations. "
        "With no command, opens the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"evbundle {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("new", help="create a case file")
    p.add_argument("case", type=Path, help="the case file to create (.evcase)")
    p.add_argument("--title", required=True)
    p.add_argument("--case-number", default="")
    p.add_argument("--court", default="edva", help="court profile (default: edva)")
    p.add_argument("--declarant", default="")
    p.add_argument("--organisation", default="")
    p.add_argument("--plaintiff", default="")
    p.add_argument("--bates-prefix", default="EVB")

    p = sub.add_parser("add", help="import evidence files (kind detected from content)")
    p.add_argument("case", type=Path)
    p.add_argument("paths", type=Path, nargs="+", metavar="PATH")
    p.add_argument("--as", dest="kind", choices=[k.value for k in ItemKind], help="force the kind")

    p = sub.add_parser("domains", help="add or list the case's domains")
    p.add_argument("case", type=Path)
    dsub = p.add_subparsers(dest="domains_command", metavar="ACTION", required=True)
    d = dsub.add_parser("add", help="add domains (names, or --from a list file)")
    d.add_argument("names", nargs="*")
    d.add_argument("--from", dest="from_file", type=Path, help="a file with one domain per line, CSV or URLs")
    d = dsub.add_parser("list", help="list the domains by registry")
    d.add_argument("--json", action="store_true")

    p = sub.add_parser("list", help="list the evidence items")
    p.add_argument("case", type=Path)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("check", help="re-hash every object, check custody chain and database")
    p.add_argument("case", type=Path)

    p = sub.add_parser("build", help="build the signed bundle and the documents")
    p.add_argument("case", type=Path)
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.add_argument("--no-documents", action="store_true", help="seal the evidence only")
    p.add_argument("--bundle-date", help="date for the bundle and documents (YYYY-MM-DD)")
    p.add_argument("--passphrase-file", type=Path, help="read the signing passphrase from this file")

    p = sub.add_parser("verify", help="verify a bundle (.zip or unzipped folder)")
    p.add_argument("bundle", type=Path)
    p.add_argument("--json", action="store_true")
    p.add_argument("--trust", action="append", default=[], metavar="FINGERPRINT",
                   help="a signer fingerprint to treat as trusted")

    p = sub.add_parser("demo", help="build the fictional sample case end to end into DIR")
    p.add_argument("dir", type=Path)

    p = sub.add_parser("gui", help="open the desktop app")
    p.add_argument("case", type=Path, nargs="?")
    return parser


def main(
    argv: Sequence[str] | None = None, *, open_gui: Callable[[Path | None], int] | None = None
) -> int:
    """Run one command. ``open_gui`` is given by the composition root (``app.__main__``),
    so that this module never imports Qt itself."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None or args.command == "gui":
        if open_gui is None:
            print("evbundle: error: the desktop app is not available here", file=sys.stderr)
            return EXIT_ERROR
        return open_gui(getattr(args, "case", None))
    handler = COMMANDS[args.command]
    try:
        return handler(args)
    except EvidenceError as exc:
        if args.debug:
            raise
        print(f"evbundle: error: {exc.diagnostics()}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("evbundle: interrupted; the case is as it was before the last change", file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:
        if args.debug:
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"evbundle: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_ERROR


def cmd_new(args: argparse.Namespace) -> int:
    from app.store import CaseFile

    info = CaseInfo(
        case_id="", title=args.title, case_number=args.case_number, court=args.court,
        declarant=args.declarant, organisation=args.organisation, plaintiff=args.plaintiff,
        bates_prefix=args.bates_prefix,
    )
    with CaseFile.create(args.case, info) as case:
        print(f"created {args.case} ({case.info().case_id})")
    return EXIT_OK


def cmd_add(args: argparse.Namespace) -> int:
    from app.ops.intake import import_files
    from app.store import CaseFile

    with CaseFile.open(args.case) as case:
        kind = ItemKind(args.kind) if args.kind else None
        report = import_files(case, args.paths, forced_kind=kind)
        for item_id in report.imported:
            item = case.item(item_id)
            status = "" if item.parse_status.value == "ok" else f" [{item.parse_status.value}: {item.parse_error}]"
            label = f"{item.exhibit_label}: " if item.exhibit_label else ""
            print(f"added {label}{item.kind.value} {item.name!r} sha256 {item.sha256}{status}")
        for path, reason in report.refused:
            print(f"refused {path}: {reason}", file=sys.stderr)
    return EXIT_OK if report.ok else EXIT_FAILED


def cmd_domains(args: argparse.Namespace) -> int:
    from app.ops.intake import add_domains
    from app.store import CaseFile

    with CaseFile.open(args.case) as case:
        if args.domains_command == "add":
            parts = list(args.names)
            source = "command line"
            if args.from_file:
                parts.append(args.from_file.read_text(encoding="utf-8", errors="replace"))
                source = args.from_file.name
            if not parts:
                print("evbundle: error: name domains or give --from FILE", file=sys.stderr)
                return EXIT_ERROR
            report = add_domains(case, "\n".join(parts), source=source)
            print(f"added {report.added} domain(s); {report.duplicates} already in the case")
            for problem in report.problems:
                print(f"refused {problem}", file=sys.stderr)
            return EXIT_FAILED if report.problems else EXIT_OK
        return _list_domains(case, as_json=args.json)


def _list_domains(case: Any, *, as_json: bool) -> int:
    from app.sources.registries import RegistryTable

    table = RegistryTable.load()
    domains = case.domains()
    if as_json:
        rows = [
            {"domain": d.ascii, "unicode": d.unicode, "registrable": d.registrable,
             "registry_id": d.registry_id, "registry": table.get(d.registry_id).name}
            for d in domains
        ]
        print(json.dumps(rows, indent=1, ensure_ascii=False))
        return EXIT_OK
    current = None
    for domain in domains:
        if domain.registry_id != current:
            current = domain.registry_id
            print(f"# {table.get(current).name}")
        shown = domain.ascii if domain.unicode == domain.ascii else f"{domain.ascii} ({domain.unicode})"
        print(f"  {shown}")
    print(f"{len(domains)} domain(s)")
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    from app.store import CaseFile

    with CaseFile.open(args.case) as case:
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


def cmd_check(args: argparse.Namespace) -> int:
    from app.store import CaseFile

    with CaseFile.open(args.case) as case:
        problems = case.check()
        count = case.count_items()
    if problems:
        for problem in problems:
            print(f"problem: {problem}")
        print(f"{args.case}: {len(problems)} problem(s) found")
        return EXIT_FAILED
    print(f"{args.case}: all {count} item(s) match their hashes; custody chain and database intact")
    return EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    from app.ops.build import build_case
    from app.ops.identity import has_identity, signing_identity
    from app.store import CaseFile

    first_use = not has_identity()
    passphrase = _passphrase(args.passphrase_file, confirm=first_use)
    with CaseFile.open(args.case) as case:
        info = case.info()
        identity = signing_identity(passphrase, name=info.declarant, organisation=info.organisation)
        if first_use:
            print(f"created signing identity {identity.fingerprint}")
        args.out.mkdir(parents=True, exist_ok=True)
        result = build_case(case, args.out, identity, documents=not args.no_documents,
                            bundle_date=args.bundle_date)
    print(f"bundle: {result.bundle}")
    for path in result.documents:
        print(f"document: {path}")
    print(f"signer: {result.fingerprint}")
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from app.bundle.verify import verify_bundle

    report = verify_bundle(args.bundle, trusted_fingerprints=args.trust)
    if args.json:
        print(json.dumps(report.to_json(), indent=1, ensure_ascii=False))
    else:
        print(report.to_text())
    return EXIT_OK if report.ok else EXIT_FAILED


def cmd_demo(args: argparse.Namespace) -> int:
    from app.ops.demo import run_demo

    def progress(stage: str, done: int, total: int) -> None:
        if done == 0:
            print(f"{stage}…", file=sys.stderr)

    result = run_demo(args.dir, progress=progress)
    print(f"case:     {result.case_path}  ({result.items} items, {result.domains} domains)")
    print(f"bundle:   {result.build.bundle}")
    for path in result.build.documents:
        print(f"document: {path}")
    print(f"signer:   {result.build.fingerprint} (throwaway DEMO identity in {result.identity_dir})")
    print(f"verify:   evbundle verify {result.build.bundle}")
    return EXIT_OK


def _passphrase(path: Path | None, *, confirm: bool) -> str:
    """From --passphrase-file, EVBUNDLE_PASSPHRASE, or a prompt; never echoed, logged or stored."""
    if path is not None:
        text = path.read_text(encoding="utf-8").rstrip("\r\n")
        if not text:
            raise IdentityError("the passphrase file is empty", path=path)
        return text
    env = os.environ.get("EVBUNDLE_PASSPHRASE")
    if env:
        return env
    if not sys.stdin.isatty():
        raise IdentityError(
            "a signing passphrase is needed: use --passphrase-file or set EVBUNDLE_PASSPHRASE"
        )
    first = getpass.getpass("Signing passphrase: ")
    if confirm:
        if getpass.getpass("Repeat the passphrase: ") != first:
            raise IdentityError("the two passphrases differ; no identity was created")
        if len(first) < 8:
            raise IdentityError("choose a passphrase of at least 8 characters")
    return first


COMMANDS = {
    "new": cmd_new,
    "add": cmd_add,
    "domains": cmd_domains,
    "list": cmd_list,
    "check": cmd_check,
    "build": cmd_build,
    "verify": cmd_verify,
    "demo": cmd_demo,
}
