"""Bring files and domain lists into a case.

Each file is read once: hashed with SHA-256 and SHA-512 while it is copied
into the case, then parsed from the stored copy, all in one transaction with
its custody entries. A file that is refused leaves no trace in the case; a
file whose content cannot be parsed is kept as evidence and marked.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from app.core.errors import EvidenceError, ImportRefused, OperationCancelled
from app.core.model import Domain, ItemKind, ParseStatus
from app.sources.detect import detect_kind
from app.sources.domains import parse_domain_list
from app.sources.parse import parse_item, split_mailbox
from app.store import CaseFile

from .batching import FileBatch
from .describe import default_description

HEAD_BYTES = 64 * 1024
MAX_PARSE_BYTES = 256 * 1024 * 1024  # larger files are kept, but not parsed in memory


@dataclass(frozen=True)
class ImportReport:
    """What happened to each file: the ids of items made, and (path, reason) for each refusal."""

    imported: list[int] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refused


@dataclass(frozen=True)
class DomainReport:
    added: int
    duplicates: int
    problems: list[str]


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
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportReport:
    """Import every file; one file's refusal never costs the others."""
    files = list(expand_paths([Path(p) for p in paths]))
    report = ImportReport()
    batch = FileBatch(case)  # several files per commit, each in a savepoint of its own
    try:
        for index, path in enumerate(files):
            if cancelled is not None and cancelled():
                raise OperationCancelled(
                    f"Cancelled after {index} of {len(files)} files; those already imported are kept."
                )
            try:
                report.imported.extend(
                    import_file(case, path, forced_kind=forced_kind, metadata=metadata,
                                description=description, cancelled=cancelled, batch=batch)
                )
            except OperationCancelled:
                raise
            except EvidenceError as exc:
                report.refused.append((str(path), exc.message))
            except OSError as exc:
                report.refused.append((str(path), f"cannot read the file: {exc.strerror or exc}"))
            batch.maybe_commit()
            if progress is not None:
                progress(index + 1, len(files))
    finally:
        batch.close()
    return report


def import_file(
    case: CaseFile,
    path: Path,
    *,
    forced_kind: ItemKind | None = None,
    metadata: dict[str, Any] | None = None,
    description: str | None = None,
    cancelled: Callable[[], bool] | None = None,
    batch: FileBatch | None = None,
) -> list[int]:
    """Import one file as one item (or a mailbox and its messages); returns the new item ids.

    With a ``batch``, the file's changes go into the batch's open transaction (in a savepoint).
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
            digests = case.store_object(tx, _Prefixed(head, stream), cancelled=cancelled)
            duplicate = case.find_item_by_sha256(digests.sha256)
            if duplicate is not None:
                where = f" ({duplicate.exhibit_label})" if duplicate.exhibit_label else ""
                raise ImportRefused(
                    f"already in the case as item {duplicate.id}{where}, same SHA-256; not added again"
                )
            if digests.size > MAX_PARSE_BYTES:
                data = b""
            else:
                data = case.read_object(digests.sha256)
            common = dict(digests=digests, original_name=path.name, source_path=str(path))
            if kind is ItemKind.MAILBOX:
                return _import_mailbox(case, tx, data, common)
            if data or digests.size == 0:
                parsed = parse_item(kind, data, path.name)
                status, name, record, error = parsed.status, parsed.name, parsed.record, parsed.error
            else:
                status, name, record = ParseStatus.FAILED, path.name, {}
                error = "too large to parse; the original is kept"
            item_id = case.add_item(
                tx, kind=kind, name=name, parse_status=status, parse_error=error,
                record=record, metadata=metadata or {},
                description=description or default_description(kind, name, record, metadata or {}),
                **common,
            )
            return [item_id]


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


def _import_mailbox(case: CaseFile, tx: Any, data: bytes, common: dict[str, Any]) -> list[int]:
    """The mailbox is kept whole; each message becomes an item of its own."""
    parts = split_mailbox(data)
    mailbox_id = case.add_item(
        tx, kind=ItemKind.MAILBOX, name=common["original_name"], parse_status=ParseStatus.OK,
        record={"messages": len(parts)}, **common,
    )
    ids = [mailbox_id]
    for part in parts:
        digests = case.store_object(tx, io.BytesIO(part.data))
        name = f"{common['original_name']} #{part.index + 1}"
        if part.problem:
            status, record, error = ParseStatus.FAILED, {"index": part.index}, part.problem
        else:
            parsed = parse_item(ItemKind.EMAIL, part.data, name)
            status, record, error = parsed.status, dict(parsed.record), parsed.error
            record["index"] = part.index
            name = parsed.name
        ids.append(
            case.add_item(
                tx, kind=ItemKind.MAILBOX_MESSAGE, digests=digests, name=name,
                original_name=f"{common['original_name']}.{part.index + 1:04d}.eml",
                source_path=common["source_path"], parse_status=status, parse_error=error,
                record=record, parent_id=mailbox_id,
                description=default_description(ItemKind.MAILBOX_MESSAGE, name, record, {}),
            )
        )
    return ids


def add_domains(case: CaseFile, text: str, *, source: str) -> DomainReport:
    """Add the domains in a pasted list (one per line, CSV, URLs, defanged) to the case."""
    from app.ops.domains import registry_table  # the case's corrections decide new domains' registry too

    names, problems = parse_domain_list(text)
    table = registry_table(case)
    domains = [
        Domain(
            id=0, ascii=n.ascii, unicode=n.unicode, tld=n.tld, registrable=n.registrable,
            registry_id=table.for_tld(n.tld).id, added_at="", source=source, flags=n.flags,
        )
        for n in names
    ]
    with case.transaction() as tx:
        added = case.add_domains(tx, domains, source=source)
    return DomainReport(added=added, duplicates=len(domains) - added, problems=problems)
