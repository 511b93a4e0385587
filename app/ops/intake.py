"""Bring files and domain lists into a case.

Each file is read from disk once and hashed with SHA-256 and SHA-512 before
any parser sees it; its bytes are stored (and hashed again by the store, which
must agree), parsed, and recorded in one transaction with their custody
entries. A file that is refused leaves no trace in the case; a file whose
content cannot be parsed is kept as evidence and marked. In a large import the
next files are read and parsed in worker processes while this one is stored.
"""

from __future__ import annotations

import io
import os
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from app.core.changes import Changes
from app.core.errors import (
    CaseFileError,
    EvidenceError,
    ImportRefused,
    OperationCancelled,
)
from app.core.hashing import Digests, hash_bytes
from app.core.model import Domain, ItemKind, ParseStatus
from app.core.reporting import NULL_REPORTER, Reporter, check_cancelled
from app.sources.detect import detect_kind
from app.sources.domains import parse_domain_list
from app.sources.parse import MailboxPart, Parsed, parse_item, split_mailbox
from app.store import CaseFile, CaseWriteFailed, Transaction
from app.store.batch import FileBatch

from .case import ensure_writable
from .describe import default_description
from .parse_pool import READ_AHEAD_BYTES, ParsePool, PendingParse

HEAD_BYTES = 64 * 1024
MAX_PARSE_BYTES = 256 * 1024 * 1024  # larger files are kept, but not parsed in memory
READ_AHEAD_MAX_FILE = 8 * 1024 * 1024  # larger files are streamed in at their turn, not read ahead


@dataclass(frozen=True)
class ImportReport:
    """What happened to each file: the ids of items made, and (path, reason) for each refusal."""

    imported: list[int] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refused

    @property
    def changes(self) -> Changes:
        return Changes.to_case(items=True, exhibits=True) if self.imported else Changes()


@dataclass(frozen=True)
class DomainReport:
    added: int
    duplicates: int
    problems: list[str]

    @property
    def changes(self) -> Changes:
        return Changes.to_case(domains=True) if self.added else Changes()


def expand_paths(paths: Sequence[Path]) -> Iterator[Path]:
    """Files as given, and the files inside any folder given (sorted, hidden ones skipped)."""
    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        yield Path(root) / name
        else:
            yield path


def import_files(
    case: CaseFile,
    paths: Sequence[Path],
    *,
    forced_kind: ItemKind | None = None,
    metadata: dict[str, Any] | None = None,
    description: str | None = None,
    reporter: Reporter = NULL_REPORTER,
) -> ImportReport:
    """Import every file; one file's refusal never costs the others.

    Files are read and hashed a few ahead of the one being stored, and parsed
    meanwhile by a :class:`ParsePool` (worker processes for a large import);
    they are stored, numbered and logged strictly in the order given.
    """
    ensure_writable(case, "import")
    files = list(expand_paths([Path(p) for p in paths]))
    report = ImportReport()
    batch = case.file_batch()  # several files per commit, each in a savepoint of its own
    items_before = case.count_items()
    stopped: tuple[int, CaseWriteFailed] | None = None  # the file at which the case file could not be written
    with ParsePool.for_files(len(files)) as pool:
        ahead: deque[_ReadAhead] = deque()
        try:
            for index in range(len(files)):
                check_cancelled(reporter, f"Cancelled after {index} of {len(files)} files; "
                                          "those already imported are kept.")
                _fill(ahead, files, index, pool, forced_kind)
                entry = ahead.popleft()
                try:
                    report.imported.extend(_import_read(case, entry, pool, batch, forced_kind=forced_kind,
                                                        metadata=metadata, description=description,
                                                        reporter=reporter))
                    batch.maybe_commit()
                except OperationCancelled:
                    raise
                except CaseWriteFailed as exc:
                    stopped = (index, exc)  # a full disk, an I/O error: the next files would fail too
                    break
                except EvidenceError as exc:
                    report.refused.append((str(entry.path), exc.message))
                except OSError as exc:
                    report.refused.append((str(entry.path), f"cannot read the file: {exc.strerror or exc}"))
                reporter.progress(index + 1, len(files), "Importing")
        finally:
            try:
                batch.close()
            except CaseWriteFailed as exc:
                if stopped is None:
                    stopped = (len(files) - 1, exc)
    if stopped is not None:
        raise _write_failed(case, files, *stopped, items_before)
    return report


def _write_failed(case: CaseFile, files: list[Path], index: int, error: CaseWriteFailed,
                  items_before: int) -> CaseFileError:
    """The error for an import stopped because the case file could not be written: which file, what is kept."""
    cause = error.__cause__ if error.__cause__ is not None else error
    if error.read_only:
        return CaseFileError(f"the case file is read-only here ({cause}); nothing of this file was stored. Copy "
                             "the case file to a folder you can write to, then run the same import again",
                             path=files[index])
    why = "the disk is full" if error.disk_full else f"the case file could not be written ({cause})"
    try:
        kept = f"{case.count_items() - items_before} item(s) from the files before it are in the case"
    except Exception:  # noqa: BLE001 - the case file may be unreadable now too; say what is known
        kept = "the files before it that were saved are in the case"
    after = len(files) - index - 1
    error_text = (
        f"{why}; the import stopped here and nothing of this file was stored ({kept}; "
        f"{after} file(s) after it were not imported). Make room, then run the same import again: "
        "the files already in the case are skipped"
    )
    return CaseFileError(error_text, path=files[index])


@dataclass
class _ReadAhead:
    """A file read (and hashed) before its turn, its parse under way; or why it could not be read."""

    path: Path
    index: int
    kind: ItemKind | None = None
    data: bytes | None = None  # None: imported the plain way when its turn comes (large, or unread)
    digests: Digests | None = None
    parse: PendingParse | None = None
    error: Exception | None = None


def _fill(ahead: deque[_ReadAhead], files: list[Path], index: int, pool: ParsePool,
          forced_kind: ItemKind | None) -> None:
    """Read files ahead of ``index`` while the pool has room, handing each small one to the parsers."""
    start = ahead[-1].index + 1 if ahead else index
    held = sum(len(e.data) for e in ahead if e.data is not None)
    for next_index in range(start, min(len(files), index + 1 + pool.read_ahead)):
        if ahead and held >= READ_AHEAD_BYTES:
            return
        entry = _read_ahead(files[next_index], next_index, pool, forced_kind)
        held += len(entry.data or b"")
        ahead.append(entry)


def _read_ahead(path: Path, index: int, pool: ParsePool, forced_kind: ItemKind | None) -> _ReadAhead:
    entry = _ReadAhead(path, index)
    try:
        if not path.is_file() or path.stat().st_size > READ_AHEAD_MAX_FILE:
            return entry  # refused, or streamed, by import_file when its turn comes
        data = path.read_bytes()
        entry.kind = forced_kind or detect_kind(data[:HEAD_BYTES], path.name)
    except (EvidenceError, OSError) as exc:
        entry.error = exc
        return entry
    entry.data = data
    entry.digests = hash_bytes(data)  # the original is hashed before any parser sees it
    if entry.kind is not ItemKind.MAILBOX:
        entry.parse = pool.submit(entry.kind, data, path.name)
    return entry


def _import_read(case: CaseFile, entry: _ReadAhead, pool: ParsePool, batch: FileBatch, *,
                 forced_kind: ItemKind | None, metadata: dict[str, Any] | None, description: str | None,
                 reporter: Reporter) -> list[int]:
    """Store a file read ahead, with its parse, in its own savepoint of the batch."""
    if entry.error is not None:
        raise entry.error
    if entry.data is None or entry.kind is None or entry.digests is None:
        return import_file(case, entry.path, forced_kind=forced_kind, metadata=metadata,
                           description=description, reporter=reporter, batch=batch)
    path, data, kind = entry.path, entry.data, entry.kind
    with batch.file() as tx:
        _refuse_duplicate(case, entry.digests.sha256)
        parsed = pool.result(entry.parse) if entry.parse is not None else None  # may refuse a screenshot
        digests = tx.store_object(io.BytesIO(data), reporter=reporter)
        if digests != entry.digests:  # the store hashes what it writes: it must be what was read
            raise CaseFileError("the evidence changed between reading and storing; nothing was kept", path=path)
        common = {"digests": digests, "original_name": path.name, "source_path": str(path)}
        if kind is ItemKind.MAILBOX:
            return _import_mailbox(tx, data, common)
        assert parsed is not None
        return [_add_parsed(tx, kind, parsed, common, metadata, description)]


def import_file(
    case: CaseFile,
    path: Path,
    *,
    forced_kind: ItemKind | None = None,
    metadata: dict[str, Any] | None = None,
    description: str | None = None,
    reporter: Reporter = NULL_REPORTER,
    batch: FileBatch | None = None,
) -> list[int]:
    """Import one file as one item (or a mailbox and its messages); returns the new item ids.

    The file is streamed into the case (hashed on the way), then parsed from
    the stored copy. With a ``batch``, the file's changes go into the batch's
    open transaction (in a savepoint).
    """
    if not path.exists():
        raise ImportRefused("no such file", path=path)
    if not path.is_file():
        raise ImportRefused("not a regular file", path=path)
    with open(path, "rb") as stream:
        head = stream.read(HEAD_BYTES)
        kind = forced_kind or detect_kind(head, path.name)
        with batch.file() if batch is not None else case.transaction() as tx:
            # The head already read goes first, so every byte is read from disk exactly once.
            digests = tx.store_object(_Prefixed(head, stream), reporter=reporter)
            _refuse_duplicate(case, digests.sha256)
            if digests.size > MAX_PARSE_BYTES:
                data = b""
            else:
                data = case.read_object(digests.sha256)
            common = {"digests": digests, "original_name": path.name, "source_path": str(path)}
            if kind is ItemKind.MAILBOX:
                return _import_mailbox(tx, data, common)
            if data or digests.size == 0:
                parsed = parse_item(kind, data, path.name)
            else:
                parsed = Parsed(ParseStatus.FAILED, path.name, {}, "too large to parse; the original is kept")
            return [_add_parsed(tx, kind, parsed, common, metadata, description)]


def _refuse_duplicate(case: CaseFile, sha256: str) -> None:
    duplicate = case.find_item_by_sha256(sha256)
    if duplicate is not None:
        where = f" ({duplicate.exhibit_label})" if duplicate.exhibit_label else ""
        raise ImportRefused(f"already in the case as item {duplicate.id}{where}, same SHA-256; not added again")


def _add_parsed(tx: Transaction, kind: ItemKind, parsed: Parsed, common: dict[str, Any],
                metadata: dict[str, Any] | None, description: str | None) -> int:
    return tx.add_item(
        kind=kind, name=parsed.name, parse_status=parsed.status, parse_error=parsed.error,
        record=parsed.record, metadata=metadata or {},
        description=description or default_description(kind, parsed.name, parsed.record, metadata or {}),
        **common,
    )


class _Prefixed:
    """A stream that yields bytes already read, then the rest of the file."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = head
        self._rest = rest

    def read(self, size: int = -1) -> bytes:
        if self._head:
            if size < 0:
                data, self._head = self._head + self._rest.read(), b""
                return data
            data, self._head = self._head[:size], self._head[size:]
            return data
        return self._rest.read(size)


def _import_mailbox(tx: Transaction, data: bytes, common: dict[str, Any]) -> list[int]:
    """The mailbox is kept whole; each message becomes an item of its own (parsed in workers when many)."""
    parts = split_mailbox(data)
    mailbox_id = tx.add_item(
        kind=ItemKind.MAILBOX, name=common["original_name"], parse_status=ParseStatus.OK,
        record={"messages": len(parts)}, **common,
    )
    ids = [mailbox_id]
    with ParsePool.for_files(len(parts)) as pool:
        parses = _MessageParses(parts, common["original_name"], pool)
        for part in parts:
            name = f"{common['original_name']} #{part.index + 1}"
            if part.problem:
                digests = tx.store_object(io.BytesIO(part.data))
                status, record, error = ParseStatus.FAILED, {"index": part.index}, part.problem
            else:
                hashed, parsed = parses.next()
                digests = tx.store_object(io.BytesIO(part.data))
                if digests != hashed:
                    raise CaseFileError("a message changed between reading and storing; nothing was kept",
                                        path=common["source_path"])
                status, record, error = parsed.status, dict(parsed.record), parsed.error
                record["index"] = part.index
                name = parsed.name
            ids.append(
                tx.add_item(
                    kind=ItemKind.MAILBOX_MESSAGE, digests=digests, name=name,
                    original_name=f"{common['original_name']}.{part.index + 1:04d}.eml",
                    source_path=common["source_path"], parse_status=status, parse_error=error,
                    record=record, parent_id=mailbox_id,
                    description=default_description(ItemKind.MAILBOX_MESSAGE, name, record, {}),
                )
            )
    return ids


class _MessageParses:
    """The readable messages of a mailbox, each hashed, then handed to the parsers a window ahead."""

    def __init__(self, parts: list[MailboxPart], mailbox_name: str, pool: ParsePool) -> None:
        self._waiting = iter([p for p in parts if not p.problem])
        self._queue: deque[tuple[Digests, PendingParse]] = deque()
        self._name = mailbox_name
        self._pool = pool

    def next(self) -> tuple[Digests, Parsed]:
        """The next readable message's digests and parse."""
        while len(self._queue) <= self._pool.read_ahead:
            part = next(self._waiting, None)
            if part is None:
                break
            digests = hash_bytes(part.data)  # hashed before any parser sees it
            self._queue.append(
                (digests, self._pool.submit(ItemKind.EMAIL, part.data, f"{self._name} #{part.index + 1}"))
            )
        digests, pending = self._queue.popleft()
        return digests, self._pool.result(pending)


def add_domains(case: CaseFile, text: str, *, source: str) -> DomainReport:
    """Add the domains in a pasted list (one per line, CSV, URLs, defanged) to the case."""
    from app.ops.domains import (
        registry_table,  # the case's corrections decide new domains' registry too
    )

    names, problems = parse_domain_list(text)
    table = registry_table(case)
    domains = [
        Domain(
            id=0, ascii=n.ascii, unicode=n.unicode, tld=n.tld, registrable=n.registrable,
            registry_id=table.for_tld(n.tld).id, added_at="", source=source, flags=n.flags,
        )
        for n in names
    ]
    added = case.add_domains(domains, source=source)
    return DomainReport(added=added, duplicates=len(domains) - added, problems=problems)
