"""A crash, a kill, a full disk or a wrong passphrase leaves the case as it was, with a clear message.

The commands run as a user runs them (``python -m app``, a process of their
own) and are killed with SIGKILL, worker processes and all, at a moment
chosen from a fixed seed (see killing.py): after some items are committed,
or once the bundle is being written. What is checked afterwards is what a
user would do next: ``check``, ``list``, the same command again.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import sys
from pathlib import Path

import pytest

from .killing import (
    chooser,
    count_rows,
    evbundle,
    kill_group,
    part_bytes,
    start,
    wait_for,
    write_messages,
)

pytestmark = pytest.mark.skipif(os.name != "posix", reason="process groups and SIGKILL are POSIX")

PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


def new_case(home: Path, tmp_path: Path) -> Path:
    case = tmp_path / "case.evcase"
    evbundle(home, "new", case, "--title", "Kill v. Does", "--declarant", "Ann Investigator", check=True)
    return case


def passphrase_file(tmp_path: Path, text: str = PASSPHRASE) -> Path:
    path = tmp_path / f"pass-{len(text)}.txt"
    path.write_text(text + "\n")
    return path


def listed(home: Path, case: Path) -> list[dict[str, object]]:
    return json.loads(evbundle(home, "list", "--json", case, check=True).stdout)


def assert_checks(home: Path, case: Path) -> str:
    done = evbundle(home, "check", case)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "custody chain and database intact" in done.stdout
    return done.stdout


def custody_rows(case: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(f"file:{case}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT seq, action, entry_hash FROM custody ORDER BY seq").fetchall()
    finally:
        conn.close()


# -- 1. a kill during a large import ----------------------------------------------------------------

def test_import_killed_midway_keeps_whole_items_and_the_same_add_finishes_it(home: Path, tmp_path: Path) -> None:
    count = 400  # more than POOL_MIN_FILES: parsed in worker processes, which die with the group
    messages = write_messages(tmp_path / "mail", count)
    originals = {p.name: p.read_bytes() for p in messages}
    case = new_case(home, tmp_path)
    after = chooser("import").choice([20, 60, 110, 170])  # items committed before the kill; 200+ still to come

    process = start(home, "add", case, tmp_path / "mail")
    wait_for(lambda: count_rows(case, "items") >= after, process)
    kill_group(process)

    assert_checks(home, case)
    items = listed(home, case)
    assert after <= len(items) < count, "the kill should land inside the import"
    for n, item in enumerate(items):  # the first files, in order, each whole: its bytes are the file's
        original = originals[f"msg-{n:04d}.eml"]
        assert item["name"] == f"Offer {n}" and item["status"] == "ok"
        assert item["sha256"] == hashlib.sha256(original).hexdigest() and item["size"] == len(original)
    assert [i["exhibit"] for i in items] == [f"Exhibit {n}" for n in range(1, len(items) + 1)]

    again = evbundle(home, "add", case, tmp_path / "mail")
    assert again.returncode == 1  # some files were refused: the ones already in
    added = [line for line in again.stdout.splitlines() if line.startswith("added ")]
    refused = again.stderr.strip().splitlines()
    assert len(added) == count - len(items)
    assert len(refused) == len(items)
    assert all("already in the case" in line and "same SHA-256" in line for line in refused)
    assert "Traceback" not in again.stderr
    assert f"Exhibit {len(items) + 1}:" in added[0]

    assert f"all {count} item(s)" in assert_checks(home, case)
    items = listed(home, case)
    assert len({i["sha256"] for i in items}) == count


def test_import_whose_process_alone_is_killed_leaves_no_workers_behind(home: Path, tmp_path: Path) -> None:
    """The out-of-memory killer kills one process, not its group: the parse workers must still go."""
    write_messages(tmp_path / "mail", 100)
    case = new_case(home, tmp_path)
    process = start(home, "add", case, tmp_path / "mail")
    wait_for(lambda: count_rows(case, "items") >= 10, process)
    kill_group(process, leader_only=True)  # fails if a worker is still running 10 s later
    assert_checks(home, case)


# -- 2. a kill while the bundle is being written -------------------------------------------------------

def _build_killed(home: Path, case: Path, out: Path, secret: Path, *extra: str, name: str) -> None:
    """Start a build and kill it at a seeded moment: once a seeded share of the bundle is written or,
    with documents, while the exhibits or the documents are being rendered (the bundle not yet begun)."""
    if "--no-documents" in extra:
        moments: list[int | str] = [64 * 1024, 256 * 1024, 512 * 1024]
    else:
        moments = ["", "documents"]  # the work folder exists / the documents are being written into it
    moment = chooser(name).choice(moments)
    before = set(out.iterdir()) if out.is_dir() else set()
    process = start(home, "build", case, "--out", out, "--passphrase-file", secret, "--no-timestamp", "--draft",
                    *extra)
    if isinstance(moment, int):
        wait_for(lambda: part_bytes(out) >= moment, process)
    else:
        wait_for(lambda: any((p / moment).is_dir() for p in set(out.glob("evbundle-build-*")) - before), process)
    kill_group(process)


def _setup_build(home: Path, tmp_path: Path, count: int, padding: int) -> tuple[Path, Path]:
    case = new_case(home, tmp_path)
    write_messages(tmp_path / "mail", count, padding=padding)
    evbundle(home, "add", case, tmp_path / "mail", check=True)
    secret = passphrase_file(tmp_path)
    evbundle(home, "identity", "create", "--name", "Ann Investigator", "--passphrase-file", secret, check=True)
    return case, secret


def _build(home: Path, case: Path, out: Path, secret: Path, *extra: str) -> Path:
    built = evbundle(home, "build", case, "--out", out, "--passphrase-file", secret, "--no-timestamp", "--draft",
                     *extra)
    assert built.returncode == 0, built.stderr
    bundle = out / "Kill-v-Does.zip"
    assert evbundle(home, "verify", bundle).returncode == 0
    return bundle


def test_build_killed_leaves_no_bundle_then_keeps_the_earlier_one(home: Path, tmp_path: Path) -> None:
    case, secret = _setup_build(home, tmp_path, 30, 48 * 1024)  # 1.4 MiB of evidence: the bundle takes a moment
    out = tmp_path / "out"
    custody_before = custody_rows(case)

    _build_killed(home, case, out, secret, "--no-documents", name="build")
    assert not (out / "Kill-v-Does.zip").exists()
    assert custody_rows(case) == custody_before  # no "bundle-built" for a bundle that is not there
    assert_checks(home, case)
    assert [p.name.startswith("evbundle-build-") for p in out.iterdir()] == [True]  # the killed build's work

    bundle = _build(home, case, out, secret, "--no-documents")
    assert sorted(p.name for p in out.iterdir()) == ["Kill-v-Does.zip"]  # the next build removed it
    earlier = bundle.read_bytes()
    write_messages(tmp_path / "more", 3, tag="more-")
    evbundle(home, "add", case, tmp_path / "more", check=True)

    _build_killed(home, case, out, secret, "--no-documents", name="rebuild")
    assert bundle.read_bytes() == earlier  # byte for byte the bundle that verified above
    assert_checks(home, case)

    evbundle(home, "build", case, "--out", out, "--passphrase-file", secret, "--no-timestamp", "--no-documents",
             check=True)
    assert bundle.read_bytes() != earlier
    assert sorted(p.name for p in out.iterdir()) == ["Kill-v-Does.zip"]


def test_build_with_documents_killed_leaves_neither_bundle_nor_documents(home: Path, tmp_path: Path) -> None:
    case, secret = _setup_build(home, tmp_path, 3, 16 * 1024)
    out = tmp_path / "out"
    custody_before = custody_rows(case)

    _build_killed(home, case, out, secret, name="documents")
    assert not (out / "Kill-v-Does.zip").exists() and not (out / "Kill-v-Does-documents").exists()
    assert custody_rows(case) == custody_before
    assert_checks(home, case)

    _build(home, case, out, secret)
    assert sorted(p.name for p in out.iterdir()) == ["Kill-v-Does-documents", "Kill-v-Does.zip"]
    assert (out / "Kill-v-Does-documents" / "01-declaration.pdf").is_file()


# -- 3. a full disk during an import ----------------------------------------------------------------

def test_full_disk_during_import_names_the_file_and_keeps_the_case(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """SQLite reports a full disk as SQLITE_FULL ("database or disk is full") from the write that hit it."""
    from app.cli import main
    from app.store import CaseFile

    case = tmp_path / "case.evcase"
    assert main(["new", str(case), "--title", "Kill v. Does"]) == 0
    write_messages(tmp_path / "mail", 12)
    full_at = chooser("enospc").choice([3, 7, 10])  # the file whose write meets the full disk
    store = CaseFile._store_object
    calls = []

    def filling(self: CaseFile, conn: sqlite3.Connection, stream: object, *args: object) -> object:
        calls.append(1)
        if len(calls) == full_at:
            raise sqlite3.OperationalError("database or disk is full")
        return store(self, conn, stream, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(CaseFile, "_store_object", filling)
    capsys.readouterr()
    code = main(["add", str(case), str(tmp_path / "mail")])
    out, err = capsys.readouterr()
    assert code == 2
    assert "Traceback" not in err
    failed = f"msg-{full_at - 1:04d}.eml"
    assert failed in err and "disk is full" in err, err
    assert err.count("\n") == 1
    monkeypatch.setattr(CaseFile, "_store_object", store)

    with CaseFile.open(case) as opened:
        assert opened.check() == []
        kept = [i.original_name for i in opened.items()]
    assert kept == [f"msg-{i:04d}.eml" for i in range(full_at - 1)]  # those before it, whole; nothing of it
    assert f"{full_at - 1} item(s) from the files before it are in the case" in err
    assert f"{12 - full_at} file(s) after it were not imported" in err

    capsys.readouterr()
    assert main(["add", str(case), str(tmp_path / "mail")]) == 1  # the rest, once there is room again
    out, err = capsys.readouterr()
    assert out.count("added ") == 12 - (full_at - 1)


def test_file_size_limit_during_import_fails_cleanly(home: Path, tmp_path: Path) -> None:
    """A real write failure, without root: the kernel's file size limit (RLIMIT_FSIZE) stops the case file growing."""
    import resource

    case = new_case(home, tmp_path)
    write_messages(tmp_path / "mail", 40, padding=8 * 1024)  # 320 KiB, five times what the limit lets in
    items_before = listed(home, case)
    limit = case.stat().st_size + 64 * 1024

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    blocked = evbundle(home, "add", case, tmp_path / "mail", preexec=limited)
    assert blocked.returncode == 2, blocked.stdout + blocked.stderr
    assert "Traceback" not in blocked.stderr and blocked.stderr.startswith("evbundle: error:")
    assert blocked.stderr.count("\n") == 1
    assert_checks(home, case)
    kept = listed(home, case)
    assert len(kept) >= len(items_before) and len(kept) < 40
    evbundle(home, "add", case, tmp_path / "mail")  # room again
    assert len(listed(home, case)) == 40
    assert_checks(home, case)


# -- 4. a wrong passphrase ---------------------------------------------------------------------------

def test_wrong_passphrase_builds_nothing_and_leaves_the_case_alone(home: Path, tmp_path: Path) -> None:
    case = new_case(home, tmp_path)
    write_messages(tmp_path / "mail", 3)
    evbundle(home, "add", case, tmp_path / "mail", check=True)
    right = passphrase_file(tmp_path)
    evbundle(home, "identity", "create", "--name", "Ann Investigator", "--passphrase-file", right, check=True)
    custody_before = custody_rows(case)
    out = tmp_path / "out"

    done = evbundle(home, "build", case, "--out", out, "--passphrase-file", passphrase_file(tmp_path, "not it at all"),
                    "--no-timestamp")

    assert done.returncode == 2
    assert "passphrase" in done.stderr and "wrong" in done.stderr.lower(), done.stderr
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1
    assert not out.exists() or list(out.iterdir()) == []
    # The design: a failed unlock is not a change to the case, so the custody log does not grow.
    assert custody_rows(case) == custody_before
    assert_checks(home, case)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))
