"""Helpers for the kill tests: run ``evbundle`` as a user does, in a process group of its own, and kill it."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SEED = int(os.environ.get("EVBUNDLE_KILL_SEED", "20261129"))  # change it to try other moments; fixed by default


def chooser(name: str) -> random.Random:
    """A random source fixed by SEED and the test's name: the same moments on every run."""
    return random.Random(f"{SEED}:{name}")


def environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVBUNDLE_")}
    env["EVBUNDLE_HOME"] = str(home)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)  # keeps
    # the suite's network guard (tests/network_guard_site) in the commands it runs
    return env


def evbundle(home: Path, *argv: str | Path, check: bool = False,
             preexec: Callable[[], None] | None = None) -> subprocess.CompletedProcess[str]:
    """Run one command to its end; ``check``: it must succeed."""
    done = subprocess.run(
        [sys.executable, "-m", "app", *map(str, argv)], cwd=REPO, env=environment(home),
        capture_output=True, text=True, timeout=120, preexec_fn=preexec, check=False,
    )
    if check:
        assert done.returncode == 0, f"evbundle {argv[0]} failed:\n{done.stdout}\n{done.stderr}"
    return done


def start(home: Path, *argv: str | Path) -> subprocess.Popen[str]:
    """Start a command in a new session (its own process group: its worker processes join it)."""
    return subprocess.Popen(
        [sys.executable, "-m", "app", *map(str, argv)], cwd=REPO, env=environment(home),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )


def wait_for(condition: Callable[[], bool], process: subprocess.Popen[str], *, timeout: float = 60.0) -> None:
    """Poll until ``condition`` holds; fails if the process ended first (the kill would test nothing)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert process.poll() is None, f"the command ended before the kill:\n{process.communicate()}"
        assert time.monotonic() < deadline, "the moment to kill never came"
        time.sleep(0.005)


def kill_group(process: subprocess.Popen[str], *, leader_only: bool = False, must_be_running: bool = True) -> bool:
    """SIGKILL the command and every process in its group (the parse workers), then wait until all are gone;
    whether the kill is what ended it.

    ``leader_only``: kill the command alone, as the out-of-memory killer does; its workers must then go by
    themselves. ``must_be_running``: a command that ended on its own just before the kill fails the test (a
    harness drawing random moments passes False: the moment came as it finished)."""
    try:
        if leader_only:
            process.kill()
        else:
            os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=30)  # not communicate(): a stray worker would hold the output pipes open
    killed = process.returncode == -signal.SIGKILL
    try:
        assert killed or not must_be_running, "the command ended on its own before the kill"
        deadline = time.monotonic() + 10
        while group_alive(process.pid):
            assert time.monotonic() < deadline, "processes of the killed command are still running"
            time.sleep(0.02)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # never leave strays behind a failed test
        process.communicate(timeout=30)
    return killed


def group_alive(pgid: int) -> bool:
    """Whether any live (not zombie) process is left in the group."""
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


def count_rows(case: Path, table: str) -> int:
    """Rows committed so far, read beside the running writer (WAL lets a reader in); 0 while unreadable."""
    try:
        conn = sqlite3.connect(f"file:{case}?mode=ro", uri=True, timeout=0.01)  # busy: ask again soon
        try:
            return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def write_messages(folder: Path, count: int, *, tag: str = "", padding: int = 0) -> list[Path]:
    """``count`` small, distinct spam messages (``padding`` bytes of body text more each)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"msg-{i:04d}.eml"
        path.write_bytes(
            f"From: Shop {i} <deals{i}@example.net>\r\nTo: victim@example.org\r\nSubject: Offer {tag}{i}\r\n"
            f"Date: Mon, 2 Nov 2026 10:00:00 +0000\r\nMessage-ID: <{tag}{i}@example.net>\r\n\r\n"
            f"Buy now at http://shop{i}.example.com/buy\r\n".encode()
            + _filler(i, padding)
        )
        paths.append(path)
    return paths


def _filler(seed: int, size: int) -> bytes:
    """Body lines that do not compress away (the bundle deflates text), so the bundle takes a while to write."""
    import base64
    import hashlib

    out, n = bytearray(), 0
    while len(out) < size:
        out += base64.b64encode(hashlib.sha512(f"{seed}:{n}".encode()).digest() * 3)[:76] + b"\r\n"
        n += 1
    return bytes(out[:size])


def part_bytes(out: Path) -> int:
    """How much of the bundle the running build has written (its temporary ``*.part`` file)."""
    total = 0
    for part in out.glob("**/*.part") if out.is_dir() else ():
        try:
            total += part.stat().st_size
        except OSError:
            pass
    return total
