"""A full disk while a bundle or a filing set is written leaves the case and the output folder as they were.

The disk fills for real, without root: the command runs as a user runs it (``python -m app``, a
process of its own) under a file size limit (RLIMIT_FSIZE), so every write past the limit fails
with EFBIG ("File too large"), as a write to a full disk fails with ENOSPC. SIGXFSZ is ignored
in the child, so the write fails instead of the process being killed. The limit is per file: it
lets the case be opened (its -shm file is 32 KiB) and stops the first output file that outgrows it.

What is checked is what a user sees and does next: one line naming what could not be written,
no bundle (or documents, or filing set) that looks finished, the earlier ones untouched, no
"bundle-built" in the custody log, ``check`` passing, and the same command working once there is room.
"""

from __future__ import annotations

import os
import resource
import signal
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from app.cli import main

from .killing import evbundle, write_messages

pytestmark = pytest.mark.skipif(os.name != "posix", reason="RLIMIT_FSIZE is POSIX")

SLUG = "Full-v-Disk"
PASSPHRASE = "correct horse battery staple"
# Per-file limits (bytes): each lets the case open and stops one output of the 3-message case below.
BUNDLE_LIMIT = 64 * 1024  # the bundle (about 130 KiB without documents, 1 MiB with them)
DOCUMENTS_LIMIT = 40 * 1024  # the first of the documents (38-65 KiB each)
AFTER_DOCUMENTS_LIMIT = 200 * 1024  # every document fits; the bundle that holds them does not
EXPORT_LIMIT = 60 * 1024  # the first exhibit PDF of the filing set (about 100 KiB)


def limited(size: int) -> Callable[[], None]:
    """Run in the child before exec: a write past ``size`` bytes fails with EFBIG, not with SIGXFSZ."""
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # kept across exec (Python ignores it too)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    return apply


@pytest.fixture
def case(isolated_home: Path, tmp_path: Path) -> Path:
    path = tmp_path / "case.evcase"
    assert main(["new", str(path), "--title", "Full v. Disk", "--declarant", "Ann Investigator"]) == 0
    write_messages(tmp_path / "mail", 3, padding=40 * 1024)
    assert main(["add", str(path), str(tmp_path / "mail")]) == 0
    assert main(["identity", "create", "--name", "Ann Investigator", "--passphrase-file", str(secret(tmp_path))]) == 0
    return path


def secret(tmp_path: Path) -> Path:
    path = tmp_path / "passphrase.txt"
    path.write_text(PASSPHRASE + "\n")
    return path


def custody(case: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(f"file:{case}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT seq, action, entry_hash FROM custody ORDER BY seq").fetchall()
    finally:
        conn.close()


def tree(folder: Path) -> dict[str, bytes | None]:
    """Every file and folder under ``folder`` (hidden ones too), with each file's bytes."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None) for p in sorted(folder.rglob("*"))}


def assert_check_passes(case: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["check", str(case)]) == 0
    assert "custody chain and database intact" in capsys.readouterr().out


def assert_refused(done: subprocess.CompletedProcess[str], names: Path, what: str) -> None:
    """Non-zero exit, and one line, no traceback, saying the disk is full and naming ``names``."""
    stderr = done.stderr
    lines = [line for line in stderr.splitlines() if not line.endswith("…")]  # progress lines of export
    assert done.returncode == 2, stderr
    assert "Traceback" not in stderr
    assert len(lines) == 1 and lines[0].startswith("evbundle: error: "), stderr
    assert lines[0].startswith(f"evbundle: error: {names}: cannot write {what}:"), stderr
    assert "the disk is full" in lines[0], stderr


def build_argv(case: Path, out: Path, tmp_path: Path, *extra: str) -> list[str]:
    return ["build", str(case), "--out", str(out), "--passphrase-file", str(secret(tmp_path)), "--no-timestamp",
            "--draft", *extra]


def test_full_disk_during_build_without_documents_keeps_the_earlier_bundle(
    isolated_home: Path, case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    argv = build_argv(case, out, tmp_path, "--no-documents")
    before = custody(case)

    done = evbundle(isolated_home, *argv, preexec=limited(BUNDLE_LIMIT))
    assert_refused(done, out / f"{SLUG}.zip", "the bundle")
    assert tree(out) == {}  # no bundle, no half-written *.part, no work folder
    assert custody(case) == before  # no "bundle-built" for a bundle that is not there
    assert_check_passes(case, capsys)

    assert main(argv) == 0  # room again: the same command
    bundle = out / f"{SLUG}.zip"
    earlier = tree(out)
    assert list(earlier) == [bundle.name]
    assert [row[1] for row in custody(case)[len(before):]] == ["bundle-built"]
    assert main(["verify", str(bundle)]) == 0
    before = custody(case)

    done = evbundle(isolated_home, *argv, preexec=limited(BUNDLE_LIMIT))
    assert_refused(done, bundle, "the bundle")
    assert tree(out) == earlier  # the earlier bundle, byte for byte, and nothing beside it
    assert custody(case) == before
    assert_check_passes(case, capsys)


def test_full_disk_during_build_with_documents_leaves_neither_half(
    isolated_home: Path, case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    argv = build_argv(case, out, tmp_path)
    before = custody(case)

    # The disk fills while the documents are written: nothing of them, nor of the bundle, appears.
    done = evbundle(isolated_home, *argv, preexec=limited(DOCUMENTS_LIMIT))
    assert_refused(done, out / f"{SLUG}-documents", "the documents")
    assert tree(out) == {}
    assert custody(case) == before
    assert_check_passes(case, capsys)

    assert main(argv) == 0
    earlier = tree(out)
    assert f"{SLUG}.zip" in earlier and f"{SLUG}-documents/01-declaration.pdf" in earlier
    assert [row[1] for row in custody(case)[len(before):]] == ["bundle-built"]
    before = custody(case)

    # The documents are written whole; the bundle that carries them fills the disk. The new documents
    # must not replace the earlier ones beside the earlier bundle.
    done = evbundle(isolated_home, *argv, preexec=limited(AFTER_DOCUMENTS_LIMIT))
    assert_refused(done, out / f"{SLUG}.zip", "the bundle")
    assert tree(out) == earlier
    assert custody(case) == before
    assert_check_passes(case, capsys)


def test_full_disk_during_export_keeps_the_earlier_filing_set(
    isolated_home: Path, case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "filing"
    argv = ["export", str(case), "--out", str(out), "--draft"]
    before = custody(case)

    done = evbundle(isolated_home, *argv, preexec=limited(EXPORT_LIMIT))
    assert_refused(done, out, "the filing set")
    assert "nothing was changed" in done.stderr
    assert tree(out) == {}  # not one file of a set that would look complete, nor the hidden work folder
    assert custody(case) == before
    assert_check_passes(case, capsys)

    assert main(argv) == 0
    earlier = tree(out)
    assert "01-declaration.pdf" in earlier and "01-declaration-exhibit-003-email.pdf" in earlier
    assert [row[1] for row in custody(case)[len(before):]] == ["documents-exported"]
    before = custody(case)

    done = evbundle(isolated_home, *argv, preexec=limited(EXPORT_LIMIT))
    assert_refused(done, out, "the filing set")
    assert tree(out) == earlier
    assert custody(case) == before
    assert_check_passes(case, capsys)


def test_a_full_disk_while_copying_evidence_is_not_called_a_read_error(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The write of an evidence file's bytes into the zip fails (ENOSPC): that is the bundle's disk,
    not the evidence, and the message must not send the user to check the case."""
    import errno

    from app.bundle.zipwriter import ReproducibleZip

    class Full:
        def __init__(self, sink: object) -> None:
            self._sink = sink

        def write(self, data: bytes) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

        def __enter__(self) -> object:
            return self

        def __exit__(self, *exc: object) -> None:
            self._sink.close()  # type: ignore[attr-defined]

    real = ReproducibleZip.open_file
    def opening(self: ReproducibleZip, name: str, size: int) -> object:
        sink = real(self, name, size)
        return Full(sink) if "/data/" in name else sink  # an evidence file, copied by the bundle's sealer

    monkeypatch.setattr(ReproducibleZip, "open_file", opening)
    out = tmp_path / "out"
    before = custody(case)
    capsys.readouterr()
    assert main(build_argv(case, out, tmp_path, "--no-documents")) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"evbundle: error: {out / SLUG}.zip: cannot write the bundle: the disk is full"), err
    assert "read" not in err and err.count("\n") == 1
    assert tree(out) == {}
    assert custody(case) == before


# -- the disk fills during the final renames: the earlier set stays whole ------------------------------

def _rename_fails_into(out: Path, monkeypatch: pytest.MonkeyPatch, at: int) -> list[str]:
    """The ``at``-th rename that moves a new file or folder into ``out`` fails with ENOSPC (as a folder's
    directory block can); returns the names moved in before it."""
    import errno

    from app.core import workfolder

    real = os.rename
    moved: list[str] = []

    def renaming(source: object, target: object) -> None:
        if Path(str(target)).parent == out and workfolder.ASIDE_NAME not in Path(str(source)).parts:
            if len(moved) + 1 == at:
                raise OSError(errno.ENOSPC, "No space left on device", str(target))
            moved.append(Path(str(target)).name)
        real(source, target)

    monkeypatch.setattr(workfolder.os, "rename", renaming)
    return moved


def test_full_disk_during_exports_final_rename_keeps_the_earlier_filing_set(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The first, a middle and the last file's rename into the folder fails: each time the earlier set stays."""
    out = tmp_path / "filing"
    argv = ["export", str(case), "--out", str(out), "--draft"]
    assert main(argv) == 0
    earlier = tree(out)
    assert main(["paragraphs", str(case), "add", "evidence", "A paragraph the second export adds."]) == 0
    before = custody(case)
    count = len([name for name in earlier if "/" not in name])

    for at in (1, count // 2, count):
        with pytest.MonkeyPatch.context() as patch:  # undoes only this patch, not the isolated home
            moved = _rename_fails_into(out, patch, at)
            capsys.readouterr()
            assert main(argv) == 2
        err = capsys.readouterr().err.splitlines()[-1]  # after the progress lines
        assert err.startswith(f"evbundle: error: {out}: cannot write the filing set: the disk is full"), err
        assert "nothing was changed in it" in err and "Traceback" not in err
        assert len(moved) == at - 1
        assert tree(out) == earlier  # every earlier file, byte for byte, none of the new ones, no work folder
        assert custody(case) == before
    assert_check_passes(case, capsys)

    assert main(argv) == 0  # room again
    assert tree(out) != earlier and set(tree(out)) == set(earlier)


def test_full_disk_during_the_documents_folders_rename_keeps_the_earlier_documents(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    argv = build_argv(case, out, tmp_path)
    assert main(argv) == 0
    earlier = tree(out)
    assert main(["paragraphs", str(case), "add", "evidence", "A paragraph the second build adds."]) == 0
    before = custody(case)

    for at in (1, 2):  # the bundle's rename, then the documents folder's (the bundle already in place)
        with pytest.MonkeyPatch.context() as patch:  # undoes only this patch, not the isolated home
            moved = _rename_fails_into(out, patch, at)
            capsys.readouterr()
            assert main(argv) == 2
        err = capsys.readouterr().err
        assert "the disk is full" in err and "nothing was changed in the output folder" in err, err
        assert len(moved) == at - 1
        assert tree(out) == earlier  # the earlier bundle and all its documents, nothing half-new
        assert custody(case) == before
    assert_check_passes(case, capsys)
    assert main(["verify", str(out / f"{SLUG}.zip")]) == 0  # the earlier bundle, whole
