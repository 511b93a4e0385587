"""Benchmark: the compliance watch of 10,000 domains across 5 loopback registries, each limited to 20 requests/s.

    .venv/bin/python tests/bench/bench_compliance.py [DOMAINS] [REGISTRIES] [RATE]

Five played registries (tests/takedown/registry_play.py), each serving RDAP for one TLD with a
token bucket of RATE requests a second (bursts of RATE; more gets 429 with Retry-After), and a
DNS server per TLD, run in a child process of their own. The watch asks each registry at RATE
a second (``--rate``) and keeps every reply as an exhibit (RDAP and DNS: 2 per domain).

The floor is what the registries' limits allow at best: each registry's domains / its rate,
in parallel across registries, so the busiest registry's time (printed beside the serial sum).
Goal: within 1.2x of the floor. Memory: the watch runs in a child process, once with a tenth of
the domains, and its peak RSS growth over the run is printed for both: flat means the 10x run
does not take much more than the 1x run.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

TLDS = ("com", "net", "org", "info", "biz", "us", "co", "io")
LOCKS = ["server transfer prohibited", "server update prohibited", "server delete prohibited"]


def names(count: int, registries: int) -> dict[str, list[str]]:
    per: dict[str, list[str]] = {tld: [] for tld in TLDS[:registries]}
    for i in range(count):
        tld = TLDS[i % registries]
        per[tld].append(f"c2-{i:06d}-sample.{tld}")
    return per


def serve(count: int, registries: int, rate: float) -> None:
    """The child that plays the registries: prints their addresses, then serves until stdin closes."""
    from takedown.registry_play import PlayedDns, PlayedRegistry, Registration

    played = {}
    dns = {}
    for tld, domains in names(count, registries).items():
        registry = PlayedRegistry(tld, (tld,), limit=rate, burst=rate)
        for i, name in enumerate(domains):
            if i % 3 == 0:
                registry.add(name, Registration(statuses=["server hold", *LOCKS]))
            elif i % 3 == 1:
                registry.add(name, Registration(statuses=list(LOCKS), name_servers=["ns1.sink.example",
                                                                                  "ns2.sink.example"]))
            else:
                registry.add(name)
        played[tld] = registry
        dns[tld] = PlayedDns([registry])
    print(json.dumps({tld: {"rdap": played[tld].url, "dns": dns[tld].address} for tld in played}), flush=True)
    sys.stdin.read()
    print(json.dumps({tld: {"requests": r.requests, "throttled": r.throttled} for tld, r in played.items()}),
          flush=True)


def watch(count: int, registries: int, rate: float, addresses: dict[str, dict[str, str]]) -> None:
    """The child that runs the watch: prints its timing, replies and memory."""
    from app.core.model import CaseInfo
    from app.ops.compliance import run_compliance
    from app.ops.intake import add_domains
    from app.ops.lookups import servers_from_options
    from app.ops.watch import Pace
    from app.store import CaseFile

    folder = Path(tempfile.mkdtemp(prefix="bench-compliance-"))
    with CaseFile.create(folder / "bench.evcase", CaseInfo(case_id="", title="bench", remedy="hold",
                                                            sinkhole_nameservers=("ns1.sink.example",
                                                                                  "ns2.sink.example"))) as case:
        add_domains(case, "\n".join(n for ns in names(count, registries).values() for n in ns), source="bench")
        servers = servers_from_options(
            rdap_urls=[f"{tld}={a['rdap']}" for tld, a in addresses.items()],
            dns_servers=[f"{tld}={a['dns']}" for tld, a in addresses.items()], timeout=10)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.monotonic()
        run = run_compliance(case, servers=servers, pace=Pace(rate=rate, per_server=4, max_time=3600))
        took = time.monotonic() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        problems = case.check()
    print(json.dumps({"seconds": took, "replies": run.replies, "counts": run.counts(), "rss_before_kib": before,
                      "rss_peak_kib": peak, "failures": len(run.failures), "check_problems": len(problems),
                      "throttled": sum(p.throttled for p in run.paces)}), flush=True)


def measure(count: int, registries: int, rate: float) -> dict[str, object]:
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(count), str(registries), str(rate)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None and server.stdin is not None
    addresses = server.stdout.readline()
    client = subprocess.run([sys.executable, __file__, "--watch", str(count), str(registries), str(rate), addresses],
                            capture_output=True, text=True, check=False)
    server.stdin.close()
    served = json.loads(server.stdout.readline())
    server.wait(10)
    if client.returncode != 0:
        raise SystemExit(client.stderr)
    result: dict[str, object] = json.loads(client.stdout.strip().splitlines()[-1])
    result["served"] = served
    return result


def main(argv: list[str]) -> int:
    if argv[1:2] == ["--serve"]:
        serve(int(argv[2]), int(argv[3]), float(argv[4]))
        return 0
    if argv[1:2] == ["--watch"]:
        watch(int(argv[2]), int(argv[3]), float(argv[4]), json.loads(argv[5]))
        return 0
    count = int(argv[1]) if len(argv) > 1 else 10_000
    registries = int(argv[2]) if len(argv) > 2 else 5
    rate = float(argv[3]) if len(argv) > 3 else 20.0
    print(f"compliance watch: {count:,} domains, {registries} registries at {rate:g} requests/s each")
    for label, n in (("1/10", count // 10), ("full", count)):
        per = names(n, registries)
        floor = max(len(d) for d in per.values()) / rate
        serial = sum(len(d) for d in per.values()) / rate
        result = measure(n, registries, rate)
        seconds = float(result["seconds"])  # type: ignore[arg-type]
        growth = (int(result["rss_peak_kib"]) - int(result["rss_before_kib"])) / 1024  # type: ignore[call-overload]
        served = result["served"]
        print(f"  {label:>4} {n:>6,} domains: {seconds:7.1f} s  floor {floor:6.1f} s (serial sum {serial:,.0f} s)  "
              f"ratio {seconds / floor:.3f}  replies {result['replies']:,}  429s {result['throttled']}  "
              f"peak RSS {int(result['rss_peak_kib']) / 1024:.0f} MiB (+{growth:.0f} MiB over the run)  "  # type: ignore[call-overload]
              f"failures {result['failures']}  check problems {result['check_problems']}")
        print(f"       verdicts {result['counts']}; served {served}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
