"""Benchmark: sealing and verifying a bundle of screenshots, beside bagit-python and the hashing floor.

    python tests/bench/bench_seal_verify.py [--size 1G] [--repeat N] [--dir DIR] [--keep] [--skip-bagit]

Makes ``--size`` bytes (default 1 GiB; ``--size 5G`` for the memory goal) of
screenshot-like files (random bytes named .png, 5-20 MB each) in a temporary
folder, and a case file holding them as screenshots (stored the way intake
stores them: chunks plus SHA-256 and SHA-512; the image decode at intake is
left out, it is not what is measured). Then times, each in a fresh process so
that its peak memory is its own:

- floor: SHA-256 and SHA-512 of every file with hashlib, files spread over 2
  threads (hashlib releases the GIL), each file read once;
- write-floor: the same bytes copied into one new file and fsynced, disk
  writes started after each file as seal does (without that, a plain copy
  and fsync took 4.6 s here): what writing the bundle costs on this disk
  before any hashing or zip work (bagit-python's
  make_bag writes no copy, it moves the files into data/ where they are);
- seal: ``build_case(documents=False)``, which is ``evbundle build CASE
  --no-documents``: reads the evidence from the case file, writes the zip,
  both manifests, tag manifests, CMS signature, zip SHA-256, custody entry;
- seal-files: ``build_bundle`` on the loose files, whose hashes nobody knows
  yet (so both are computed): the sealing engine alone, for comparison;
- verify: ``verify_bundle`` on the bundle that seal wrote;
- bagit-python ``make_bag`` and ``Bag.validate``, both with processes=2 and
  the same two algorithms, on a copy of the same files.

Sealing a case checks each file's SHA-256 against the one recorded at intake
and reuses the recorded SHA-512 (see app/bundle/bag.py), so its hashing work
is two SHA-256 passes (the evidence, the zip itself) against the floor's
SHA-256 + SHA-512; seal-files shows the cost when nothing is known.

Prints each figure beside its baselines, and the peak RSS of each process.
CPU seconds are steadier than wall seconds on a shared machine; ``--repeat``
keeps each phase's best of N rounds.
Not a pass/fail test: the goals (issue 5) are seal and verify within 1.3x of
the floor, faster than bagit-python, and flat memory (under 300 MB at 5 GB).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

BLOCK = 1024 * 1024
PHASES = ("floor", "sha256-only", "sha512-only", "write-floor", "seal", "seal-files", "verify", "bagit-make", "bagit-validate")


def parse_size(text: str) -> int:
    units = {"K": 1024, "M": 1024**2, "G": 1024**3}
    text = text.strip().upper().removesuffix("IB").removesuffix("B")
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


def make_files(folder: Path, total: int) -> list[Path]:
    """Screenshot-like files: incompressible bytes, 5-20 MB each, .png names (stored, not deflated)."""
    folder.mkdir(parents=True)
    rng = random.Random(20261128)
    paths, made, number = [], 0, 0
    while made < total:
        size = min(rng.randint(5 * 1024**2, 20 * 1024**2), total - made)
        number += 1
        path = folder / f"screenshot-{number:04d}.png"
        with path.open("wb") as stream:
            left = size
            while left:
                chunk = min(left, 4 * BLOCK)
                stream.write(rng.randbytes(chunk))
                left -= chunk
        paths.append(path)
        made += size
    return paths


def make_case(work: Path, files: list[Path]) -> None:
    """The case file ``seal`` reads: every file a screenshot exhibit, stored as intake stores it."""
    from app.core.model import CaseInfo, ItemKind, ParseStatus
    from app.store import CaseFile

    with CaseFile.create(work / "bench.evcase", CaseInfo(case_id="", title="Bench case")) as case:
        for path in files:
            with case.transaction() as tx, path.open("rb") as stream:
                digests = tx.store_object(stream)
                tx.add_item(kind=ItemKind.SCREENSHOT, digests=digests, name=path.name,
                              original_name=path.name, source_path=str(path), parse_status=ParseStatus.OK)


def _signer(work: Path):  # type: ignore[no-untyped-def]
    from app.bundle import create_identity
    from app.bundle import identity as identity_module

    identity_module.KDF_ROUNDS = 1000  # the key store is not what is measured
    return create_identity("Bench Investigator", "Bench", "bench passphrase",
                           directory=Path(tempfile.mkdtemp(dir=work)))


def _hash_file(path: Path, algorithms: tuple[str, ...]) -> None:
    digests = [hashlib.new(a) for a in algorithms]
    with path.open("rb", buffering=0) as stream:
        while block := stream.read(BLOCK):
            for digest in digests:
                digest.update(block)


def run_phase(phase: str, work: Path) -> dict[str, float]:
    """One measurement, in this (fresh) process."""
    files = sorted((work / "files").glob("*.png"))
    started = time.perf_counter()
    cpu_started = _cpu()
    if phase in ("floor", "sha256-only", "sha512-only"):
        algorithms = {"floor": ("sha256", "sha512"), "sha256-only": ("sha256",), "sha512-only": ("sha512",)}[phase]
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(lambda p: _hash_file(p, algorithms), files))
    elif phase == "seal":
        from app.ops.build import build_case
        from app.store import CaseFile

        signer = _signer(work)
        out = work / "out"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        with CaseFile.open(work / "bench.evcase") as case:
            started, cpu_started = time.perf_counter(), _cpu()
            built = build_case(case, out, signer, documents=False, bundle_date="2026-11-28")
        built.bundle.replace(work / "bundle.zip")
    elif phase == "seal-files":
        from app.bundle import PayloadFile, build_bundle

        signer = _signer(work)
        payload = [PayloadFile(f"exhibits/{p.stem}/original/{p.name}", p.stat().st_size,
                               (lambda p=p: p.open("rb"))) for p in files]
        started, cpu_started = time.perf_counter(), _cpu()
        build_bundle(work / "bundle-files.zip", "bench-bag", payload,
                     {"case.json": b"{}\n", "custody.jsonl": b""}, {"External-Identifier": "bench"},
                     signer, "2026-11-28")
    elif phase == "write-floor":
        from app.bundle.streaming import Writeback

        target = work / "write-floor.bin"
        with target.open("wb") as sink:
            writeback = Writeback(sink.fileno())  # disk writes start as the file grows, as seal's do
            for path in files:
                with path.open("rb", buffering=0) as source:
                    while block := source.read(BLOCK):
                        sink.write(block)
                sink.flush()
                writeback.up_to(sink.tell())
            os.fsync(sink.fileno())
        target.unlink()
    elif phase == "verify":
        from app.bundle import verify_bundle

        started, cpu_started = time.perf_counter(), _cpu()  # importing is not verifying
        report = verify_bundle(work / "bundle.zip")
        assert report.ok, report.to_text()
        assert report.payload_files == len(files), report.payload_files
    elif phase == "bagit-make":
        import bagit

        bag = work / "bag"
        shutil.rmtree(bag, ignore_errors=True)
        shutil.copytree(work / "files", bag)
        started, cpu_started = time.perf_counter(), _cpu()
        bagit.make_bag(str(bag), checksums=["sha256", "sha512"], processes=2)
    elif phase == "bagit-validate":
        import bagit

        started, cpu_started = time.perf_counter(), _cpu()
        bagit.Bag(str(work / "bag")).validate(processes=2)
    else:
        raise SystemExit(f"unknown phase {phase}")
    seconds = time.perf_counter() - started
    cpu = _cpu() - cpu_started
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_rss_mb": own, "children_peak_rss_mb": children}


def _cpu() -> float:
    """CPU seconds (user + system) of this process and its finished children: less noisy than the
    wall clock on a machine shared with other work."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def measure(phase: str, work: Path) -> dict[str, float]:
    environment = {**os.environ, "EVBUNDLE_HOME": str(work / "home")}  # never the user's own settings
    result = subprocess.run(
        [sys.executable, __file__, "--phase", phase, "--work", str(work)],
        capture_output=True, text=True, check=False, env=environment,
    )
    if result.returncode != 0:
        raise SystemExit(f"{phase} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="1G", help="total bytes of screenshots (default 1G = 1 GiB)")
    parser.add_argument("--dir", type=Path, help="work folder (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--skip-bagit", action="store_true", help="leave out bagit-python")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run every phase N times, in rounds, and keep each one's best wall and CPU time")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(run_phase(args.phase, args.work)))
        return

    size = parse_size(args.size)
    work = Path(tempfile.mkdtemp(prefix="evbundle-bench-", dir=args.dir))
    try:
        files = make_files(work / "files", size)
        os.environ["EVBUNDLE_HOME"] = str(work / "home")
        make_case(work, files)
        gib = size / 1024**3
        print(f"{len(files)} screenshot-like files, {size:,} bytes ({gib:.2f} GiB), in {work}")
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
        phases = [p for p in PHASES if not (args.skip_bagit and p.startswith("bagit"))]
        measure("sha256-only", work)  # warm the page cache, so every phase reads from memory alike
        results: dict[str, dict[str, float]] = {}
        for _ in range(max(1, args.repeat)):  # rounds, so a busy spell on the machine hits every phase alike
            for phase in phases:
                run = measure(phase, work)
                best = results.setdefault(phase, run)
                results[phase] = {key: min(best[key], run[key]) if "seconds" in key else max(best[key], run[key])
                                  for key in run}
        floor = results["floor"]["seconds"]
        print()
        floor_cpu = results["floor"]["cpu_seconds"]
        print(f"{'':<16}{'seconds':>9}{'GiB/s':>8}{'x floor':>9}{'CPU s':>8}{'x floor':>9}{'peak RSS MB':>13}")
        for phase in phases:
            r = results[phase]
            rss = max(r["peak_rss_mb"], r["children_peak_rss_mb"])
            print(f"{phase:<16}{r['seconds']:>9.2f}{gib / r['seconds']:>8.2f}{r['seconds'] / floor:>9.2f}"
                  f"{r['cpu_seconds']:>8.2f}{r['cpu_seconds'] / floor_cpu:>9.2f}{rss:>13.0f}")
        print()
        write_floor = results["write-floor"]["seconds"]
        both = max(floor, write_floor)
        print(f"seal vs the slower of the two floors (hashing {floor:.2f} s, writing {write_floor:.2f} s): "
              f"{results['seal']['seconds'] / both:.2f}x")
        if not args.skip_bagit:
            for ours, theirs in (("seal", "bagit-make"), ("seal-files", "bagit-make"), ("verify", "bagit-validate")):
                ratio = results[theirs]["seconds"] / results[ours]["seconds"]
                print(f"{ours} vs {theirs}: {results[ours]['seconds']:.2f} s vs {results[theirs]['seconds']:.2f} s "
                      f"({ratio:.2f}x as fast)")
        zip_size = (work / "bundle.zip").stat().st_size
        print(f"\nbundle.zip: {zip_size:,} bytes")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
