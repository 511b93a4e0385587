"""Test setup shared by every test: no real display, no real user data."""

from __future__ import annotations

import os
from pathlib import Path

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
