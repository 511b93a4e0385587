"""The headless commands: ``evbundle COMMAND ...``; with no command, the desktop app.

Never imports Qt. One module per command group registers its sub-commands
(``register(subparsers)``), each with a ``handler(args) -> exit code``; a
handler imports what it uses when it runs, so a command loads only its own
layers (``evbundle verify`` never loads the document renderers). Every error
the user can act on becomes one line here, in one place (``explain`` in
``app.core.errors``, the same words the window shows); ``--debug`` shows the
traceback instead. Exit codes: ``app.cli.exitcodes``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from app import __version__
from app.core.errors import explain

from .exitcodes import EXIT_ERROR

# The command groups, in the order `evbundle --help` lists them. Imported when the parser is built, not with
# this package: the window starts through `app.__main__`, which imports only the exit codes from here.
GROUPS = ("case", "parties", "evidence", "capture", "domains", "watch", "bundle", "filing", "review", "identity",
          "demo")
# Which group registers each command, so that running one command builds only its group's parsers (a test
# checks this against what the groups register).
COMMAND_GROUPS = {
    "new": "case", "list": "case", "check": "case", "custody": "case",
    "details": "parties", "parties": "parties", "counsel": "parties",
    "add": "evidence", "show": "evidence", "meta": "evidence", "links": "evidence", "attachments": "evidence",
    "capture": "capture", "export-wacz": "capture",
    "domains": "domains", "lookup": "domains",
    "precheck": "watch", "compliance": "watch",
    "build": "bundle", "verify": "bundle", "renew": "bundle",
    "export": "filing", "exhibits": "filing", "paragraphs": "filing", "redactions": "filing",
    "review": "review", "support": "review", "sworn": "review",
    "identity": "identity", "demo": "demo",
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The commands' parser; given the ``command`` about to run, only its group's parsers (the others' modules
    are not even imported): `evbundle verify` starts sooner. Without one, or with a name no group has, all."""
    parser = argparse.ArgumentParser(
        prog="evbundle",
        description="Build hash-signed evidence bundles and filing-ready declarations. "
        "With no command, opens the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"evbundle {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in (COMMAND_GROUPS[command],) if command in COMMAND_GROUPS else GROUPS:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    p = sub.add_parser("gui", help="open the desktop app")
    p.add_argument("case", type=Path, nargs="?")
    return parser


def main(
    argv: Sequence[str] | None = None, *, open_gui: Callable[[Path | None], int] | None = None
) -> int:
    """Run one command. ``open_gui`` is given by the composition root (``app.__main__``),
    so that this package never imports Qt itself."""
    words = list(sys.argv[1:] if argv is None else argv)
    command = next((w for w in words if not w.startswith("-")), None)
    args = build_parser(command).parse_args(words)
    if args.command is None or args.command == "gui":
        if open_gui is None:
            print("evbundle: error: the desktop app is not available here", file=sys.stderr)
            return EXIT_ERROR
        return open_gui(getattr(args, "case", None))
    try:
        code: int = args.handler(args)
        return code
    except KeyboardInterrupt:
        print("evbundle: interrupted; the case is as it was before the last change", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:
        if args.debug:
            raise
        message = explain(exc, case_path=getattr(args, "case", None))
        if message is None:  # a bug of ours: one line for the user, the traceback on request
            message = (f"an unexpected error stopped this command ({type(exc).__name__}: {exc}). Please report "
                       "it, with what the same command prints with --debug (evbundle --debug COMMAND ...)")
        print(f"evbundle: error: {message}", file=sys.stderr)
        return EXIT_ERROR
