"""A file written atomically is the old one or the new one, never a mix, even on a full disk."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from app.core import files
from app.core.files import write_atomic


def test_the_new_bytes_replace_the_old_with_the_mode_asked(tmp_path: Path) -> None:
    target = tmp_path / "key.pem"
    target.write_bytes(b"old")
    write_atomic(target, b"new", 0o600)
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["key.pem"]


def test_a_full_disk_keeps_the_old_file_and_leaves_no_temporary_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "trust.txt"
    target.write_bytes(b"old")

    def full(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(target, b"new" * 1000)
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["trust.txt"]


def test_exported_documents_are_readable_by_colleagues(tmp_path: Path) -> None:
    """Documents are not secrets: 0644, not the 0600 a bare temporary file would keep."""
    from app.documents.layout import atomic_write

    target = tmp_path / "out" / "01-declaration.pdf"
    atomic_write(target, b"%PDF-")
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
