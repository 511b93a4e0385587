"""Benchmark: launch-to-window of the frozen app, beside the same app from source and a bare PySide6 window.

    packaging/build                                   # makes dist/evbundle
    .venv/bin/python tests/bench/bench_startup_frozen.py [--runs 7] [--frozen dist/evbundle/evbundle]

Each program is started under its own Xvfb display (the real X11 platform, not offscreen)
with a fresh EVBUNDLE_HOME, and timed from the moment the process is spawned until
``xdotool search --onlyvisible`` (polled every 10 ms) sees its window mapped; then it is killed. The first
run of each is a warm-up (files into the page cache) and not counted. Needs xvfb and xdotool
(apt-get install xvfb xauth xdotool libxcb-icccm4 libxcb-keysyms1).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TITLE = "Evidence Bundle Builder"
BARE = (
    "import sys\n"
    "from PySide6.QtWidgets import QApplication, QWidget\n"
    "app = QApplication(sys.argv)\n"
    "w = QWidget(); w.setWindowTitle('bare PySide6 window'); w.resize(400, 300); w.show()\n"
    "app.exec()\n"
)


def start_display() -> tuple[subprocess.Popen[bytes], str]:
    for number in range(90, 110):
        if not Path(f"/tmp/.X11-unix/X{number}").exists():
            display = f":{number}"
            server = subprocess.Popen(["Xvfb", display, "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 10
            while not Path(f"/tmp/.X11-unix/X{number}").exists():
                if time.monotonic() > deadline:
                    raise SystemExit("Xvfb did not start")
                time.sleep(0.05)
            return server, display
    raise SystemExit("no free X display number")


def time_to_window(command: list[str], title: str, display: str) -> float:
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "EVBUNDLE_HOME": home}
        env.pop("WAYLAND_DISPLAY", None)
        start = time.perf_counter()
        app = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            # Polled every 10 ms: xdotool's own --sync waits half a second between looks.
            while subprocess.run(["xdotool", "search", "--onlyvisible", "--name", title], env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode != 0:
                if time.perf_counter() - start > 60:
                    raise TimeoutError(f"no window titled {title!r} after 60 s")
                time.sleep(0.01)
            return time.perf_counter() - start
        finally:
            app.kill()
            app.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--frozen", type=Path, default=REPO / "dist" / "evbundle" / "evbundle")
    parser.add_argument("--python", type=Path, default=REPO / ".venv" / "bin" / "python")
    args = parser.parse_args()
    for tool in ("Xvfb", "xdotool"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} not found: apt-get install xvfb xdotool")
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
        for label, command, title in programs:
            time_to_window(command, title, display)  # warm-up
            times = [time_to_window(command, title, display) for _ in range(args.runs)]
            print(f"  {label:<34} median {statistics.median(times):5.2f} s   "
                  f"min {min(times):5.2f} s   max {max(times):5.2f} s", flush=True)
    finally:
        server.terminate()
        server.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
