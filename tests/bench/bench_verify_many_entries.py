"""How long verify takes to report many extra entries (issue 12: 100,000 in under 10 s; was > 10 min).

Builds the sample bundle (`evbundle demo`), appends N empty files under data/ that no manifest
lists, and runs `evbundle verify --json` as a whole process, for N = 20,000, 50,000, 100,000;
the time should grow linearly. Run: .venv/bin/python tests/bench/bench_verify_many_entries.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

EVBUNDLE = [sys.executable, "-m", "app"]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        subprocess.run([*EVBUNDLE, "demo", str(work / "demo")], check=True, capture_output=True)
        (bundle,) = (work / "demo").glob("*.zip")
        bag = bundle.stem
        for count in (20_000, 50_000, 100_000):
            target = work / f"extra-{count}.zip"
            target.write_bytes(bundle.read_bytes())
            with zipfile.ZipFile(target, "a") as archive:
                for number in range(count):
                    archive.writestr(f"{bag}/data/extra/{number:06}.txt", b"")
            start = time.perf_counter()
            run = subprocess.run([*EVBUNDLE, "verify", "--json", str(target)], capture_output=True, text=True)
            seconds = time.perf_counter() - start
            report = json.loads(run.stdout)
            extras = sum(p["code"] == "extra-file" for p in report["problems"])
            print(
                f"{count:>7,} extra entries: exit {run.returncode}, {extras:,} reported, {seconds:.2f} s "
                f"({seconds / count * 1e6:.1f} µs per entry)"
            )


if __name__ == "__main__":
    main()
