"""The one way the app runs long work: off the GUI thread, with progress and cancel.

Picard's ``run_task`` and Anki's ``QueryOp`` in one small class. A worker
function receives two plain callables, ``progress(done, total, text="")``
and ``cancelled()``, which it hands on to the ``app.ops`` functions; it never
sees a widget. Its result, or its exception, comes back on the GUI thread
through queued signals. Work that writes to the case runs on a pool of one
thread, so writes happen one after another, in the order they were asked for.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.core.errors import OperationCancelled

from . import messages

T = TypeVar("T")


class Progress(Protocol):
    def __call__(self, done: int, total: int, text: str = "") -> None: ...


Work = Callable[[Progress, Callable[[], bool]], T]


class _Relay(QObject):
    """Carries news from workers to the GUI thread. One per :class:`Operations`, living as long as it.

    Workers emit on this long-lived object, never on a per-operation one: an
    object the GUI thread may delete while a worker is still inside ``emit``
    is a use-after-free (it crashed the tests before this design).
    """

    progressed = Signal(int, int, int, str)  # operation id, done, total, text
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
    """One piece of background work. ``report`` and ``is_cancelled`` are what the worker may call."""

    def __init__(
        self,
        operation_id: int,
        relay: _Relay,
        on_success: Callable[[T], None],
        on_failure: Callable[[BaseException], None],
        on_cancelled: Callable[[], None] | None,
    ) -> None:
        self.id = operation_id
        self._relay = relay
        self._on_success = on_success
        self._on_failure = on_failure
        self._on_cancelled = on_cancelled
        self._cancel = threading.Event()
        self.dialog: QProgressDialog | None = None
        self.last_progress: tuple[int, int, str] = (0, 0, "")
        self.done = False

    def cancel(self) -> None:
        """Ask the worker to stop at its next ``cancelled()`` check."""
        self._cancel.set()
        if self.dialog is not None:
            self.dialog.setLabelText("Cancelling…")

    def is_cancelled(self) -> bool:
        """Thread-safe: the predicate the worker polls."""
        return self._cancel.is_set()

    def report(self, done: int, total: int, text: str = "") -> None:
        """Thread-safe: the progress callback the worker calls."""
        self._relay.progressed.emit(self.id, int(done), int(total), text)

    # -- on the GUI thread -------------------------------------------------------------

    def show_progress(self, done: int, total: int, text: str) -> None:
        self.last_progress = (done, total, text)
        dialog = self.dialog  # setValue on a modal dialog runs the event loop, which may deliver and close it
        if dialog is not None and not self._cancel.is_set():
            if text:
                dialog.setLabelText(text)
            dialog.setMaximum(max(total, 0))
            dialog.setValue(min(done, total) if total > 0 else 0)

    def deliver(self, succeeded: bool, payload: object) -> None:
        """Close the dialog and hand the result (or the exception) to its handler."""
        self.done = True
        if self.dialog is not None:
            self.dialog.blockSignals(True)  # closing a progress dialog emits canceled
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None
        if succeeded:
            self._on_success(payload)  # type: ignore[arg-type]
        elif isinstance(payload, OperationCancelled) and self._on_cancelled is not None:
            self._on_cancelled()
        elif isinstance(payload, BaseException):
            self._on_failure(payload)


class Operations(QObject):
    """Runs work in the background; built once by the app and passed to the window."""

    busyChanged = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Children are deleted in creation order: the pools (which wait for their
        # workers) go before the relay the workers emit on.
        self._reads = QThreadPool(self)
        self._writes = QThreadPool(self)
        self._writes.setMaxThreadCount(1)  # writes to the case, one at a time
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
        error_title: str = "The operation failed",
    ) -> Operation[T]:
        """Start ``work(progress, cancelled)`` in the background.

        ``on_success(result)`` runs on the GUI thread when it returns;
        ``on_failure(exception)`` when it raises (by default a plain-text
        error dialog); ``on_cancelled()`` when it raised OperationCancelled
        (by default nothing more is said). With ``progress_title`` a progress
        dialog with a Cancel button (when ``cancellable``) is shown.
        """
        failure = on_failure or (lambda exc: messages.show_error(parent, error_title, exc))
        operation: Operation[T] = Operation(self._next_id, self._relay, on_success, failure, on_cancelled)
        self._next_id += 1
        if progress_title is not None:
            operation.dialog = _progress_dialog(parent, progress_title, cancellable, operation)
        self._running[operation.id] = operation
        if len(self._running) == 1:
            self.busyChanged.emit(True)
        report, is_cancelled = operation.report, operation.is_cancelled

        def call() -> T:
            return work(report, is_cancelled)

        pool = self._writes if writes_case else self._reads
        pool.start(_Runnable(call, self._relay, operation.id))
        return operation

    def is_busy(self) -> bool:
        return bool(self._running)

    def cancel_all(self) -> None:
        for operation in list(self._running.values()):
            operation.cancel()

    def wait(self, msecs: int = -1) -> bool:
        """Block until the workers are done (at quit, or in tests); True if they are."""
        return self._reads.waitForDone(msecs) and self._writes.waitForDone(msecs)

    @Slot(int, int, int, str)
    def _progressed(self, operation_id: int, done: int, total: int, text: str) -> None:
        operation = self._running.get(operation_id)
        if operation is not None:
            operation.show_progress(done, total, text)

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
            operation.deliver(succeeded, payload)
        finally:
            if not self._running:
                self.busyChanged.emit(False)


def _progress_dialog(
    parent: QWidget | None, title: str, cancellable: bool, operation: Operation[Any]
) -> QProgressDialog:
    dialog = QProgressDialog(title, "Cancel" if cancellable else "", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(400)  # quick work finishes without a flash of a dialog
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    if cancellable:
        dialog.canceled.connect(operation.cancel)
    else:
        dialog.setCancelButton(None)
    dialog.setValue(0)
    return dialog
