"""How a command shows progress in a terminal: a line per stage on standard error."""

from __future__ import annotations

import sys


class StageLines:
    """Prints a stage when it starts ("Rendering exhibits…"); the counts within it are not shown."""

    def progress(self, done: int, total: int, stage: str = "") -> None:
        if stage and done == 0:
            print(f"{stage}…", file=sys.stderr)

    def cancelled(self) -> bool:
        return False  # Ctrl+C interrupts a command; the case keeps each change made before it


class Counter:
    """Prints ``done/total <noun>`` over itself on standard error, a newline at the end."""

    def __init__(self, noun: str) -> None:
        self._noun = noun

    def progress(self, done: int, total: int, stage: str = "") -> None:
        print(f"\r{done}/{total} {self._noun}", end="" if done < total else "\n", file=sys.stderr, flush=True)

    def cancelled(self) -> bool:
        return False
