"""Writing files safely, and saying in plain words why a write failed.

``tempfile`` and ``sqlite3`` are imported where they are used: `evbundle verify` writes nothing and
starts without them.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_output(path: Path, mode: int = 0o644, *, durable: bool = True, suffix: str = ".tmp") -> Iterator[Path]:
    """A temporary file beside ``path`` for the caller to write (by any means: a stream, a PDF
    library, a zip writer); renamed over ``path`` when the block ends, removed on any error.

    This is the one way the app writes a single file the user will read: nobody ever sees a
    half-written file under the final name. (A set of files that must change together, the
    filing set, is staged in a folder of its own first; see ``app.ops.filing``.) ``mode`` is set
    before any byte lands (a private key is never readable by others, even for an instant).
    ``durable`` fsyncs the file before the rename (evidence exports, keys, settings) and the
    folder after it, so that the rename survives a power cut too; derived files that can be made
    again (documents, previews) skip both.
    """
    import tempfile

    descriptor, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=suffix)
    temp = Path(temp_name)
    try:
        os.close(descriptor)
        os.chmod(temp, mode)
        yield temp
        if durable:
            with open(temp, "r+b") as written:  # Windows refuses to flush a read-only handle
                os.fsync(written.fileno())
        os.replace(temp, path)
        if durable:
            _sync_folder(path.parent)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` survive a power cut (POSIX; Windows has no folder handles to flush)."""
    if os.name != "posix":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_atomic(path: Path, data: bytes, mode: int = 0o644, *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` through :func:`atomic_output`."""
    with atomic_output(path, mode, durable=durable) as temp, open(temp, "wb") as stream:
        stream.write(data)


def is_disk_full(exc: BaseException) -> bool:
    """Whether a write failed because the disk (or the user's quota, or a file size limit) is full."""
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", None))
    import sqlite3

    if isinstance(exc, sqlite3.Error):
        return getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
    return False


def write_failure(exc: OSError) -> str:
    """Why a write failed, in the user's words: a full disk says so (EFBIG too: a file size limit)."""
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", None)):
        return f"the disk is full ({reason})"
    if exc.errno == errno.EFBIG:
        return f"the disk is full or the file is larger than this system allows ({reason})"
    return reason


def is_inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` lies in ``folder`` (both resolved; False when either cannot be)."""
    try:
        path.resolve().relative_to(folder.resolve())
    except (ValueError, OSError):
        return False
    return True
