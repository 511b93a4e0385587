"""How long work tells its caller how far it got, and learns that it should stop.

Every operation that may take a while takes one :class:`Reporter`: the CLI's
prints a line per stage, the GUI's posts to a progress dialog and is
cancelled by its Cancel button, a test's records what it was told. Work
calls ``progress(done, total, stage)`` and polls ``cancelled()``; it never
sees a widget or a terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from app.core.errors import OperationCancelled


class Reporter(Protocol):
    """Progress out, cancellation in; both may be called from any thread."""

    def progress(self, done: int, total: int, stage: str = "") -> None:
        """``done`` of ``total`` steps of ``stage`` ("Rendering exhibits"); ``total`` 0 means unknown."""

    def cancelled(self) -> bool:
        """Whether the user asked to stop; work stops at its next safe point when it is."""


class _Silent:
    """Hears nothing, never cancels: for callers that do not care."""

    def progress(self, done: int, total: int, stage: str = "") -> None:
        return None

    def cancelled(self) -> bool:
        return False


NULL_REPORTER: Reporter = _Silent()


def check_cancelled(reporter: Reporter, message: str | None = None) -> None:
    """Raise OperationCancelled when the user asked to stop."""
    if reporter.cancelled():
        raise OperationCancelled(message) if message else OperationCancelled()



class CallbackReporter:
    """A reporter made of two plain functions (a script's print, a test's list.append)."""

    def __init__(
        self,
        progress: Callable[[int, int, str], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> None:
        self._progress = progress
        self._cancelled = cancelled

    def progress(self, done: int, total: int, stage: str = "") -> None:
        if self._progress is not None:
            self._progress(done, total, stage)

    def cancelled(self) -> bool:
        return self._cancelled is not None and self._cancelled()
