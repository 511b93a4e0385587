"""``evbundle build | verify``: seal a case into a signed bundle, and check one."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .exitcodes import EXIT_ERROR, EXIT_OK


def register(sub: Any) -> None:
    p = sub.add_parser("build", help="build the signed bundle and the documents")
    p.add_argument("case", type=Path)
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.add_argument("--no-documents", action="store_true", help="seal the evidence only")
    p.add_argument("--draft", action="store_true",
                   help="make the documents even while the review finds blocking problems; every page says DRAFT")
    p.add_argument("--bundle-date", help="date for the bundle and documents (YYYY-MM-DD)")
    p.add_argument("--passphrase-file", type=Path, help="read the signing passphrase from this file")
    p.add_argument("--identity", metavar="FINGERPRINT", help="sign with this identity (default: the case's)")
    p.add_argument("--tsa", action="append", default=[], metavar="URL",
                   help="RFC 3161 timestamp authority (repeatable; default: the URLs in settings.json)")
    p.add_argument("--no-timestamp", action="store_true", help="do not timestamp, whatever the settings say")
    signing = p.add_mutually_exclusive_group()
    signing.add_argument("--sign-pdfs", dest="sign_pdfs", action="store_true", default=None,
                         help="sign the declaration, exhibit index and certification PDFs (PAdES; default: the "
                              "case's choice, off unless set with `evbundle details --sign-pdfs`)")
    signing.add_argument("--no-sign-pdfs", dest="sign_pdfs", action="store_false")
    p.set_defaults(handler=build)

    p = sub.add_parser(
        "verify", help="verify a bundle (.zip or unzipped folder)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="exit codes: 0 VALID (intact, signed by a key trusted here or named with --trust);\n"
               "  1 NOT VALID (problems found, or signed by another key than the one named);\n"
               "  2 could not be checked (not a bundle, or a hostile zip refused unread);\n"
               "  3 INTACT BUT SIGNED BY AN UNKNOWN KEY (compare its fingerprint with the declaration's), or\n"
               "    INTACT BUT TIMESTAMPED BY AN AUTHORITY NOT TRUSTED HERE (bag-info.txt says it was timestamped:\n"
               "    trust the authority's root: --trust-tsa TSA-ROOT.pem, or evbundle identity trust TSA-ROOT.pem\n"
               "    --for tsa)")
    p.add_argument("bundle", type=Path)
    p.add_argument("--json", action="store_true", help="print the report as one JSON object (also on exit 2)")
    p.add_argument("--trust", action="append", default=[], metavar="FINGERPRINT",
                   help="the signer you expect (the fingerprint in the sworn declaration); "
                        "a bundle signed by any other key is NOT VALID")
    p.add_argument("--trust-tsa", action="append", default=[], type=Path, metavar="ROOT.pem",
                   help="a timestamp authority's root certificate (PEM or DER) to trust for this check only, as "
                        "VERIFY.txt step 7 says to fetch it from the authority's own site")
    p.add_argument("--require-trusted", action="store_true",
                   help="an unknown signer or timestamp authority is a problem (exit 1, not 3)")
    p.add_argument("--report", type=Path, metavar="PDF", help="also write the result as a PDF report")
    p.set_defaults(handler=verify)

    p = sub.add_parser(
        "renew", help="add an archive timestamp to a bundle before its last timestamp weakens",
        description="Adds signature/archive-NN.sha512 (the SHA-512 of every file outside data/), its RFC 3161 "
                    "timestamp and the authority's validation data. No file of the bundle changes. A zip is "
                    "renewed into a new zip (default: NAME-renewed-DATE.zip beside it) unless --in-place; "
                    "an unzipped bundle only with --in-place.")
    p.add_argument("bundle", type=Path)
    p.add_argument("--tsa", action="append", default=[], metavar="URL",
                   help="RFC 3161 timestamp authority (repeatable; default: the URLs in settings.json)")
    p.add_argument("--out", type=Path, metavar="ZIP", help="where to write the renewed zip")
    p.add_argument("--in-place", action="store_true", help="replace the zip (atomically), or add to the folder")
    p.add_argument("--case", type=Path, metavar="CASE", help="record the renewal in this case's custody log")
    p.set_defaults(handler=renew)


def build(args: argparse.Namespace) -> int:
    from app.ops.build import BuildRequest, build, needs_new_identity
    from app.ops.case import open_case
    from app.ops.review import FilingBlocked
    from app.ops.verify import verify_command

    from .passphrase import read_passphrase
    from .review import refused

    passphrase = read_passphrase(args.passphrase_file, confirm=needs_new_identity())
    with open_case(args.case) as case:
        args.out.mkdir(parents=True, exist_ok=True)
        request = BuildRequest(out_dir=args.out, passphrase=passphrase, documents=not args.no_documents,
                               bundle_date=args.bundle_date, identity=args.identity or "",
                               tsa_urls=tuple(args.tsa), no_timestamp=args.no_timestamp, draft=args.draft,
                               sign_pdfs=args.sign_pdfs)
        try:
            result = build(case, request)
        except FilingBlocked as exc:
            return refused(exc)
    if result.created_identity:
        print(f"created signing identity {result.fingerprint}")
    print(f"bundle: {result.bundle}")
    for path in result.documents:
        print(f"document: {path}")
    print(f"signer: {result.fingerprint}")
    for note in result.validation_notes:
        print(f"note: the timestamp's validation data is incomplete: {note}")
    print(f"verify: {verify_command(str(result.bundle), result.fingerprint, timestamped=result.timestamped)}")
    if result.timestamped:
        print("        (TSA-ROOT.pem: the timestamp authority's root certificate, saved from its own site; "
              "VERIFY.txt step 7)")
    return EXIT_OK


def renew(args: argparse.Namespace) -> int:
    from contextlib import nullcontext

    from app.ops.case import open_case
    from app.ops.renewal import renew
    from app.ops.verify import shown

    with open_case(args.case) if args.case else nullcontext() as case:
        result = renew(args.bundle, args.tsa, out=args.out, in_place=args.in_place, case=case)
    renewed = result.renewed
    stamp = renewed.timestamp
    print(f"renewed: {renewed.path}")
    print(f"archive timestamp {renewed.number}: {stamp.time.isoformat()} by {shown(stamp.authority)} "
          f"(its certificate valid until {stamp.authority_not_valid_after:%Y-%m-%d})")
    for name in renewed.added:
        print(f"added: {name}")
    for note in renewed.notes:
        print(f"note: the timestamp's validation data is incomplete: {note}")
    return EXIT_OK


def verify(args: argparse.Namespace) -> int:
    from app.core.errors import EvidenceError
    from app.ops.verify import shown, verify_here

    try:
        report = verify_here(args.bundle, expected_signers=args.trust, require_trusted=args.require_trusted,
                             timestamp_roots=args.trust_tsa)
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
        from app.ops.verify_report import write_report_pdf

        print(f"report: {write_report_pdf(report, args.report)}", file=sys.stderr)
    return report.exit_code
