"""A case, or an output folder, that cannot be written loses nothing and says why.

Read-only for real: as an ordinary user the folder's write bits are removed; as root (CI), which
ignores them, the folder or file is bind-mounted read-only on itself (EROFS), as a write-protected
drive or a read-only share would be. Each command is run as a user runs it; afterwards the case file
is byte for byte what it was, ``check`` passes, and an earlier bundle or filing set is untouched.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cli import main

from .killing import write_messages

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions and mounts")

PASSPHRASE = "correct horse battery staple"


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """``path`` (a file or a folder) cannot be written while the block runs."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
        try:
            yield
        finally:
            path.chmod(mode)
        return
    bound = subprocess.run(["mount", "--bind", str(path), str(path)], capture_output=True, check=False)
    if bound.returncode != 0:
        pytest.skip(f"cannot make a read-only mount here: {bound.stderr.decode(errors='replace').strip()}")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(path)], capture_output=True, check=True)
        assert not os.access(path, os.W_OK)
        yield
    finally:
        umounted = subprocess.run(["umount", str(path)], capture_output=True, check=False)
        if umounted.returncode != 0:  # a file the commands left open in it: a leak, which fails the test
            subprocess.run(["umount", "-l", str(path)], capture_output=True, check=True)
            pytest.fail(f"a file was left open under {path}: {umounted.stderr.decode(errors='replace').strip()}")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree(folder: Path) -> dict[str, bytes | None]:
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None) for p in sorted(folder.rglob("*"))}


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def case(isolated_home: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "cases"
    folder.mkdir()
    path = folder / "case.evcase"
    assert main(["new", str(path), "--title", "Read v. Only", "--declarant", "Ann Investigator"]) == 0
    write_messages(tmp_path / "mail", 2)
    assert main(["add", str(path), str(tmp_path / "mail")]) == 0
    secret = tmp_path / "passphrase.txt"
    secret.write_text(PASSPHRASE + "\n")
    assert main(["identity", "create", "--name", "Ann Investigator", "--passphrase-file", str(secret)]) == 0
    for suffix in ("-wal", "-shm"):  # closed cleanly: the database is whole in the one file, as when copied
        assert not Path(f"{path}{suffix}").exists()
    return path


def refused(code: int, err: str, case: Path, words: str) -> None:
    last = err.strip().splitlines()[-1]
    assert code == 2, err
    assert "Traceback" not in err
    assert last.startswith(f"evbundle: error: {case}"), err
    assert words in last and "nothing was changed" in last, err


def test_a_read_only_case_folder_is_named_and_the_case_is_untouched(
    case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = digest(case)
    more = write_messages(tmp_path / "more", 1, tag="more-")
    out = tmp_path / "out"
    out.mkdir()
    with read_only(case.parent):
        for argv in (["list", str(case)], ["check", str(case)], ["add", str(case), str(more[0])],
                     ["export", str(case), "--out", str(out / "filing"), "--draft"]):
            code, _, err = run(argv, capsys)
            refused(code, err, case, "the folder holding the case file")
            assert "Copy the case file to a folder you can write to" in err
    assert digest(case) == before
    assert tree(out) == {}
    assert run(["check", str(case)], capsys)[0] == 0


def test_a_read_only_case_file_can_be_read_but_not_changed(
    case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    secret = tmp_path / "passphrase.txt"
    assert run(["build", str(case), "--out", str(out), "--passphrase-file", str(secret), "--no-timestamp", "--draft"],
               capsys)[0] == 0
    assert run(["export", str(case), "--out", str(out / "filing"), "--draft"], capsys)[0] == 0
    earlier = tree(out)
    before = digest(case)
    more = write_messages(tmp_path / "more", 1, tag="more-")
    with read_only(case):
        code, listed, _ = run(["list", str(case)], capsys)
        assert code == 0 and "2 item(s)" in listed
        code, checked, _ = run(["check", str(case)], capsys)
        assert code == 0 and "custody chain and database intact" in checked
        for argv, words in (
            (["add", str(case), str(more[0])], "cannot import: the case file is read-only here"),
            (["export", str(case), "--out", str(out / "filing"), "--draft"], "cannot export the filing set: the case file is"),
            (["build", str(case), "--out", str(out), "--passphrase-file", str(secret), "--no-timestamp", "--draft"],
             "cannot build the bundle: the case file is read-only here"),
            (["domains", str(case), "add", "bad-one.com"], "the case file is read-only here"),
        ):
            code, _, err = run(argv, capsys)
            refused(code, err, case, words)
    assert digest(case) == before  # not one byte of the case changed
    assert tree(out) == earlier  # the earlier bundle and filing set, whole
    assert run(["check", str(case)], capsys)[0] == 0
    for suffix in ("-wal", "-shm"):
        Path(f"{case}{suffix}").unlink(missing_ok=True)


def test_a_read_only_output_folder_keeps_the_earlier_filing_set(
    case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "filing"
    assert run(["export", str(case), "--out", str(out), "--draft"], capsys)[0] == 0
    earlier = tree(out)
    custody_before = run(["check", str(case)], capsys)[1]
    with read_only(out):
        code, _, err = run(["export", str(case), "--out", str(out), "--draft"], capsys)
    last = err.strip().splitlines()[-1]
    assert code == 2 and "Traceback" not in err
    assert last.startswith(f"evbundle: error: {out}: cannot write the filing set") and "nothing was changed" in last
    assert tree(out) == earlier
    assert run(["check", str(case)], capsys)[1] == custody_before
    shutil.rmtree(out)
