"""Work folders beside a command's output, and putting their results in place all or nothing.

A build or an export writes everything into a hidden work folder inside the output folder first
(the same disk, so a rename moves a file without copying it), then swaps the results in for the
earlier ones with :func:`placed`. The swap is journalled: the earlier files are moved
aside into the work folder (never deleted until the new ones are all in place), so a failed
rename (a full disk, a read-only folder) puts the earlier ones back. The custody entry that records
the new files names the swap (its id); that entry's commit is the swap's commit point. So a killed
command's swap is finished by the next command that clears the folder's abandoned work
(:func:`remove_abandoned_work`) when the custody log holds its entry, and rolled back when it does
not: the files in the folder and the log always agree.

While a command runs it holds an advisory lock on its work folder; the system drops the lock
when the process dies, which is how a later command tells abandoned work from work in progress.
Windows has no advisory locks here: a killed command's work folder stays until removed by hand.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from types import ModuleType

from app.core.errors import EvidenceError

fcntl: ModuleType | None
try:
    import fcntl as _fcntl

    fcntl = _fcntl
except ImportError:  # Windows: no advisory locks
    fcntl = None

LOCK_NAME = ".in-use"
JOURNAL_NAME = "swap.json"  # present from before the first rename until the last one is done
ASIDE_NAME = "previous"  # the earlier results, moved aside during a swap
UNLOCKED_GRACE_SECONDS = 600  # a folder without a lock this young may be a command just starting
REMOVING = ".removing"  # the end of a finished command's work folder's name while it is being removed


class SwapFailed(EvidenceError):
    """A swap failed and the earlier results could not all be put back; they are kept in the work folder."""


@contextlib.contextmanager
def work_folder(out_dir: Path, prefix: str) -> Iterator[Path]:
    """A new work folder ``out_dir/<prefix>XXXX``, locked while the block runs and removed after it.

    A folder whose swap could not be rolled back (it holds the only copy of earlier results) is kept;
    the next :func:`remove_abandoned_work` tries again."""
    work = Path(tempfile.mkdtemp(prefix=prefix, dir=out_dir))
    with _locked(work):
        try:
            yield work
        finally:
            if not (work / JOURNAL_NAME).exists():
                _discard(work)


def _discard(work: Path) -> None:
    """Remove a work folder whose results are in place (or were never made). Renamed first, while its lock is
    still held: a command killed while removing it leaves a folder whose name says it is to go, which the next
    command removes at once (its lock file may already be gone, and a folder without one is otherwise
    taken for a command just starting)."""
    going = work.with_name(work.name + REMOVING)
    try:
        os.replace(work, going)  # a fresh name: nothing is there to replace
    except OSError:
        going = work
    shutil.rmtree(going, ignore_errors=True)


@contextlib.contextmanager
def _locked(work: Path) -> Iterator[None]:
    if fcntl is None:
        yield
        return
    with open(work / LOCK_NAME, "wb") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        yield


def remove_abandoned_work(out_dir: Path, prefix: str, committed: Callable[[str], bool]) -> list[Path]:
    """Remove the work folders that killed (or crashed) commands left in ``out_dir``, after finishing a
    swap one of them was making if ``committed(swap id)`` (its custody entry is in the log), else rolling
    it back; a folder whose command still runs (its lock held) is left alone."""
    removed: list[Path] = []
    if fcntl is None:
        return removed  # no advisory locks here: a killed command's folder stays, named <prefix>*
    for work in sorted(out_dir.glob(f"{prefix}*")):
        if not work.is_dir() or work.is_symlink():
            continue
        if work.name.endswith(REMOVING):  # its command finished and was removing it: nothing in it is needed
            shutil.rmtree(work, ignore_errors=True)
            if not work.exists():
                removed.append(work)
            continue
        try:
            with open(work / LOCK_NAME, "rb") as lock:
                try:
                    fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # another command is writing here now
                _clear(work, out_dir, committed)
        except FileNotFoundError:  # no lock: a command just starting, or one that died before it took it
            try:
                if time.time() - work.stat().st_mtime < UNLOCKED_GRACE_SECONDS:
                    continue
            except OSError:
                continue
            _clear(work, out_dir, committed)
        except OSError:
            continue
        if not work.exists():
            removed.append(work)
    return removed


def _clear(work: Path, out_dir: Path, committed: Callable[[str], bool]) -> None:
    """Finish or roll back the folder's unfinished swap, if any, then remove the folder (kept if a
    rollback failed: it may hold the only copy of earlier results)."""
    journal = work / JOURNAL_NAME
    if journal.exists():
        try:
            swap = str(json.loads(journal.read_text(encoding="utf-8")).get("id", ""))
            if swap and committed(swap):
                journal.unlink()  # the custody log says the new files were written: they stay
            else:
                _roll_back(work, out_dir)
        except (OSError, ValueError, KeyError, AttributeError):
            return
    shutil.rmtree(work, ignore_errors=True)


@contextlib.contextmanager
def placed(work: Path, out_dir: Path, new: Mapping[str, Path], *, retire: Sequence[str] = ()) -> Iterator[str]:
    """Move each ``new[name]`` (a file or folder inside ``work``) to ``out_dir/name``, replacing what is
    there, and move the entries named in ``retire`` out of ``out_dir``; run the block; keep it all only if
    the block succeeds (an exception in it, such as a custody entry that cannot be written, undoes it).
    The block gets the swap's id, for the custody entry it writes (see the module's note on the commit).

    The earlier entries go aside into ``work`` first and are removed with the work folder; if a rename
    fails, everything moved is moved back and the error is raised again. Only when even that fails
    (a second fault) does :class:`SwapFailed` say where the earlier files are.
    """
    names = {name: str(path.relative_to(work)) for name, path in new.items()}
    for name in [*names, *retire]:
        if Path(name).name != name or name in ("", ".", ".."):
            raise ValueError(f"not a name in the output folder: {name!r}")
    aside = [name for name in dict.fromkeys([*names, *retire]) if os.path.lexists(out_dir / name)]
    journal = work / JOURNAL_NAME
    written = work / f".{JOURNAL_NAME}.tmp"  # renamed whole into place: a journal is never half-written
    swap = uuid.uuid4().hex
    written.write_text(json.dumps({"id": swap, "new": names, "aside": aside}), encoding="utf-8")
    os.replace(written, journal)
    _sync(work)
    try:
        (work / ASIDE_NAME).mkdir()
        for name in aside:
            os.rename(out_dir / name, work / ASIDE_NAME / name)
        for name, relative in names.items():
            os.rename(work / relative, out_dir / name)
        _sync(out_dir)
        yield swap
    except Exception as failure:
        try:
            _roll_back(work, out_dir)
        except OSError as second:
            raise SwapFailed(
                f"the new files could not all be put in place ({_why(failure)}), and the earlier "
                f"ones could not all be put back ({_why(second)}); they are kept in "
                f"{work / ASIDE_NAME}: move them back by hand", path=out_dir) from failure
        raise
    journal.unlink()  # the custody entry was the commit point; from here the work folder holds only earlier files
    _sync(work)


def _why(error: BaseException) -> str:
    return (error.strerror if isinstance(error, OSError) else None) or str(error)


def _roll_back(work: Path, out_dir: Path) -> None:
    """Undo a swap recorded in ``work``'s journal: new entries back into ``work``, earlier ones back in place."""
    journal = json.loads((work / JOURNAL_NAME).read_text(encoding="utf-8"))
    new: dict[str, str] = journal["new"]
    for name, relative in new.items():
        source = work / relative
        if not os.path.lexists(source) and os.path.lexists(out_dir / name):  # moved in: not an earlier entry
            os.rename(out_dir / name, source)
    for name in journal["aside"]:
        kept = work / ASIDE_NAME / name
        if os.path.lexists(kept) and not os.path.lexists(out_dir / name):
            os.rename(kept, out_dir / name)
    _sync(out_dir)
    (work / JOURNAL_NAME).unlink()


def _sync(folder: Path) -> None:
    """Ask the system to write a folder's entries (renames) to disk; where folders cannot be opened, skip."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
