"""Coverage-guided fuzzing of every importer with atheris (libFuzzer), for a fixed budget each.

    .venv/bin/pip install atheris
    .venv/bin/python tests/bench/fuzz_importers_atheris.py [SECONDS_EACH] [--only email,mbox,...] [--out DIR]

One libFuzzer run per importer, each in a process of its own, seeded from tests/sources/fuzz_seeds/
and the sample case, with the importers (and the standard library's email, mailbox and json readers,
olefile, idna and the Public Suffix List reader they call) instrumented for coverage:

- email: what a spam sample meets on import (detection, the parser) and on show (the mail reader);
- mbox: the mailbox splitter, then each message through the email parser;
- msg: the Outlook .msg reader;
- whois, rdap: the domain-record parsers (and detection);
- images: the screenshot reader, under a 4-megapixel / 16 MiB limit so that bombs are refused fast;
- domains: the domain-list reader (pasted text, CSV, URLs, defanged).

The importers' last safety net (``parse_item``'s "internal parser error") is bypassed: any exception
but a refusal (ImportRefused, ImageRefused) is a crash. libFuzzer also stops on an input that runs
over 10 s (a hang) or takes the process past 2 GiB (memory). A crash, hang or out-of-memory input is
kept in --out as crash-*/timeout-*/oom-*; the run then goes on for the rest of its budget. Copy each
to tests/sources/regressions/<importer>/<what-it-broke>, fix it, and the suite replays it. Prints,
per importer: executions, coverage (libFuzzer's cov/ft), corpus size and the inputs that failed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "tests" / "sources" / "fuzz_seeds"
SAMPLE = ROOT / "resources" / "sample"
IMPORTERS = ["email", "mbox", "msg", "whois", "rdap", "images", "domains"]
SEED_FOLDERS = {"email": ["eml", SAMPLE / "mail"], "mbox": ["mbox", "eml"], "msg": ["msg"],
                "whois": ["whois", SAMPLE / "records"], "rdap": ["rdap", SAMPLE / "records"], "images": ["images"],
                "domains": [SAMPLE]}


def target(importer: str):  # type: ignore[no-untyped-def]  # (the fuzz target is built inside the child)
    """The function libFuzzer calls with each input, for one importer."""
    import atheris

    with atheris.instrument_imports(include=["app", "email", "mailbox", "json", "olefile", "idna",
                                             "publicsuffixlist"]):
        from app.core.errors import ImageRefused, ImportRefused
        from app.sources.detect import detect_kind
        from app.sources.domains import parse_domain_list
        from app.sources.mail import parse_email
        from app.sources.mail_view import view_message
        from app.sources.mailbox import split_mailbox
        from app.sources.outlook import parse_msg
        from app.sources.rdap import parse_rdap
        from app.sources.screenshot import read_screenshot
        from app.sources.whois import parse_whois

    def detect(data: bytes, name: str) -> None:
        try:
            detect_kind(data[:65536], name)
        except ImportRefused:
            pass

    def email(data: bytes) -> None:
        detect(data, "x.eml")
        parse_email(data)
        view_message(data)

    def mbox(data: bytes) -> None:
        detect(data, "x.mbox")
        try:
            parts = split_mailbox(data)
        except ImportRefused:
            return
        for part in parts:
            if not part.problem:
                parse_email(part.data)

    def msg(data: bytes) -> None:
        parse_msg(data)
        view_message(data)

    def whois(data: bytes) -> None:
        detect(data, "x.txt")
        parse_whois(data, query="example.com")

    def rdap(data: bytes) -> None:
        detect(data, "x.json")
        parse_rdap(data)

    def images(data: bytes) -> None:
        try:
            read_screenshot(data, max_pixels=4_000_000, max_bytes=16 * 2**20)
        except ImageRefused:
            pass

    def domains(data: bytes) -> None:
        parse_domain_list(data.decode("utf-8", errors="replace"))

    return {"email": email, "mbox": mbox, "msg": msg, "whois": whois, "rdap": rdap, "images": images,
            "domains": domains}[importer]


def child(importer: str, libfuzzer_args: list[str]) -> None:
    import atheris

    fuzz = target(importer)
    atheris.Setup([sys.argv[0], *libfuzzer_args], fuzz)
    atheris.Fuzz()


def seed_corpus(importer: str, corpus: Path) -> int:
    corpus.mkdir(parents=True, exist_ok=True)
    count = 0
    for folder in SEED_FOLDERS[importer]:
        where = folder if isinstance(folder, Path) else SEEDS / folder
        for path in sorted(where.rglob("*")):
            if path.is_file() and path.suffix not in (".py", ".md", ".tsv"):
                shutil.copy(path, corpus / f"seed-{count:03d}-{path.name}")
                count += 1
    return count


def run(importer: str, seconds: int, out: Path) -> dict[str, object]:
    """Fuzz one importer for ``seconds``, restarting after each failing input until the budget is spent."""
    corpus = out / "corpus" / importer
    seeds = seed_corpus(importer, corpus)
    artifacts = out / "failures" / importer
    artifacts.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + seconds
    executions, cov, ft, failures = 0, 0, 0, []
    while (left := int(deadline - time.monotonic())) > 2:
        done = subprocess.run(
            [sys.executable, __file__, "--child", importer, str(corpus), f"-max_total_time={left}", "-timeout=10",
             "-rss_limit_mb=2048", "-max_len=65536", f"-artifact_prefix={artifacts}/", "-print_final_stats=1"],
            capture_output=True, text=True, errors="replace", check=False,
        )
        log = done.stderr
        counts = [int(n) for n in re.findall(r"^#(\d+)\s", log, re.MULTILINE)]  # libFuzzer's status lines
        executions += max(counts, default=0)
        covs = re.findall(r"cov: (\d+) ft: (\d+)", log)
        if covs:
            cov, ft = max(cov, int(covs[-1][0])), max(ft, int(covs[-1][1]))
        new = re.findall(r"Test unit written to (\S+)", log)
        failures += new
        if done.returncode == 0 or not new:
            if done.returncode not in (0,) and not new:
                print(f"  {importer}: libFuzzer exited {done.returncode} without an input:\n{log[-2000:]}")
            break
        for line in log.splitlines():
            if "Error" in line or "Exception" in line or "Traceback" in line:
                print(f"  {importer}: {line.strip()[:200]}")
    return {"importer": importer, "seconds": seconds, "seeds": seeds, "executions": executions, "cov": cov,
            "ft": ft, "corpus": len(list(corpus.iterdir())), "failures": failures}


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seconds", type=int, nargs="?", default=120, help="budget per importer")
    parser.add_argument("--only", default=",".join(IMPORTERS))
    parser.add_argument("--out", type=Path, default=None, help="where corpora and failing inputs go")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="evbundle-fuzz-importers-"))
    os.environ.setdefault("EVBUNDLE_HOME", str(out / "home"))
    print(f"atheris: {args.seconds} s per importer, corpora and failures in {out}")
    failed = 0
    for importer in args.only.split(","):
        result = run(importer, args.seconds, out)
        failures = result["failures"]
        assert isinstance(failures, list)
        failed += len(failures)
        print(f"{importer:8s} {result['seconds']:5d} s  {result['executions']:9,d} executions  cov {result['cov']:5d}  "
              f"ft {result['ft']:6d}  seeds {result['seeds']:3d}  corpus {result['corpus']:5d}  "
              f"failing inputs {len(failures)}", flush=True)
        for path in failures:
            print(f"    {path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
