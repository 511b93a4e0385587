"""A few runs of the kill harness (tests/integration/kill_scenarios.py): lookups against loopback servers
killed at seeded random moments, an export and a build killed inside the swap into place, each then
checked (a killed import is test_kill.py's first test). tests/bench/kill_harness.py runs
50 or more of each; .github/SECURITY.md gives its figures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .kill_scenarios import prepared, run_kills
from .killing import SEED

pytestmark = pytest.mark.skipif(os.name != "posix", reason="process groups and SIGKILL are POSIX")

RUNS = {"lookup": 2, "export": 1, "build": 1}  # export, build: inside the swap; import: see test_kill.py


@pytest.mark.parametrize("operation", list(RUNS))
def test_killed_at_random_moments_nothing_is_lost(operation: str, tmp_path: Path, isolated_home: Path) -> None:
    with prepared(operation, tmp_path / operation, isolated_home) as prepared_operation:
        figures = run_kills(prepared_operation, RUNS[operation], str(SEED), swap_first=True)
    assert figures.runs == RUNS[operation]
    assert figures.losses == []
