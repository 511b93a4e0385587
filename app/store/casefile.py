"""The case file (``.evcase``): SQLite as an application file format.

:class:`CaseFile` is the whole store: each part of it (evidence objects,
items and exhibits, domains and registries, paragraphs and redactions, the
custody log) lives in a module of its own as a mixin over one
:class:`~app.store.connection.CaseConnection`. Every statement the app runs
against the case is in this package; every change is one transaction that
also writes its custody entry.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from app.core import custody
from app.core.errors import CaseFileError
from app.core.model import CaseInfo
from app.core.reporting import NULL_REPORTER, Reporter

from . import schema
from .batch import FileBatch
from .connection import dump, read_only_reason
from .domains import DomainStore
from .items import ItemStore
from .objects import ObjectStore
from .paragraphs import ParagraphStore
from .parties import PartyStore
from .records import RecordStore
from .support import SupportStore
from .transaction import Transaction

CASE_SUFFIX = ".evcase"


@dataclass(frozen=True)
class CheckProblem:
    """One thing ``check`` found wrong with a case file."""

    what: str  # "object", "custody", "database", "item"
    message: str

    def __str__(self) -> str:
        return f"{self.what}: {self.message}"


class CaseFile(ObjectStore, ItemStore, DomainStore, ParagraphStore, PartyStore, RecordStore, SupportStore):
    """An open case. Create with :meth:`create`, open with :meth:`open`."""

    @classmethod
    def create(cls, path: Path, info: CaseInfo, *, actor: str | None = None) -> CaseFile:
        """Create a new case file; refuses to overwrite an existing file."""
        path = Path(path)
        if path.exists():
            raise CaseFileError("a file already exists here; choose another name", path=path)
        if not path.parent.is_dir():
            raise CaseFileError("the folder does not exist", path=path.parent)
        try:  # private from the first byte: evidence, personal data and sealed material (SQLite's -wal and
            # -shm files take the database file's mode)
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except OSError as exc:
            raise CaseFileError(f"cannot create the case file: {exc.strerror or exc}", path=path) from exc
        case = cls(path, actor=actor)
        try:
            schema.migrate(case._conn())
            info = replace(
                info,
                case_id=info.case_id or str(uuid.uuid4()),
                created_at=info.created_at or custody.utc_now(),
            )
            with case._writing() as conn:
                conn.execute("INSERT INTO meta(key, value) VALUES ('case', ?)", (dump(asdict(info)),))
                case._log(conn, "case-created", details={"title": info.title, "case_id": info.case_id})
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
            reason = read_only_reason(path)
            if reason is not None:  # SQLite must create its -wal and -shm files beside the case, even to read it
                raise CaseFileError(
                    f"cannot open the case file: {reason}, and the database needs to write beside it even to be "
                    "read; nothing was changed. Copy the case file to a folder you can write to", path=path,
                ) from exc
            raise CaseFileError(f"cannot open the case file: {exc}", path=path) from exc
        except CaseFileError:
            case.close()
            raise
        return case

    def __enter__(self) -> CaseFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """One atomic change made of several of the store's steps (store an object, add its item,
        log what was looked up): all of them are kept when the block ends, none on any exception."""
        with self._writing() as conn:
            steps = Transaction(self, conn)
            try:
                yield steps
            finally:
                steps.close()

    def file_batch(self, *, cache_kib: int | None = None) -> FileBatch:
        """Several imported files per commit, each in a savepoint of its own (see batch.py); ``cache_kib``
        sets SQLite's page cache for it (a long run of small items keeps memory flat with a small one)."""
        return FileBatch(self) if cache_kib is None else FileBatch(self, cache_kib=cache_kib)

    # -- case facts ----------------------------------------------------------

    def info(self) -> CaseInfo:
        row = self._conn().execute("SELECT value FROM meta WHERE key = 'case'").fetchone()
        if row is None:
            raise CaseFileError("the case file has no case record", path=self.path)
        data = json.loads(row[0])
        known = {f.name for f in fields(CaseInfo)}
        values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in known}
        return CaseInfo(**values)

    def update_info(self, **changes: Any) -> CaseInfo:
        """Change case facts (title, declarant, Bates prefix...); logged with old and new values."""
        with self._writing() as conn:
            old = self.info()
            new = replace(old, **changes)
            conn.execute("UPDATE meta SET value = ? WHERE key = 'case'", (dump(asdict(new)),))
            diff = {k: {"old": getattr(old, k), "new": v} for k, v in changes.items() if getattr(old, k) != v}
            if diff:
                self._log(conn, "case-edited", details=diff)
        return new

    # -- checking ----------------------------------------------------------------

    def check(self, *, reporter: Reporter = NULL_REPORTER) -> list[CheckProblem]:
        """Re-hash every object, check the custody chain and SQLite's integrity: every problem found."""
        problems: list[CheckProblem] = []
        for (message,) in self._conn().execute("PRAGMA integrity_check"):
            if message != "ok":
                problems.append(CheckProblem("database", message))
        objects = self.stored_objects()
        for index, (sha256, sha512, size) in enumerate(objects):
            h256, h512, length = hashlib.sha256(), hashlib.sha512(), 0
            for block in self.iter_object(sha256):
                h256.update(block)
                h512.update(block)
                length += len(block)
            if h256.hexdigest() != sha256 or h512.hexdigest() != sha512 or length != size:
                problems.append(CheckProblem("object", f"{sha256[:16]}… no longer matches its hash"))
            reporter.progress(index + 1, len(objects), "Checking evidence")
        entries = self.custody()
        problems += [CheckProblem("custody", str(p)) for p in custody.verify_chain(entries)]
        acquired = {e.item_id: e.sha256 for e in entries if e.action == "acquired"}
        for item_id, sha256 in self.item_hashes():
            if acquired.get(item_id) != sha256:
                problems.append(CheckProblem("item", f"item {item_id} differs from its custody record"))
        return problems
