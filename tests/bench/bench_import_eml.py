"""Benchmark: import 10,000 .eml files (synthesised from the corpus, attachments included) into a case.

    .venv/bin/python tests/bench/bench_import_eml.py [--count 10000] [--no-gui]

Prints, in the same run and over the same files:
- baseline: a bare loop of stdlib email parsing (policy.default, every part
  decoded) + SHA-256 of each file;
- import: ``app.ops.intake.import_files`` into a fresh case (hashing,
  byte-exact storage, full parsing, custody log, exhibit numbering);
- GUI: the same import run through the GUI's background helper while a
  10 ms QTimer records the longest gap of the event loop.

Beside each wall-clock time it prints the CPU seconds spent (the import's
includes its parser worker processes) and the load average: on a shared
machine the wall-clock ratio says as much about the neighbours as about the
import, the CPU figures do not.

Each synthesised file is a corpus message with a unique Message-ID line
added on top, so no two files have the same SHA-256 (a duplicate would be
refused). Not a test: it prints figures and never fails on timing.
"""

from __future__ import annotations

import argparse
import email
import hashlib
import os
import shutil
import sys
import tempfile
import time
from email import policy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "corpus" / "eml"


def synthesise(folder: Path, count: int) -> list[Path]:
    """`count` distinct .eml files cycling through the corpus messages (empty ones left out)."""
    sources = [p.read_bytes() for p in sorted(CORPUS.glob("*.eml")) if p.stat().st_size > 0]
    paths = []
    for n in range(count):
        data = sources[n % len(sources)]
        path = folder / f"{n:05d}.eml"
        stamp = f"X-Bench-Id: <{n}@bench.invalid>\r\n".encode()
        if data.startswith(b"From "):  # keep an mbox-style envelope line first
            envelope, _, rest = data.partition(b"\n")
            path.write_bytes(envelope + b"\n" + stamp + rest)
        else:
            path.write_bytes(stamp + data)
        paths.append(path)
    return paths


def cpu_seconds() -> float:
    """CPU time of this process, plus that of its finished child processes (the import's parser workers)."""
    total = time.process_time()
    try:
        import resource

        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        total += children.ru_utime + children.ru_stime
    except ImportError:  # Windows: this process only
        pass
    return total


def load() -> str:
    return f"load {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""


def baseline(paths: list[Path]) -> float:
    """The floor: read, parse with the stdlib, decode every part, SHA-256 the file."""
    start = time.perf_counter()
    for path in paths:
        data = path.read_bytes()
        hashlib.sha256(data).hexdigest()
        message = email.message_from_bytes(data, policy=policy.default)
        for part in message.walk():
            if not part.is_multipart():
                try:
                    part.get_payload(decode=True)
                except Exception:  # noqa: BLE001 - the floor ignores what the importer must report
                    pass
        try:
            str(message.get("subject", ""))
        except Exception:  # noqa: BLE001
            pass
    return time.perf_counter() - start


def import_plain(paths: list[Path], folder: Path) -> tuple[float, int]:
    from app.core.model import CaseInfo
    from app.ops.intake import import_files
    from app.store import CaseFile

    start = time.perf_counter()
    with CaseFile.create(folder / "bench.evcase", CaseInfo(case_id="", title="Bench")) as case:
        report = import_files(case, paths)
    elapsed = time.perf_counter() - start
    assert not report.refused, report.refused[:3]
    return elapsed, len(report.imported)


def import_in_gui(paths: list[Path], folder: Path) -> tuple[float, float, int]:
    """The import through the GUI's background helper; the longest event-loop gap seen meanwhile (ms)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    from app.core.model import CaseInfo
    from app.gui.background import Operations
    from app.ops.intake import import_files
    from app.store import CaseFile

    qt_app = QApplication.instance() or QApplication([])  # noqa: F841 - kept alive while the window runs
    operations = Operations()
    parent = QWidget()
    case = CaseFile.create(folder / "bench-gui.evcase", CaseInfo(case_id="", title="Bench GUI"))
    gaps = {"max": 0, "ticks": 0}
    clock = QElapsedTimer()
    clock.start()
    last = [clock.elapsed()]

    def tick() -> None:
        now = clock.elapsed()
        gaps["max"] = max(gaps["max"], now - last[0])
        gaps["ticks"] += 1
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    result: dict[str, object] = {}

    def work(progress, cancelled):  # type: ignore[no-untyped-def]
        return import_files(case, paths, progress=lambda d, t: progress(d, t, f"Importing {d} of {t}"),
                            cancelled=cancelled)

    loop = QEventLoop()

    def finish(key: str, value: object) -> None:
        result[key] = value
        loop.quit()

    start = time.perf_counter()
    operations.run(parent, work, lambda report: finish("report", report),
                   on_failure=lambda exc: finish("error", exc),
                   progress_title="Adding evidence", writes_case=True)
    timer.start()
    loop.exec()  # the app's own event loop (processEvents() in a loop leaks None in PySide6 6.12)
    elapsed = time.perf_counter() - start
    timer.stop()
    operations.wait()
    case.close()
    import shiboken6  # delete the Qt objects now, not during interpreter shutdown

    for qt_object in (timer, loop, parent, operations):
        shiboken6.delete(qt_object)
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    return elapsed, float(gaps["max"]), gaps["ticks"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--no-gui", action="store_true")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="evbundle-bench-"))
    os.environ["EVBUNDLE_HOME"] = str(folder / "home")
    try:
        files = folder / "eml"
        files.mkdir()
        paths = synthesise(files, args.count)
        size = sum(p.stat().st_size for p in paths)
        print(f"{len(paths):,} .eml files, {size / 2**20:,.0f} MiB, from {CORPUS}")
        cpu = cpu_seconds()
        base = baseline(paths)
        base_cpu, cpu = cpu_seconds() - cpu, cpu_seconds()
        print(f"baseline  stdlib parse + SHA-256 loop: {base:7.2f} s  ({len(paths) / base:,.0f} files/s); "
              f"CPU {base_cpu:.1f} s; {load()}")
        took, items = import_plain(paths, folder)
        took_cpu = cpu_seconds() - cpu
        print(f"import    app.ops.intake.import_files: {took:7.2f} s  ({items / took:,.0f} files/s)  "
              f"= {took / base:.2f}x baseline (goal: within 2x); CPU {took_cpu:.1f} s "
              f"= {took_cpu / base_cpu:.2f}x baseline's; {load()}")
        if not args.no_gui:
            took_gui, gap, ticks = import_in_gui(paths, folder)
            print(f"GUI       import via background helper: {took_gui:7.2f} s; event loop longest gap "
                  f"{gap:.0f} ms over {ticks:,} ticks of 10 ms (goal: never over 100 ms)")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
