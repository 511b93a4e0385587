"""Composition root: ``python -m app`` (or ``evbundle``).

With no command it opens the desktop app; with a command it runs headless
and never imports Qt.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from app.cli.exitcodes import EXIT_ERROR


def open_gui(case_path: Path | None) -> int:
    """Start the desktop app (the only place that imports the GUI layer)."""
    try:
        from app.gui.app import run_gui
    except ImportError as exc:  # Qt missing or a system library absent
        print(f"evbundle: error: cannot start the desktop app: {exc}", file=sys.stderr)
        return EXIT_ERROR
    return run_gui(sys.argv[:1], case_path)


def main(argv: Sequence[str] | None = None) -> int:
    from app import cli

    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--self-test"]:  # the whole app, window included, in a temporary home
        from app.selftest import main as self_test

        return self_test(args[1:])
    # `evbundle CASE.evcase`: what a file manager runs when a case file is opened.
    if len(args) == 1 and args[0].endswith(".evcase"):
        return open_gui(Path(args[0]))
    return cli.main(args, open_gui=open_gui)


if __name__ == "__main__":
    sys.exit(main())
