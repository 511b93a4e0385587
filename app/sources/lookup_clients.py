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
    import dns.resolver

    at, started = utc_now(), time.monotonic()
    servers = [(str(s), port) for s in (nameservers or dns.resolver.Resolver().nameservers)]
    where = _where(servers)
    parts: list[str] = []
    errors: list[str] = []
    for rdtype in types:
        text, error = _ask(domain, rdtype, servers, recursion=True, timeout=timeout,
                           heading=f";; {rdtype} query for {domain} via {where}")
        parts += [text] if text else []
        errors += [error] if error else []
    raw = "\n".join(parts).encode("utf-8")
    error = "" if parts else ("no reply: " + "; ".join(errors[:3]))
    return Capture("dns", domain, where, at, raw=raw, duration_ms=_ms(started), error=error)


Endpoint = tuple[str, int]  # a DNS server: IP address and port


def dns_status_query(name: str, *, delegation: tuple[str, str] | None, authoritative: list[Endpoint],
                     resolver: list[Endpoint] | None, resolve: bool = True, timeout: float = 5.0) -> Capture:
    """Is ``name`` in the DNS, passively: the TLD's own servers for the delegation, a resolver for addresses.

    ``delegation`` (registrable domain, TLD) asks the TLD's ``authoritative`` servers, without
    recursion, which name servers the zone delegates the registrable domain to: what the registry
    publishes, whatever any cache holds. With ``resolve``, A and AAAA for ``name`` go to the
    ``resolver`` (the system's when None), as any visitor's lookup would: a caching resolver answers
    from its cache or asks the domain's servers itself, so they never see this machine's address.
    The capture holds every reply whole, in presentation format (see :func:`parse_dns_capture`).
    """
    import dns.resolver

    at, started = utc_now(), time.monotonic()
    parts: list[str] = []
    errors: list[str] = []
    servers_used: list[str] = []
    if delegation is not None and authoritative:
        registrable, tld = delegation
        where = _where(authoritative)
        servers_used.append(f"{where} (authoritative for .{tld})")
        text, error = _ask(registrable, "NS", authoritative, recursion=False, timeout=timeout,
                           heading=f";; {DELEGATION} query for {registrable} via {where} (authoritative for .{tld})")
        parts += [text] if text else []
        errors += [error] if error else []
    if resolve:
        servers = resolver or [(str(s), 53) for s in dns.resolver.Resolver().nameservers]
        where = _where(servers)
        servers_used.append(f"{where} (resolver)")
        for rdtype in ("A", "AAAA"):
            text, error = _ask(name, rdtype, servers, recursion=True, timeout=timeout,
                               heading=f";; {rdtype} query for {name} via {where}")
            parts += [text] if text else []
            errors += [error] if error else []
    raw = "\n".join(parts).encode("utf-8")
    error = "; ".join(errors[:3]) if errors else ""
    if not parts:
        error = "no reply: " + (error or "nothing was asked")
    return Capture("dns", name, "; ".join(servers_used), at, raw=raw, duration_ms=_ms(started), error=error)


def tld_servers(tld: str, *, resolver: list[Endpoint] | None = None, timeout: float = 5.0) -> list[Endpoint]:
    """The addresses of a TLD's authoritative name servers (port 53), found through the resolver."""
    import dns.exception
    import dns.resolver

    lookup = dns.resolver.Resolver(configure=resolver is None)
    if resolver:
        lookup.nameservers = [host for host, _ in resolver]
        lookup.port = resolver[0][1]
    found: list[Endpoint] = []
    try:
        hosts = sorted(str(r.target) for r in lookup.resolve(tld.rstrip(".") + ".", "NS", lifetime=timeout))
        for host in hosts:
            for rdtype in ("A", "AAAA"):
                try:
                    found += [(str(r.address), 53) for r in lookup.resolve(host, rdtype, lifetime=timeout)]
                except dns.exception.DNSException:
                    continue
    except dns.exception.DNSException:
        return []
    return found


def _where(servers: list[Endpoint]) -> str:
    return ",".join(f"[{h}]:{p}" if ":" in h else f"{h}:{p}" for h, p in servers)


def _ask(name: str, rdtype: str, servers: list[Endpoint], *, recursion: bool, timeout: float,
         heading: str) -> tuple[str, str]:
    """One question to the first server that answers (TCP when the UDP reply is truncated):
    (the capture's section for it, or ''; an error note, or '')."""
    import dns.exception
    import dns.flags
    import dns.message
    import dns.query
    import dns.rcode

    request = dns.message.make_query(name, rdtype, want_dnssec=False)
    if not recursion:
        request.flags &= ~dns.flags.RD
    errors: list[str] = []
    for host, port in servers:
        try:
            reply = dns.query.udp(request, host, port=port, timeout=timeout)
            if reply.flags & dns.flags.TC:
                reply = dns.query.tcp(request, host, port=port, timeout=timeout)
        except (dns.exception.DNSException, OSError) as exc:
            errors.append(f"{rdtype} via {host}:{port}: {type(exc).__name__} {exc}".strip())
            continue
        return f"{heading}\n;; rcode {dns.rcode.to_text(reply.rcode())}\n{reply.to_text()}\n", ""
    return "", "; ".join(errors)


DELEGATION = "NS-delegation"


def parse_dns_capture(raw: bytes) -> dict[str, Any]:
    """The answers in a DNS capture: {type: [values]}, the rcode of each query, and the delegation.

    A delegation query (asked of the TLD's servers) gives ``delegation``, the name servers the TLD
    zone names for the domain (from the referral or the answer), ``delegated`` (True, False when the
    zone has no such name or no name servers for it) and ``delegation_rcode``. ``nxdomain`` is True
    when every query came back NXDOMAIN: out of the DNS, which is not the same as not registered (a
    domain on serverHold is registered and out of the DNS).
    """
    answers: dict[str, list[str]] = {}
    rcodes: dict[str, str] = {}
    delegation: list[str] = []
    asked = ""
    current = ""
    section = ""
    for line in raw.decode("utf-8", errors="replace").splitlines():
        if line.startswith(";; ") and " query for " in line:
            words = line.split()
            current, asked = words[1], (words[4] if len(words) > 4 else "").rstrip(".").lower()
            answers.setdefault(current, [])
            section = ""
        elif line.startswith(";; rcode "):
            rcodes[current] = line.split()[-1]
        elif line.startswith(";"):
            section = line.strip("; ").upper()
        elif line.strip() and section in ("ANSWER", "AUTHORITY") and current:
            fields = line.split(None, 4)
            if len(fields) != 5:
                continue
            owner = fields[0].rstrip(".").lower()
            if current == DELEGATION:
                server = fields[4].strip().rstrip(".").lower()
                if fields[3] == "NS" and owner == asked and server not in delegation:
                    delegation.append(server)
            elif section == "ANSWER" and fields[3] == current:
                answers[current].append(fields[4])
    record: dict[str, Any] = {
        "answers": {k: v for k, v in answers.items() if k != DELEGATION}, "rcodes": rcodes,
        "nxdomain": bool(rcodes) and all(code == "NXDOMAIN" for code in rcodes.values()),
    }
    if DELEGATION in rcodes:
        record["delegation"] = sorted(delegation)
        record["delegation_rcode"] = rcodes[DELEGATION]
        record["delegated"] = bool(delegation)
    return record


def retry_after_seconds(headers: list[tuple[str, str]], *, now: float | None = None) -> float | None:
    """The wait a ``Retry-After`` header asks for, in seconds (RFC 9110: a number, or an HTTP date); None
    when there is none or it cannot be read."""
    from email.utils import parsedate_to_datetime

    value = next((v.strip() for k, v in headers if k.lower() == "retry-after"), "")
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def host_of_url(url: str) -> str:
    return urlsplit(url).hostname or ""


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
