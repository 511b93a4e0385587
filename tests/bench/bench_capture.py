"""Web capture speed and memory, beside a bare QtWebEngine load of the same page, measured in this script.

    .venv/bin/python tests/bench/bench_capture.py [--batch 100] [--settle 2]

1. Bare load: a program that starts Python and QtWebEngine offscreen, loads the
   test page through its redirect (accepting its self-signed certificate), waits
   for loadFinished and exits: the least any capture could cost. Its page load
   alone is printed too.
2. Capture: ``capture_urls`` of the same page into a case (capture program,
   scroll, settle, screenshots, MHTML, PDF, WARC, storing and hashing).
   Goal: capture <= 2 x bare load + settle time.
3. Batch: N URLs of the test page, one browser program per page (the default)
   and five per program, with the op's own peak RSS and each browser
   program's peak RSS (the program and its Chromium helpers, summed), first
   tenth against last tenth: memory must stay flat.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from capture.site import serve  # noqa: E402

from app.capture.job import CaptureOptions  # noqa: E402
from app.core.model import CaseInfo  # noqa: E402
from app.ops import capture_web  # noqa: E402
from app.store import CaseFile  # noqa: E402

BARE = r"""
import os, sys, time
started = time.monotonic()
os.environ["QT_QPA_PLATFORM"] = "offscreen"
if os.geteuid() == 0:
    os.environ["QTWEBENGINE_DISABLE_SANDBOX"] = "1"
os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = "--disable-gpu"
from PySide6.QtCore import QUrl, QSize
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QApplication
app = QApplication([])
view = QWebEngineView()
view.resize(QSize(1280, 800))
view.page().certificateError.connect(lambda error: error.acceptCertificate())
loaded = []
def finished(ok):
    loaded.append(time.monotonic())
    app.quit()
view.loadFinished.connect(finished)
view.show()
asked = time.monotonic()
view.load(QUrl(sys.argv[1]))
app.exec()
print(f"{asked - started:.3f} {loaded[0] - asked:.3f}")
"""


def rss_kib(pid: int | str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def group_rss_kib(group: int) -> int:
    """Resident memory of every live process in a process group, summed."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] not in ("Z", "X"):
            total += rss_kib(stat.parent.name)
    return total


class Sampler:
    """Peak RSS of each capture program (with its helpers), sampled every 50 ms."""

    def __init__(self) -> None:
        self.peaks: dict[int, int] = {}
        self.current: int | None = None
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop.is_set():
            group = self.current
            if group is not None:
                self.peaks[group] = max(self.peaks.get(group, 0), group_rss_kib(group))
            time.sleep(0.05)


def bare_load(url: str) -> tuple[float, float, float]:
    started = time.monotonic()
    out = subprocess.run([sys.executable, "-c", BARE, url], capture_output=True, text=True, check=True).stdout
    wall = time.monotonic() - started
    startup, load = (float(v) for v in out.split())
    return wall, startup, load


def capture_once(folder: Path, url: str, settle: float, per_process: int = 1) -> float:
    path = folder / f"bench-{time.monotonic_ns()}.evcase"
    with CaseFile.create(path, CaseInfo(case_id="", title="bench")) as case:
        started = time.monotonic()
        report = capture_web.capture_urls(case, [url], CaptureOptions(allow_private=True, wait=settle),
                                          urls_per_process=per_process)
        wall = time.monotonic() - started
    assert len(report.captured) == 1, report
    return wall


def batch(folder: Path, site_page: str, count: int, per_process: int, sampler: Sampler) -> None:
    original = capture_web.CaptureProcess

    class Watched(original):  # type: ignore[misc, valid-type]
        def __init__(self, *args: object) -> None:
            super().__init__(*args)  # type: ignore[arg-type]
            sampler.current = self.process.pid

    capture_web.CaptureProcess = Watched  # type: ignore[misc]
    sampler.current = None
    time.sleep(0.1)
    sampler.peaks.clear()
    own_before = rss_kib(os.getpid())
    path = folder / f"batch-{per_process}.evcase"
    try:
        with CaseFile.create(path, CaseInfo(case_id="", title="batch")) as case:
            started = time.monotonic()
            report = capture_web.capture_urls(case, [f"{site_page}?n={i}" for i in range(count)],
                                              CaptureOptions(allow_private=True, wait=0.2),
                                              urls_per_process=per_process)
            wall = time.monotonic() - started
    finally:
        capture_web.CaptureProcess = original  # type: ignore[misc]
    peaks = [peak for peak in sampler.peaks.values() if peak]
    tenth = max(1, len(peaks) // 10)
    print(f"  {count} URLs, {per_process} per program: {wall:.1f} s ({wall / count:.2f} s per page), "
          f"{len(report.captured)} captured, {len(report.failed)} failed")
    print(f"    capture program peak RSS (with Chromium helpers): first tenth "
          f"{statistics.mean(peaks[:tenth]) / 1024:.0f} MiB, last tenth {statistics.mean(peaks[-tenth:]) / 1024:.0f} MiB, max {max(peaks) / 1024:.0f} MiB")
    print(f"    this process (the op): {own_before / 1024:.0f} MiB before, "
          f"{rss_kib(os.getpid()) / 1024:.0f} MiB after, case file {path.stat().st_size / 1e6:.1f} MB")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--settle", type=float, default=2.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name, serve(Path(name)) as site:
        folder = Path(name)
        bare_load(site.start)  # warm the disk cache
        bares, walls = [], []
        for _ in range(args.runs):  # alternated, so that the machine's load weighs on both alike
            bares.append(bare_load(site.start))  # the same URL, redirect included
            walls.append(capture_once(folder, site.start, args.settle))
        bare = statistics.median(b[0] for b in bares)
        capture = statistics.median(walls)
        goal = 2 * bare + args.settle
        print(f"bare QtWebEngine load (process start to loadFinished, exit): {bare:.2f} s median "
              f"(start-up {statistics.median(b[1] for b in bares):.2f} s, page load "
              f"{statistics.median(b[2] for b in bares):.3f} s)")
        print(f"capture with settle {args.settle:g} s, stored in a case: {capture:.2f} s median "
              f"(runs: {', '.join(f'{w:.2f}' for w in walls)})")
        print(f"goal 2 x bare + settle = {goal:.2f} s: {'met' if capture <= goal else 'NOT met'} "
              f"(capture minus settle = {capture - args.settle:.2f} s = "
              f"{(capture - args.settle) / bare:.2f} x bare)")
        if args.batch:
            sampler = Sampler()
            sampler.thread.start()
            batch(folder, site.page, args.batch, 1, sampler)
            batch(folder, site.page, max(10, args.batch // 5), 5, sampler)
            sampler.stop.set()
    return 0


if __name__ == "__main__":
    sys.exit(main())
