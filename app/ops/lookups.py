"""Live lookups, only when the user asks: each reply becomes an evidence item with its hashes and custody.

RDAP base URLs come from the registry table (the bundled IANA bootstrap
snapshot, or a fresher one the user saved with :func:`refresh_bootstrap`);
port-43 WHOIS asks IANA which server runs the TLD unless told; DNS goes
through dnspython. Queries are spaced by ``rate_limit`` (per second),
cancellable between queries, and report progress. What was stored before a
cancel is kept, each in its own transaction with its custody entries.
"""

from __future__ import annotations

import functools
import io
import json
import time
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from app.core.changes import Changes
from app.core.errors import EvidenceError
from app.core.files import write_atomic
from app.core.model import ItemKind, ParseStatus
from app.core.paths import user_data_dir
from app.core.reporting import NULL_REPORTER, Reporter, check_cancelled
from app.sources.domains import normalise_domain
from app.sources.lookup_clients import (
    IANA_WHOIS,
    Capture,
    dns_query,
    parse_dns_capture,
    rdap_query,
    whois_query,
    whois_server_for,
)
from app.sources.rdap import parse_rdap
from app.sources.registries import RegistryTable
from app.sources.whois import parse_whois
from app.store import CaseFile
from app.store.transaction import Transaction

from .case import ensure_writable

KINDS = ("rdap", "whois", "dns")
IANA_BOOTSTRAP_URL = "https://data.iana.org/rdap/dns.json"
BOOTSTRAP_FILE = "rdap-dns.json"


@dataclass(frozen=True)
class LookupServers:
    """Where queries go. Defaults are the real services; tests give 127.0.0.1 servers.

    RDAP goes to ``rdap_base`` when set, else the TLD's entry in ``rdap_by_tld``, in the
    ``bootstrap`` file (RFC 9224), in the user's saved bootstrap, or in the registry table.
    DNS goes to ``dns_by_tld`` for the TLD, else ``dns_servers``, else the system's resolver
    (and, for delegations, the TLD's own servers found through it).
    """

    rdap_base: str | None = None  # one base URL for every TLD, instead of the bootstrap's
    whois_server: str | None = None  # host, instead of asking IANA
    whois_port: int = 43
    iana_whois: tuple[str, int] = IANA_WHOIS
    dns_servers: list[str] | None = None
    dns_port: int = 53
    timeout: float = 15.0
    rdap_by_tld: Mapping[str, str] = field(default_factory=dict)  # TLD -> base URL
    bootstrap: Path | None = None  # an RFC 9224 bootstrap file the user chose
    dns_by_tld: Mapping[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)  # TLD -> (IP, port)s

    def rdap_bases(self, tld: str, table: RegistryTable, saved: Mapping[str, tuple[str, ...]]) -> list[str]:
        """The RDAP base URLs to ask about a domain in ``tld``, best first ([] when none is known)."""
        if self.rdap_base:
            return [self.rdap_base]
        if tld in self.rdap_by_tld:
            return [self.rdap_by_tld[tld]]
        chosen = _bootstrap_file(self.bootstrap).get(tld) if self.bootstrap else None
        return list(chosen or saved.get(tld, ()) or table.rdap_urls(tld))

    def resolver(self, tld: str) -> list[tuple[str, int]] | None:
        """The DNS servers that resolve names in ``tld`` (None: the system's)."""
        if self.dns_servers:
            return [(host, self.dns_port) for host in self.dns_servers]
        return list(self.dns_by_tld[tld]) if tld in self.dns_by_tld else None

    def authoritative(self, tld: str) -> list[tuple[str, int]] | None:
        """The servers asked for ``tld``'s delegations when the user named them (None: find the TLD's own)."""
        if tld in self.dns_by_tld:
            return list(self.dns_by_tld[tld])
        return [(host, self.dns_port) for host in self.dns_servers] if self.dns_servers else None


def servers_from_options(*, rdap_urls: Sequence[str] = (), whois_server: str = "", dns_servers: Sequence[str] = (),
                         bootstrap: Path | None = None, timeout: float = 15.0) -> LookupServers:
    """Servers as the command line names them: ``--rdap-url [TLD=]URL``, ``--whois-server HOST[:PORT]``,
    ``--dns-server [TLD=]IP[:PORT]`` (each repeatable where it takes a TLD) and ``--bootstrap FILE``."""
    rdap_base: str | None = None
    by_tld: dict[str, str] = {}
    for value in rdap_urls:
        tld, url = _tld_prefixed(value)
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
            raise EvidenceError(f"'{value}' is not an RDAP base URL (http:// or https://)")
        if tld:
            by_tld[tld] = url
        else:
            rdap_base = url
    dns_global: list[str] = []
    dns_port = 53
    dns_by_tld: dict[str, tuple[tuple[str, int], ...]] = {}
    for value in dns_servers:
        tld, where = _tld_prefixed(value)
        host, port = host_and_port(where, 53)
        if tld:
            dns_by_tld[tld] = (*dns_by_tld.get(tld, ()), (host, port))
        else:
            dns_global.append(host)
            dns_port = port
    whois_host, whois_port = host_and_port(whois_server, 43) if whois_server else ("", 43)
    if bootstrap is not None:
        _bootstrap_file(bootstrap)  # refuse an unusable file before anything is asked
    return LookupServers(rdap_base=rdap_base, whois_server=whois_host or None, whois_port=whois_port,
                         dns_servers=dns_global or None, dns_port=dns_port, timeout=timeout,
                         rdap_by_tld=by_tld, bootstrap=bootstrap, dns_by_tld=dns_by_tld)


def _tld_prefixed(value: str) -> tuple[str, str]:
    """``"cc=http://..."`` -> ("cc", "http://..."); a value without a TLD prefix -> ("", value)."""
    head, sep, rest = value.partition("=")
    if sep and head and "/" not in head and ":" not in head and "[" not in head:
        return head.strip().lstrip(".").lower(), rest.strip()
    return "", value.strip()


def host_and_port(value: str, default: int) -> tuple[str, int]:
    """``"127.0.0.1:5353"``, ``"[::1]:53"``, ``"::1"`` or ``"host"`` -> (host, port)."""
    text = value.strip()
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = rest.lstrip(":")
    elif text.count(":") == 1:
        host, _, port = text.partition(":")
    else:
        host, port = text, ""
    if not host or (port and not port.isdigit()):
        raise EvidenceError(f"'{value}' is not a server: give HOST, HOST:PORT or [IPv6]:PORT")
    return host, int(port) if port else default


@functools.cache
def _bootstrap_file(path: Path) -> dict[str, tuple[str, ...]]:
    try:
        return bootstrap_map(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError, IndexError) as exc:
        raise EvidenceError(f"not a usable RDAP bootstrap file ({exc})", path=path) from exc


@dataclass
class LookupReport:
    """Item ids stored, and (name, kind, reason) for each lookup that got no reply."""

    stored: list[int] = field(default_factory=list)
    failed: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def changes(self) -> Changes:
        return Changes.to_case(items=True, exhibits=True) if self.stored else Changes()


class RateLimiter:
    """At most `per_second` starts a second; waits in short slices so a cancel is seen at once."""

    def __init__(self, per_second: float, reporter: Reporter) -> None:
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self.reporter = reporter
        self._next = 0.0

    def wait(self) -> None:
        while True:
            check_cancelled(self.reporter, "Lookups cancelled; the replies already received are kept.")
            remaining = self._next - time.monotonic()
            if remaining <= 0:
                break
            time.sleep(min(remaining, 0.05))
        self._next = time.monotonic() + self.interval


def lookup_domains(
    case: CaseFile,
    names: Sequence[str],
    kinds: Sequence[str] = ("rdap",),
    *,
    reporter: Reporter = NULL_REPORTER,
    rate_limit: float = 1.0,
    servers: LookupServers | None = None,
) -> LookupReport:
    """Query each name with each kind and store every reply as a domain record; never silent about failures.

    What was stored before a cancel is kept (the report of it is lost with the cancel: the
    custody log and the case's items say what was stored)."""
    ensure_writable(case, "look up domains")  # before any query leaves: each reply must be stored and logged
    servers = servers or LookupServers()
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise EvidenceError(f"unknown lookup kind {unknown[0]!r}; use rdap, whois or dns")
    domains = [normalise_domain(name) for name in names]
    table = RegistryTable.load()
    bootstrap = load_user_bootstrap()
    limiter = RateLimiter(rate_limit, reporter)
    whois_servers: dict[str, str] = {}
    report = LookupReport()
    total = len(domains) * len(kinds)
    done = 0
    for domain in domains:
        for kind in kinds:
            limiter.wait()
            if kind == "rdap":
                bases = servers.rdap_bases(domain.tld, table, bootstrap)
                if not bases and "whois" in kinds:
                    capture = None  # the WHOIS lookup asked for covers it
                    report.failed.append((domain.ascii, kind, f"no RDAP server known for .{domain.tld}"))
                elif not bases:
                    # Many ccTLDs have no RDAP service: their port-43 WHOIS is the record there is.
                    capture = _whois(domain.tld, domain.registrable, servers, whois_servers, limiter)
                    if capture is None:
                        report.failed.append((domain.ascii, kind, f"no RDAP or WHOIS server known for "
                                                                  f".{domain.tld}"))
                else:
                    capture = rdap_query(bases[0], domain.registrable, timeout=servers.timeout)
            elif kind == "whois":
                capture = _whois(domain.tld, domain.registrable, servers, whois_servers, limiter)
                if capture is None:
                    report.failed.append((domain.ascii, kind, f"IANA names no WHOIS server for .{domain.tld}"))
            else:
                capture = dns_query(domain.ascii, nameservers=servers.dns_servers, port=servers.dns_port,
                                    timeout=min(servers.timeout, 5.0))
            if capture is not None:
                if capture.raw:
                    report.stored.append(store_capture(case, capture))
                else:
                    report.failed.append((domain.ascii, kind, capture.error))
            done += 1
            reporter.progress(done, total, "Looking up")
    return report


def _whois(tld: str, name: str, servers: LookupServers, known: dict[str, str],
           limiter: RateLimiter) -> Capture | None:
    """Ask the TLD's port-43 server (IANA's referral, remembered per TLD); None when there is none."""
    server = servers.whois_server or known.get(tld)
    if server is None:
        limiter.wait()
        server = whois_server_for(tld, iana=servers.iana_whois, timeout=servers.timeout)
        known[tld] = server
    if not server:
        return None
    return whois_query(server, name, port=servers.whois_port, timeout=servers.timeout)


@dataclass(frozen=True)
class PreparedCapture:
    """A reply parsed and described, ready to be kept as a domain-record item."""

    capture: Capture
    status: ParseStatus
    name: str
    record: dict[str, Any]
    error: str
    original_name: str
    description: str


def prepare_capture(capture: Capture) -> PreparedCapture:
    """Parse one reply (RDAP, WHOIS or DNS) into the record its item keeps; nothing is stored yet."""
    if capture.kind == "rdap":
        status, name, record, error = parse_rdap(capture.raw)
        record["format"] = "rdap"
        suffix = "rdap.json"
        if capture.http_status and capture.http_status >= 400 and not error:
            status, error = ParseStatus.FAILED, f"HTTP {capture.http_status}"
        if capture.http_status == 429:
            record["throttled"] = True
            error = f"the RDAP server is throttling queries (HTTP 429); {error}".rstrip("; ")
    elif capture.kind == "whois":
        status, name, record, error = parse_whois(capture.raw, query=capture.query)
        record["format"] = "whois"
        suffix = "whois.txt"
    else:
        record = parse_dns_capture(capture.raw)
        record["format"] = "dns"
        record["domain"] = capture.query
        status, name, error = ParseStatus.OK, capture.query, ""
        suffix = "dns.txt"
    record["lookup"] = capture.details()
    record["query"] = capture.query
    record["queried_at"] = capture.at
    if capture.error:
        error = "; ".join(e for e in (error, capture.error) if e)
        status = ParseStatus.PARTIAL if status is ParseStatus.OK else status
    stamp = capture.at[:19].replace(":", "").replace("-", "")
    return PreparedCapture(
        capture, status, name or capture.query, record, error, f"{capture.query}.{stamp}Z.{suffix}",
        f"the {capture.kind.upper()} reply for {capture.query} from {capture.server}, "
        f"received {capture.at[:19].replace('T', ' ')} UTC",
    )


def keep_capture(tx: Transaction, prepared: PreparedCapture) -> int:
    """Keep a prepared reply in the change ``tx``: raw bytes hashed into the case, the item, the custody entry."""
    capture = prepared.capture
    digests = tx.store_object(io.BytesIO(capture.raw))
    item_id = tx.add_item(
        kind=ItemKind.DOMAIN_RECORD, digests=digests, name=prepared.name,
        original_name=prepared.original_name, source_path=capture.final_url or capture.server,
        parse_status=prepared.status, parse_error=prepared.error, record=prepared.record,
        metadata={"captured_at": capture.at, "url": capture.final_url or capture.server},
        description=prepared.description,
    )
    tx.record_lookup(item_id, digests.sha256, capture.details())
    return item_id


def store_capture(case: CaseFile, capture: Capture) -> int:
    """Keep one reply as a domain-record item: raw bytes hashed into the case, parsed, logged."""
    prepared = prepare_capture(capture)
    with case.transaction() as tx:
        return keep_capture(tx, prepared)


# -- the RDAP bootstrap snapshot the user can refresh --------------------------------------

def bootstrap_path() -> Path:
    return user_data_dir() / BOOTSTRAP_FILE


def load_user_bootstrap() -> dict[str, tuple[str, ...]]:
    """TLD → RDAP base URLs from the user's refreshed bootstrap file; {} when there is none."""
    path = bootstrap_path()
    if not path.is_file():
        return {}
    try:
        return bootstrap_map(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError, IndexError) as exc:
        raise EvidenceError(f"the saved RDAP bootstrap file is unusable ({exc}); refresh it again",
                            path=path) from exc


def bootstrap_map(document: dict[str, object]) -> dict[str, tuple[str, ...]]:
    """RFC 9224 services → TLD map, HTTPS URLs first."""
    result: dict[str, tuple[str, ...]] = {}
    services = document.get("services")
    if not isinstance(services, list):
        raise ValueError("no 'services' list")
    for tlds, urls in ((s[0], s[1]) for s in services):
        ordered = tuple(sorted(urls, key=lambda u: (not u.startswith("https:"), u)))
        for tld in tlds:
            result[tld.lower()] = ordered
    return result


def refresh_bootstrap(url: str = IANA_BOOTSTRAP_URL, *, timeout: float = 30.0) -> tuple[Path, int]:
    """Download IANA's RDAP bootstrap file (only when the user asks) and save it atomically; (path, TLDs)."""
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
        data = response.read(16 * 1024 * 1024)
    try:
        count = len(bootstrap_map(json.loads(data)))
    except (ValueError, TypeError, IndexError) as exc:
        raise EvidenceError(f"{url} did not return an RDAP bootstrap file ({exc}); nothing saved") from exc
    path = bootstrap_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, data)
    return path, count
