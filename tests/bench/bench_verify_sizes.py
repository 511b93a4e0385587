"""Benchmark (issue 20): `evbundle verify` at every size, beside bagit-python and the hashing floor.

    python tests/bench/bench_verify_sizes.py [--sets sample,10k,100M,500M,1G,5G] [--repeat N] [--dir DIR]

Sets, all built with the app's own bundle writer (then unzipped for the
folder form): the 2 MB sample bundle (`evbundle demo`); 10,000 files of
4 KB; 100 MB, 500 MB and 1 GiB of screenshot-sized files (random bytes named .png,
4.3 MB each, stored in the zip); 5 GB of the same (for memory). Each is
timed as a whole process, the page cache warm (one untimed run first),
best of ``--repeat`` rounds, with its peak RSS:

- verify-zip:    evbundle verify BUNDLE.zip --trust FP
- verify-folder: evbundle verify FOLDER --trust FP
- engine-zip, engine-folder: verify_bundle() alone, timed inside a warm process (what the GUI's
                 dialog runs: no start-up, no imports)
- bagit:         bagit.py --validate --processes 2 FOLDER (bagit-python, the peer to beat)
- floor:         a Python process hashing every payload file with SHA-256 and SHA-512, each file read
                 once, files spread over 2 threads (hashlib releases the GIL)
- signed-floor:  the same, after importing only what checking a CMS signature needs (cryptography's
                 X.509 and asn1crypto's CMS): the least any verifier of a signed bundle written in
                 Python with these libraries can take. Where it is slower than bagit (which checks
                 no signature), "faster than bagit" cannot be reached by trimming our own code.
- libraries:     those two imports alone, no hashing: the start-up every such verifier pays first.
- bagit+libraries: bagit.py --validate as above, in a process that has first imported those two
                 libraries: what bagit-python would take if it checked a signature too (it would
                 still not have checked one), the like-for-like peer of `evbundle verify`.

The app's modules are byte-compiled first (``compileall``), as an installed app's are: with
PYTHONDONTWRITEBYTECODE set, or after an edit, a source checkout would compile them on every run
(about 40 ms here), which no installed copy does.

CPU seconds (user + system) are steadier than wall seconds on a shared machine.
Goals: verify faster than bagit at every size; within 1.15x the floor at 1 GiB; memory flat.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
PYTHON = sys.executable
BAGIT = str(Path(PYTHON).parent / "bagit.py")
SHOT = int(4.3 * 1000 * 1000)

FLOOR = """
import hashlib, os, sys
from concurrent.futures import ThreadPoolExecutor
def both(path):
    a, b = hashlib.sha256(), hashlib.sha512()
    with open(path, "rb", buffering=0) as f:
        while block := f.read(1 << 20):
            a.update(block); b.update(block)
    return a.hexdigest(), b.hexdigest()
paths = [os.path.join(d, n) for d, _, names in os.walk(sys.argv[1]) for n in names]
with ThreadPoolExecutor(2) as pool:
    list(pool.map(both, paths))
"""

BAGIT_WITH_LIBRARIES = """
import runpy, sys
import cryptography.x509, asn1crypto.cms
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""

ENGINE = """
import sys, time
from pathlib import Path
from app.bundle import verify_bundle
verify_bundle(Path(sys.argv[1]), expected_signers=[sys.argv[2]])  # warm the imports and the cache
start = time.perf_counter()
report = verify_bundle(Path(sys.argv[1]), expected_signers=[sys.argv[2]])
print(time.perf_counter() - start, report.verdict)
"""


def timed(command: list[str]) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds (user + system), peak RSS (MB) of one whole process, and what it printed.

    Measured by GNU time when installed (a small parent: a child's peak memory counts what it
    inherited at fork, so forking from this larger process would inflate it), else by wait4.
    """
    gnu_time = shutil.which("time") if Path("/usr/bin/time").exists() else None
    prefix = ["/usr/bin/time", "-f", "@@ %e %U %S %M"] if gnu_time else []
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen([*prefix, *command], stdout=out, stderr=err, cwd=REPO)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        errors = err.read().decode(errors="replace")
        if code != 0:
            raise SystemExit(f"{command[:4]} failed ({code}): {errors[-500:]}")
        cpu, rss = usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024
        for line in errors.splitlines():
            if line.startswith("@@ "):
                _, wall, user, system, peak = line.split()
                seconds, cpu, rss = float(wall), float(user) + float(system), int(peak) / 1024
        return seconds, cpu, rss, out.read().decode()


def build_set(name: str, root: Path) -> tuple[Path, Path, str]:
    """(zip, unzipped bag folder, signer fingerprint) for one set, built once and kept in ``root``."""
    folder = root / name
    marker = folder / "ready.json"
    if marker.exists():
        info = json.loads(marker.read_text())
        return Path(info["zip"]), Path(info["bag"]), info["fingerprint"]
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    if name == "sample":
        env = {**os.environ, "EVBUNDLE_HOME": str(folder / "home")}
        subprocess.run(
            [PYTHON, "-m", "app", "demo", str(folder / "demo")],
            check=True,
            capture_output=True,
            cwd=REPO,
            env=env,
        )
        (bundle,) = (folder / "demo").glob("*.zip")
        fingerprint = _fingerprint(bundle)
    else:
        bundle, fingerprint = _synthetic(name, folder)
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(folder / "unzipped")
    (bag,) = (folder / "unzipped").iterdir()
    marker.write_text(json.dumps({"zip": str(bundle), "bag": str(bag), "fingerprint": fingerprint}))
    return bundle, bag, fingerprint


def _fingerprint(bundle: Path) -> str:
    with zipfile.ZipFile(bundle) as archive:
        (case,) = [n for n in archive.namelist() if n.endswith("/case.json")]
        return str(json.loads(archive.read(case))["signer_fingerprint_sha256"])


def _synthetic(name: str, folder: Path) -> tuple[Path, str]:
    from app.bundle import PayloadFile, build_bundle, create_identity  # noqa: PLC0415
    from app.bundle import identity as identity_module  # noqa: PLC0415

    identity_module.KDF_ROUNDS = 1000
    signer = create_identity("Bench", "Bench Org", "correct horse", directory=folder / "identity")
    if name == "10k":
        count, size = 10_000, 4096
    else:
        total = {"100M": 100 * 1000**2, "500M": 500 * 1000**2, "1G": 1024**3, "5G": 5 * 1000**3}[name]
        count, size = max(1, total // SHOT), SHOT
    seed = os.urandom(size + 4096)

    def opener(number: int):  # type: ignore[no-untyped-def]
        import io  # noqa: PLC0415

        shift = number % 4096  # every file different, no time spent on randomness
        return lambda: io.BytesIO(number.to_bytes(8, "big") + seed[shift : shift + size - 8])

    payload = [
        PayloadFile(f"exhibits/Exhibit-{n // 100:04}/original/shot-{n:05}.png", size, opener(n))
        for n in range(count)
    ]
    built = build_bundle(
        folder / f"{name}.zip",
        f"Bench-{name}",
        payload,
        {"case.json": b"{}\n", "custody.jsonl": b""},
        {},
        signer,
        "2026-11-02",
    )
    return built.path, signer.fingerprint


def measure(name: str, root: Path, repeat: int) -> dict[str, tuple[float, float, float]]:
    """(best wall seconds, best CPU seconds, peak MB) per way of checking the set."""
    bundle, bag, fingerprint = build_set(name, root)
    commands = {
        "verify-zip": [PYTHON, "-m", "app", "verify", str(bundle), "--trust", fingerprint],
        "verify-folder": [PYTHON, "-m", "app", "verify", str(bag), "--trust", fingerprint],
        "bagit": [PYTHON, BAGIT, "--validate", "--processes", "2", str(bag)],
        "floor": [PYTHON, "-c", FLOOR, str(bag / "data")],
        "signed-floor": [PYTHON, "-c", "import cryptography.x509, asn1crypto.cms\n" + FLOOR, str(bag / "data")],
        "libraries": [PYTHON, "-c", "import cryptography.x509, asn1crypto.cms"],
        "bagit+libraries": [PYTHON, "-c", BAGIT_WITH_LIBRARIES, BAGIT, "--validate", "--processes", "2", str(bag)],
        "engine-zip": [PYTHON, "-c", ENGINE, str(bundle), fingerprint],
        "engine-folder": [PYTHON, "-c", ENGINE, str(bag), fingerprint],
    }
    results: dict[str, tuple[float, float, float]] = {}
    for label, command in commands.items():
        timed(command)  # warm the page cache and the interpreter's files
        runs = [timed(command) for _ in range(repeat)]
        if label.startswith("engine"):  # its own clock: verify_bundle alone, imports and start-up left out
            runs = [(float(out.split()[0]), cpu, rss, out) for _, cpu, rss, out in runs]
        results[label] = (min(r[0] for r in runs), min(r[1] for r in runs), max(r[2] for r in runs))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sets", default="sample,10k,100M,1G")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=None, help="keep the sets here between runs")
    options = parser.parse_args()
    root = options.dir or Path(tempfile.mkdtemp(prefix="evbundle-bench-"))
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(REPO / "app")], check=True, capture_output=True)
    print(
        f"{'set':<7}{'form':<17}{'wall s':>8}{'x floor':>8}{'x bagit':>8}{'CPU s':>8}{'x floor':>8}"
        f"{'x bagit':>8}{'peak MB':>8}"
    )
    for name in options.sets.split(","):
        results = measure(name, root, options.repeat)
        floor, bagit = results["floor"], results["bagit"]
        for label in ("verify-zip", "verify-folder", "engine-zip", "engine-folder", "bagit", "bagit+libraries", "floor",
                      "signed-floor", "libraries"):
            seconds, cpu, rss = results[label]
            cpu_text = (
                f"{cpu:>8.2f}{cpu / floor[1]:>8.2f}{cpu / bagit[1]:>8.2f}"
                if not label.startswith("engine")
                else f"{'':>8}{'':>8}{'':>8}"
            )
            print(
                f"{name:<7}{label:<17}{seconds:>8.3f}{seconds / floor[0]:>8.2f}{seconds / bagit[0]:>8.2f}"
                f"{cpu_text}{rss:>8.0f}"
            )
        sys.stdout.flush()
    if options.dir is None:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
