"""Loopback servers that play registries before and after a takedown order (127.0.0.1 only).

Each :class:`PlayedRegistry` serves RDAP over HTTP for its TLDs (``/domain/<name>``), with an
optional token-bucket rate limit that answers 429 with a Retry-After header; one
:class:`PlayedDns` serves, over UDP and TCP, what the TLD zones publish (the delegation:
a referral to the domain's name servers, or NXDOMAIN for a domain on hold or not registered)
and what a resolver would answer for the names' A and AAAA records. Changing a domain's
statuses or name servers (:meth:`PlayedRegistry.set`) changes both at once, as a
registry's action does.
"""

from __future__ import annotations

import http.server
import json
import socket
import socketserver
import struct
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype
import dns.rrset

HOLDS = ("server hold", "client hold")


@dataclass
class Registration:
    """One domain as the registry holds it (RDAP status words, as RFC 8056 spells them)."""

    statuses: list[str] = field(default_factory=lambda: ["client transfer prohibited"])
    name_servers: list[str] = field(default_factory=lambda: ["ns1.bad-dns.example", "ns2.bad-dns.example"])
    registrar: str = "Example Registrar, LLC"
    created: str = "2020-01-02T03:04:05Z"
    expires: str = "2031-01-02T03:04:05Z"
    addresses: list[str] = field(default_factory=lambda: ["192.0.2.10"])


class _Bucket:
    """``rate`` requests a second with bursts of ``burst``; say how long to wait when empty."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self.tokens, self.at = burst, time.monotonic()
        self.lock = threading.Lock()

    def take(self) -> float:
        with self.lock:
            now = time.monotonic()
            self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
            self.at = now
            if self.tokens >= 1:
                self.tokens -= 1
                return 0.0
            return (1 - self.tokens) / self.rate


class PlayedRegistry:
    """A registry's RDAP service on 127.0.0.1 for some TLDs; ``limit`` (per second) makes it answer 429."""

    def __init__(self, name: str, tlds: tuple[str, ...], *, limit: float | None = None, burst: float | None = None,
                 retry_after: str | None = None) -> None:
        self.name = name
        self.tlds = tlds
        self.domains: dict[str, Registration] = {}
        self.requests = 0
        self.throttled = 0
        self.retry_after = retry_after  # the header's value; None: the seconds the bucket needs, rounded up
        self.bucket = _Bucket(limit, burst if burst is not None else limit) if limit else None
        self.lock = threading.Lock()
        registry = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                registry.answer(self)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/rdap/"

    def add(self, domain: str, registration: Registration | None = None) -> Registration:
        with self.lock:
            self.domains[domain] = registration or Registration()
            return self.domains[domain]

    def set(self, domain: str, *, statuses: list[str] | None = None, name_servers: list[str] | None = None) -> None:
        """What the registry does under the order: new statuses and/or name servers."""
        with self.lock:
            found = self.domains[domain]
            if statuses is not None:
                found.statuses = statuses
            if name_servers is not None:
                found.name_servers = name_servers

    def registration(self, domain: str) -> Registration | None:
        with self.lock:
            return self.domains.get(domain)

    def answer(self, handler: http.server.BaseHTTPRequestHandler) -> None:
        with self.lock:
            self.requests += 1
        wait = self.bucket.take() if self.bucket else 0.0
        headers = {"Content-Type": "application/rdap+json"}
        if wait > 0:
            with self.lock:
                self.throttled += 1
            body = json.dumps({"errorCode": 429, "title": "Too Many Requests",
                               "rdapConformance": ["rdap_level_0"]}).encode()
            status = 429
            headers["Retry-After"] = self.retry_after or str(max(1, int(wait + 0.999)))
        else:
            name = handler.path.rstrip("/").rsplit("/", 1)[-1].lower()
            found = self.registration(name) if "/domain/" in handler.path else None
            if found is None:
                status = 404
                body = json.dumps({"errorCode": 404, "title": "Not Found", "rdapConformance": ["rdap_level_0"],
                                   "description": [f"{name} is not registered"]}).encode()
            else:
                status = 200
                body = json.dumps(rdap_domain(name, found, self.name)).encode()
        handler.send_response(status)
        for key, value in headers.items():
            handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.send_header("Date", formatdate(usegmt=True))
        handler.end_headers()
        handler.wfile.write(body)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def rdap_domain(name: str, found: Registration, registry: str) -> dict[str, object]:
    return {
        "objectClassName": "domain", "ldhName": name.upper(), "handle": f"{name.upper()}-{registry.upper()}",
        "rdapConformance": ["rdap_level_0"], "status": list(found.statuses),
        "events": [{"eventAction": "registration", "eventDate": found.created},
                   {"eventAction": "expiration", "eventDate": found.expires},
                   {"eventAction": "last update of RDAP database", "eventDate": "2026-12-01T00:00:00Z"}],
        "entities": [{"objectClassName": "entity", "roles": ["registrar"],
                      "publicIds": [{"type": "IANA Registrar ID", "identifier": "9999"}],
                      "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", found.registrar]]]}],
        "nameservers": [{"objectClassName": "nameserver", "ldhName": ns.upper()} for ns in found.name_servers],
    }


class PlayedDns:
    """The TLD zones of the played registries and a resolver, over UDP and TCP on one port of 127.0.0.1."""

    def __init__(self, registries: list[PlayedRegistry], *, subdomains: dict[str, list[str]] | None = None) -> None:
        self.registries = registries
        self.subdomains = subdomains or {}  # name -> addresses, for names under a registered domain
        self.queries = 0
        self.tcp_queries = 0
        self.lock = threading.Lock()
        played = self
        for _ in range(20):
            udp = socketserver.ThreadingUDPServer(("127.0.0.1", 0), _UdpHandler)
            try:
                tcp = socketserver.ThreadingTCPServer(("127.0.0.1", udp.server_address[1]), _TcpHandler)
                break
            except OSError:
                udp.server_close()
        else:
            raise RuntimeError("no port free for both UDP and TCP")
        for server in (udp, tcp):
            server.played = played  # type: ignore[attr-defined]
            server.daemon_threads = True  # type: ignore[attr-defined]
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self.servers = (udp, tcp)

    @property
    def port(self) -> int:
        return int(self.servers[0].server_address[1])

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def close(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()

    def _find(self, name: str) -> Registration | None:
        for registry in self.registries:
            found = registry.registration(name)
            if found is not None:
                return found
        return None

    def reply(self, wire: bytes, *, tcp: bool) -> bytes:
        query = dns.message.from_wire(wire)
        with self.lock:
            self.queries += 1
            self.tcp_queries += tcp
        reply = dns.message.make_response(query)
        question = query.question[0]
        name = question.name.to_text().rstrip(".").lower()
        rdtype = dns.rdatatype.to_text(question.rdtype)
        found = self._find(name)
        held = found is not None and any(s in HOLDS for s in found.statuses)
        if rdtype == "NS" and not query.flags & dns.flags.RD:  # asked as the TLD's server: the delegation
            if found is None or held or not found.name_servers:
                reply.set_rcode(dns.rcode.NXDOMAIN)
            else:
                reply.authority.append(dns.rrset.from_text(question.name, 172800, "IN", "NS",
                                                           *[ns + "." for ns in found.name_servers]))
        elif rdtype in ("A", "AAAA"):  # asked as a resolver
            parent = ".".join(name.split(".")[-2:])
            owner = found or self._find(parent)
            addresses = self.subdomains.get(name) if found is None else found.addresses
            if owner is None or any(s in HOLDS for s in owner.statuses) or addresses is None:
                reply.set_rcode(dns.rcode.NXDOMAIN)
            else:
                wanted = [a for a in addresses if (":" in a) == (rdtype == "AAAA")]
                if wanted:
                    reply.answer.append(dns.rrset.from_text(question.name, 300, "IN", rdtype, *wanted))
        else:
            reply.set_rcode(dns.rcode.REFUSED)
        data = reply.to_wire()
        if not tcp and len(data) > 512:
            truncated = dns.message.make_response(query)
            truncated.flags |= dns.flags.TC
            data = truncated.to_wire()
        return data


class _UdpHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        data, sock = self.request
        sock.sendto(self.server.played.reply(data, tcp=False), self.client_address)  # type: ignore[attr-defined]


class _TcpHandler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        while True:
            head = self.rfile.read(2)
            if len(head) < 2:
                return
            data = self.rfile.read(struct.unpack("!H", head)[0])
            answer = self.server.played.reply(data, tcp=True)  # type: ignore[attr-defined]
            try:
                self.wfile.write(struct.pack("!H", len(answer)) + answer)
            except OSError:
                return


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
