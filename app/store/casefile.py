"""The case file (``.evcase``): SQLite as an application file format.

Every change runs in one ``BEGIN IMMEDIATE`` transaction together with the
custody entry that records it, so a crash, a kill or a full disk leaves the
case as it was before the change or after it, never between. Evidence bytes
are hashed while they are copied in, once, and stored content-addressed.

Each thread gets its own connection (WAL mode lets the GUI read while a
worker writes); SQLite's own lock serialises writers.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any, BinaryIO

from app.core import custody
from app.core.errors import CaseFileError, ImportRefused, OperationCancelled
from app.core.hashing import BLOCK_SIZE, Digests, MultiHasher, iter_blocks
from app.core.model import CaseInfo, CustodyEntry, Domain, Item, ItemKind, ParseStatus

from . import schema
from .objects import BlockStream, ObjectReader

CASE_SUFFIX = ".evcase"
DEFAULT_MAX_ITEM_BYTES = 2 * 1024**3  # an item larger than this is refused, never truncated

_ITEM_COLUMNS = (
    "i.id, i.kind, i.name, i.original_name, i.sha256, o.sha512, o.size, i.acquired_at,"
    " i.acquired_by, i.source_path, i.parse_status, i.parse_error, i.record, i.metadata,"
    " i.parent_id, e.number, e.description"
)
_ITEM_FROM = (
    "items i JOIN objects o ON o.sha256 = i.sha256 LEFT JOIN exhibits e ON e.item_id = i.id"
)


@dataclass(frozen=True)
class GroupMember:
    """One file of an evidence group (a web capture's screenshot, WARC, PDF…), read from disk when stored."""

    path: Path
    role: str  # what the file is within its group: "screenshot-full", "warc"…
    kind: ItemKind
    name: str
    original_name: str
    source_path: str
    record: dict[str, Any] | None = None
    metadata: dict[str, Any] | None = None
    description: str | None = None


@dataclass(frozen=True)
class CheckProblem:
    """One thing ``check`` found wrong with a case file."""

    what: str  # "object", "custody", "database", "item"
    message: str

    def __str__(self) -> str:
        return f"{self.what}: {self.message}"


class CaseFile:
    """An open case. Create with :meth:`create`, open with :meth:`open`."""

    def __init__(self, path: Path, *, actor: str | None = None) -> None:
        self.path = Path(path)
        self.actor = actor or _default_actor()
        self.max_item_bytes = DEFAULT_MAX_ITEM_BYTES
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    # -- opening -------------------------------------------------------------

    @classmethod
    def create(cls, path: Path, info: CaseInfo, *, actor: str | None = None) -> CaseFile:
        """Create a new case file; refuses to overwrite an existing file."""
        path = Path(path)
        if path.exists():
            raise CaseFileError("a file already exists here; choose another name", path=path)
        if not path.parent.is_dir():
            raise CaseFileError("the folder does not exist", path=path.parent)
        case = cls(path, actor=actor)
        try:
            conn = case._conn()
            schema.migrate(conn)
            info = replace(
                info,
                case_id=info.case_id or str(uuid.uuid4()),
                created_at=info.created_at or custody.utc_now(),
            )
            with case.transaction() as tx:
                tx.execute("INSERT INTO meta(key, value) VALUES ('case', ?)", (_dump(asdict(info)),))
                case._log(tx, "case-created", details={"title": info.title, "case_id": info.case_id})
        except sqlite3.Error as exc:
            case.close()
            path.unlink(missing_ok=True)
            raise CaseFileError(f"cannot create the case file: {exc}", path=path) from exc
        return case

    @classmethod
    def open(cls, path: Path, *, actor: str | None = None) -> CaseFile:
        """Open an existing case file, migrating its schema when it is older."""
        path = Path(path)
        if not path.is_file():
            raise CaseFileError("no case file here", path=path)
        with open(path, "rb") as handle:
            if handle.read(16) != b"SQLite format 3\x00":
                raise CaseFileError("not a case file (not an SQLite database)", path=path)
        case = cls(path, actor=actor)
        try:
            conn = case._conn()
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if app_id != schema.APPLICATION_ID:
                raise CaseFileError("not a case file (a different SQLite database)", path=path)
            if version > schema.SCHEMA_VERSION:
                raise CaseFileError(
                    "this case file was written by a newer version of the app",
                    path=path, expected=f"schema {schema.SCHEMA_VERSION} or older",
                    found=f"schema {version}",
                )
            schema.migrate(conn)
        except sqlite3.Error as exc:
            case.close()
            raise CaseFileError(f"cannot open the case file: {exc}", path=path) from exc
        except CaseFileError:
            case.close()
            raise
        return case

    def close(self) -> None:
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    def __enter__(self) -> CaseFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA busy_timeout = 30000")
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic change: commits when the block ends, rolls back on any exception."""
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            _rollback(conn)
            raise
        else:
            try:
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                _rollback(conn)
                raise CaseFileError(
                    f"the change could not be saved ({exc}); the case is as it was before it", path=self.path
                ) from exc

    # -- case facts ----------------------------------------------------------

    def info(self) -> CaseInfo:
        row = self._conn().execute("SELECT value FROM meta WHERE key = 'case'").fetchone()
        if row is None:
            raise CaseFileError("the case file has no case record", path=self.path)
        data = json.loads(row[0])
        known = {f.name for f in fields(CaseInfo)}
        return CaseInfo(**{k: v for k, v in data.items() if k in known})

    def update_info(self, **changes: Any) -> CaseInfo:
        """Change case facts (title, declarant, Bates prefix...); logged with old and new values."""
        with self.transaction() as tx:
            old = self.info()
            new = replace(old, **changes)
            tx.execute("UPDATE meta SET value = ? WHERE key = 'case'", (_dump(asdict(new)),))
            diff = {k: {"old": getattr(old, k), "new": v} for k, v in changes.items() if getattr(old, k) != v}
            if diff:
                self._log(tx, "case-edited", details=diff)
        return new

    # -- evidence objects ----------------------------------------------------

    def store_object(
        self,
        tx: sqlite3.Connection,
        stream: BinaryIO,
        *,
        cancelled: Callable[[], bool] | None = None,
    ) -> Digests:
        """Copy a stream into the case, hashing it on the way; deduplicated by SHA-256.

        Must run inside :meth:`transaction`, so that a failure leaves nothing.
        """
        placeholder = f"pending-{uuid.uuid4()}"
        cursor = tx.execute(
            "INSERT INTO objects(sha256, sha512, size) VALUES (?, '', 0)", (placeholder,)
        )
        object_id = cursor.lastrowid
        hasher = MultiHasher()
        for seq, block in enumerate(iter_blocks(stream, BLOCK_SIZE)):
            if cancelled is not None and cancelled():
                raise OperationCancelled()
            hasher.update(block)
            if hasher.size > self.max_item_bytes:
                raise ImportRefused(
                    "too large for the case file; nothing was stored",
                    expected=f"at most {self.max_item_bytes:,} bytes",
                    found="more",
                )
            tx.execute(
                "INSERT INTO chunks(object_id, seq, data) VALUES (?, ?, ?)", (object_id, seq, block)
            )
        digests = hasher.digests()
        existing = tx.execute("SELECT id FROM objects WHERE sha256 = ?", (digests.sha256,)).fetchone()
        if existing is not None:
            tx.execute("DELETE FROM chunks WHERE object_id = ?", (object_id,))
            tx.execute("DELETE FROM objects WHERE id = ?", (object_id,))
        else:
            tx.execute(
                "UPDATE objects SET sha256 = ?, sha512 = ?, size = ? WHERE id = ?",
                (digests.sha256, digests.sha512, digests.size, object_id),
            )
        return digests

    def read_object(self, sha256: str) -> bytes:
        return b"".join(self.iter_object(sha256))

    def iter_object(self, sha256: str) -> Iterator[bytes]:
        conn = self._conn()
        row = conn.execute("SELECT id FROM objects WHERE sha256 = ?", (sha256,)).fetchone()
        if row is None:
            raise CaseFileError(f"evidence object {sha256[:12]}… is missing", path=self.path)
        # Read chunk by chunk so memory stays flat for large objects.
        seq = 0
        while True:
            chunk = conn.execute(
                "SELECT data FROM chunks WHERE object_id = ? AND seq = ?", (row[0], seq)
            ).fetchone()
            if chunk is None:
                return
            yield chunk[0]
            seq += 1

    def open_object(self, sha256: str) -> BinaryIO:
        """A read-only stream over a stored object (for the bundle writer)."""
        return BlockStream(self.iter_object(sha256))

    def object_reader(self) -> ObjectReader:
        """Opens many objects in a row, cheaper than :meth:`open_object` (see objects.py); close it after."""
        return ObjectReader(self.path)

    # -- items -----------------------------------------------------------------

    def add_item(
        self,
        tx: sqlite3.Connection,
        *,
        kind: ItemKind,
        digests: Digests,
        name: str,
        original_name: str,
        source_path: str,
        parse_status: ParseStatus,
        parse_error: str = "",
        record: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
        parent_id: int | None = None,
        description: str | None = None,
    ) -> int:
        """Record an acquired item (its object already stored in ``tx``); numbers it as an exhibit."""
        now = custody.utc_now()
        cursor = tx.execute(
            "INSERT INTO items(kind, name, original_name, sha256, acquired_at, acquired_by,"
            " source_path, parse_status, parse_error, record, metadata, parent_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                kind.value, name, original_name, digests.sha256, now, self.actor, source_path,
                parse_status.value, parse_error, _dump(record or {}), _dump(metadata or {}), parent_id,
            ),
        )
        item_id = int(cursor.lastrowid or 0)
        self._log(
            tx, "acquired", item_id=item_id, sha256=digests.sha256,
            details={
                "kind": kind.value, "original_name": original_name, "source_path": source_path,
                "sha512": digests.sha512, "size": digests.size,
            },
        )
        if parse_status is not ParseStatus.OK:
            self._log(
                tx, "parse-" + parse_status.value, item_id=item_id, sha256=digests.sha256,
                details={"error": parse_error},
            )
        if kind.is_exhibit_kind:
            number = tx.execute("SELECT COALESCE(MAX(number), 0) + 1 FROM exhibits").fetchone()[0]
            tx.execute(
                "INSERT INTO exhibits(number, item_id, description) VALUES (?, ?, ?)",
                (number, item_id, description or ""),
            )
            self._log(tx, "exhibit-numbered", item_id=item_id, details={"number": number})
        return item_id

    def add_item_group(self, main: GroupMember, parts: Iterable[GroupMember], *, action: str,
                       details: dict[str, Any], cancelled: Callable[[], bool] | None = None) -> list[int]:
        """Store files that belong together as one group, in one transaction: each hashed as it is copied
        in, the main item (an exhibit when its kind is one) and the parts as its children, and one custody
        entry ``action`` naming every file. The main item's record lists the group's files and hashes
        under ``"group"``. Returns the item ids, main item first."""
        parts = list(parts)
        with self.transaction() as tx:
            digests = []
            for member in (main, *parts):
                with open(member.path, "rb") as stream:
                    digests.append(self.store_object(tx, stream, cancelled=cancelled))
            group = [{"role": m.role, "file": m.original_name, "sha256": d.sha256, "size": d.size}
                     for m, d in zip((main, *parts), digests)]
            ids = [self.add_item(
                tx, kind=main.kind, digests=digests[0], name=main.name, original_name=main.original_name,
                source_path=main.source_path, parse_status=ParseStatus.OK,
                record={**(main.record or {}), "group": group}, metadata=main.metadata,
                description=main.description,
            )]
            for member, member_digests in zip(parts, digests[1:]):
                ids.append(self.add_item(
                    tx, kind=member.kind, digests=member_digests, name=member.name,
                    original_name=member.original_name, source_path=member.source_path,
                    parse_status=ParseStatus.OK, record=member.record, metadata=member.metadata,
                    parent_id=ids[0], description=member.description,
                ))
            self._log(tx, action, item_id=ids[0], sha256=digests[0].sha256,
                      details={**details, "items": ids, "files": group})
        return ids

    def children(self, item_id: int) -> list[Item]:
        """The items whose parent is ``item_id`` (a mailbox's messages, a capture's other files), in order."""
        rows = self._conn().execute(
            f"SELECT {_ITEM_COLUMNS} FROM {_ITEM_FROM} WHERE i.parent_id = ? ORDER BY i.id", (item_id,)
        )
        return [_item(row) for row in rows]

    def items(self, kind: ItemKind | None = None) -> list[Item]:
        sql = f"SELECT {_ITEM_COLUMNS} FROM {_ITEM_FROM}"
        args: tuple[Any, ...] = ()
        if kind is not None:
            sql += " WHERE i.kind = ?"
            args = (kind.value,)
        sql += " ORDER BY i.id"
        return [_item(row) for row in self._conn().execute(sql, args)]

    def item(self, item_id: int) -> Item:
        row = self._conn().execute(
            f"SELECT {_ITEM_COLUMNS} FROM {_ITEM_FROM} WHERE i.id = ?", (item_id,)
        ).fetchone()
        if row is None:
            raise CaseFileError(f"no item {item_id} in this case", path=self.path)
        return _item(row)

    def find_item_by_sha256(self, sha256: str) -> Item | None:
        row = self._conn().execute(
            f"SELECT {_ITEM_COLUMNS} FROM {_ITEM_FROM} WHERE i.sha256 = ? ORDER BY i.id LIMIT 1",
            (sha256,),
        ).fetchone()
        return _item(row) if row else None

    def exhibits(self) -> list[tuple[int, Item, str]]:
        """(number, item, description) in exhibit order."""
        rows = self._conn().execute(
            f"SELECT {_ITEM_COLUMNS} FROM {_ITEM_FROM} WHERE e.number IS NOT NULL ORDER BY e.number"
        ).fetchall()
        return [(row[15], _item(row), row[16]) for row in rows]

    def update_metadata(self, item_id: int, changes: dict[str, Any]) -> Item:
        """Edit user-entered fields (URL, capture time, notes...); each change is logged."""
        with self.transaction() as tx:
            item = self.item(item_id)
            metadata = dict(item.metadata)
            diff = {}
            for key, value in changes.items():
                if metadata.get(key) != value:
                    diff[key] = {"old": metadata.get(key), "new": value}
                    metadata[key] = value
            if diff:
                tx.execute("UPDATE items SET metadata = ? WHERE id = ?", (_dump(metadata), item_id))
                self._log(tx, "metadata-edited", item_id=item_id, sha256=item.sha256, details=diff)
        return self.item(item_id)

    def set_exhibit_description(self, item_id: int, description: str) -> None:
        with self.transaction() as tx:
            row = tx.execute("SELECT description FROM exhibits WHERE item_id = ?", (item_id,)).fetchone()
            if row is None:
                raise CaseFileError(f"item {item_id} is not an exhibit", path=self.path)
            if row[0] != description:
                tx.execute("UPDATE exhibits SET description = ? WHERE item_id = ?", (description, item_id))
                self._log(tx, "exhibit-described", item_id=item_id,
                          details={"old": row[0], "new": description})

    def count_items(self) -> int:
        return int(self._conn().execute("SELECT COUNT(*) FROM items").fetchone()[0])

    # -- domains ---------------------------------------------------------------

    def add_domains(self, tx: sqlite3.Connection, domains: Iterable[Domain], *, source: str) -> int:
        """Add domains not already in the case; returns how many were new. One custody entry."""
        now = custody.utc_now()
        added = []
        for domain in domains:
            cursor = tx.execute(
                "INSERT OR IGNORE INTO domains(ascii, unicode, tld, registrable, registry_id, added_at, source,"
                " flags) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (domain.ascii, domain.unicode, domain.tld, domain.registrable, domain.registry_id, now, source,
                 json.dumps(list(domain.flags), ensure_ascii=False)),
            )
            if cursor.rowcount:
                added.append(domain.ascii)
        if added:
            listing = "\n".join(added).encode("utf-8")
            self._log(
                tx, "domains-added",
                details={"source": source, "count": len(added),
                         "first": added[:5], "list_sha256": _sha256(listing)},
            )
        return len(added)

    def domains(self, *, offset: int = 0, limit: int = -1) -> list[Domain]:
        rows = self._conn().execute(
            "SELECT id, ascii, unicode, tld, registrable, registry_id, added_at, source, flags FROM domains"
            " ORDER BY registry_id, registrable, ascii LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [Domain(*row[:8], flags=tuple(json.loads(row[8])) if row[8] != "[]" else ()) for row in rows]

    def count_domains(self) -> int:
        return int(self._conn().execute("SELECT COUNT(*) FROM domains").fetchone()[0])

    # -- custody -----------------------------------------------------------------

    def log(self, action: str, *, item_id: int | None = None, sha256: str | None = None,
            details: dict[str, Any] | None = None) -> CustodyEntry:
        """Record an action that changes nothing else (a bundle built, documents exported)."""
        with self.transaction() as tx:
            return self._log(tx, action, item_id=item_id, sha256=sha256, details=details or {})

    def _log(self, tx: sqlite3.Connection, action: str, *, item_id: int | None = None,
             sha256: str | None = None, details: dict[str, Any] | None = None) -> CustodyEntry:
        row = tx.execute("SELECT seq, entry_hash FROM custody ORDER BY seq DESC LIMIT 1").fetchone()
        seq, prev = (row[0] + 1, row[1]) if row else (1, custody.GENESIS)
        body = custody.entry_body(seq, custody.utc_now(), self.actor, action, item_id, sha256,
                                  details or {}, prev)
        entry_hash = custody.compute_entry_hash(body)
        tx.execute(
            "INSERT INTO custody(seq, at, actor, action, item_id, sha256, details, prev_hash, entry_hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (seq, body["at"], self.actor, action, item_id, sha256, custody.canonical_json(body["details"]),
             prev, entry_hash),
        )
        return CustodyEntry(seq, body["at"], self.actor, action, item_id, sha256, body["details"], prev, entry_hash)

    def custody(self) -> list[CustodyEntry]:
        rows = self._conn().execute(
            "SELECT seq, at, actor, action, item_id, sha256, details, prev_hash, entry_hash"
            " FROM custody ORDER BY seq"
        )
        return [
            CustodyEntry(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]), r[7], r[8]) for r in rows
        ]

    # -- checking ----------------------------------------------------------------

    def check(self, *, progress: Callable[[int, int], None] | None = None) -> list[CheckProblem]:
        """Re-hash every object, check the custody chain and SQLite's integrity: every problem found."""
        problems: list[CheckProblem] = []
        conn = self._conn()
        for (message,) in conn.execute("PRAGMA integrity_check"):
            if message != "ok":
                problems.append(CheckProblem("database", message))
        objects = conn.execute("SELECT sha256, sha512, size FROM objects ORDER BY id").fetchall()
        for index, (sha256, sha512, size) in enumerate(objects):
            h256, h512, length = hashlib.sha256(), hashlib.sha512(), 0
            for block in self.iter_object(sha256):
                h256.update(block)
                h512.update(block)
                length += len(block)
            if h256.hexdigest() != sha256 or h512.hexdigest() != sha512 or length != size:
                problems.append(CheckProblem("object", f"{sha256[:16]}… no longer matches its hash"))
            if progress:
                progress(index + 1, len(objects))
        entries = self.custody()
        problems += [CheckProblem("custody", str(p)) for p in custody.verify_chain(entries)]
        acquired = {e.item_id: e.sha256 for e in entries if e.action == "acquired"}
        for item_id, sha256 in conn.execute("SELECT id, sha256 FROM items"):
            if acquired.get(item_id) != sha256:
                problems.append(CheckProblem("item", f"item {item_id} differs from its custody record"))
        return problems


def _rollback(conn: sqlite3.Connection) -> None:
    """Undo an open transaction. After a full disk or an I/O error SQLite may have undone it already:
    then there is nothing to do, and the error that did it is the one to report, not this one's."""
    if conn.in_transaction:
        with suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


def _item(row: tuple[Any, ...]) -> Item:
    return Item(
        id=row[0], kind=ItemKind(row[1]), name=row[2], original_name=row[3], sha256=row[4],
        sha512=row[5], size=row[6], acquired_at=row[7], acquired_by=row[8], source_path=row[9],
        parse_status=ParseStatus(row[10]), parse_error=row[11], record=json.loads(row[12]),
        metadata=json.loads(row[13]), parent_id=row[14], exhibit_number=row[15],
    )


def _dump(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _default_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
