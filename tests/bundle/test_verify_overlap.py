"""Verification hashes every file while it checks the structure and the signature: what that must not change."""

from __future__ import annotations

import sys
import threading
import types
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from app.bundle import BuiltBundle, verify_bundle, zipread
from app.core.errors import OperationCancelled


class CancelWhenHashed:
    """A reporter whose user presses Cancel once every byte is hashed, while the checks still run."""

    def __init__(self) -> None:
        self.pressed = threading.Event()

    def progress(self, done: int, total: int, stage: str = "") -> None:
        if done >= total:
            self.pressed.set()

    def cancelled(self) -> bool:
        return self.pressed.is_set()


def test_cancel_pressed_after_the_hashing_still_cancels(golden: BuiltBundle) -> None:
    before = set(threading.enumerate())
    with pytest.raises(OperationCancelled):
        verify_bundle(golden.path, reporter=CancelWhenHashed())
    assert set(threading.enumerate()) <= before  # the hashing threads are gone too


def test_the_zip_reader_falls_back_to_zlibs_crc(monkeypatch: pytest.MonkeyPatch) -> None:
    """zlib-ng's CRC-32 is used only when it gives zlib's results: a missing or faulty build falls back."""
    data = bytes(range(256)) * 5000
    assert zipread.crc32(data, 7) == zlib.crc32(data, 7)
    monkeypatch.setitem(sys.modules, "zlib_ng.zlib_ng", None)  # not installed
    assert zipread._fastest_crc32() is zlib.crc32
    faulty = types.ModuleType("zlib_ng.zlib_ng")
    faulty.crc32 = lambda data, start=0: zlib.crc32(data, start) ^ (len(data) > 256 * 1024)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "zlib_ng.zlib_ng", faulty)
    assert zipread._fastest_crc32() is zlib.crc32


class CancelOnlyWhileHashing:
    """A reporter whose Cancel is seen only from the hashing threads (the checks on this thread never see it)."""

    def progress(self, done: int, total: int, stage: str = "") -> None:
        return None

    def cancelled(self) -> bool:
        return threading.current_thread() is not threading.main_thread()


def test_cancel_is_heard_while_tag_files_are_hashed(build: Callable[..., BuiltBundle], tmp_path: Path) -> None:
    """Tag files are not counted in the progress, but a Cancel pressed while they are hashed (a large one takes
    seconds) stops the verification all the same."""
    built = build(tmp_path / "tags-only.zip", files={})
    with pytest.raises(OperationCancelled):
        verify_bundle(built.path, reporter=CancelOnlyWhileHashing())
