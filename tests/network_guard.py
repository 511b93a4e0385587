"""No network unless asked: the suite may open sockets to this machine only.

Installed once for the whole session by ``tests/conftest.py``. Every way a test (or the code
it runs) reaches another machine from this process goes through one of the patched calls:
``socket.socket.connect``/``connect_ex`` (``socket.create_connection``, ``http.client``,
``urllib`` and the WHOIS client use them), ``sendto``/``sendmsg`` (UDP: dnspython's DNS
queries) and ``socket.getaddrinfo`` (a name lookup asks the system's resolver, which sends
its own packets). Loopback addresses (127.0.0.0/8, ::1, ``localhost``) and AF_UNIX sockets
pass; anything else is refused with an ``OSError`` *before* a packet leaves, and recorded,
so a test that swallows the error (a lookup records a failed reply as evidence) still fails
when it ends. Python processes the tests start get the same guard through
``network_guard_site/sitecustomize.py``; they append what they were refused to a log file the
test process reads after each test.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Callable
from typing import Any

LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
violations: list[str] = []  # what was refused since the last take_violations()
_originals: dict[str, Callable[..., Any]] = {}
_log: list[str] = []  # a child process's log file, where it appends what it was refused


class NetworkRefused(ConnectionRefusedError):
    """The suite tried to reach another machine (an OSError, so code under test handles it as it would)."""


def is_local_host(host: object) -> bool:
    """Whether ``host`` (an address, a name, or None for "this machine") stays on this machine."""
    if host is None or host == "":
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    text = str(host).strip().lower().rstrip(".")
    if text in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(text.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def is_local_address(family: int, address: object) -> bool:
    """Whether a socket address of ``family`` stays on this machine (AF_UNIX always does)."""
    if family == getattr(socket, "AF_UNIX", object()):
        return True
    if isinstance(address, tuple) and address:
        return is_local_host(address[0])
    return False


def _refuse(what: str) -> NetworkRefused:
    violations.append(what)
    for path in _log:
        with open(path, "a", encoding="utf-8") as log:
            log.write(f"process {os.getpid()}: {what}\n")
    return NetworkRefused(f"network access outside this machine refused by the test suite: {what}")


def _guarded_connect(self: socket.socket, address: object) -> Any:
    if not is_local_address(self.family, address):
        raise _refuse(f"connect to {address!r}")
    return _originals["connect"](self, address)


def _guarded_connect_ex(self: socket.socket, address: object) -> Any:
    if not is_local_address(self.family, address):
        raise _refuse(f"connect_ex to {address!r}")
    return _originals["connect_ex"](self, address)


def _guarded_sendto(self: socket.socket, data: bytes, *args: Any) -> Any:
    address = args[-1]
    if not is_local_address(self.family, address):
        raise _refuse(f"sendto {address!r}")
    return _originals["sendto"](self, data, *args)


def _guarded_sendmsg(self: socket.socket, buffers: Any, ancdata: Any = (), flags: int = 0,
                     address: object = None) -> Any:
    if address is not None and not is_local_address(self.family, address):
        raise _refuse(f"sendmsg to {address!r}")
    return _originals["sendmsg"](self, buffers, ancdata, flags, *([address] if address is not None else []))


def _guarded_getaddrinfo(host: object, *args: Any, **kwargs: Any) -> Any:
    if not is_local_host(host):
        raise _refuse(f"name lookup of {host!r}")
    return _originals["getaddrinfo"](host, *args, **kwargs)


def install(log: str | None = None) -> None:
    """Patch the socket module for the rest of the process (idempotent); ``log``: a child process's file
    to append refusals to."""
    if log:
        _log[:] = [log]
    if _originals:
        return
    for name, guard in (("connect", _guarded_connect), ("connect_ex", _guarded_connect_ex),
                        ("sendto", _guarded_sendto), ("sendmsg", _guarded_sendmsg)):
        _originals[name] = getattr(socket.socket, name)
        setattr(socket.socket, name, guard)
    _originals["getaddrinfo"] = socket.getaddrinfo
    socket.getaddrinfo = _guarded_getaddrinfo  # type: ignore[assignment]


def fail_if_violated(child_log: str | None = None) -> None:
    """Fail the running test when it, or a process it started (``child_log``), tried to reach another
    machine, even if the refusal was caught; the child log is emptied for the next test."""
    import pytest

    refused = take_violations()
    if child_log and os.path.exists(child_log):
        with open(child_log, "r+", encoding="utf-8") as log:
            refused += [line.strip() for line in log if line.strip()]
            log.truncate(0)
    if refused:
        pytest.fail("the test tried to reach the network outside this machine: " + "; ".join(refused[:5]))


def take_violations() -> list[str]:
    """The refusals recorded since the last call, and forget them."""
    taken = list(violations)
    violations.clear()
    return taken
