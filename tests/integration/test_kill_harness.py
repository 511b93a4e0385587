"""A few runs of the kill harness (tests/integration/kill_scenarios.py) for each operation: import,
lookups against loopback servers, export and build, each SIGKILLed at seeded random moments (for export
and build, the first inside the swap into place), then checked. tests/bench/kill_harness.py runs
50 or more of each; SECURITY.md gives its figures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .kill_scenarios import prepared, run_kills
from .killing import SEED

pytestmark = pytest.mark.skipif(os.name != "posix", reason="process groups and SIGKILL are POSIX")

RUNS = {"import": 1, "lookup": 2, "export": 2, "build": 2}  # export, build: the first inside the swap


@pytest.mark.parametrize("operation", list(RUNS))
def test_killed_at_random_moments_nothing_is_lost(operation: str, tmp_path: Path, isolated_home: Path) -> None:
    with prepared(operation, tmp_path / operation, isolated_home) as prepared_operation:
        figures = run_kills(prepared_operation, RUNS[operation], str(SEED), swap_first=True)
    assert figures.runs == RUNS[operation]
    assert figures.losses == []
