"""Putting a command's results in place all or nothing (app/core/workfolder.py).

Every rename of a swap is made to fail in turn (a full disk, as ENOSPC) and to "kill" the process
in turn (an exception the swap does not catch, with no cleanup after it): the output folder must
then hold the earlier files, byte for byte, at once or after the next command clears the folder.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from app.core import workfolder
from app.core.workfolder import SwapFailed, placed, remove_abandoned_work, work_folder

PREFIX = ".test-work-"


def NOT_RECORDED(_swap: str) -> bool:  # noqa: N802 - reads as the constant it stands for
    """No custody entry names the swap (the command was killed before its entry was written)."""
    return False


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs in the swap (no rollback, no except clause)."""


def swap_into_place(work: Path, out: Path, new: dict[str, Path], *, retire: tuple[str, ...] | list[str] = ()) -> None:
    with placed(work, out, new, retire=retire):
        pass


def tree(folder: Path) -> dict[str, bytes | None]:
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*")) if not p.relative_to(folder).parts[0].startswith(PREFIX)}


def earlier_set(out: Path) -> dict[str, bytes | None]:
    out.mkdir()
    (out / "01-a.pdf").write_bytes(b"old a")
    (out / "02-b.pdf").write_bytes(b"old b")
    (out / "03-stale.pdf").write_bytes(b"old stale")
    (out / "docs").mkdir()
    (out / "docs" / "x.txt").write_bytes(b"old x")
    (out / "notes.txt").write_bytes(b"the user's own file")
    return tree(out)


def new_set(work: Path) -> dict[str, Path]:
    (work / "01-a.pdf").write_bytes(b"new a")
    (work / "02-b.pdf").write_bytes(b"new b")
    (work / "04-new.pdf").write_bytes(b"new only")
    (work / "documents").mkdir()
    (work / "documents" / "x.txt").write_bytes(b"new x")
    return {"01-a.pdf": work / "01-a.pdf", "02-b.pdf": work / "02-b.pdf", "04-new.pdf": work / "04-new.pdf",
            "docs": work / "documents"}


def count_renames(tmp_path: Path) -> int:
    out = tmp_path / "count"
    earlier_set(out)
    calls = []
    real = os.rename

    def counting(a: object, b: object) -> None:
        calls.append(1)
        real(a, b)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(workfolder.os, "rename", counting)
        with work_folder(out, PREFIX) as work:
            swap_into_place(work, out, new_set(work), retire=["03-stale.pdf"])
    return len(calls)


def test_a_swap_replaces_the_set_and_removes_what_it_retires(tmp_path: Path) -> None:
    out = tmp_path / "out"
    earlier_set(out)
    with work_folder(out, PREFIX) as work:
        swap_into_place(work, out, new_set(work), retire=["03-stale.pdf"])
    assert tree(out) == {"01-a.pdf": b"new a", "02-b.pdf": b"new b", "04-new.pdf": b"new only", "docs": None,
                         "docs/x.txt": b"new x", "notes.txt": b"the user's own file"}
    assert sorted(p.name for p in out.iterdir()) == ["01-a.pdf", "02-b.pdf", "04-new.pdf", "docs", "notes.txt"]


@pytest.mark.parametrize("fault", ["full", "killed"])
def test_a_fault_at_any_rename_loses_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fault: str) -> None:
    renames = count_renames(tmp_path)
    assert renames == 8  # 3 earlier entries and the stale one aside, 4 new ones in
    real = os.rename
    for at in range(1, renames + 1):
        out = tmp_path / f"{fault}-{at}"
        before = earlier_set(out)
        calls = []

        def failing(a: object, b: object, at: int = at) -> None:
            calls.append(1)
            if len(calls) == at:
                if fault == "full":
                    raise OSError(errno.ENOSPC, "No space left on device", str(b))
                raise Killed
            real(a, b)

        monkeypatch.setattr(workfolder.os, "rename", failing)
        with pytest.raises(OSError if fault == "full" else Killed):
            with work_folder(out, PREFIX) as work:
                swap_into_place(work, out, new_set(work), retire=["03-stale.pdf"])
        monkeypatch.setattr(workfolder.os, "rename", real)
        if fault == "full":  # rolled back at once, the work folder gone
            assert tree(out) == before, at
            assert not list(out.glob(f"{PREFIX}*"))
        else:  # a killed swap leaves its journal: the next command's clearing rolls it back
            (work_dir,) = out.glob(f"{PREFIX}*")
            assert (work_dir / workfolder.JOURNAL_NAME).exists()
            assert remove_abandoned_work(out, PREFIX, NOT_RECORDED) == [work_dir]
            assert tree(out) == before, at
            assert not list(out.glob(f"{PREFIX}*"))


def test_a_swap_killed_after_its_custody_entry_is_finished_by_the_next_command(tmp_path: Path) -> None:
    """The custody entry is the commit point: once it names the swap, the new files stay."""
    out = tmp_path / "out"
    earlier_set(out)
    recorded: list[str] = []
    with pytest.raises(Killed):
        with work_folder(out, PREFIX) as work:
            with placed(work, out, new_set(work), retire=["03-stale.pdf"]) as swap:
                recorded.append(swap)  # the custody entry, written and committed
                raise Killed  # and the process dies before the swap's journal is gone
    assert remove_abandoned_work(out, PREFIX, lambda swap: swap in recorded)
    assert not list(out.glob(f"{PREFIX}*"))
    assert not (out / "03-stale.pdf").exists()
    assert (out / "01-a.pdf").read_bytes() == b"new a" and (out / "04-new.pdf").read_bytes() == b"new only"
    assert (out / "docs" / "x.txt").read_bytes() == b"new x"


def test_when_even_the_rollback_fails_the_earlier_files_are_kept_and_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    before = earlier_set(out)
    real = os.rename
    calls = []

    def failing(a: object, b: object) -> None:
        calls.append(1)
        if len(calls) >= 7:  # the third new entry, then every rename of the rollback
            raise OSError(errno.EROFS, "Read-only file system", str(b))
        real(a, b)

    monkeypatch.setattr(workfolder.os, "rename", failing)
    with pytest.raises(SwapFailed) as raised:
        with work_folder(out, PREFIX) as work:
            swap_into_place(work, out, new_set(work), retire=["03-stale.pdf"])
    (kept,) = out.glob(f"{PREFIX}*")
    assert str(kept / workfolder.ASIDE_NAME) in raised.value.message and "by hand" in raised.value.message
    monkeypatch.setattr(workfolder.os, "rename", real)
    assert (kept / workfolder.ASIDE_NAME / "docs" / "x.txt").read_bytes() == b"old x"
    remove_abandoned_work(out, PREFIX, NOT_RECORDED)  # the folder is writable again: the next command puts them back
    assert tree(out) == before


def test_work_in_progress_and_fresh_unlocked_folders_are_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    fresh = out / f"{PREFIX}starting"
    fresh.mkdir()
    with work_folder(out, PREFIX) as running:
        assert remove_abandoned_work(out, PREFIX, NOT_RECORDED) == []
        assert running.is_dir() and fresh.is_dir()
    old = os.stat(fresh).st_mtime - workfolder.UNLOCKED_GRACE_SECONDS - 1
    os.utime(fresh, (old, old))
    assert remove_abandoned_work(out, PREFIX, NOT_RECORDED) == [fresh]


def test_names_outside_the_output_folder_are_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with work_folder(out, PREFIX) as work:
        (work / "x").write_bytes(b"x")
        for bad in ("../escape", "sub/x", "..", ""):
            with pytest.raises(ValueError):
                swap_into_place(work, out, {bad: work / "x"})


def test_a_failing_last_step_puts_the_earlier_set_back(tmp_path: Path) -> None:
    """The block inside ``placed`` records what was written (the custody entry): if it fails, the swap is undone."""
    out = tmp_path / "out"
    before = earlier_set(out)
    with pytest.raises(RuntimeError, match="readonly"):
        with work_folder(out, PREFIX) as work, placed(work, out, new_set(work), retire=["03-stale.pdf"]):
            assert (out / "04-new.pdf").read_bytes() == b"new only"  # in place while the block runs
            raise RuntimeError("attempt to write a readonly database")
    assert tree(out) == before
    assert not list(out.glob(f"{PREFIX}*"))


def test_a_command_killed_while_removing_its_finished_work_folder_leaves_nothing_for_long(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The kill harness once landed there (an export killed 2.9 ms into its swap, under load): the lock file
    was gone, the rest of the folder not, and the next command took it for one just starting."""
    out = tmp_path / "out"
    earlier_set(out)

    def killed_midway(path: object, ignore_errors: bool = False) -> None:
        (Path(str(path)) / workfolder.LOCK_NAME).unlink()  # rmtree had got as far as the lock file
        raise Killed

    with pytest.raises(Killed):
        with work_folder(out, PREFIX) as work:
            swap_into_place(work, out, new_set(work), retire=["03-stale.pdf"])
            monkeypatch.setattr(workfolder.shutil, "rmtree", killed_midway)
    monkeypatch.undo()
    (left,) = out.glob(f"{PREFIX}*")
    assert left.name.endswith(workfolder.REMOVING) and not (left / workfolder.LOCK_NAME).exists()

    assert remove_abandoned_work(out, PREFIX, NOT_RECORDED) == [left]  # at once, not after the grace period
    assert not list(out.glob(f"{PREFIX}*"))
