"""Every request the page made and every response it got, rebuilt from DevTools ``Network`` events.

One :class:`Exchange` per request and response; a redirect chain is one
DevTools request id with several exchanges, each redirect response kept as its
own exchange (status 301/302…, its Location header, the server address).
Raw headers (``…ExtraInfo`` events, and the status line and headers exactly
as received for HTTP/1.x) are used when Chromium gives them; otherwise the
parsed ones. Bodies are added as the capture fetches them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SKIPPED_SCHEMES = ("data:", "blob:", "about:", "chrome:", "devtools:", "qrc:", "chrome-error:")


@dataclass
class Exchange:
    """One HTTP request and its response (or the error that stopped it)."""

    request_id: str
    url: str
    method: str = "GET"
    resource_type: str = ""
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    raw_request_headers: list[tuple[str, str]] | None = None
    post_data: bytes | None = None
    started_at: float = 0.0  # wall time, seconds since the epoch
    monotonic_start: float = 0.0  # DevTools' monotonic timestamp of the request
    status: int | None = None
    status_text: str = ""
    protocol: str = ""  # "http/1.1", "h2", "h3"…
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    raw_response_headers: list[tuple[str, str]] | None = None
    headers_text: str = ""  # the status line and headers exactly as received (HTTP/1.x only)
    remote_ip: str = ""
    remote_port: int | None = None
    security: dict[str, Any] | None = None
    mime_type: str = ""
    responded_at: float = 0.0  # wall time of the response
    from_cache: bool = False
    redirected: bool = False  # this exchange's response was a redirect
    finished: bool = False
    error: str = ""
    body: bytes | None = None
    body_note: str = ""  # why there is no body, or that it was cut
    download: bool = False  # the response was a download: kept here, never opened

    @property
    def has_response(self) -> bool:
        return self.status is not None

    @property
    def is_network(self) -> bool:
        return not self.url.startswith(SKIPPED_SCHEMES)

    def summary(self) -> dict[str, Any]:
        """What the capture record lists for this exchange."""
        out: dict[str, Any] = {"url": self.url, "method": self.method, "type": self.resource_type}
        if self.has_response:
            out.update(status=self.status, server_ip=self.remote_ip, server_port=self.remote_port,
                       protocol=self.protocol, mime_type=self.mime_type, redirect=self.redirected,
                       from_cache=self.from_cache,
                       body_bytes=len(self.body) if self.body is not None else None)
        if self.error:
            out["error"] = self.error
        if self.body_note:
            out["body_note"] = self.body_note
        if self.download:
            out["download"] = True
        return out


def _header_list(headers: Any) -> list[tuple[str, str]]:
    """DevTools header objects ({name: value}, several values joined by newlines) as (name, value) pairs."""
    out: list[tuple[str, str]] = []
    if isinstance(headers, dict):
        for name, value in headers.items():
            for line in str(value).split("\n"):
                out.append((str(name), line))
    return out


def parse_headers_text(text: str) -> tuple[str, list[tuple[str, str]]]:
    """An HTTP/1.x header block as (status line, [(name, value)…]), order and case kept."""
    lines = text.replace("\r\n", "\n").split("\n")
    status_line = lines[0].strip() if lines else ""
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if not line.strip():
            continue
        if line[0] in " \t" and headers:  # an obsolete folded continuation line
            name, value = headers[-1]
            headers[-1] = (name, f"{value} {line.strip()}")
            continue
        name, _, value = line.partition(":")
        headers.append((name.strip(), value.strip()))
    return status_line, headers


class NetworkLog:
    """Collects DevTools ``Network`` events; :meth:`exchanges` gives them in request order."""

    def __init__(self) -> None:
        self._all: list[Exchange] = []
        self._current: dict[str, Exchange] = {}  # request id -> its latest exchange
        self._request_extra: dict[str, list[list[tuple[str, str]]]] = {}
        self._response_extra: dict[str, list[dict[str, Any]]] = {}
        self._by_id: dict[str, list[Exchange]] = {}

    # -- events --------------------------------------------------------------------------------

    def handle(self, method: str, params: dict[str, Any]) -> Exchange | None:
        """Take one event; returns the exchange that just finished loading (to fetch its body)."""
        handler = _HANDLERS.get(method)
        return handler(self, params) if handler is not None else None

    def _will_be_sent(self, p: dict[str, Any]) -> None:
        request_id = str(p.get("requestId"))
        previous = self._current.get(request_id)
        if previous is not None and p.get("redirectResponse"):
            previous.redirected = True
            self._set_response(previous, p["redirectResponse"], p.get("timestamp"))
            previous.finished = True
        request = p.get("request") or {}
        exchange = Exchange(
            request_id=request_id, url=str(request.get("url", "")),  # a fragment is never sent: left out
            method=str(request.get("method", "GET")), resource_type=str(p.get("type", "")),
            request_headers=_header_list(request.get("headers")),
            started_at=float(p.get("wallTime") or 0.0), monotonic_start=float(p.get("timestamp") or 0.0),
        )
        post = request.get("postData")
        if isinstance(post, str):
            exchange.post_data = post.encode("utf-8")
        self._current[request_id] = exchange
        self._all.append(exchange)
        self._by_id.setdefault(request_id, []).append(exchange)
        self._match_extra(request_id)

    def _request_extra_info(self, p: dict[str, Any]) -> None:
        request_id = str(p.get("requestId"))
        self._request_extra.setdefault(request_id, []).append(_header_list(p.get("headers")))
        self._match_extra(request_id)

    def _response_extra_info(self, p: dict[str, Any]) -> None:
        request_id = str(p.get("requestId"))
        self._response_extra.setdefault(request_id, []).append(p)
        self._match_extra(request_id)

    def _match_extra(self, request_id: str) -> None:
        """Raw headers arrive in their own events, in the order of the chain's exchanges."""
        chain = self._by_id.get(request_id, [])
        pending_requests = self._request_extra.get(request_id, [])
        for exchange in chain:
            if not pending_requests:
                break
            if exchange.raw_request_headers is None:
                exchange.raw_request_headers = pending_requests.pop(0)
        pending_responses = self._response_extra.get(request_id, [])
        for exchange in chain:
            if not pending_responses:
                break
            if exchange.raw_response_headers is None:
                extra = pending_responses.pop(0)
                exchange.raw_response_headers = _header_list(extra.get("headers"))
                exchange.headers_text = str(extra.get("headersText") or "")

    def _response(self, p: dict[str, Any]) -> None:
        exchange = self._current.get(str(p.get("requestId")))
        if exchange is not None:
            self._set_response(exchange, p.get("response") or {}, p.get("timestamp"))
            if p.get("type"):
                exchange.resource_type = str(p["type"])

    def _set_response(self, exchange: Exchange, response: dict[str, Any], timestamp: Any) -> None:
        exchange.status = int(response.get("status") or 0)
        exchange.status_text = str(response.get("statusText") or "")
        exchange.protocol = str(response.get("protocol") or "")
        exchange.response_headers = _header_list(response.get("headers"))
        exchange.remote_ip = str(response.get("remoteIPAddress") or "")
        port = response.get("remotePort")
        exchange.remote_port = int(port) if isinstance(port, (int, float)) else None
        exchange.security = response.get("securityDetails")
        exchange.mime_type = str(response.get("mimeType") or "")
        exchange.from_cache = bool(response.get("fromDiskCache") or response.get("fromPrefetchCache"))
        if isinstance(timestamp, (int, float)) and exchange.started_at:
            exchange.responded_at = exchange.started_at + max(0.0, float(timestamp) - exchange.monotonic_start)
        else:
            exchange.responded_at = exchange.started_at

    def _finished(self, p: dict[str, Any]) -> Exchange | None:
        exchange = self._current.get(str(p.get("requestId")))
        if exchange is None:
            return None
        exchange.finished = True
        return exchange

    def _failed(self, p: dict[str, Any]) -> None:
        exchange = self._current.get(str(p.get("requestId")))
        if exchange is None:
            return
        exchange.finished = True
        reason = str(p.get("errorText") or "failed")
        if p.get("blockedReason"):
            reason += f" (blocked: {p['blockedReason']})"
        if p.get("canceled"):
            reason += " (cancelled)"
        exchange.error = reason

    # -- reading -------------------------------------------------------------------------------

    def exchanges(self) -> list[Exchange]:
        """Every network exchange (data: and blob: URLs left out), in the order the requests started."""
        return [e for e in self._all if e.is_network]

    def chain(self, request_id: str) -> list[Exchange]:
        """The exchanges of one request id: its redirects, then the final one."""
        return list(self._by_id.get(request_id, []))

    def latest(self, request_id: str) -> Exchange | None:
        return self._current.get(request_id)

    def unfinished(self) -> list[Exchange]:
        return [e for e in self._all if e.is_network and not e.finished]


_HANDLERS = {
    "Network.requestWillBeSent": NetworkLog._will_be_sent,
    "Network.requestWillBeSentExtraInfo": NetworkLog._request_extra_info,
    "Network.responseReceived": NetworkLog._response,
    "Network.responseReceivedExtraInfo": NetworkLog._response_extra_info,
    "Network.loadingFinished": NetworkLog._finished,
    "Network.loadingFailed": NetworkLog._failed,
}
