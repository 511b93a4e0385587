"""A DevTools protocol connection from this program to one page of its own browser.

QtWebEngine offers DevTools only as a server on a TCP port (``--remote-debugging-pipe``
is not implemented: measured, the browser never answers on the pipe), and any
local process can connect to a port on 127.0.0.1. What limits that here:

- the port is chosen at random when the program starts and the server lives
  only as long as this program, which captures a few pages and exits;
- ``--remote-allow-origins`` names an origin no web page can have, so a page
  open in the investigator's everyday browser cannot reach the server by
  WebSocket (Qt would otherwise allow every origin);
- before anything is sent, the page target is recognised by a random token that
  this program put into the page's document through Qt (in-process, never over
  the network or in a URL): a server that is not ours (the port taken by
  someone else first) cannot show it.

What remains: another program of the same computer that finds the port within
those seconds could attach too. The README says so.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, QTimer, QUrl
from PySide6.QtNetwork import QNetworkAccessManager, QNetworkProxy, QNetworkReply, QNetworkRequest
from PySide6.QtWebSockets import QWebSocket

Handler = Callable[[str, dict[str, Any]], None]
TOKEN_EXPRESSION = "document.documentElement.dataset.evbundleToken"  # noqa: S105 - where, not a secret
Callback = Callable[[dict[str, Any] | None, str], None]


class DevToolsError(Exception):
    """A DevTools command failed, timed out, or the connection could not be made."""


_waiting: list[QEventLoop] = []


def nudge() -> None:
    """Something arrived: let every :func:`wait_until` look at its condition now, not at its next tick."""
    for loop in _waiting:
        loop.quit()


def wait_until(predicate: Callable[[], bool], timeout: float, step_ms: int = 20) -> bool:
    """Run the event loop until ``predicate()`` holds or ``timeout`` seconds pass; whether it held.

    The condition is looked at every ``step_ms`` and whenever a DevTools message arrives."""
    deadline = time.monotonic() + timeout
    while not predicate():
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return predicate()
        loop = QEventLoop()
        _waiting.append(loop)
        QTimer.singleShot(max(1, min(step_ms, int(remaining * 1000))), loop.quit)
        try:
            loop.exec()
        finally:
            _waiting.remove(loop)
    return True


def pause(seconds: float) -> None:
    """Let the browser run for ``seconds`` (the event loop keeps turning)."""
    deadline = time.monotonic() + seconds
    wait_until(lambda: time.monotonic() >= deadline, seconds + 1.0)


class DevTools(QObject):
    """Commands (blocking :meth:`call`, or :meth:`send` with a callback) and events of one page target."""

    def __init__(self, port: int) -> None:
        super().__init__()
        self.port = port
        self._socket = QWebSocket()
        self._socket.setProxy(QNetworkProxy(QNetworkProxy.ProxyType.NoProxy))
        self._socket.setMaxAllowedIncomingMessageSize(1 << 30)
        self._socket.setMaxAllowedIncomingFrameSize(1 << 30)
        self._socket.textMessageReceived.connect(self._received)
        self._socket.connected.connect(self._opened)
        self._socket.disconnected.connect(self._closed)
        self._socket.errorOccurred.connect(lambda _error: self._closed())
        self._next_id = 0
        self._replies: dict[int, dict[str, Any]] = {}
        self._callbacks: dict[int, Callback] = {}
        self._handlers: list[Handler] = []
        self.connected = False
        self.lost = False

    # -- connecting ------------------------------------------------------------------------

    def attach(self, token: str, timeout: float = 15.0) -> None:
        """Connect to the page of this program whose document carries ``token`` (set through Qt, never sent
        anywhere), among the page targets on our port; anything else is refused."""
        pages = [t for t in self._targets(timeout) if t.get("type") == "page"]
        for target in pages:
            self._socket.open(QUrl(str(target["webSocketDebuggerUrl"])))
            if not wait_until(lambda: self.connected or self.lost, timeout) or not self.connected:
                raise DevToolsError(f"the DevTools connection was refused ({self._socket.errorString()})")
            found = self.call("Runtime.evaluate", {"expression": TOKEN_EXPRESSION, "returnByValue": True})
            if (found.get("result") or {}).get("value") == token:
                return
            self._socket.close()
            wait_until(lambda: not self.connected, 2.0)
            self.lost = False
        raise DevToolsError(f"the capture page was not found on the DevTools port {self.port}; another program "
                            "may hold the port")

    def _targets(self, timeout: float) -> list[dict[str, Any]]:
        manager = QNetworkAccessManager()
        manager.setProxy(QNetworkProxy(QNetworkProxy.ProxyType.NoProxy))
        deadline = time.monotonic() + timeout
        last_error = ""
        while time.monotonic() < deadline:  # the server starts with the first page: try for a moment
            request = QNetworkRequest(QUrl(f"http://127.0.0.1:{self.port}/json/list"))
            reply = manager.get(request)
            wait_until(reply.isFinished, max(0.1, deadline - time.monotonic()))
            if reply.isFinished() and reply.error() == QNetworkReply.NetworkError.NoError:
                try:
                    data = json.loads(bytes(reply.readAll().data()))
                except ValueError as exc:
                    raise DevToolsError(f"the DevTools port {self.port} did not answer as DevTools") from exc
                reply.deleteLater()
                return data if isinstance(data, list) else []
            last_error = reply.errorString()
            reply.abort()
            reply.deleteLater()
            pause(0.1)
        raise DevToolsError(f"the browser's DevTools server did not answer on port {self.port} ({last_error})")

    def close(self) -> None:
        if self.connected:
            self._socket.close()
            wait_until(lambda: not self.connected, 2.0)

    # -- commands and events -----------------------------------------------------------------

    def on_event(self, handler: Handler) -> None:
        self._handlers.append(handler)

    def send(self, method: str, params: dict[str, Any] | None = None, callback: Callback | None = None) -> int:
        """Send a command without waiting; ``callback(result, error)`` runs when the answer comes."""
        if not self.connected:
            raise DevToolsError("the DevTools connection is closed")
        self._next_id += 1
        message_id = self._next_id
        if callback is not None:
            self._callbacks[message_id] = callback
        self._socket.sendTextMessage(json.dumps({"id": message_id, "method": method, "params": params or {}}))
        return message_id

    def call(self, method: str, params: dict[str, Any] | None = None, timeout: float = 30.0) -> dict[str, Any]:
        """Send a command and wait for its result; raises :class:`DevToolsError` on an error or a timeout."""
        message_id = self.send(method, params)
        if not wait_until(lambda: message_id in self._replies or self.lost, timeout):
            raise DevToolsError(f"{method}: no answer within {timeout:g} s")
        reply = self._replies.pop(message_id, None)
        if reply is None:
            raise DevToolsError(f"{method}: the browser closed the connection")
        if "error" in reply:
            error = reply["error"]
            raise DevToolsError(f"{method}: {error.get('message', error)}")
        return reply.get("result") or {}

    def pending_callbacks(self) -> int:
        return len(self._callbacks)

    def _received(self, text: str) -> None:
        try:
            message = json.loads(text)
        except ValueError:
            return
        if "id" in message:
            message_id = int(message["id"])
            callback = self._callbacks.pop(message_id, None)
            if callback is None:
                self._replies[message_id] = message
            elif "error" in message:
                callback(None, str((message["error"] or {}).get("message", "error")))
            else:
                callback(message.get("result") or {}, "")
            nudge()
            return
        method = str(message.get("method", ""))
        params = message.get("params") or {}
        for handler in list(self._handlers):
            handler(method, params)
        nudge()

    def _opened(self) -> None:
        self.connected = True

    def _closed(self) -> None:
        self.connected = False
        self.lost = True
        for callback in self._callbacks.values():
            callback(None, "connection closed")
        self._callbacks.clear()

