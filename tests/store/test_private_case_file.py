"""A new case file, and the journal files SQLite writes beside it, are readable by their owner only:
on a shared machine another account cannot read the evidence, the personal data in it or a sealed
case's details (.github/SECURITY.md, "shared machine")."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from app.core.errors import CaseFileError
from app.core.model import CaseInfo
from app.store import CaseFile

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def test_new_case_file_and_its_journal_are_private(tmp_path: Path) -> None:
    path = tmp_path / "case.evcase"
    old = os.umask(0o022)  # the usual umask, which would make it readable by everyone
    try:
        with CaseFile.create(path, CaseInfo(case_id="", title="Private v. Public")) as case:
            case.update_info(title="Private v. Public, renamed")  # a write, so the journal exists
            journal = [Path(f"{path}{suffix}") for suffix in ("-wal", "-shm")]
            assert all(p.exists() for p in journal)
            for p in (path, *journal):
                assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    finally:
        os.umask(old)


def test_creating_over_a_file_that_appeared_meanwhile_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "case.evcase"
    path.write_bytes(b"someone else's")
    with pytest.raises(CaseFileError, match="already exists"):
        CaseFile.create(path, CaseInfo(case_id="", title="x"))
    assert path.read_bytes() == b"someone else's"
