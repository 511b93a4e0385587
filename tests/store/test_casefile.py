"""The case file keeps evidence byte-exact and never half-changes."""

from __future__ import annotations

import io
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import REPO

from app.core.errors import CaseFileError, ImportRefused
from app.core.model import CaseInfo, ItemKind, ParseStatus
from app.store import CaseFile


def new_case(tmp_path: Path) -> CaseFile:
    return CaseFile.create(tmp_path / "t.evcase", CaseInfo(case_id="", title="Test v. Does"), actor="ann")


def add(case: CaseFile, data: bytes, name: str = "a.eml") -> int:
    with case.transaction() as tx:
        digests = tx.store_object(io.BytesIO(data))
        return tx.add_item(kind=ItemKind.EMAIL, digests=digests, name=name, original_name=name,
                             source_path=f"/in/{name}", parse_status=ParseStatus.OK)


def state(case: CaseFile) -> tuple[int, int, int]:
    conn = sqlite3.connect(case.path)
    try:
        return tuple(conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]  # type: ignore[return-value]
                     for t in ("objects", "items", "custody"))
    finally:
        conn.close()


def test_create_open_and_facts(tmp_path: Path) -> None:
    with new_case(tmp_path) as case:
        case_id = case.info().case_id
        assert case_id
    with CaseFile.open(tmp_path / "t.evcase") as case:
        assert case.info().title == "Test v. Does"
        assert case.info().case_id == case_id
        assert [e.action for e in case.custody()] == ["case-created"]


def test_refuses_to_overwrite_and_non_case_files(tmp_path: Path) -> None:
    new_case(tmp_path).close()
    with pytest.raises(CaseFileError, match="already exists"):
        new_case(tmp_path)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE x(a)").connection.close()
    with pytest.raises(CaseFileError, match="not a case file"):
        CaseFile.open(other)
    text = tmp_path / "notes.evcase"
    text.write_text("hello")
    with pytest.raises(CaseFileError, match="not a case file"):
        CaseFile.open(text)


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    new_case(tmp_path).close()
    conn = sqlite3.connect(tmp_path / "t.evcase")
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(CaseFileError, match="newer version"):
        CaseFile.open(tmp_path / "t.evcase")


def test_bytes_come_back_exactly_with_both_hashes(tmp_path: Path) -> None:
    data = bytes(range(256)) * 9000  # several chunks
    with new_case(tmp_path) as case:
        item_id = add(case, data)
        item = case.item(item_id)
        assert case.read_object(item.sha256) == data
        assert item.size == len(data)
        import hashlib

        assert item.sha512 == hashlib.sha512(data).hexdigest()
        assert item.exhibit_number == 1
        assert [e.action for e in case.custody()] == ["case-created", "acquired", "exhibit-numbered"]
        assert case.check() == []


def test_same_bytes_are_stored_once(tmp_path: Path) -> None:
    with new_case(tmp_path) as case:
        add(case, b"same", "one.eml")
        add(case, b"same", "two.eml")
        assert state(case)[0] == 1
        assert [i.exhibit_number for i in case.items()] == [1, 2]


def test_failed_transaction_leaves_no_trace(tmp_path: Path) -> None:
    with new_case(tmp_path) as case:
        before = state(case)
        with pytest.raises(RuntimeError):
            with case.transaction() as tx:
                digests = tx.store_object(io.BytesIO(b"x" * 3_000_000))
                tx.add_item(kind=ItemKind.EMAIL, digests=digests, name="n", original_name="n",
                              source_path="n", parse_status=ParseStatus.OK)
                raise RuntimeError("disk full")
        assert state(case) == before
        assert case.check() == []


def test_killed_process_midway_leaves_the_case_as_it_was(tmp_path: Path) -> None:
    """A hard kill (no cleanup at all) in the middle of an import."""
    with new_case(tmp_path) as case:
        add(case, b"first")
        before = state(case)
    script = textwrap.dedent(f"""
        import io, os
        from app.store import CaseFile
        case = CaseFile.open({str(tmp_path / 't.evcase')!r})
        class Dying(io.BytesIO):
            count = 0
            def read(self, n=-1):
                self.count += 1
                if self.count == 3:
                    os._exit(9)
                return super().read(n)
        with case.transaction() as tx:
            tx.store_object(Dying(b"y" * 5_000_000))
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 9, result.stderr
    with CaseFile.open(tmp_path / "t.evcase") as case:
        assert state(case) == before
        assert case.check() == []


def test_too_large_item_is_refused_not_truncated(tmp_path: Path) -> None:
    with new_case(tmp_path) as case:
        case.max_item_bytes = 1000
        before = state(case)
        with pytest.raises(ImportRefused, match="too large"):
            add(case, b"z" * 5000)
        assert state(case) == before


def test_check_finds_changed_bytes_and_edited_custody(tmp_path: Path) -> None:
    with new_case(tmp_path) as case:
        add(case, b"original evidence")
    conn = sqlite3.connect(tmp_path / "t.evcase")
    conn.execute("UPDATE chunks SET data = ?", (b"altered evidence!",))
    conn.execute("UPDATE custody SET actor = 'mallory' WHERE seq = 2")
    conn.commit()
    conn.close()
    with CaseFile.open(tmp_path / "t.evcase") as case:
        problems = [str(p) for p in case.check()]
    assert any(p.startswith("object:") for p in problems)
    assert any(p.startswith("custody:") and "entry 2" in p for p in problems)


def test_metadata_edits_are_logged_with_old_and_new(tmp_path: Path) -> None:
    with new_case(tmp_path) as case:
        item_id = add(case, b"shot")
        case.update_metadata(item_id, {"url": "http://bad.example/"})
        case.update_metadata(item_id, {"url": "http://bad.example/x"})
        entry = case.custody()[-1]
        assert entry.action == "metadata-edited"
        assert entry.details == {"url": {"old": "http://bad.example/", "new": "http://bad.example/x"}}
        assert case.item(item_id).metadata["url"] == "http://bad.example/x"
