"""Start the capture program as a child process, read its events, and kill it (with its browser) on demand.

From a source checkout or an installed package the program is ``python -m
app.capture JOB.json``. A frozen build (PyInstaller) has no Python to run: there
the program is the capture engine component's executable, ``evbundle-capture``,
installed beside the app's (``packaging/capture_program.py``; the component
carries QtWebEngine, which the app itself leaves out). On macOS the engine is
inside the .app, so the app's own executable runs it, given ``--capture-child``
(``packaging/launch.py``).

The child runs in a process group (POSIX) of its own, so that a cancel kills
the browser's helper processes (renderer, GPU, zygote) with it: nothing is
left running. On Windows ``taskkill /T`` does the same for the process tree.
"""

from __future__ import annotations

import contextlib
import importlib.util
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
ENGINE_PROGRAM = "evbundle-capture"


def engine_program() -> Path | None:
    """The capture engine component's executable beside a frozen app's, if it is installed."""
    name = ENGINE_PROGRAM + (".exe" if sys.platform == "win32" else "")
    program = Path(sys.executable).with_name(name)
    return program if program.is_file() else None


def engine_available() -> bool:
    """Whether this installation can run the capture program (QtWebEngine is there)."""
    if getattr(sys, "frozen", False) and engine_program() is not None:
        return True
    try:
        return importlib.util.find_spec("PySide6.QtWebEngineCore") is not None
    except (ImportError, ValueError):
        return False


def child_command(job: Path) -> list[str]:
    """The command line that runs the capture program on ``job``."""
    if getattr(sys, "frozen", False):
        program = engine_program()
        return [str(program), str(job)] if program else [sys.executable, CHILD_FLAG, str(job)]
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
        self._log = open(log, "ab")  # noqa: SIM115 - the child writes it until close(); Chromium's and Qt's messages
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
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
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
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
        if code is None:
            code = self.process.wait(timeout=30)
        self._reader.join(timeout=5)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._log.close()
        return code
