"""One shape of progress and cancel for every long operation (CLI, GUI and tests alike)."""

from __future__ import annotations

from typing import Protocol

from app.core.errors import OperationCancelled


class Reporter(Protocol):
    """What an op may tell its caller while it runs, and ask it."""

    def progress(self, done: int, total: int, stage: str = "") -> None: ...

    def cancelled(self) -> bool: ...


class _NullReporter:
    def progress(self, done: int, total: int, stage: str = "") -> None:
        pass

    def cancelled(self) -> bool:
        return False


NULL_REPORTER: Reporter = _NullReporter()
"""Does nothing and is never cancelled: the default when a caller gives no reporter."""


def check_cancelled(reporter: Reporter) -> None:
    """Raise :class:`OperationCancelled` when the caller asked to stop."""
    if reporter.cancelled():
        raise OperationCancelled()
