"""Benchmark: launch-to-window of the frozen app, beside the same app from source and a bare PySide6 window.

    packaging/build                                   # makes dist/evbundle
    .venv/bin/python tests/bench/bench_startup_frozen.py [--runs 7] [--frozen dist/evbundle/evbundle]

Each program is started under its own Xvfb display (the real X11 platform, not offscreen)
with a fresh EVBUNDLE_HOME, and timed from the moment the process is spawned until
``xdotool search --onlyvisible`` (polled every 10 ms) sees its window mapped; then it is killed. The first
run of each is a warm-up (files into the page cache) and not counted. The display, the timing
and the report are ``bench_startup.py``'s. Needs xvfb and xdotool (apt-get install xvfb xauth
xdotool libxcb-icccm4 libxcb-keysyms1).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_startup import BARE, REPO, TITLE, check_tools, run, start_display  # noqa: E402 - beside this file


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--frozen", type=Path, default=REPO / "dist" / "evbundle" / "evbundle")
    parser.add_argument("--python", type=Path, default=REPO / ".venv" / "bin" / "python")
    args = parser.parse_args()
    check_tools()
    programs = [
        ("bare PySide6 window (baseline)", [str(args.python), "-c", BARE], "bare PySide6 window"),
        ("evbundle from source", [str(args.python), "-m", "app"], TITLE),
    ]
    if args.frozen.exists():
        programs.append(("evbundle frozen (one folder)", [str(args.frozen)], TITLE))
    else:
        print(f"{args.frozen} not found: run packaging/build first; timing the other two only")
    server, display = start_display()
    try:
        print(f"launch to visible window, {args.runs} runs each after one warm-up, Xvfb {display}:")
        run(programs, args.runs, display)
    finally:
        server.terminate()
        server.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
