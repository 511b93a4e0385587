"""Flip, remove or add any file of a built bundle: verify exits 1 and names that file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.cli import main

from .conftest import Demo, unzip


def _files(bag: Path) -> list[Path]:
    return sorted(p for p in bag.rglob("*") if p.is_file())


@pytest.fixture
def bag(demo: Demo, tmp_path: Path) -> Path:
    return unzip(demo.bundle, tmp_path)


def _verify(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["verify", str(path)])
    return code, capsys.readouterr().out


def test_every_file_flipped_or_removed_is_named(bag: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _verify(bag, capsys)[0] == 3  # intact; the demo's throwaway key is unknown here
    for path in _files(bag):
        rel = path.relative_to(bag).as_posix()
        original = path.read_bytes()
        flipped = bytearray(original)
        flipped[len(flipped) // 2] ^= 0x01
        path.write_bytes(bytes(flipped))
        code, out = _verify(bag, capsys)
        assert code == 1 and rel in out, f"flipping a byte of {rel} was not named:\n{out}"
        path.unlink()
        code, out = _verify(bag, capsys)
        assert code == 1 and rel in out, f"removing {rel} was not named:\n{out}"
        path.write_bytes(original)
    assert _verify(bag, capsys)[0] == 3


@pytest.mark.parametrize("where", ["data/extra.txt", "data/exhibits/Exhibit-001/original/extra.eml", "extra-tag.txt"])
def test_added_file_is_named(bag: Path, where: str, capsys: pytest.CaptureFixture[str]) -> None:
    (bag / where).write_bytes(b"planted")
    code, out = _verify(bag, capsys)
    assert code == 1 and where in out, out


def test_tampered_zip_is_named(demo: Demo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import zipfile

    source = zipfile.ZipFile(demo.bundle)
    target = tmp_path / "tampered.zip"
    changed = None
    with zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            data = source.read(info)
            if changed is None and "/data/" in info.filename and not info.is_dir():
                data = data + b"!"
                changed = info.filename.split("/", 1)[1]
            out.writestr(info, data)
    code, out = _verify(target, capsys)
    assert code == 1 and changed in out, out


def test_not_a_bundle_cannot_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip at all")
    assert main(["verify", str(junk)]) == 2
    err = capsys.readouterr().err
    assert "junk.zip" in err and "Traceback" not in err
    shutil.rmtree(tmp_path, ignore_errors=True)
