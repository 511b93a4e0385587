"""Polite lookups of many domains at once: each registry at its own pace, all registries in parallel.

The pre-filing check and the compliance watch ask every domain's registry
(RDAP, or WHOIS where a TLD has no RDAP) and the TLD's authoritative DNS
servers. Registries rate-limit, so the domains are queued by registry server:

- each server gets at most ``rate`` queries a second (a shared slot clock, so
  several requests in flight never burst past it), and slows by a fifth each
  time it answers 429 or 503, honouring ``Retry-After`` (up to ``max_wait``);
- every server is worked at the same time, by ``per_server`` threads each, in
  a bounded pool, so the whole run takes about as long as its busiest server;
- the run stops at ``max_time`` (the domains not reached say so), and at a
  cancel, between queries; what was received is kept.

Every reply is stored, as :func:`app.ops.lookups.lookup_domains` stores it (raw bytes
hashed into the case, an exhibit, a custody entry), by the calling thread, in
batches of commits (``CaseFile.file_batch``); workers only talk to the network.
Memory stays flat: workers hand over one registrable domain's replies at a time
through a bounded queue, and only a small summary per domain is kept.
"""

from __future__ import annotations

import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from app.core.errors import EvidenceError, OperationCancelled
from app.core.model import Domain
from app.core.reporting import NULL_REPORTER, Reporter
from app.sources.lookup_clients import (
    Capture,
    dns_status_query,
    rdap_query,
    retry_after_seconds,
    tld_servers,
    whois_query,
    whois_server_for,
)
from app.sources.registries import RegistryTable
from app.store import CaseFile

from .lookups import LookupServers, keep_capture, load_user_bootstrap, prepare_capture

THROTTLED = (429, 503)
BATCH_CACHE_KIB = 4096  # SQLite's page cache while storing replies: small items, appended; memory stays flat
CANCEL_MESSAGE = "The check was cancelled; the replies already received are kept as evidence."


@dataclass(frozen=True)
class Pace:
    """How hard to press each server, and for how long in all."""

    rate: float = 1.0  # queries a second to each registry server (RDAP or WHOIS)
    dns_rate: float = 100.0  # queries a second to each DNS server (a TLD's servers answer far more)
    per_server: int = 4  # requests in flight to one registry server
    max_time: float = 7200.0  # seconds for the whole run
    max_tries: int = 6  # per domain, counting throttled replies
    max_wait: float = 300.0  # the longest Retry-After honoured; longer ones end that server's run
    workers: int = 64  # threads in all


@dataclass(frozen=True)
class Target:
    """One registrable domain and the case's names under it (itself, and/or its Appendix B subdomains)."""

    registrable: str
    tld: str
    names: tuple[str, ...]


@dataclass
class TargetReplies:
    """What the network gave for one target: the replies (stored as evidence) and what got none."""

    target: Target
    registry: list[Capture] = field(default_factory=list)  # throttled replies first, the final one last
    dns: list[Capture] = field(default_factory=list)  # the registrable's first (with the delegation)
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # (name, kind, reason)


@dataclass
class ServerPace:
    """How one server's queries went: what the report says about politeness."""

    server: str
    rate: float
    queries: int = 0
    throttled: int = 0
    waited: float = 0.0
    gave_up: str = ""


@dataclass(frozen=True)
class StoredTarget:
    """One target's replies as kept: item ids (and their parsed records) of the registry and DNS replies."""

    target: Target
    registry: tuple[tuple[int, dict[str, Any]], ...]
    dns: tuple[tuple[int, dict[str, Any]], ...]
    failures: tuple[tuple[str, str, str], ...]


class _Slots:
    """A server's clock: one start per ``interval``; a pause (Retry-After) holds every thread."""

    def __init__(self, rate: float) -> None:
        self.rate = self.ceiling = rate
        self._lock = threading.Lock()
        self._next = 0.0
        self._paused_until = 0.0
        self._good = 0

    def wait(self, stop: threading.Event, deadline: float) -> bool:
        """Block until this thread may send; False when stopped or past the deadline first."""
        while True:
            with self._lock:
                now = time.monotonic()
                start = max(now, self._next, self._paused_until)
                self._next = start + (1.0 / self.rate if self.rate > 0 else 0.0)
            while (left := start - time.monotonic()) > 0:
                if stop.is_set() or time.monotonic() + left > deadline:
                    return False
                time.sleep(min(left, 0.05))
            if stop.is_set():
                return False
            with self._lock:
                if time.monotonic() >= self._paused_until:
                    return True

    def throttled(self, seconds: float) -> None:
        """The server said slow down: nobody sends for ``seconds``, and the rate drops by a fifth."""
        with self._lock:
            self._paused_until = max(self._paused_until, time.monotonic() + seconds)
            self._next = max(self._next, self._paused_until)
            self.rate = max(self.rate * 0.8, 0.05)
            self._good = 0

    def answered(self) -> None:
        """A good reply: after 100 in a row, the rate creeps back towards the one asked for."""
        with self._lock:
            self._good += 1
            if self._good >= 100 and self.rate < self.ceiling:
                self.rate, self._good = min(self.ceiling, self.rate * 1.05), 0


class _Lane:
    """One registry server: its queue of targets and its clock."""

    def __init__(self, key: str, rate: float) -> None:
        self.key = key
        self.slots = _Slots(rate)
        self.targets: deque[Target] = deque()
        self.pace = ServerPace(key, rate)
        self.lock = threading.Lock()
        self.closed = ""  # why this server's remaining targets are skipped
        self.skipped: list[Target] = []

    def take(self) -> Target | None:
        with self.lock:
            return self.targets.popleft() if self.targets and not self.closed else None

    def close(self, why: str) -> None:
        """Skip this server's remaining targets (they are reported as not checked, saying why)."""
        with self.lock:
            self.closed = self.closed or why
            self.skipped += self.targets
            self.targets = deque()


def targets_of(domains: Sequence[Domain]) -> list[Target]:
    """The case's domains grouped by registrable domain, in order of first appearance."""
    grouped: dict[str, list[str]] = {}
    tlds: dict[str, str] = {}
    for domain in domains:
        grouped.setdefault(domain.registrable, []).append(domain.ascii)
        tlds[domain.registrable] = domain.tld
    return [Target(r, tlds[r], tuple(dict.fromkeys(names))) for r, names in grouped.items()]


class PoliteLookups:
    """Looks up many targets: registry record and DNS per target, stored as evidence as they arrive."""

    def __init__(self, case: CaseFile, *, servers: LookupServers, pace: Pace, registry: bool = True,
                 dns: bool = True, whois: bool = False, resolve: bool = True,
                 reporter: Reporter = NULL_REPORTER) -> None:
        if not (registry or dns or whois):
            raise EvidenceError("nothing to look up: ask for RDAP, WHOIS or DNS")
        self.case = case
        self.servers = servers
        self.pace = pace
        self.registry = registry
        self.dns = dns
        self.whois = whois
        self.resolve = resolve
        self.reporter = reporter
        self.table = RegistryTable.load()
        self.saved_bootstrap = load_user_bootstrap()
        self._stop = threading.Event()
        self._deadline = 0.0
        self._dns_slots: dict[str, _Slots] = {}
        self._whois_hosts: dict[str, str] = {}
        self._tld_servers: dict[str, list[tuple[str, int]]] = {}
        self._shared = threading.Lock()
        self.paces: list[ServerPace] = []
        self.stored_items: list[int] = []

    # -- the run ---------------------------------------------------------------------------------

    def run(self, targets: Sequence[Target], on_target: Callable[[StoredTarget], None]) -> None:
        """Look up every target; ``on_target`` gets each one's stored replies, on this thread.

        Raises OperationCancelled after a cancel, with what was received already kept."""
        self._deadline = time.monotonic() + self.pace.max_time
        lanes = self._plan(targets)
        slots = [lane for n in range(max(1, self.pace.per_server)) for lane in lanes if n < len(lane.targets)]
        results: queue.Queue[TargetReplies | BaseException | None] = queue.Queue(maxsize=max(64, 4 * len(slots)))
        total, done, finished = len(targets), 0, 0
        failure: BaseException | None = None
        batch = self.case.file_batch(cache_kib=BATCH_CACHE_KIB)
        with ThreadPoolExecutor(max_workers=max(1, min(self.pace.workers, len(slots))),
                                thread_name_prefix="lookup") as pool:
            for lane in slots:
                pool.submit(self._work, lane, results)
            # Every worker ends with a None; until then the queue is drained, also after a failure (a
            # worker blocked on a full queue would otherwise never end).
            while finished < len(slots):
                if self.reporter.cancelled():
                    self._stop.set()
                try:
                    item = results.get(timeout=0.1)
                except queue.Empty:
                    continue
                if item is None:
                    finished += 1
                elif isinstance(item, BaseException):
                    failure = failure or item
                    self._stop.set()
                elif failure is None:
                    try:
                        on_target(self._keep(batch, item))
                    except BaseException as exc:  # noqa: BLE001 - raised below, once the workers have stopped
                        failure = exc
                        self._stop.set()
                        continue
                    done += 1
                    self.reporter.progress(done, total, "Asking the registries and the DNS")
        batch.close()
        for lane in lanes:
            lane.pace.rate = round(lane.slots.rate, 2)
            lane.pace.gave_up = lane.closed
        self.paces = [lane.pace for lane in lanes]
        if failure is not None:
            raise failure
        if self.reporter.cancelled():
            raise OperationCancelled(CANCEL_MESSAGE)
        for lane in lanes:  # the time limit, or a server that asked for too long a wait
            for target in lane.skipped:
                on_target(StoredTarget(target, (), (), tuple((n, "rdap", f"not checked: {lane.closed}")
                                                             for n in target.names)))

    def _plan(self, targets: Sequence[Target]) -> list[_Lane]:
        lanes: dict[str, _Lane] = {}
        for target in targets:
            key = self._lane_key(target)
            lane = lanes.get(key)
            if lane is None:
                lane = lanes[key] = _Lane(key, self.pace.dns_rate if key.startswith("dns ") else self.pace.rate)
            lane.targets.append(target)
        return list(lanes.values())

    def _lane_key(self, target: Target) -> str:
        if self.registry:
            bases = self.servers.rdap_bases(target.tld, self.table, self.saved_bootstrap)
            if bases:
                return bases[0]
            return f"whois .{target.tld}"
        if self.whois:
            return f"whois .{target.tld}"
        return f"dns .{target.tld}"

    def _keep(self, batch: Any, replies: TargetReplies) -> StoredTarget:
        """Store one target's replies as evidence (in the open batch) and hand back their records."""
        kept: dict[str, list[tuple[int, dict[str, Any]]]] = {"registry": [], "dns": []}
        for group, captures in (("registry", replies.registry), ("dns", replies.dns)):
            for capture in captures:
                prepared = prepare_capture(capture)
                with batch.file() as tx:
                    item_id = keep_capture(tx, prepared)
                self.stored_items.append(item_id)
                kept[group].append((item_id, prepared.record))
                batch.maybe_commit()
        return StoredTarget(replies.target, tuple(kept["registry"]), tuple(kept["dns"]), tuple(replies.failures))

    # -- the workers (network only) ---------------------------------------------------------------

    def _work(self, lane: _Lane, results: queue.Queue[TargetReplies | BaseException | None]) -> None:
        try:
            while not self._stop.is_set():
                if time.monotonic() >= self._deadline:
                    lane.close(self._time_limit)
                    break
                target = lane.take()
                if target is None:
                    break
                replies = TargetReplies(target)
                if lane.key.startswith("whois "):  # no RDAP for the TLD, or only WHOIS asked for
                    self._whois_record(target, replies, lane)
                elif not lane.key.startswith("dns "):
                    self._registry_record(lane, target, replies)
                    if self.whois:
                        self._whois_record(target, replies, lane)
                if self.dns and not self._stop.is_set():
                    self._dns_records(target, replies)
                results.put(replies)
        except BaseException as exc:  # noqa: BLE001 - handed to the calling thread, which raises it
            self._stop.set()
            results.put(exc)
        finally:
            results.put(None)

    def _registry_record(self, lane: _Lane, target: Target, replies: TargetReplies) -> None:
        for attempt in range(self.pace.max_tries):
            if not lane.slots.wait(self._stop, self._deadline):
                why = "the run was cancelled" if self._stop.is_set() else self._time_limit
                replies.failures.append((target.registrable, "rdap", f"not asked: {why}"))
                if not self._stop.is_set():
                    lane.close(self._time_limit)
                return
            capture = rdap_query(lane.key, target.registrable, timeout=self.servers.timeout)
            lane.pace.queries += 1
            if capture.raw:
                replies.registry.append(capture)
            if capture.http_status in THROTTLED:
                lane.pace.throttled += 1
                wait = retry_after_seconds(capture.headers)
                wait = min(2.0 ** attempt, 60.0) if wait is None else wait
                if wait > self.pace.max_wait:
                    why = f"{lane.key} asked to wait {wait:.0f} s (Retry-After), longer than {self.pace.max_wait:.0f} s"
                    lane.close(why)
                    replies.failures.append((target.registrable, "rdap", why))
                    return
                lane.pace.waited += wait
                lane.slots.throttled(wait)
                continue
            if capture.error and not capture.raw:  # no reply at all: try again after a short pause
                if attempt >= 2:
                    replies.failures.append((target.registrable, "rdap", capture.error))
                    return
                lane.slots.throttled(min(2.0 ** attempt, 10.0))
                continue
            lane.slots.answered()
            return
        replies.failures.append((target.registrable, "rdap",
                                 f"still throttled after {self.pace.max_tries} tries"))

    @property
    def _time_limit(self) -> str:
        return f"the run's time limit ({self.pace.max_time:g} s) was reached"

    def _whois_record(self, target: Target, replies: TargetReplies, lane: _Lane) -> None:
        slots = lane.slots if lane.key.startswith("whois ") else self._slots(f"whois .{target.tld}", self.pace.rate)
        host = self._whois_host(target.tld, slots)
        if not host:
            replies.failures.append((target.registrable, "whois", f"no RDAP or WHOIS server known for .{target.tld}"))
            return
        if not slots.wait(self._stop, self._deadline):
            return
        capture = whois_query(host, target.registrable, port=self.servers.whois_port, timeout=self.servers.timeout)
        if capture.raw:
            replies.registry.append(capture)
        else:
            replies.failures.append((target.registrable, "whois", capture.error))

    def _whois_host(self, tld: str, slots: _Slots) -> str:
        if self.servers.whois_server:
            return self.servers.whois_server
        with self._shared:
            if tld in self._whois_hosts:
                return self._whois_hosts[tld]
        if not slots.wait(self._stop, self._deadline):
            return ""
        host = whois_server_for(tld, iana=self.servers.iana_whois, timeout=self.servers.timeout)
        with self._shared:
            self._whois_hosts[tld] = host
        return host

    def _dns_records(self, target: Target, replies: TargetReplies) -> None:
        authoritative = self._authoritative(target.tld)
        if not authoritative:
            replies.failures.append((target.registrable, "dns", f"the name servers of .{target.tld} were not found"))
        resolver = self.servers.resolver(target.tld)
        asks = self._slots("dns " + _endpoints(authoritative), self.pace.dns_rate)
        resolves = self._slots("dns " + _endpoints(resolver), self.pace.dns_rate)
        for name in [target.registrable] + [n for n in target.names if n != target.registrable]:
            delegation = (target.registrable, target.tld) if name == target.registrable and authoritative else None
            resolve = self.resolve and name in target.names
            if delegation is None and not resolve:
                continue
            waits = [asks] * (delegation is not None) + [resolves] * (2 if resolve else 0)  # one per query
            if not all(slots.wait(self._stop, self._deadline) for slots in waits):
                return
            capture = dns_status_query(name, delegation=delegation, authoritative=authoritative,
                                       resolver=resolver, resolve=resolve, timeout=min(self.servers.timeout, 5.0))
            if capture.raw:
                replies.dns.append(capture)
            else:
                replies.failures.append((name, "dns", capture.error))

    def _authoritative(self, tld: str) -> list[tuple[str, int]]:
        named = self.servers.authoritative(tld)
        if named is not None:
            return named
        with self._shared:
            if tld in self._tld_servers:
                return self._tld_servers[tld]
        found = tld_servers(tld, timeout=min(self.servers.timeout, 5.0))
        with self._shared:
            self._tld_servers[tld] = found
        return found

    def _slots(self, key: str, rate: float) -> _Slots:
        with self._shared:
            slots = self._dns_slots.get(key)
            if slots is None:
                slots = self._dns_slots[key] = _Slots(rate)
            return slots


def _endpoints(servers: Sequence[tuple[str, int]] | None) -> str:
    return ",".join(f"{h}:{p}" for h, p in servers) if servers else "the system's resolver"
