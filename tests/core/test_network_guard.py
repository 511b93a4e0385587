"""The suite's network guard (tests/network_guard.py): loopback and AF_UNIX pass, anything else is refused
before a packet leaves, and a refusal the code under test swallowed still fails the test."""

from __future__ import annotations

import socket
import threading

import network_guard
import pytest


def test_loopback_and_unix_addresses_are_local() -> None:
    assert network_guard.is_local_host("127.0.0.1") and network_guard.is_local_host("127.8.9.10")
    assert network_guard.is_local_host("::1") and network_guard.is_local_host("localhost")
    assert network_guard.is_local_host(None) and network_guard.is_local_host(b"127.0.0.1")
    assert network_guard.is_local_address(socket.AF_UNIX, "/tmp/some.sock")
    for host in ("192.0.2.1", "10.0.0.1", "example.com", "8.8.8.8", "2001:db8::1", "0.0.0.0"):
        assert not network_guard.is_local_host(host), host


def test_a_connection_elsewhere_is_refused_before_the_real_connect(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real ``connect`` underneath is replaced by a recorder: the test itself never sends a packet."""
    reached: list[object] = []
    monkeypatch.setitem(network_guard._originals, "connect", lambda sock, address: reached.append(address))
    monkeypatch.setitem(network_guard._originals, "getaddrinfo",
                        lambda host, *a, **k: reached.append(host) or [])
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        with pytest.raises(OSError, match="refused by the test suite"):
            sock.connect(("192.0.2.1", 43))
        sock.connect(("127.0.0.1", 43))
    with pytest.raises(OSError, match="name lookup"):
        socket.getaddrinfo("whois.verisign-grs.com", 43)
    assert reached == [("127.0.0.1", 43)]
    assert len(network_guard.take_violations()) == 2  # taken here, so that this test itself passes


def test_loopback_servers_still_work() -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        accepted: list[bytes] = []

        def serve() -> None:
            conn, _ = server.accept()
            with conn:
                accepted.append(conn.recv(16))

        thread = threading.Thread(target=serve)
        thread.start()
        with socket.create_connection(("localhost", port), timeout=5) as client:
            client.sendall(b"hello")
        thread.join(5)
    assert accepted == [b"hello"]


def test_a_swallowed_refusal_still_fails_the_test(monkeypatch: pytest.MonkeyPatch) -> None:
    """Code that catches the OSError (as the lookups do, to record a failed reply) cannot hide the attempt:
    the per-test check (conftest's ``network_stays_local``) fails the test at its end."""
    monkeypatch.setitem(network_guard._originals, "connect", lambda sock, address: None)
    try:
        socket.create_connection(("192.0.2.1", 80), timeout=1)
    except OSError:
        pass  # what a lookup does: record the failure as the reply
    with pytest.raises(pytest.fail.Exception, match="outside this machine"):
        network_guard.fail_if_violated()
    network_guard.fail_if_violated()  # the refusal was reported once, then forgotten


def test_a_process_the_tests_start_is_guarded_too(no_network: str) -> None:
    """``python -m app`` and any other Python child gets the guard (sitecustomize) and logs what it was refused.
    The child checks the guard is in place before it tries anything, so no packet can leave even if it is not."""
    import subprocess
    import sys

    child = (
        "import socket, sys, network_guard\n"
        "if socket.socket.connect.__name__ != '_guarded_connect': sys.exit(3)\n"
        "network_guard._originals['connect'] = lambda s, a: None\n"
        "try:\n"
        "    socket.socket().connect(('192.0.2.1', 43))\n"
        "except OSError as refused:\n"
        "    print(refused)\n"
    )
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "refused by the test suite" in done.stdout
    with pytest.raises(pytest.fail.Exception, match=r"connect to \('192.0.2.1', 43\)"):
        network_guard.fail_if_violated(no_network)
