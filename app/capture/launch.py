"""Start the capture program as a child process, read its events, and kill it (with its browser) on demand.

From a source checkout or an installed package the program is ``python -m
app.capture JOB.json``; in a frozen build (PyInstaller) there is no Python to
run, so the app's own executable is started with ``--capture-child JOB.json``
(``packaging/launch.py`` hands that to :func:`app.capture.__main__.main`).

The child runs in a process group (POSIX) of its own, so that a cancel kills
the browser's helper processes (renderer, GPU, zygote) with it: nothing is
left running. On Windows ``taskkill /T`` does the same for the process tree.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from .job import parse_event

CHILD_FLAG = "--capture-child"


def child_command(job: Path) -> list[str]:
    """The command line that runs the capture program on ``job``."""
    if getattr(sys, "frozen", False):
        return [sys.executable, CHILD_FLAG, str(job)]
    return [sys.executable, "-m", "app.capture", str(job)]


def child_environment() -> dict[str, str]:
    """Our environment, with the folder that holds the ``app`` package first on the Python path."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[2])  # the folder holding app/
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    env["PYTHONIOENCODING"] = "utf-8"
    return env


class CaptureProcess:
    """One run of the capture program: its events arrive on a queue, read by a thread of their own."""

    def __init__(self, job: Path, log: Path) -> None:
        self._log = open(log, "ab")  # Chromium's and Qt's own messages, for diagnostics
        options: dict[str, Any] = {}
        if os.name == "posix":
            options["start_new_session"] = True
        else:  # pragma: no cover - Windows
            options["creationflags"] = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)
        self.process = subprocess.Popen(
            child_command(job), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._log,
            cwd=str(job.parent), env=child_environment(), **options,
        )
        self._events: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, args=(self.process.stdout,), daemon=True)
        self._reader.start()
        self.last_event_at = time.monotonic()

    def _read(self, stream: IO[bytes] | None) -> None:
        if stream is not None:
            for raw in stream:
                event = parse_event(raw.decode("utf-8", errors="replace"))
                if event is not None:
                    self._events.put(event)
        self._events.put(None)  # the pipe closed: the program ended

    def events(self, poll: float = 0.1) -> Iterator[dict[str, Any] | None]:
        """Events as they come; ``{}`` every ``poll`` seconds without one (to check for a cancel),
        None once when the program has ended."""
        while True:
            try:
                event = self._events.get(timeout=poll)
            except queue.Empty:
                yield {}
                continue
            if event is not None:
                self.last_event_at = time.monotonic()
            yield event
            if event is None:
                return

    def kill(self) -> None:
        """Stop the program and every process it started, at once."""
        if self.process.poll() is None:
            if os.name == "posix":
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            else:  # pragma: no cover - Windows
                subprocess.run(["taskkill", "/F", "/T", "/PID", str(self.process.pid)],
                               capture_output=True, check=False)
                self.process.kill()

    def close(self) -> int | None:
        """Wait for the program (it has finished or been killed) and release its pipe and log."""
        try:
            code: int | None = self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            code = None
        if os.name == "posix":  # whatever of the group is left (a helper that outlived the program)
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if code is None:
            code = self.process.wait(timeout=30)
        self._reader.join(timeout=5)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._log.close()
        return code
