"""The kill harness: each operation run as a user runs it and SIGKILLed at a random moment, then checked.

Four operations, each prepared once (a case, an identity, loopback servers, an earlier result in
the output folder, and the exact result an uninterrupted run gives) and then run from a fresh copy
of that state for every kill:

- **import**: ``evbundle add`` of 120 messages (worker processes parse them);
- **lookup**: ``evbundle lookup --rdap --whois --dns`` of 12 domains against RDAP, WHOIS and DNS
  servers this process runs on 127.0.0.1, each reply a little delayed;
- **export**: ``evbundle export`` over an earlier filing set of the same case;
- **build**: ``evbundle build`` over an earlier bundle and its documents.

The moment is uniform over the time an uninterrupted run takes (measured first), so it falls as
often in the interpreter's start as in the writing. After each kill, what is checked is what a
later user relies on:

- ``evbundle check`` passes (every object re-hashed, the custody chain, the database);
- every stored object re-hashes to its name and size, read straight from SQLite (not through the app);
- the custody log's entries are numbered without a gap and each names the one before it;
- what the operation stores is whole: each imported item is byte for byte one of the files given, in
  order; each RDAP or WHOIS reply stored is one the server sent;
- nothing half-written sits under a final name: every file there is byte for byte the earlier result
  or the new one (a bundle that is not the earlier one verifies), and once the next command has
  cleared the folder (it rolls back a swap the kill interrupted) the folder holds exactly the earlier
  result or exactly the new one, as the custody log says.

``run_kills`` returns the figures; tests/integration/test_kill_harness.py runs a few kills of each in
the suite, tests/bench/kill_harness.py runs 50 or more of each.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.server
import json
import random
import shutil
import socketserver
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .killing import evbundle, kill_group, start, write_messages

PASSPHRASE = "correct horse battery staple"
BUNDLE_DATE = "2026-11-02"
SLUG = "Kill-v-Does"
IMPORT_FILES = 120
LOOKUP_DOMAINS = [f"c2-{n:02d}.kill-example.com" for n in range(12)]
REPLY_DELAY = 0.03  # seconds each loopback server waits before answering: the lookups take a while

Tree = dict[str, bytes | None]


@dataclass
class Figures:
    """What the kills of one operation gave."""

    operation: str
    runs: int = 0
    killed: int = 0  # SIGKILLed while running (the others finished before the moment came)
    finished_first: int = 0
    losses: list[str] = field(default_factory=list)  # every check that failed, with the run and the moment
    rolled_back: int = 0  # kills that interrupted a swap, put back by the next command
    new_kept: int = 0  # kills after which the new result was whole in place
    seconds: float = 0.0

    def line(self) -> str:
        """One line of figures. "Earlier or partial": the earlier result (export, build) or the items stored
        before the kill (import, lookups); "new whole": the operation's complete result."""
        return (f"{self.operation:7s} runs {self.runs:4d}  killed mid-way {self.killed:4d}  finished first "
                f"{self.finished_first:3d}  afterwards: earlier or partial {self.runs - self.new_kept:4d}, new whole "
                f"{self.new_kept:4d}  swaps rolled back {self.rolled_back:3d}  losses {len(self.losses)}  "
                f"({self.seconds:.0f} s)")


# -- checks shared by every operation -----------------------------------------------------------------

def tree(folder: Path) -> Tree:
    """Every file and folder under ``folder`` but the hidden and work folders, with each file's bytes."""
    if not folder.exists():
        return {}
    out: Tree = {}
    for path in sorted(folder.rglob("*")):
        first = path.relative_to(folder).parts[0]
        if first.startswith((".evbundle-export-", "evbundle-build-")):
            continue
        out[str(path.relative_to(folder))] = path.read_bytes() if path.is_file() else None
    return out


def case_losses(home: Path, case: Path) -> list[str]:
    """What is wrong with the case after a kill: ``check``, every object re-hashed from SQLite, the chain."""
    losses = []
    done = evbundle(home, "check", case)
    if done.returncode != 0 or "custody chain and database intact" not in done.stdout:
        losses.append(f"check failed: {done.stdout.strip()} {done.stderr.strip()}")
    conn = sqlite3.connect(f"file:{case}?mode=ro", uri=True)
    try:
        objects = conn.execute("SELECT id, sha256, sha512, size FROM objects ORDER BY id").fetchall()
        for object_id, sha256, sha512, size in objects:
            h256, h512, length = hashlib.sha256(), hashlib.sha512(), 0
            for (data,) in conn.execute("SELECT data FROM chunks WHERE object_id = ? ORDER BY seq", (object_id,)):
                h256.update(data)
                h512.update(data)
                length += len(data)
            if (h256.hexdigest(), h512.hexdigest(), length) != (sha256, sha512, size):
                losses.append(f"object {object_id} does not re-hash to its name {sha256}")
        rows = conn.execute("SELECT seq, prev_hash, entry_hash FROM custody ORDER BY seq").fetchall()
        for n, (seq, prev, _entry) in enumerate(rows, start=1):
            if seq != n:
                losses.append(f"custody entry {seq} where {n} was due")
                break
            if n > 1 and prev != rows[n - 2][2]:
                losses.append(f"custody entry {seq} does not name the entry before it")
                break
    finally:
        conn.close()
    return losses


def custody_actions(case: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(f"file:{case}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT action, details FROM custody ORDER BY seq").fetchall()
    finally:
        conn.close()


def items(case: Path) -> list[tuple[str, str, str]]:
    """(original name, sha256, kind) of every item, in order."""
    conn = sqlite3.connect(f"file:{case}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT original_name, sha256, kind FROM items ORDER BY id").fetchall()
    finally:
        conn.close()


def stored(case: Path, sha256: str) -> bytes:
    conn = sqlite3.connect(f"file:{case}?mode=ro", uri=True)
    try:
        (object_id,) = conn.execute("SELECT id FROM objects WHERE sha256 = ?", (sha256,)).fetchone()
        return b"".join(r[0] for r in conn.execute("SELECT data FROM chunks WHERE object_id = ? ORDER BY seq",
                                                      (object_id,)))
    finally:
        conn.close()


def copy_case(template: Path, to: Path) -> Path:
    to.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, to)
    return to


def new_case(home: Path, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    evbundle(home, "new", path, "--title", "Kill v. Does", "--declarant", "Ann Investigator", check=True)
    return path


# -- loopback servers for the lookups -------------------------------------------------------------------

class LoopbackServers:
    """RDAP (HTTP), WHOIS (TCP) and DNS (UDP) servers on 127.0.0.1 that remember every reply they sent."""

    def __init__(self) -> None:
        self.sent: set[bytes] = set()
        servers = self
        lock = threading.Lock()

        def remember(data: bytes) -> bytes:
            with lock:
                servers.sent.add(data)
            return data

        class Rdap(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                name = self.path.rsplit("/", 1)[-1]
                time.sleep(REPLY_DELAY)
                body = remember(json.dumps({
                    "objectClassName": "domain", "ldhName": name.upper(), "rdapConformance": ["rdap_level_0"],
                    "status": ["client transfer prohibited"],
                    "events": [{"eventAction": "registration", "eventDate": "2020-01-02T03:04:05Z"}],
                    "nameservers": [{"objectClassName": "nameserver", "ldhName": "NS1.KILL-EXAMPLE.NET"}],
                }).encode())
                self.send_response(200)
                self.send_header("Content-Type", "application/rdap+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        class Whois(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                query = self.rfile.readline().decode().strip()
                time.sleep(REPLY_DELAY)
                self.wfile.write(remember(f"   Domain Name: {query.upper()}\r\n   Registrar: KILL REGISTRAR, LLC\r\n"
                                          "   Creation Date: 2020-01-02T03:04:05Z\r\n".encode()))

        class Dns(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                import dns.message

                data, sock = self.request
                reply = dns.message.make_response(dns.message.from_wire(data))
                time.sleep(REPLY_DELAY / 5)
                sock.sendto(reply.to_wire(), self.client_address)

        self._servers: list[socketserver.BaseServer] = [
            _quiet(http.server.ThreadingHTTPServer)(("127.0.0.1", 0), Rdap),
            _quiet(socketserver.ThreadingTCPServer)(("127.0.0.1", 0), Whois),
            _quiet(socketserver.ThreadingUDPServer)(("127.0.0.1", 0), Dns),
        ]
        for server in self._servers:
            server.daemon_threads = True  # type: ignore[attr-defined]
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        ports = [s.server_address[1] for s in self._servers]  # type: ignore[attr-defined]
        self.argv = ["--rdap", "--whois", "--dns", "--rate", "0", "--timeout", "5",
                     "--rdap-url", f"http://127.0.0.1:{ports[0]}/rdap/",
                     "--whois-server", f"127.0.0.1:{ports[1]}", "--dns-server", f"127.0.0.1:{ports[2]}"]

    def close(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()


def _quiet(server: type[socketserver.BaseServer]) -> type[socketserver.BaseServer]:
    """The server class, silent when a killed client hangs up mid-reply (a broken pipe is expected here)."""
    return type(server.__name__, (server,), {"handle_error": lambda self, request, address: None})


# -- the operations -------------------------------------------------------------------------------------

class Operation:
    """One operation under the harness: prepared once, then run from a copy of that state per kill."""

    name = ""
    full_time: float | None = None  # measured while preparing, when the preparation runs it uninterrupted

    def __init__(self, base: Path, home: Path) -> None:
        base.mkdir(parents=True, exist_ok=True)
        self.base = base
        self.home = home

    def command(self, run: Path) -> list[str | Path]:
        """Copy the prepared state into ``run`` and return the command to start there."""
        raise NotImplementedError

    def losses(self, run: Path, figures: Figures) -> list[str]:
        """What the kill lost or left half-written (empty: nothing), after the checks every case gets."""
        raise NotImplementedError

    def close(self) -> None:
        pass


class ImportOperation(Operation):
    name = "import"

    def __init__(self, base: Path, home: Path) -> None:
        super().__init__(base, home)
        self.template = new_case(home, base / "import-template" / "case.evcase")
        self.files = write_messages(base / "import-mail", IMPORT_FILES)
        self.expected = [(p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in self.files]

    def command(self, run: Path) -> list[str | Path]:
        case = copy_case(self.template, run / "case.evcase")
        return ["add", case, self.base / "import-mail"]

    def losses(self, run: Path, figures: Figures) -> list[str]:
        got = [(name, sha) for name, sha, _ in items(run / "case.evcase")]
        losses = []
        if got != self.expected[:len(got)]:
            losses.append("the items are not the first files given, whole and in order")
        if len(got) == len(self.expected):
            figures.new_kept += 1
        return losses


class LookupOperation(Operation):
    name = "lookup"

    def __init__(self, base: Path, home: Path) -> None:
        super().__init__(base, home)
        self.servers = LoopbackServers()
        self.template = new_case(home, base / "lookup-template" / "case.evcase")
        evbundle(home, "domains", self.template, "add", *LOOKUP_DOMAINS, check=True)

    def command(self, run: Path) -> list[str | Path]:
        case = copy_case(self.template, run / "case.evcase")
        return ["lookup", case, *self.servers.argv]

    def losses(self, run: Path, figures: Figures) -> list[str]:
        losses = []
        got = items(run / "case.evcase")
        for name, sha, _ in got:
            data = stored(run / "case.evcase", sha)
            if not name.endswith("dns.txt") and data not in self.servers.sent:
                losses.append(f"{name}: not a reply the server sent, byte for byte")
        if len(got) == 3 * len(LOOKUP_DOMAINS):
            figures.new_kept += 1
        return losses

    def close(self) -> None:
        self.servers.close()


class _OutputOperation(Operation):
    """An operation that replaces an earlier result in an output folder (export, build)."""

    work_prefix = ""
    logged_action = ""

    def __init__(self, base: Path, home: Path) -> None:
        super().__init__(base, home)
        self.secret = base / "passphrase.txt"
        self.secret.write_text(PASSPHRASE + "\n")
        if not (home / "identities").exists():
            evbundle(home, "identity", "create", "--name", "Ann Investigator", "--passphrase-file", self.secret,
                     check=True)
        template = new_case(home, base / f"{self.name}-template" / "case.evcase")
        write_messages(base / f"{self.name}-mail", 3, padding=16 * 1024)
        evbundle(home, "add", template, base / f"{self.name}-mail", check=True)
        self.earlier_out = base / f"{self.name}-earlier"
        evbundle(home, *self.argv(template, self.earlier_out), check=True)  # the earlier result, from state 0
        evbundle(home, "paragraphs", template, "add", "evidence", "A paragraph added after the earlier result.",
                 check=True)
        self.template = template  # state 1: what every killed run starts from
        new_out = base / f"{self.name}-new"
        new_case_copy = copy_case(template, base / f"{self.name}-new-case" / "case.evcase")
        shutil.copytree(self.earlier_out, new_out)  # as every killed run starts: over the earlier result
        began = time.monotonic()
        evbundle(home, *self.argv(new_case_copy, new_out), check=True)
        self.full_time = time.monotonic() - began  # how long an uninterrupted run takes: the kills' range
        self.earlier, self.new = tree(self.earlier_out), tree(new_out)
        assert self.earlier != self.new

    def argv(self, case: Path, out: Path) -> list[str | Path]:
        raise NotImplementedError

    def command(self, run: Path) -> list[str | Path]:
        case = copy_case(self.template, run / "case.evcase")
        shutil.copytree(self.earlier_out, run / "out")
        return self.argv(case, run / "out")

    def same_file(self, name: str, data: bytes | None, reference: Tree) -> bool:
        return reference.get(name, b"\0missing") == data

    def losses(self, run: Path, figures: Figures) -> list[str]:
        from app.core.workfolder import JOURNAL_NAME, remove_abandoned_work

        out = run / "out"
        losses = []
        for name, data in tree(out).items():  # before anything clears the folder: each file whole
            if not (self.same_file(name, data, self.earlier) or self.same_file(name, data, self.new)):
                losses.append(f"{name}: half-written or unknown under its final name")
        interrupted = any((w / JOURNAL_NAME).exists() for w in out.glob(f"{self.work_prefix}*"))
        remove_abandoned_work(out, self.work_prefix, _swap_committed(run / "case.evcase"))  # what the next
        # export or build into the folder does first: finish a swap the custody log recorded, undo any other
        if list(out.glob(f"{self.work_prefix}*")):
            losses.append("a work folder is still there after the next command cleared the folder")
        after = tree(out)
        logged = [a for a, _ in custody_actions(run / "case.evcase")].count(self.logged_action)
        before_logged = [a for a, _ in custody_actions(self.template)].count(self.logged_action)
        if all(self.same_file(n, d, self.earlier) for n, d in after.items()) and set(after) == set(self.earlier):
            figures.rolled_back += interrupted
            if logged != before_logged:
                losses.append(f"the earlier result is in place but the custody log has a new {self.logged_action}")
        elif all(self.same_file(n, d, self.new) for n, d in after.items()) and set(after) == set(self.new):
            figures.new_kept += 1
            if logged != before_logged + 1:
                losses.append(f"the new result is in place but the custody log has no {self.logged_action}")
        else:
            losses.append("after the next command cleared the folder it holds neither the earlier result nor the new")
        return losses


class ExportOperation(_OutputOperation):
    name = "export"
    work_prefix = ".evbundle-export-"
    logged_action = "documents-exported"

    def argv(self, case: Path, out: Path) -> list[str | Path]:
        return ["export", case, "--out", out, "--bundle-date", BUNDLE_DATE, "--draft"]  # not a fileable case


class BuildOperation(_OutputOperation):
    name = "build"
    work_prefix = "evbundle-build-"
    logged_action = "bundle-built"

    def argv(self, case: Path, out: Path) -> list[str | Path]:
        return ["build", case, "--out", out, "--passphrase-file", self.secret, "--no-timestamp", "--draft",
                "--bundle-date", BUNDLE_DATE]

    def same_file(self, name: str, data: bytes | None, reference: Tree) -> bool:
        if name == f"{SLUG}.zip" and reference is self.new:  # signed anew on each build: check it instead
            return data is not None and data != self.earlier.get(name) and _verifies(data, self.base, self.home)
        return super().same_file(name, data, reference)


def _verifies(bundle: bytes, base: Path, home: Path) -> bool:
    """Whether a bundle's bytes verify as VALID (``evbundle verify``; its signer is the harness's own identity)."""
    path = base / "verify-me" / f"{SLUG}.zip"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(bundle)
    return evbundle(home, "verify", path).returncode == 0


OPERATIONS: dict[str, Callable[[Path, Path], Operation]] = {
    "import": ImportOperation, "lookup": LookupOperation, "export": ExportOperation, "build": BuildOperation,
}


# -- running the kills -----------------------------------------------------------------------------------

def timed_run(operation: Operation, run: Path) -> float:
    """How long an uninterrupted run takes (the interpreter's start included), checked like a killed one."""
    argv = operation.command(run)
    began = time.monotonic()
    evbundle(operation.home, *argv, check=True)
    return time.monotonic() - began


def run_kills(operation: Operation, runs: int, seed: str, *, echo: Callable[[str], None] | None = None,
              swap_first: bool = False) -> Figures:
    """Kill ``runs`` runs of ``operation`` at moments drawn from ``seed``; check each (see the module doc).

    For export and build, one kill in four waits for the swap into place to begin (its journal to appear)
    and lands up to 3 ms into it: a moment a uniform draw over a second's run would almost never hit.
    ``swap_first``: the first kill is one of those (so that a short run in the suite always has one)."""
    figures = Figures(operation.name)
    began = time.monotonic()
    full = operation.full_time or timed_run(operation, operation.base / f"{operation.name}-timed")
    chance = random.Random(f"{seed}:{operation.name}")
    for n in range(runs):
        run = operation.base / f"{operation.name}-run-{n:03d}"
        argv = operation.command(run)
        at_swap = isinstance(operation, _OutputOperation) and (chance.random() < 0.25 or (swap_first and n == 0))
        moment = chance.uniform(0.0, 0.003) if at_swap else chance.uniform(0.0, full)
        process = start(operation.home, *argv)
        if at_swap:
            journals = f"{operation.work_prefix}*/swap.json"  # type: ignore[attr-defined]
            while process.poll() is None and not any((run / "out").glob(journals)):
                time.sleep(0.0005)
        deadline = time.monotonic() + moment
        while time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.0005)
        figures.runs += 1
        if process.poll() is None:
            killed = kill_group(process, must_be_running=False)  # False: it finished as the moment came
        else:
            process.communicate()
            killed = False
        figures.killed += killed
        figures.finished_first += not killed
        lost = case_losses(operation.home, run / "case.evcase") + operation.losses(run, figures)
        when = f"{moment * 1000:.1f} ms into the swap" if at_swap else f"{moment:.2f} s of {full:.2f} s"
        figures.losses += [f"run {n} (killed {when}): {what}" for what in lost]
        if echo is not None:
            echo(f"  {operation.name} run {n}: {'killed' if process.returncode != 0 else 'finished'} at {when}, "
                 f"{'OK' if not lost else 'LOST: ' + '; '.join(lost)}")
        if not lost:
            shutil.rmtree(run, ignore_errors=True)  # keep only what failed, to look at
    figures.seconds = time.monotonic() - began
    return figures


@contextlib.contextmanager
def prepared(name: str, base: Path, home: Path) -> Iterator[Operation]:
    operation = OPERATIONS[name](base, home)
    try:
        yield operation
    finally:
        operation.close()


def _swap_committed(case_path: Path) -> Callable[[str], bool]:
    """Whether the case's custody log records a swap (what build and export ask the case file)."""
    from app.store import CaseFile

    def committed(swap: str) -> bool:
        with CaseFile.open(case_path) as case:
            return case.records_swap(swap)

    return committed
