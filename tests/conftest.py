"""Test setup shared by every test: no real display, no real user data, no network but this machine's."""

from __future__ import annotations

import os
from pathlib import Path

import network_guard
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data and settings folders; the real ones are never touched."""
    home = tmp_path_factory.mktemp("evbundle-home")
    monkeypatch.setenv("EVBUNDLE_HOME", str(home))
    monkeypatch.delenv("EVBUNDLE_PASSPHRASE", raising=False)
    return home


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("shared corpus not present")
    return CORPUS


@pytest.fixture(scope="session", autouse=True)
def no_network(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Sockets reach this machine only (loopback, AF_UNIX), in this process and in every Python process the
    tests start (through network_guard_site/sitecustomize.py); see tests/network_guard.py. Returns the file
    where child processes log what they were refused."""
    network_guard.install()
    log = str(tmp_path_factory.mktemp("network-guard") / "refused.log")
    site = str(Path(__file__).resolve().parent / "network_guard_site")
    os.environ["TEST_NETWORK_GUARD_LOG"] = log
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (site, os.environ.get("PYTHONPATH", "")) if p)
    return log


@pytest.fixture(autouse=True)
def network_stays_local(no_network: str) -> object:
    """Fail the test that tried to reach another machine (it or a process it started), even when the code
    under test caught the refusal."""
    network_guard.fail_if_violated(no_network)  # what an earlier test's stray child left is not this test's
    network_guard.take_violations()
    yield
    network_guard.fail_if_violated(no_network)
