"""The PySide6 6.12 reference-count guard: thousands of signals and event-loop turns never crash the app."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from PySide6.QtCore import QObject, Signal

from app.gui import qt_compat


class _Relay(QObject):
    fired = Signal(int, object)


def test_many_signals_do_not_exhaust_true(qtbot: object) -> None:
    relay = _Relay()
    received: list[int] = []
    relay.fired.connect(lambda n, _payload: received.append(n))
    for n in range(5_000):  # unguarded, PySide6 6.12.0 aborts after ~600 of these
        relay.fired.emit(n, None)
    assert len(received) == 5_000
    assert qt_compat.protect_singletons() in (True, False)


def test_the_guard_is_installed_by_importing_the_gui_package() -> None:
    code = textwrap.dedent("""
        import os, sys
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        import app.gui
        from PySide6.QtCore import QObject, Signal
        from PySide6.QtWidgets import QApplication
        application = QApplication([])
        class R(QObject):
            s = Signal(int)
        r = R()
        r.s.connect(lambda n: None)
        for n in range(3000):
            r.s.emit(n)
        for n in range(3000):
            application.processEvents()
        print("alive")
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "alive"
