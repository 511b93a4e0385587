"""The headless commands: ``evbundle new | add | show | links | meta | attachments | domains | list | check | build | verify | demo``.

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
import sqlite3
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
    _metadata_options(p)

    p = sub.add_parser("show", help="print an item's parsed view (headers, hops, links, attachments; image info)")
    p.add_argument("case", type=Path)
    p.add_argument("item", type=int, help="item id (see evbundle list)")
    p.add_argument("--no-body", action="store_true", help="leave out the message body")

    p = sub.add_parser("links", help="the domains each spam sample advertises, against the case's domains")
    p.add_argument("case", type=Path)
    p.add_argument("--add-unknown", action="store_true", help="add the advertised domains the case lacks")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("meta", help="edit an item's metadata (each change is logged)")
    p.add_argument("case", type=Path)
    p.add_argument("item", type=int)
    _metadata_options(p)
    p.add_argument("--category", choices=["pharma", "stock", "fake-av", "malware", "other"],
                   help="confirm a spam sample's category")

    p = sub.add_parser("attachments", help="export a message's attachments as <sha256>.bin (mode 0600)")
    p.add_argument("case", type=Path)
    p.add_argument("item", type=int)
    p.add_argument("--out", type=Path, required=True)

    p = sub.add_parser("domains", help="add or list the case's domains")
    p.add_argument("case", type=Path)
    dsub = p.add_subparsers(dest="domains_command", metavar="ACTION", required=True)
    d = dsub.add_parser("add", help="add domains (names, or --from a list file)")
    d.add_argument("names", nargs="*")
    d.add_argument("--from", dest="from_file", type=Path, help="a file with one domain per line, CSV or URLs")
    d = dsub.add_parser("list", help="list the domains by registry, with their problems")
    d.add_argument("--json", action="store_true")
    d = dsub.add_parser("check", help="checks before filing (registry, duplicates, look-alikes, records)")
    d.add_argument("--max-age", type=int, default=30, metavar="DAYS", help="records older than this are stale")
    d = dsub.add_parser("import", help="import saved WHOIS text or RDAP JSON files as domain records")
    d.add_argument("paths", type=Path, nargs="+", metavar="PATH")
    d = dsub.add_parser("lookup", help="look up the case's domains (or NAMEs) live: RDAP, WHOIS, DNS")
    _lookup_arguments(d)
    d = dsub.add_parser("registry", help="show or correct a registry's name and address for this case")
    d.add_argument("action", choices=["show", "set"])
    d.add_argument("registry", help="registry id (as `domains list --json` shows) or one of its TLDs")
    d.add_argument("--name", help="the registry's legal name")
    d.add_argument("--address", action="append", metavar="LINE", help="a postal address line (repeat)")
    d.add_argument("--tld", action="append", default=[], help="a TLD this registry runs (repeat)")
    d.add_argument("--note", default="", help="where the correction comes from")

    p = sub.add_parser("lookup", help="look up domains live (RDAP, WHOIS, DNS); each reply becomes evidence")
    p.add_argument("case", type=Path)
    _lookup_arguments(p)

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
    p.add_argument("--identity", metavar="FINGERPRINT", help="sign with this identity (default: the case's)")
    p.add_argument("--tsa", action="append", default=[], metavar="URL",
                   help="RFC 3161 timestamp authority (repeatable; default: the URLs in settings.json)")
    p.add_argument("--no-timestamp", action="store_true", help="do not timestamp, whatever the settings say")

    p = sub.add_parser(
        "verify", help="verify a bundle (.zip or unzipped folder)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="exit codes: 0 VALID (intact, signed by a key trusted here or named with --trust);\n"
               "  1 NOT VALID (problems found, or signed by another key than the one named);\n"
               "  2 could not be checked (not a bundle, or a hostile zip refused unread);\n"
               "  3 INTACT BUT SIGNED BY AN UNKNOWN KEY (compare its fingerprint with the declaration's)")
    p.add_argument("bundle", type=Path)
    p.add_argument("--json", action="store_true", help="print the report as one JSON object (also on exit 2)")
    p.add_argument("--trust", action="append", default=[], metavar="FINGERPRINT",
                   help="the signer you expect (the fingerprint in the sworn declaration); "
                        "a bundle signed by any other key is NOT VALID")
    p.add_argument("--require-trusted", action="store_true",
                   help="an unknown signer or timestamp authority is a problem (exit 1, not 3)")
    p.add_argument("--report", type=Path, metavar="PDF", help="also write the result as a PDF report")

    p = sub.add_parser("identity", help="signing identities and trusted certificates")
    isub = p.add_subparsers(dest="identity_command", metavar="ACTION", required=True)
    i = isub.add_parser("list", help="your identities and the certificates you trust")
    i.add_argument("--json", action="store_true")
    i = isub.add_parser("create", help="create a signing identity (self-signed certificate)")
    i.add_argument("--name", required=True, help="the investigator's name (certificate CN)")
    i.add_argument("--organisation", default="")
    i.add_argument("--label", default="")
    i.add_argument("--algorithm", choices=["ec-p256", "rsa-3072"], default="ec-p256")
    i.add_argument("--email", default="", help="the investigator's e-mail address (optional)")
    i.add_argument("--passphrase-file", type=Path, help="the new identity's passphrase")
    i = isub.add_parser("import", help="import an identity from your organisation's PKI (.p12/.pfx)")
    i.add_argument("file", type=Path)
    i.add_argument("--label", default="")
    i.add_argument("--p12-passphrase-file", type=Path, help="the .p12 file's own passphrase")
    i.add_argument("--passphrase-file", type=Path, help="the passphrase to keep it under here")
    i = isub.add_parser("trust", help="trust the certificates in a PEM/DER file (signer, CA or TSA root)")
    i.add_argument("file", type=Path)
    i = isub.add_parser("untrust", help="stop trusting a signer here: one of your identities, or a trusted certificate")
    i.add_argument("fingerprint")
    i = isub.add_parser("use", help="choose the identity that signs a case")
    i.add_argument("case", type=Path)
    i.add_argument("fingerprint")

    p = sub.add_parser("custody", help="export a case's custody log")
    p.add_argument("case", type=Path)
    p.add_argument("--uco", type=Path, required=True, metavar="OUT", help="write CASE/UCO JSON-LD here")

    p = sub.add_parser("demo", help="build the fictional sample case end to end into DIR")
    p.add_argument("dir", type=Path)

    p = sub.add_parser("gui", help="open the desktop app")
    p.add_argument("case", type=Path, nargs="?")
    from app.cli_filing import add_parsers as add_filing_parsers  # export, exhibits, paragraphs, redactions

    add_filing_parsers(sub)
    return parser


def _lookup_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("names", nargs="*", metavar="NAME", help="domains to look up (default: all of the case's)")
    p.add_argument("--rdap", action="store_true", help="RDAP over HTTPS (the default when no kind is given)")
    p.add_argument("--whois", action="store_true", help="port-43 WHOIS")
    p.add_argument("--dns", action="store_true", help="DNS A, AAAA, NS, MX and TXT")
    p.add_argument("--rate", type=float, default=1.0, metavar="PER_SECOND", help="at most this many queries a second")
    p.add_argument("--timeout", type=float, default=15.0, metavar="SECONDS")
    p.add_argument("--rdap-url", help="ask this RDAP base URL instead of the bootstrap's (e.g. a registrar's)")
    p.add_argument("--whois-server", metavar="HOST[:PORT]", help="ask this WHOIS server instead of IANA's referral")
    p.add_argument("--dns-server", metavar="IP[:PORT]", help="ask this DNS server instead of the system's")
    p.add_argument("--refresh-bootstrap", action="store_true",
                   help="first download IANA's current RDAP bootstrap file (kept for later lookups)")


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
    except sqlite3.Error as exc:  # a full disk or an I/O error that no layer below turned into a sentence
        if args.debug:
            raise
        case = getattr(args, "case", None)
        where = f"{case}: " if case else ""
        print(f"evbundle: error: {where}the case file could not be read or written ({exc})", file=sys.stderr)
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
        metadata = _metadata_of(args)
        if metadata:
            from app.ops.capture_meta import normalise_metadata

            metadata = normalise_metadata(ItemKind.SCREENSHOT, metadata)
        report = import_files(case, args.paths, forced_kind=kind, metadata=metadata or None)
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
        if args.domains_command in ("check", "import", "lookup", "registry"):
            from app.cli_domains import domains_command

            return domains_command(case, args)
        return _list_domains(case, as_json=args.json)


def _list_domains(case: Any, *, as_json: bool) -> int:
    from app.ops.domains import registry_table
    from app.sources.appendix_data import domain_problems

    table = registry_table(case)
    domains = case.domains()
    if as_json:
        rows = [
            {"domain": d.ascii, "ascii": d.ascii, "unicode": d.unicode, "registrable": d.registrable,
             "tld": d.tld, "registry_id": d.registry_id, "registry": table.get(d.registry_id).name,
             "flags": list(d.flags), "problems": domain_problems(d, table)}
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
        flags = "".join(f"\n      ! {flag}" for flag in domain.flags)
        print(f"  {shown}{flags}")
    print(f"{len(domains)} domain(s)")
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    from app.ops.show import item_view
    from app.store import CaseFile

    with CaseFile.open(args.case) as case:
        print(item_view(case, args.item, body=not args.no_body))
    return EXIT_OK


def cmd_links(args: argparse.Namespace) -> int:
    from app.ops.linking import add_unknown_domains, spam_links
    from app.store import CaseFile

    with CaseFile.open(args.case) as case:
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


def cmd_meta(args: argparse.Namespace) -> int:
    from app.ops.capture_meta import edit_metadata
    from app.store import CaseFile

    changes = _metadata_of(args)
    if not changes:
        print("evbundle: error: give at least one field to change (--url, --captured-at, ...)", file=sys.stderr)
        return EXIT_ERROR
    with CaseFile.open(args.case) as case:
        item = edit_metadata(case, args.item, changes)
        for key in sorted(changes):
            print(f"{key}: {item.metadata.get(key, '')}")
    return EXIT_OK


def cmd_attachments(args: argparse.Namespace) -> int:
    from app.ops.attachments import export_attachments
    from app.store import CaseFile

    with CaseFile.open(args.case) as case:
        exported = export_attachments(case, args.item, args.out)
    for a in exported:
        print(f"{a.path}  {a.size:,} bytes  {a.sniffed_type}  (sent as {a.declared_name!r})")
    print(f"{len(exported)} attachment(s) written as <sha256>.bin, mode 0600; names in {args.out / 'manifest.tsv'}")
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
    from app.bundle.instructions import verify_command
    from app.ops.build import build_case
    from app.ops.identity import has_identity, signing_identity
    from app.ops.settings import configured_timestamper
    from app.store import CaseFile

    stamper = configured_timestamper(args.tsa, enabled=not args.no_timestamp)
    first_use = not has_identity()
    passphrase = _passphrase(args.passphrase_file, confirm=first_use)
    with CaseFile.open(args.case) as case:
        info = case.info()
        if not info.timestamp_when_building and not args.tsa:
            stamper = None  # the case says no timestamp; naming --tsa overrides that
        identity = signing_identity(passphrase, name=info.declarant, organisation=info.organisation,
                                    fingerprint=args.identity or info.signer_fingerprint)
        if first_use:
            print(f"created signing identity {identity.fingerprint}")
        args.out.mkdir(parents=True, exist_ok=True)
        result = build_case(case, args.out, identity, documents=not args.no_documents,
                            bundle_date=args.bundle_date, timestamper=stamper)
    print(f"bundle: {result.bundle}")
    for path in result.documents:
        print(f"document: {path}")
    print(f"signer: {result.fingerprint}")
    print(f"verify: {verify_command(str(result.bundle), result.fingerprint)}")
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from app.bundle.report import shown
    from app.ops.verify_report import verify_here, write_report_pdf

    try:
        report = verify_here(args.bundle, expected_signers=args.trust, require_trusted=args.require_trusted)
    except EvidenceError as exc:  # not checked at all; the names in it may be hostile: escaped
        if args.debug:
            raise
        if args.json:
            print(json.dumps({"ok": False, "verdict": "not-checked", "exit_code": EXIT_ERROR,
                              "source": str(args.bundle), "error": {"message": exc.message, "path": exc.path,
                                                                    "expected": exc.expected, "found": exc.found}},
                             indent=1))
        print(f"evbundle: error: {shown(exc.diagnostics())}", file=sys.stderr)
        return EXIT_ERROR
    if args.json:
        print(json.dumps(report.to_json(), indent=1))  # ASCII: hostile text arrives as \u escapes
    else:
        print(report.to_text())
    if args.report:
        print(f"report: {write_report_pdf(report, args.report)}", file=sys.stderr)
    return report.exit_code


def cmd_identity(args: argparse.Namespace) -> int:
    from app.bundle.identity import list_identities
    from app.ops import identity as ops
    from app.store import CaseFile

    action = args.identity_command
    if action == "list":
        mine, trusted = list_identities(), ops.trusted_certificates()
        untrusted = {r.fingerprint for r in ops.identity_rows() if not r.trusted}
        if args.json:
            print(json.dumps({
                "identities": [{"label": i.label, "subject": i.subject, "fingerprint": i.fingerprint,
                                "created_at": i.created_at, "not_valid_after": i.not_valid_after,
                                "trusted_here": i.fingerprint not in untrusted} for i in mine],
                "trusted": [{"subject": t.subject, "fingerprint": t.fingerprint, "authority": t.is_authority}
                            for t in trusted],
            }, indent=1, ensure_ascii=False))
            return EXIT_OK
        for i in mine:
            print(f"identity  {i.fingerprint}  {i.subject}" + (f"  [{i.label}]" if i.label else "")
                  + ("  (not trusted here)" if i.fingerprint in untrusted else ""))
        for t in trusted:
            print(f"trusted   {t.fingerprint}  {t.subject}" + ("  (CA)" if t.is_authority else ""))
        print(f"{len(mine)} identity(ies), {len(trusted)} trusted certificate(s)")
        return EXIT_OK
    if action == "create":
        made = ops.new_identity(args.name, args.organisation, _passphrase(args.passphrase_file, confirm=True),
                                label=args.label, algorithm=args.algorithm, email=args.email)
        print(f"created signing identity {made.fingerprint}  {made.subject}")
    elif action == "import":
        if args.p12_passphrase_file is None and not sys.stdin.isatty():
            raise IdentityError("give the .p12 file's passphrase with --p12-passphrase-file")
        original = (args.p12_passphrase_file.read_text("utf-8").rstrip("\r\n") if args.p12_passphrase_file
                    else getpass.getpass("Passphrase of the .p12 file: "))
        made = ops.import_identity(args.file, original, _passphrase(args.passphrase_file, confirm=True),
                                   label=args.label)
        print(f"imported signing identity {made.fingerprint}  {made.subject}")
    elif action == "trust":
        for entry in ops.trust(args.file):
            print(f"trusted {entry.fingerprint}  {entry.subject}")
    elif action == "untrust":
        ops.set_trusted(args.fingerprint, False)
        print(f"no longer trusted here: {args.fingerprint}")
    else:
        with CaseFile.open(args.case) as case:
            chosen = ops.choose_case_identity(case, args.fingerprint)
        print(f"{args.case} is signed by {chosen.fingerprint}  {chosen.subject}")
    return EXIT_OK


def cmd_custody(args: argparse.Namespace) -> int:
    from app.ops.custody_export import export_uco
    from app.store import CaseFile

    with CaseFile.open(args.case) as case:
        count = export_uco(case, args.uco)
    print(f"wrote {count} custody entries as CASE/UCO JSON-LD to {args.uco}")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from app.bundle.instructions import verify_command
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
    print(f"verify:   {verify_command(str(result.build.bundle), result.build.fingerprint)}")
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


from app.cli_filing import COMMANDS as FILING_COMMANDS  # noqa: E402  (issue 6: filing set)

COMMANDS = {
    "new": cmd_new,
    "add": cmd_add,
    "domains": cmd_domains,
    "list": cmd_list,
    "show": cmd_show,
    "links": cmd_links,
    "meta": cmd_meta,
    "attachments": cmd_attachments,
    "check": cmd_check,
    "build": cmd_build,
    "verify": cmd_verify,
    "identity": cmd_identity,
    "custody": cmd_custody,
    "demo": cmd_demo,
    "lookup": lambda args: _lookup_command(args),
    **FILING_COMMANDS,
}


def _lookup_command(args: argparse.Namespace) -> int:
    from app.cli_domains import lookup_command

    return lookup_command(args)
