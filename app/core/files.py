"""Writing files safely, and saying in plain words why a write failed."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes, mode: int = 0o644, *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` through a temporary file beside it, then rename it over ``path``.

    ``mode`` is set before any byte lands (a private key is never readable by
    others, even for an instant). ``durable`` fsyncs before the rename (keys,
    settings); derived files that can be made again (documents) skip it. The
    temporary file is removed on any error.
    """
    descriptor, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(temp_name, mode)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


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
