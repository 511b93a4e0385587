"""The capture environment a record states: clock, software, operating system, who.

A court asks how the time was known and what software drew the page. The
time is the operating system's clock in UTC; where the system says whether
that clock is kept in step by NTP (Linux with systemd-timesyncd or chrony's
kernel flag) the record says so, and otherwise says it is not known. The
server's own ``Date`` header is recorded beside it as an outside check.
"""

from __future__ import annotations

import email.utils
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

TIMESYNC_FLAG = Path("/run/systemd/timesync/synchronized")


def clock_source() -> dict[str, str]:
    """Where the capture time comes from, and whether the clock is known to be synchronised."""
    synchronised = "not known"
    if sys.platform.startswith("linux"):
        if TIMESYNC_FLAG.exists():
            synchronised = "yes (systemd-timesyncd)"
        else:
            synchronised = _adjtimex_synchronised()
    return {"source": "operating system clock, UTC", "ntp_synchronised": synchronised}


def _adjtimex_synchronised() -> str:
    """The kernel's "clock unsynchronised" flag (STA_UNSYNC) through adjtimex(2); "not known" if unreadable."""
    try:
        import ctypes
        import ctypes.util

        class Timex(ctypes.Structure):
            _fields_ = [("modes", ctypes.c_uint), ("pad", ctypes.c_long * 4), ("status", ctypes.c_int),
                        ("rest", ctypes.c_long * 32)]

        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        tx = Timex()
        state = libc.adjtimex(ctypes.byref(tx))
        if state < 0:
            return "not known"
        sta_unsync = 0x0040
        return "no (the kernel reports the clock unsynchronised)" if tx.status & sta_unsync else "yes (kernel)"
    except (OSError, AttributeError, ValueError):
        return "not known"


def server_clock_offset(date_header: str, captured_at: datetime) -> float | None:
    """Seconds by which the server's Date header differs from our clock (None when it has none)."""
    if not date_header:
        return None
    try:
        server = email.utils.parsedate_to_datetime(date_header)
    except (TypeError, ValueError):
        return None
    if server.tzinfo is None:
        server = server.replace(tzinfo=UTC)
    return round((server - captured_at).total_seconds(), 1)


def environment(browser: dict[str, str], *, app_version: str, operator: str) -> dict[str, Any]:
    """Software and system facts: app, browser engine, Python, operating system, operator."""
    return {
        "app": f"evbundle {app_version}".strip(),
        "browser": browser,
        "python": platform.python_version(),
        "os": platform.platform(),
        "machine": platform.machine(),
        "operator": operator,
        "clock": clock_source(),
    }
