"""Hostile bundles are refused with a reason, and nothing is written anywhere."""

from __future__ import annotations

import hashlib
import os
import warnings
import zipfile
from pathlib import Path

import pytest

from app.bundle import BuiltBundle, ReadLimits, verify_bundle
from app.core.errors import BundleError

from .conftest import BAG_NAME, unzip


def make_zip(path: Path, entries: list[tuple[str, bytes] | zipfile.ZipInfo | tuple[zipfile.ZipInfo, bytes]]) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names; we want them
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for entry in entries:
                if isinstance(entry, zipfile.ZipInfo):
                    archive.writestr(entry, b"")
                else:
                    archive.writestr(entry[0], entry[1])
    return path


def tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def with_mode(name: str, mode: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = mode << 16
    return info


BAG = [(f"{BAG_NAME}/bagit.txt", b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")]

HOSTILE = {
    "zip-slip": [*BAG, (f"{BAG_NAME}/../../evil.txt", b"owned")],
    "zip-slip-top": [*BAG, ("../evil.txt", b"owned")],
    "absolute": [*BAG, ("/tmp/evbundle-evil.txt", b"owned")],
    "drive": [*BAG, ("C:/evil.txt", b"owned")],
    "backslash": [*BAG, (f"{BAG_NAME}\\..\\..\\evil.txt", b"owned")],
    "symlink": [*BAG, (with_mode(f"{BAG_NAME}/data/link", 0o120777), b"/etc/passwd")],
    "device": [*BAG, (with_mode(f"{BAG_NAME}/data/dev", 0o020644), b"")],
    "duplicate": [*BAG, (f"{BAG_NAME}/data/a.txt", b"1"), (f"{BAG_NAME}/data/a.txt", b"2")],
    "nfc-clash": [*BAG, (f"{BAG_NAME}/data/caf\u00e9.txt", b"1"), (f"{BAG_NAME}/data/cafe\u0301.txt", b"2")],
    "case-clash": [*BAG, (f"{BAG_NAME}/data/A.txt", b"1"), (f"{BAG_NAME}/data/a.txt", b"2")],
    "nul": [*BAG, (f"{BAG_NAME}/data/a#NUL#.txt", b"1")],  # patched to a real NUL below
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_zip_refused_without_writing(tmp_path: Path, case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    sandbox = tmp_path / "sandbox"
    sandbox.mkdir()
    bundle = make_zip(sandbox / "hostile.zip", HOSTILE[case])  # type: ignore[arg-type]
    bundle.write_bytes(bundle.read_bytes().replace(b"#NUL#", b"\x00.exe"))  # zipfile cannot write NUL names
    monkeypatch.chdir(sandbox)
    before = tree(tmp_path)
    with pytest.raises(BundleError) as caught:
        verify_bundle(bundle)
    assert "refused" in caught.value.message or "hostile" in caught.value.message
    assert tree(tmp_path) == before
    assert not (tmp_path / "evil.txt").exists()
    assert not Path("/tmp/evbundle-evil.txt").exists()


def test_too_many_entries(tmp_path: Path) -> None:
    bundle = make_zip(tmp_path / "many.zip", [*BAG, *((f"{BAG_NAME}/data/{i}.txt", b"x") for i in range(20))])
    with pytest.raises(BundleError, match="too many entries"):
        verify_bundle(bundle, limits=ReadLimits(max_entries=10))


def test_zip_bomb_ratio_and_total_size(tmp_path: Path) -> None:
    bundle = make_zip(tmp_path / "bomb.zip", [*BAG, (f"{BAG_NAME}/data/zeros.bin", bytes(8 * 1024 * 1024))])
    with pytest.raises(BundleError, match="zip bomb"):
        verify_bundle(bundle)
    with pytest.raises(BundleError, match="size limit"):
        verify_bundle(bundle, limits=ReadLimits(max_total_size=1024 * 1024, max_ratio=10**6))


def test_encrypted_entry_refused(tmp_path: Path) -> None:
    bundle = make_zip(tmp_path / "enc.zip", BAG)
    data = bytearray(bundle.read_bytes())
    central = data.rfind(b"PK\x01\x02")
    data[central + 8] |= 0x01  # general-purpose flag: encrypted
    bundle.write_bytes(bytes(data))
    with pytest.raises(BundleError, match="encrypted"):
        verify_bundle(bundle)


def test_not_a_zip_and_not_a_bag(tmp_path: Path) -> None:
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"this is not a zip")
    with pytest.raises(BundleError, match="not a zip"):
        verify_bundle(junk)
    with pytest.raises(BundleError, match="no BagIt bag"):
        verify_bundle(make_zip(tmp_path / "plain.zip", [("a/readme.txt", b"hi"), ("b/x.txt", b"")]))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(BundleError, match="no BagIt bag"):
        verify_bundle(empty)
    with pytest.raises(BundleError, match="no such"):
        verify_bundle(tmp_path / "missing.zip")


def test_two_bags_in_one_zip_refused(tmp_path: Path) -> None:
    bundle = make_zip(tmp_path / "two.zip", [*BAG, ("other/bagit.txt", BAG[0][1])])
    with pytest.raises(BundleError, match="more than one bag"):
        verify_bundle(bundle)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_symlink_in_folder_refused(golden, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bag = unzip(golden.path, tmp_path)
    outside = tmp_path / "secret.txt"
    outside.write_text("not evidence")
    os.symlink(outside, bag / "data" / "link.txt")
    with pytest.raises(BundleError, match="symbolic link"):
        verify_bundle(bag)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_fifo_in_folder_refused(golden, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bag = unzip(golden.path, tmp_path)
    os.mkfifo(bag / "data" / "pipe")
    with pytest.raises(BundleError, match="special file"):
        verify_bundle(bag)


def test_folder_with_two_bags_refused(golden, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    unzip(golden.path, tmp_path / "one")
    (tmp_path / "one" / "second").mkdir()
    (tmp_path / "one" / "second" / "bagit.txt").write_text("BagIt-Version: 1.0\n")
    with pytest.raises(BundleError, match="more than one bag"):
        verify_bundle(tmp_path / "one")


def test_file_outside_the_bag_in_zip_is_a_problem(golden, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(golden.path) as source:
        entries = [(info.filename, source.read(info)) for info in source.infolist() if not info.is_dir()]
    bundle = make_zip(tmp_path / "plus.zip", [*entries, ("README-not-in-bag.txt", b"hello")])
    report = verify_bundle(bundle)
    assert not report.ok
    assert "README-not-in-bag.txt" in report.problem_paths()


def test_local_header_naming_another_file_is_refused(golden, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A streaming extractor writes the local header's name: it must be the listed one."""
    data = bytearray(golden.path.read_bytes())
    name = b"original/shot.png"
    first = data.index(name)  # the local header comes before the central directory
    data[first:first + len(name)] = b"original/shot.pnG"
    forged = tmp_path / "forged.zip"
    forged.write_bytes(bytes(data))
    with pytest.raises(BundleError, match="local header names another file") as caught:
        verify_bundle(forged)
    assert caught.value.path is not None and caught.value.path.endswith("original/shot.png")


def test_built_bundle_hash_is_the_files_hash(golden) -> None:  # type: ignore[no-untyped-def]
    """The zip's SHA-256 is computed while writing (no second pass); it must be the file's."""
    assert golden.sha256 == hashlib.sha256(golden.path.read_bytes()).hexdigest()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_file_swapped_for_a_named_pipe_after_listing_does_not_hang(golden: BuiltBundle, tmp_path: Path) -> None:
    """Between listing a folder and reading a file, the file becomes a named pipe: opening it would wait for a
    writer forever; it is refused as not a regular file instead."""
    import threading

    from app.bundle.safezip import open_bag

    bag = unzip(golden.path, tmp_path / "u")
    outcome: list[BaseException | None] = []

    def read(files: object) -> None:
        try:
            files.open("bagit.txt").close()  # type: ignore[attr-defined]
            outcome.append(None)
        except BundleError as exc:
            outcome.append(exc)

    with open_bag(bag) as files:
        (bag / "bagit.txt").unlink()
        os.mkfifo(bag / "bagit.txt")
        reader = threading.Thread(target=read, args=(files,), daemon=True)
        reader.start()
        reader.join(timeout=10)
    assert not reader.is_alive()
    assert isinstance(outcome[0], BundleError) and "not a regular file" in str(outcome[0])


@pytest.mark.skipif(os.open not in os.supports_dir_fd, reason="folders cannot be opened one by one here")
def test_a_folder_swapped_for_a_link_after_listing_leads_nowhere(golden: BuiltBundle, tmp_path: Path) -> None:
    """A folder of the bag replaced, after the listing, by a link to a folder outside holding a file of the same
    name and size: the file outside is never opened (each folder is opened from the one before, no link followed)."""
    from app.bundle.safezip import open_bag

    bag = unzip(golden.path, tmp_path / "u")
    name = "data/documents/declaration.docx"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "declaration.docx").write_bytes(b"x" * (bag / name).stat().st_size)
    with open_bag(bag) as files:
        (bag / name).unlink()
        (bag / "data/documents").rmdir()
        (bag / "data/documents").symlink_to(outside)
        with pytest.raises(OSError):
            files.open(name)


def test_a_file_grown_after_listing_is_not_read(golden: BuiltBundle, tmp_path: Path) -> None:
    """A file that is not the size the listing found is refused, not read to its (perhaps endless) end."""
    from app.bundle.safezip import open_bag

    bag = unzip(golden.path, tmp_path / "u")
    name = "data/documents/declaration.docx"
    with open_bag(bag) as files:
        with open(bag / name, "r+b") as grown:
            grown.truncate(2 * 1024**3)  # sparse: 2 GiB that take no disk
        with pytest.raises(BundleError, match="not the same size"):
            files.open(name)
        ((_, problem),) = list(files.read_many([name]))
        assert isinstance(problem, BundleError)
