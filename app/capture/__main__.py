"""``python -m app.capture JOB.json``: the capture program (see :mod:`app.capture.browser.program`)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from app.capture.browser.program import main as run

    return run(list(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    sys.exit(main())
