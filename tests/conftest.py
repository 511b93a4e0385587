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
def no_network() -> None:
    """Sockets reach this machine only (loopback, AF_UNIX); see tests/network_guard.py."""
    network_guard.install()


@pytest.fixture(autouse=True)
def network_stays_local(no_network: None) -> object:
    """Fail the test that tried to reach another machine, even when the code under test caught the refusal."""
    network_guard.take_violations()
    yield
    network_guard.fail_if_violated()
