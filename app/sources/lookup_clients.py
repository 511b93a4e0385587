"""Live RDAP, port-43 WHOIS and DNS queries, each captured whole as evidence.

Nothing here runs unless the user asks for a lookup (app/ops/lookups.py is
the only caller). Each query returns a :class:`Capture`: what was asked, of
which server, when (UTC), the HTTP status and headers, and the raw bytes of
the reply exactly as received, so the case can store and hash them. Network
failures come back as a Capture with ``error`` set, never as an exception.

Servers are parameters so that tests point every query at 127.0.0.1.
"""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from app.core.custody import utc_now

IANA_WHOIS = ("whois.iana.org", 43)
USER_AGENT = "evbundle (evidence capture; RDAP client)"
MAX_REPLY_BYTES = 8 * 1024 * 1024
DNS_TYPES = ("A", "AAAA", "NS", "MX", "TXT")


@dataclass(frozen=True)
class Capture:
    """One query and its reply as received."""

    kind: str  # "rdap", "whois", "dns"
    query: str  # the domain asked about (A-label)
    server: str  # URL for RDAP; host:port for WHOIS and DNS
    at: str  # UTC ISO 8601 when the query was sent
    raw: bytes = b""
    http_status: int | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    final_url: str = ""
    duration_ms: int = 0
    error: str = ""  # set when no reply was received (refused, timeout, DNS failure...)

    def details(self) -> dict[str, Any]:
        """The capture's facts for the item record and the custody log (JSON-serialisable)."""
        info: dict[str, Any] = {"kind": self.kind, "query": self.query, "server": self.server,
                                "queried_at": self.at, "duration_ms": self.duration_ms}
        if self.http_status is not None:
            info["http_status"] = self.http_status
            info["http_headers"] = [list(h) for h in self.headers]
        if self.final_url and self.final_url != self.server:
            info["final_url"] = self.final_url
        if self.error:
            info["error"] = self.error
        return info


def rdap_query(base_url: str, domain: str, *, timeout: float = 15.0) -> Capture:
    """GET ``<base>domain/<name>`` (RFC 9082), following redirects; HTTP errors keep their body."""
    url = base_url.rstrip("/") + "/domain/" + domain
    request = urllib.request.Request(url, headers={  # noqa: S310 - the user's RDAP URL: https or http only
                                                   "User-Agent": USER_AGENT})
    started, at = time.monotonic(), utc_now()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (https or http only)
            body = response.read(MAX_REPLY_BYTES + 1)
            return _http_capture(url, domain, at, started, response.status, response.headers.items(),
                                 body, response.geturl())
    except urllib.error.HTTPError as exc:
        body = exc.read(MAX_REPLY_BYTES + 1) if exc.fp is not None else b""
        return _http_capture(url, domain, at, started, exc.code, list(exc.headers.items()), body, exc.geturl())
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return Capture("rdap", domain, url, at, duration_ms=_ms(started), error=f"no reply from {url}: {reason}")


def _http_capture(url: str, domain: str, at: str, started: float, status: int,
                  headers: Any, body: bytes, final_url: str) -> Capture:
    error = ""
    if len(body) > MAX_REPLY_BYTES:
        body, error = body[:MAX_REPLY_BYTES], f"reply cut at {MAX_REPLY_BYTES:,} bytes"
    return Capture("rdap", domain, url, at, raw=body, http_status=status, headers=list(headers),
                   final_url=final_url, duration_ms=_ms(started), error=error)


def whois_query(server: str, domain: str, *, port: int = 43, timeout: float = 15.0,
                query_text: str | None = None) -> Capture:
    """Send ``<name>\\r\\n`` to a port-43 server and read until it closes (RFC 3912)."""
    at, started = utc_now(), time.monotonic()
    where = f"{server}:{port}"
    text = query_text if query_text is not None else domain
    chunks: list[bytes] = []
    size = 0
    try:
        with socket.create_connection((server, port), timeout=timeout) as conn:
            conn.sendall(text.encode("utf-8") + b"\r\n")
            while size <= MAX_REPLY_BYTES:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
    except OSError as exc:
        if not chunks:
            return Capture("whois", domain, where, at, duration_ms=_ms(started),
                           error=f"no reply from {where}: {exc.strerror or exc}")
    return Capture("whois", domain, where, at, raw=b"".join(chunks), duration_ms=_ms(started))


def whois_server_for(tld: str, *, iana: tuple[str, int] = IANA_WHOIS, timeout: float = 15.0) -> str:
    """The port-43 server IANA refers to for a TLD ('' when none): the ``refer:`` line of whois.iana.org."""
    capture = whois_query(iana[0], tld, port=iana[1], timeout=timeout)
    for line in capture.raw.decode("utf-8", errors="replace").splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() in ("refer", "whois") and value.strip():
            return value.strip()
    return ""


def dns_query(domain: str, *, nameservers: list[str] | None = None, port: int = 53,
              types: tuple[str, ...] = DNS_TYPES, timeout: float = 5.0) -> Capture:
    """Ask for each record type; the capture holds every full DNS reply in presentation format."""
    import dns.exception
    import dns.flags
    import dns.message
    import dns.query
    import dns.rcode
    import dns.resolver

    at, started = utc_now(), time.monotonic()
    servers = list(nameservers or dns.resolver.Resolver().nameservers)
    where = ",".join(f"{s}:{port}" for s in servers)
    parts: list[str] = []
    errors: list[str] = []
    for rdtype in types:
        request = dns.message.make_query(domain, rdtype, want_dnssec=False)
        reply = None
        for server in servers:
            try:
                reply = dns.query.udp(request, str(server), port=port, timeout=timeout)
                if reply.flags & dns.flags.TC:
                    reply = dns.query.tcp(request, str(server), port=port, timeout=timeout)
                break
            except (dns.exception.DNSException, OSError) as exc:
                errors.append(f"{rdtype} via {server}: {type(exc).__name__} {exc}".strip())
        if reply is not None:
            parts.append(f";; {rdtype} query for {domain} via {where}\n;; rcode {dns.rcode.to_text(reply.rcode())}\n"
                         f"{reply.to_text()}\n")
    raw = "\n".join(parts).encode("utf-8")
    error = "" if parts else ("no reply: " + "; ".join(errors[:3]))
    return Capture("dns", domain, where, at, raw=raw, duration_ms=_ms(started), error=error)


def parse_dns_capture(raw: bytes) -> dict[str, Any]:
    """The answers in a DNS capture: {type: [values]}, and the rcode of each query."""
    answers: dict[str, list[str]] = {}
    rcodes: dict[str, str] = {}
    current = ""
    section = ""
    for line in raw.decode("utf-8", errors="replace").splitlines():
        if line.startswith(";; ") and " query for " in line:
            current = line.split()[1]
            answers.setdefault(current, [])
        elif line.startswith(";; rcode "):
            rcodes[current] = line.split()[-1]
        elif line.startswith(";"):
            section = line.strip("; ").upper()
        elif line.strip() and section == "ANSWER" and current:
            fields = line.split(None, 4)
            if len(fields) == 5 and fields[3] == current:
                answers[current].append(fields[4])
    return {"answers": answers, "rcodes": rcodes,
            "not_found": bool(rcodes) and all(code == "NXDOMAIN" for code in rcodes.values())}


def host_of_url(url: str) -> str:
    return urlsplit(url).hostname or ""


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
