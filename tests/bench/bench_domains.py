"""Benchmark: normalise and classify 1,000,000 domains, beside a bare `idna` encoding loop on the same list.

    .venv/bin/python tests/bench/bench_domains.py [COUNT]

"Normalise and classify" is what `domains add` does per name: UTS 46
mapping and IDNA 2008 checks (idna), registrable domain (Public Suffix
List), look-alike flags, and the registry from the registry table. The
baseline is `idna.encode(name, uts46=True)` alone. Goal: within 3x.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import idna  # noqa: E402

from app.sources.domains import try_normalise  # noqa: E402
from app.sources.registries import RegistryTable  # noqa: E402

TLDS = ["com", "net", "cc", "tv", "org", "info", "ru", "de", "app", "xyz", "co.uk", "com.br", "top", "online"]
IDN = ["bücher", "пример", "例え", "аррӏе", "pаypal", "münchen", "χαρά"]


def synthetic(count: int, seed: int = 3) -> list[str]:
    """A DGA-like list: random LDH labels, 10% subdomains, 5% IDNs, some upper case and trailing dots."""
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz0123456789"
    names = []
    for i in range(count):
        label = "".join(rng.choice(letters) for _ in range(rng.randint(6, 16)))
        if i % 20 == 0:
            label = rng.choice(IDN) + label[:4]
        name = f"{label}.{rng.choice(TLDS)}"
        if i % 10 == 0:
            name = "www." + name
        if i % 50 == 0:
            name = name.upper() + "."
        names.append(name)
    return names


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    names = synthetic(count)
    table = RegistryTable.load()
    try_normalise("warm.com")

    start = time.perf_counter()
    for name in names:
        try:
            idna.encode(name, uts46=True)
        except idna.IDNAError:
            pass
    baseline = time.perf_counter() - start

    start = time.perf_counter()
    registries: dict[str, int] = {}
    flagged = refused = 0
    for name in names:
        parsed = try_normalise(name)
        if parsed is None:
            refused += 1
            continue
        registry = table.for_tld(parsed.tld).id
        registries[registry] = registries.get(registry, 0) + 1
        flagged += bool(parsed.flags)
    ours = time.perf_counter() - start

    print(f"{count:,} domains ({flagged:,} flagged as look-alikes, {refused:,} refused, "
          f"{len(registries)} registries)")
    print(f"  baseline: bare idna.encode(uts46=True) loop   {baseline:8.2f} s  ({count / baseline:,.0f}/s)")
    print(f"  ours:     normalise + flag + classify          {ours:8.2f} s  ({count / ours:,.0f}/s)")
    print(f"  ratio ours/baseline: {ours / baseline:.2f}x (goal: within 3x)")


if __name__ == "__main__":
    main()
