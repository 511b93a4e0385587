"""The one way the window runs work off its thread: with progress, cancel, and what changed.

Picard's ``run_task`` and Anki's ``QueryOp``/``CollectionOp`` in one small
class. Work is a function of one :class:`~app.core.reporting.Reporter` (the
:class:`Operation` itself), which it hands on to the ``app.ops`` functions;
it never sees a widget. Its result, or its exception, comes back on the GUI
thread through queued signals; when the result names what it changed (an
operation's ``changes``), :class:`~app.gui.events.CaseEvents` is told
before the caller's own handler runs, so every page redraws what concerns
it and no handler emits refresh signals by hand.

Three lanes: work that writes to the case runs on a pool of one thread, so
writes happen one after another, in the order they were asked for; reads
run beside it; quiet work (thumbnails, the domains table's filtering) runs
on a lane of its own that does not mark the window busy, so it never
disables Build or Close.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.core.changes import Changes
from app.core.errors import OperationCancelled
from app.core.reporting import Reporter
from app.gui import messages
from app.gui.events import CaseEvents

T = TypeVar("T")

Work = Callable[[Reporter], T]
SHOW_PROGRESS_AFTER_MS = 400  # quick work finishes without a flash of a dialog


def changes_of(result: object) -> Changes | None:
    """What a result says it changed: a Changes itself, or an operation result's ``changes``."""
    if isinstance(result, Changes):
        return result
    changes = getattr(result, "changes", None)
    return changes if isinstance(changes, Changes) else None


class _Relay(QObject):
    """Carries news from workers to the GUI thread. One per :class:`Operations`, living as long as it.

    Workers emit on this long-lived object, never on a per-operation one: an
    object the GUI thread may delete while a worker is still inside ``emit``
    is a use-after-free (it crashed the tests before this design).
    """

    progressed = Signal(int, int, int, str)  # operation id, done, total, stage
    succeeded = Signal(int, object)  # operation id, result
    failed = Signal(int, object)  # operation id, exception


class _Runnable(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: _Relay, operation_id: int) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._work = work
        self._relay = relay
        self._id = operation_id

    def run(self) -> None:
        try:
            result = self._work()
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the GUI thread
            self._relay.failed.emit(self._id, exc)
        else:
            self._relay.succeeded.emit(self._id, result)


class Operation(Generic[T]):
    """One piece of background work, and the :class:`Reporter` its worker is given."""

    def __init__(
        self,
        operation_id: int,
        relay: _Relay,
        on_success: Callable[[T], None],
        on_failure: Callable[[BaseException], None],
        on_cancelled: Callable[[], None] | None,
        may_change: Changes | None,
        changes: Changes | None,
        quiet: bool,
    ) -> None:
        self.id = operation_id
        self._relay = relay
        self._on_success = on_success
        self._on_failure = on_failure
        self._on_cancelled = on_cancelled
        self.may_change = may_change
        self.changes = changes
        self.quiet = quiet
        self._cancel = threading.Event()
        self.dialog: QProgressDialog | None = None
        self.writes = False  # runs on the write lane (set by Operations.run)
        self.last_progress: tuple[int, int, str] = (0, 0, "")
        self.done = False

    def cancel(self) -> None:
        """Ask the worker to stop at its next ``cancelled()`` check."""
        self._cancel.set()
        if self.dialog is not None:
            self.dialog.setLabelText("Cancelling…")

    # -- the Reporter the worker calls, from its own thread --------------------------------

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def progress(self, done: int, total: int, stage: str = "") -> None:
        self._relay.progressed.emit(self.id, int(done), int(total), stage)

    # -- on the GUI thread -------------------------------------------------------------

    def show_progress(self, done: int, total: int, stage: str) -> None:
        self.last_progress = (done, total, stage)
        dialog = self.dialog  # setValue on a modal dialog runs the event loop, which may deliver and close it
        if dialog is not None and not self._cancel.is_set():
            if stage:  # "Rendering exhibits: 3 of 40", or the stage alone when it is one step or unknown
                dialog.setLabelText(f"{stage}: {done:,} of {total:,}" if total > 1 else stage)
            dialog.setMaximum(max(total, 0))
            dialog.setValue(min(done, total) if total > 0 else 0)

    def close_dialog(self) -> None:
        """Gone for good: hidden, and its delayed show can no longer bring it back."""
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.blockSignals(True)  # closing a progress dialog emits canceled
            dialog.reset()  # stops the dialog's own timer, which would show it after minimumDuration
            dialog.hide()
            dialog.deleteLater()

    def deliver(self, succeeded: bool, payload: object, events: CaseEvents | None) -> None:
        """Close the dialog, tell the pages what changed, and hand the result (or the exception) on."""
        self.done = True
        self.close_dialog()
        if events is not None:
            changes = (changes_of(payload) or self.changes) if succeeded else self.may_change
            if changes is not None:
                events.apply(changes)
        if succeeded:
            self._on_success(payload)  # type: ignore[arg-type]
        elif isinstance(payload, OperationCancelled) and self._on_cancelled is not None:
            self._on_cancelled()
        elif isinstance(payload, OperationCancelled):
            return  # a cancel asked for needs no message
        elif isinstance(payload, BaseException):
            self._on_failure(payload)


class Operations(QObject):
    """Runs work in the background; built once by the app and passed to the window."""

    busyChanged = Signal(bool)
    writingChanged = Signal(bool)  # whether a write to the case is queued or running

    def __init__(self, parent: QObject | None = None, *, events: CaseEvents | None = None) -> None:
        super().__init__(parent)
        self.events = events  # told what each operation's result changed
        # Children are deleted in creation order: the pools (which wait for their
        # workers) go before the relay the workers emit on.
        self._reads = QThreadPool(self)
        self._writes = QThreadPool(self)
        self._writes.setMaxThreadCount(1)  # writes to the case, one at a time
        self._quiet = QThreadPool(self)
        self._quiet.setMaxThreadCount(2)
        self._relay = _Relay(self)
        self._relay.progressed.connect(self._progressed)
        self._relay.succeeded.connect(self._succeeded)
        self._relay.failed.connect(self._failed)
        self._running: dict[int, Operation[Any]] = {}
        self._next_id = 1

    def run(
        self,
        parent: QWidget | None,
        work: Work[T],
        on_success: Callable[[T], None],
        *,
        on_failure: Callable[[BaseException], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        progress_title: str | None = None,
        cancellable: bool = True,
        writes_case: bool = False,
        may_change: Changes | None = None,
        changes: Changes | None = None,
        quiet: bool = False,
        error_title: str = "The operation failed",
    ) -> Operation[T]:
        """Start ``work(reporter)`` in the background.

        ``on_success(result)`` runs on the GUI thread when it returns, after the
        pages heard of the result's changes; ``on_failure(exception)`` when it
        raises (by default a plain-text error dialog); ``on_cancelled()`` when
        it raised OperationCancelled (by default nothing more is said). Work
        whose result does not say what it changed names ``changes``; work that
        stops half way (a cancelled import keeps the files before) names
        ``may_change``, which the pages hear of then. With ``progress_title`` a
        progress dialog with a Cancel button (when ``cancellable``) appears if
        the work takes longer than a moment. ``quiet`` work does not mark the
        window busy.
        """
        failure = on_failure or (lambda exc: messages.show_error(parent, error_title, exc))
        operation: Operation[T] = Operation(self._next_id, self._relay, on_success, failure, on_cancelled,
                                            may_change, changes, quiet)
        operation.writes = writes_case and not quiet
        self._next_id += 1
        if progress_title is not None:
            operation.dialog = _progress_dialog(parent, progress_title, cancellable, operation)
            QTimer.singleShot(SHOW_PROGRESS_AFTER_MS, self, functools.partial(self._show_dialog, operation.id))
        self._running[operation.id] = operation
        if not quiet and self._busy_count() == 1:
            self.busyChanged.emit(True)
        if operation.writes and self._writes_count() == 1:
            self.writingChanged.emit(True)

        def call() -> T:
            return work(operation)

        pool = self._quiet if quiet else self._writes if writes_case else self._reads
        pool.start(_Runnable(call, self._relay, operation.id))
        return operation

    def _busy_count(self) -> int:
        return sum(1 for operation in self._running.values() if not operation.quiet)

    def is_busy(self) -> bool:
        return self._busy_count() > 0

    def _writes_count(self) -> int:
        return sum(1 for operation in self._running.values() if operation.writes)

    def is_writing(self) -> bool:
        """Whether a change to the case is queued or running (undo waits for it)."""
        return self._writes_count() > 0

    def cancel_all(self) -> None:
        for operation in list(self._running.values()):
            operation.cancel()

    def wait(self, msecs: int = -1) -> bool:
        """Block until the workers are done (at quit, closing a case, or in tests); True if they are."""
        return all(pool.waitForDone(msecs) for pool in (self._reads, self._writes, self._quiet))

    def _show_dialog(self, operation_id: int) -> None:
        """Show an operation's progress dialog if it is still running (ours, not QProgressDialog's own
        delayed show, which fires whatever happened meanwhile: a dialog closed before it came back over
        the result's message box, as issue 15 found after a refused import)."""
        operation = self._running.get(operation_id)
        if operation is not None and operation.dialog is not None:
            operation.dialog.show()

    @Slot(int, int, int, str)
    def _progressed(self, operation_id: int, done: int, total: int, stage: str) -> None:
        operation = self._running.get(operation_id)
        if operation is not None:
            operation.show_progress(done, total, stage)

    @Slot(int, object)
    def _succeeded(self, operation_id: int, result: object) -> None:
        self._deliver(operation_id, True, result)

    @Slot(int, object)
    def _failed(self, operation_id: int, error: object) -> None:
        self._deliver(operation_id, False, error)

    def _deliver(self, operation_id: int, succeeded: bool, payload: object) -> None:
        operation = self._running.pop(operation_id, None)
        if operation is None:
            return
        try:
            operation.deliver(succeeded, payload, self.events)
        finally:
            if operation.writes and not self.is_writing():
                self.writingChanged.emit(False)
            if not operation.quiet and not self.is_busy():
                self.busyChanged.emit(False)


def _progress_dialog(
    parent: QWidget | None, title: str, cancellable: bool, operation: Operation[Any]
) -> QProgressDialog:
    """A window-modal progress dialog, hidden until :meth:`Operations._show_dialog` shows it."""
    dialog = QProgressDialog(title, "Cancel" if cancellable else "", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    if cancellable:
        dialog.canceled.connect(operation.cancel)
    else:
        dialog.setCancelButton(None)
    dialog.setMinimumDuration(2**31 - 1)  # never by itself
    dialog.setValue(0)

    return dialog
