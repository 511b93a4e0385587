"""The one background helper: result and errors come back on the GUI thread; cancel stops the work."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot

from app.core.errors import CaseFileError, OperationCancelled
from app.core.reporting import Reporter
from app.gui.background import Operations

from .conftest import Shown


def _ops(qtbot: QtBot) -> tuple[Operations, QWidget]:
    parent = QWidget()
    qtbot.addWidget(parent)
    return Operations(parent), parent


def test_the_result_arrives_on_the_gui_thread(qtbot: QtBot) -> None:
    operations, parent = _ops(qtbot)
    got: list[tuple[object, threading.Thread]] = []
    worker_threads: list[threading.Thread] = []

    def work(reporter: Reporter) -> int:
        worker_threads.append(threading.current_thread())
        for step in range(3):
            reporter.progress(step + 1, 3, "counting")
        return 42

    with qtbot.waitSignal(operations.busyChanged, timeout=5000, check_params_cb=lambda busy: not busy):
        operation = operations.run(parent, work, lambda r: got.append((r, threading.current_thread())),
                                   progress_title="Counting")
        assert operations.is_busy()
    assert got == [(42, threading.main_thread())]
    assert worker_threads[0] is not threading.main_thread()
    assert operation.last_progress == (3, 3, "counting")
    assert not operations.is_busy()


def test_an_evidence_error_is_shown_as_its_diagnostics(qtbot: QtBot, shown: list[Shown]) -> None:
    operations, parent = _ops(qtbot)

    def work(reporter: Reporter) -> None:
        raise CaseFileError("the case file is damaged", path="/cases/<b>x</b>.evcase")

    with qtbot.waitSignal(operations.busyChanged, timeout=5000, check_params_cb=lambda busy: not busy):
        operations.run(parent, work, lambda r: None, error_title="Could not read")
    assert len(shown) == 1
    assert shown[0].plain and shown[0].title == "Could not read"
    assert shown[0].text == "/cases/<b>x</b>.evcase: the case file is damaged"


def test_an_unexpected_error_is_delivered_not_swallowed(qtbot: QtBot, shown: list[Shown]) -> None:
    operations, parent = _ops(qtbot)
    failures: list[BaseException] = []

    def work(reporter: Reporter) -> None:
        raise ZeroDivisionError("a bug")

    with qtbot.waitSignal(operations.busyChanged, timeout=5000, check_params_cb=lambda busy: not busy):
        operations.run(parent, work, lambda r: None, on_failure=failures.append)
    assert [type(e) for e in failures] == [ZeroDivisionError]

    with qtbot.waitSignal(operations.busyChanged, timeout=5000, check_params_cb=lambda busy: not busy):
        operations.run(parent, work, lambda r: None)  # default: a plain-text dialog with the traceback
    assert shown[0].plain and "ZeroDivisionError: a bug" in shown[0].text
    assert "Traceback" in shown[0].details


def test_cancel_stops_the_work(qtbot: QtBot) -> None:
    operations, parent = _ops(qtbot)
    started = threading.Event()
    events: list[str] = []

    def work(reporter: Reporter) -> str:
        started.set()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if reporter.cancelled():
                raise OperationCancelled()
            time.sleep(0.005)
        return "ran to the end"

    operation = operations.run(parent, work, events.append, on_cancelled=lambda: events.append("cancelled"),
                               progress_title="Waiting")
    assert started.wait(5)
    with qtbot.waitSignal(operations.busyChanged, timeout=5000, check_params_cb=lambda busy: not busy):
        assert operation.dialog is not None
        operation.dialog.findChild(QPushButton).click()  # the dialog's Cancel button
    assert events == ["cancelled"]


def test_writes_run_one_at_a_time_in_order(qtbot: QtBot) -> None:
    operations, parent = _ops(qtbot)
    order: list[int] = []
    active = [0]
    overlap = [False]

    def writer(n: int) -> Callable[[Reporter], int]:
        def work(reporter: Reporter) -> int:
            active[0] += 1
            overlap[0] |= active[0] > 1
            time.sleep(0.01)
            order.append(n)
            active[0] -= 1
            return n
        return work

    with qtbot.waitSignal(operations.busyChanged, timeout=5000, check_params_cb=lambda busy: not busy):
        for n in range(4):
            operations.run(parent, writer(n), lambda r: None, writes_case=True)
    assert order == [0, 1, 2, 3] and not overlap[0]
