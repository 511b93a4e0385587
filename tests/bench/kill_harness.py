"""Kill import, lookups, export and build at random moments, many times each, and count what was lost.

    .venv/bin/python tests/bench/kill_harness.py [RUNS] [--only import,lookup,export,build] [--seed S] [-v]

Each operation runs as a user runs it (``python -m app``), from a fresh copy of a prepared state, and
is SIGKILLed (its worker processes too) at a moment drawn uniformly over the time an uninterrupted
run takes; then the case, the stored evidence and the output folder are checked as
tests/integration/kill_scenarios.py describes. Prints one line of figures per operation; exits 1
if anything was lost (the runs that lost something are kept under the printed folder).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.integration.kill_scenarios import OPERATIONS, prepared, run_kills  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", type=int, nargs="?", default=50)
    parser.add_argument("--only", default=",".join(OPERATIONS))
    parser.add_argument("--seed", default=os.environ.get("EVBUNDLE_KILL_SEED", "20261204"))
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="evbundle-kills-"))
    home = base / "home"
    home.mkdir()
    os.environ["EVBUNDLE_HOME"] = str(home)
    print(f"kill harness: {args.runs} runs per operation, seed {args.seed}, work in {base}")
    began = time.monotonic()
    lost = 0
    for name in args.only.split(","):
        with prepared(name, base / name, home) as operation:
            figures = run_kills(operation, args.runs, args.seed, echo=print if args.verbose else None)
        print(figures.line(), flush=True)
        for what in figures.losses:
            print(f"    LOST {what}")
        lost += len(figures.losses)
    print(f"total {time.monotonic() - began:.0f} s; losses: {lost}")
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
