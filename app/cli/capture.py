"""The web capture commands: ``evbundle capture CASE URL...`` and ``evbundle export-wacz CASE --out FILE``.

A handler returns 0 (every page captured, or the package written), 1 (a page
failed or was refused: the others are kept) or 2 (could not run). Never
imports Qt: the capture browser is a program of its own, started by the op.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .exitcodes import EXIT_ERROR, EXIT_FAILED, EXIT_OK


def register(sub: Any) -> None:
    """Add ``capture`` and ``export-wacz`` to the CLI's subparsers."""
    p = sub.add_parser("capture", help="capture web pages into the case: full-page screenshot, WARC, server IP, "
                                       "TLS certificate, DNS answers, MHTML and PDF")
    p.add_argument("case", type=Path)
    p.add_argument("urls", nargs="*", metavar="URL", help="pages to capture (defanged hxxp:// forms are fine)")
    p.add_argument("--from", dest="from_file", type=Path, metavar="FILE", help="a file with one URL per line")
    p.add_argument("--wait", type=float, default=2.0, metavar="SECONDS",
                   help="settle time after the page loaded and was scrolled (default 2)")
    p.add_argument("--no-js", action="store_true", help="capture with JavaScript turned off")
    p.add_argument("--user-agent", default="", metavar="UA",
                   help="the User-Agent to send (default: the browser's)")
    p.add_argument("--viewport", default="1280x800", metavar="WxH",
                   help="window size in CSS pixels (default 1280x800)")
    p.add_argument("--allow-private", action="store_true",
                   help="allow loopback and private addresses (refused by default)")
    p.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS",
                   help="longest wait for a page to load")
    p.add_argument("--dns-server", action="append", default=[], metavar="IP",
                   help="ask this DNS server for the DNS record (default: the system's)")
    p.set_defaults(handler=capture_command)

    p = sub.add_parser("export-wacz", help="the case's web captures as a WACZ package (ReplayWeb.page)")
    p.add_argument("case", type=Path)
    p.add_argument("--out", type=Path, required=True, metavar="FILE.wacz")
    p.add_argument("--sign", action="store_true",
                   help="sign it (WACZ auth spec, anonymous signature) with the case's signing identity")
    p.add_argument("--passphrase-file", type=Path, help="the signing passphrase, for --sign")
    p.add_argument("--identity", metavar="FINGERPRINT", help="sign with this identity (default: the case's)")
    p.set_defaults(handler=export_wacz_command)


def _viewport(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x", 1))
    except ValueError:
        raise argparse.ArgumentTypeError(f"--viewport wants WIDTHxHEIGHT, like 1280x800, not {text!r}") from None
    if not (200 <= width <= 8000 and 200 <= height <= 8000):
        raise argparse.ArgumentTypeError("--viewport: each side between 200 and 8000 pixels")
    return width, height


class _Progress:
    """One line on standard error, rewritten as the capture goes (only when it is a terminal)."""

    def __init__(self) -> None:
        self.live = sys.stderr.isatty()

    def progress(self, done: int, total: int, stage: str = "") -> None:
        if self.live and stage:
            print(f"\r[{done + 1}/{total}] {stage[:100]:<100}", end="", file=sys.stderr, flush=True)

    def cancelled(self) -> bool:
        return False

    def end(self) -> None:
        if self.live:
            print("\r" + " " * 110 + "\r", end="", file=sys.stderr, flush=True)


def capture_command(args: argparse.Namespace) -> int:
    from app.ops.capture_web import CaptureOptions, capture_urls, parse_url_list
    from app.ops.case import CaseFile

    try:
        viewport = _viewport(args.viewport)
    except argparse.ArgumentTypeError as exc:
        print(f"evbundle: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    text = "\n".join(args.urls)
    if args.from_file:
        text += "\n" + args.from_file.read_text(encoding="utf-8", errors="replace")
    urls = parse_url_list(text)
    if not urls:
        print("evbundle: error: name URLs or give --from FILE", file=sys.stderr)
        return EXIT_ERROR
    options = CaptureOptions(wait=max(0.0, args.wait), javascript=not args.no_js, user_agent=args.user_agent,
                             viewport=viewport, allow_private=args.allow_private, timeout=args.timeout,
                             dns_servers=tuple(args.dns_server))
    progress = _Progress()
    with CaseFile.open(args.case) as case:
        try:
            report = capture_urls(case, urls, options, progress)
        finally:
            progress.end()
        for item_id in report.captured:
            item = case.item(item_id)
            record = item.record or {}
            print(f"captured {item.exhibit_label}: {record.get('requested_url')} -> {record.get('final_url')} "
                  f"(HTTP {record.get('http_status')}, server {record.get('server_ip') or '?'}) "
                  f"{len(record.get('group') or [])} files, screenshot sha256 {item.sha256}")
        for url, reason, item_id in report.failed:
            print(f"failed {url}: {reason} (recorded as item {item_id})", file=sys.stderr)
        for url, reason in report.refused:
            print(f"refused {url}: {reason}", file=sys.stderr)
    print(f"{len(report.captured)} captured, {len(report.failed)} failed, {len(report.refused)} refused")
    return EXIT_OK if report.ok else EXIT_FAILED


def export_wacz_command(args: argparse.Namespace) -> int:
    from app.ops.case import CaseFile
    from app.ops.export_wacz import export_wacz

    from .passphrase import read_passphrase

    passphrase = read_passphrase(args.passphrase_file, confirm=False) if args.sign else None
    with CaseFile.open(args.case) as case:
        result = export_wacz(case, args.out, passphrase=passphrase, identity_fingerprint=args.identity or "")
    print(f"wacz: {result.path} ({result.pages} page(s), sha256 {result.sha256})")
    if result.signer:
        print(f"signed by {result.signer} (WACZ anonymous signature; publicKey in datapackage-digest.json)")
    return EXIT_OK
