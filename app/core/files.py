"""Writing a small file so that a crash, a kill or a full disk leaves the old file or the new one."""

from __future__ import annotations

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
