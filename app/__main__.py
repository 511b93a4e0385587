"""Composition root: ``python -m app`` (or ``evbundle``).

With no command it opens the desktop app; with a command it runs headless
and never imports Qt.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path


def open_gui(case_path: Path | None) -> int:
    """Start the desktop app (the only place that imports the GUI layer)."""
    try:
        from app.gui.app import run_gui
    except ImportError as exc:  # Qt missing or a system library absent
        print(f"evbundle: error: cannot start the desktop app: {exc}", file=sys.stderr)
        return 2
    return run_gui(sys.argv[:1], case_path)


def main(argv: Sequence[str] | None = None) -> int:
    from app import cli

    return cli.main(argv, open_gui=open_gui)


if __name__ == "__main__":
    sys.exit(main())
