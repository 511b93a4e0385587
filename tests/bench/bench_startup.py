"""Benchmark: launch-to-window of the app from source, beside a bare PySide6 window in the same run.

    .venv/bin/python tests/bench/bench_startup.py [--runs 7]

Three programs, each started under its own Xvfb display (the real X11 platform, not
offscreen) with a fresh EVBUNDLE_HOME, timed from the moment the process is spawned until
``xdotool search --onlyvisible`` (polled every 10 ms) sees its window mapped; then killed:

- a bare PySide6 window (the baseline: Python, Qt and a window, nothing else);
- evbundle with no case (the start screen);
- evbundle opening the fictional sample case (``evbundle CASE.evcase``, as a file manager does).

The first run of each is a warm-up (files into the page cache) and not counted. The goal
(issue 15) is the app within 2x the bare window. Each app run also reports which heavy
libraries were loaded when the window appeared (none should be: they load on first use).
``bench_startup_frozen.py`` times the packaged app with the same functions.
Needs xvfb and xdotool (apt-get install xvfb xauth xdotool libxcb-icccm4 libxcb-keysyms1).
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
HEAVY = ("reportlab", "docx", "jinja2", "cryptography", "pikepdf", "PIL", "app.documents", "app.bundle",
         "app.sources.mail", "email.parser", "nh3", "dns")
# Run the app as `python -m app`, but write down, the moment the window is shown, which heavy
# libraries are loaded (into the file named by EVBUNDLE_BENCH_MODULES).
PROBE = (
    "import os, sys, runpy\n"
    "from PySide6.QtWidgets import QMainWindow\n"
    "show = QMainWindow.show\n"
    "def probed(self):\n"
    "    show(self)\n"
    f"    heavy = sorted({{'.'.join(m.split('.')[:2 if m.startswith('app.') else 1])\n"
    f"                    for m in sys.modules if m.startswith({HEAVY!r})}})\n"
    "    open(os.environ['EVBUNDLE_BENCH_MODULES'], 'w').write(' '.join(heavy))\n"
    "QMainWindow.show = probed\n"
    "sys.argv = ['evbundle', *sys.argv[1:]]\n"
    "runpy.run_module('app', run_name='__main__')\n"
)


def start_display() -> tuple[subprocess.Popen[bytes], str]:
    """An Xvfb server of our own; Xvfb picks a free display number itself (-displayfd), so a server
    another program starts meanwhile cannot take ours."""
    read, write = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(write,))
    os.close(write)
    with os.fdopen(read) as numbers:
        number = numbers.readline().strip()
    if not number:
        raise SystemExit("Xvfb did not start")
    return server, f":{number}"


def time_to_window(command: list[str], title: str, display: str, env: dict[str, str] | None = None,
                   cwd: Path | None = None) -> float:
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "EVBUNDLE_HOME": home, **(env or {})}
        env.pop("WAYLAND_DISPLAY", None)
        errors = Path(home) / "stderr.txt"
        start = time.perf_counter()
        with errors.open("wb") as sink:
            app = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=sink, cwd=cwd)
        try:
            # Polled every 10 ms: xdotool's own --sync waits half a second between looks.
            while subprocess.run(["xdotool", "search", "--onlyvisible", "--name", title], env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode != 0:
                if time.perf_counter() - start > 60 or app.poll() is not None:
                    raise RuntimeError(f"no window titled {title!r} (exit code {app.poll()}): "
                                       + errors.read_text(errors="replace")[-2000:])
                time.sleep(0.01)
            return time.perf_counter() - start
        finally:
            app.kill()
            app.wait()


def once(command: list[str], title: str, display: str, env: dict[str, str], cwd: Path | None) -> float:
    """One timed launch; a launch the X server turned away (it happens on a busy shared machine) is tried again."""
    for attempt in range(3):
        try:
            return time_to_window(command, title, display, env, cwd)
        except RuntimeError as exc:
            if "could not connect to display" not in str(exc) or attempt == 2:
                raise
            time.sleep(0.5)
    raise AssertionError("unreachable")


def sample_case(folder: Path, python: Path, source: Path = REPO) -> Path:
    """The fictional sample case (``evbundle demo``), made once for the run."""
    subprocess.run([str(python), "-m", "app", "demo", str(folder)], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, env={**os.environ, "EVBUNDLE_HOME": str(folder / "home")}, cwd=source)
    return next(folder.glob("*.evcase"))


def check_tools() -> None:
    for tool in ("Xvfb", "xdotool"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} not found: apt-get install xvfb xdotool")


def run(programs: list[tuple[str, list[str], str]], runs: int, display: str, cwd: Path | None = None) -> dict[str, float]:
    """Median launch-to-window of each program, printed with its spread and its ratio to the first.

    The programs take turns, one launch each per round, so that a machine whose load changes during
    the run weighs on each of them alike."""
    times: dict[str, list[float]] = {label: [] for label, _command, _title in programs}
    loaded: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as scratch:
        probe = Path(scratch) / "modules.txt"
        env = {"EVBUNDLE_BENCH_MODULES": str(probe)}
        for round_ in range(runs + 1):  # round 0 is the warm-up
            for label, command, title in programs:
                took = once(command, title, display, env, cwd)
                if round_:
                    times[label].append(took)
                if probe.exists():
                    loaded[label] = probe.read_text().strip()
                    probe.unlink()
    baseline = statistics.median(next(iter(times.values())))
    medians = {}
    for label, command, _title in programs:
        medians[label] = median = statistics.median(times[label])
        heavy = f"   heavy modules at show: {loaded.get(label) or 'none'}" if PROBE in command else ""
        print(f"  {label:<36} median {median:5.2f} s  ({median / baseline:3.1f}x)  min {min(times[label]):5.2f}  "
              f"max {max(times[label]):5.2f}{heavy}", flush=True)
    return medians


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--python", type=Path, default=REPO / ".venv" / "bin" / "python")
    parser.add_argument("--source", type=Path, default=REPO,
                        help="the checkout whose app is timed (another commit's, to compare with)")
    args = parser.parse_args()
    check_tools()
    with tempfile.TemporaryDirectory() as folder:
        case = sample_case(Path(folder), args.python, args.source)
        programs = [
            ("bare PySide6 window (baseline)", [str(args.python), "-c", BARE], "bare PySide6 window"),
            ("evbundle, no case (start screen)", [str(args.python), "-c", PROBE], TITLE),
            ("evbundle, opening the sample case", [str(args.python), "-c", PROBE, str(case)], TITLE),
        ]
        server, display = start_display()
        try:
            print(f"launch to visible window, {args.runs} runs each (taking turns) after one warm-up, Xvfb {display}, "
                  f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs:")
            run(programs, args.runs, display, args.source)
        finally:
            server.terminate()
            server.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
