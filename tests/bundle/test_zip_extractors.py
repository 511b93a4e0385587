"""Zips built to extract differently under Info-ZIP unzip or libarchive bsdtar are refused by verify.

Each hostile layout starts from a genuine sealed bundle and changes one thing
an extractor could read differently. Every one must be refused (BundleError,
exit 2, naming the entry). Where unzip and bsdtar are installed (.ci/run
installs them), the tests also extract each zip with them and record what
they write; for the layouts marked ``differs`` the tools really do write
other files than the central directory names, so the threat is real, not
hypothetical. The genuine bundle, re-packed the same way, extracts to
exactly the files verify hashed, under every tool.
"""

from __future__ import annotations

import hashlib
import shutil
import struct
import subprocess
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from app.bundle import BuiltBundle, verify_bundle, zipscan
from app.bundle.safezip import open_bag
from app.cli import main
from app.core.errors import BundleError

from . import zipcraft as zc
from .conftest import BAG_NAME

TOOLS = {
    "unzip": lambda zip_path, out: ["unzip", "-o", "-qq", str(zip_path), "-d", str(out)],
    "bsdtar": lambda zip_path, out: ["bsdtar", "-xf", str(zip_path), "-C", str(out)],
    "bsdtar-stream": lambda zip_path, out: ["bsdtar", "-xf", "-", "-C", str(out)],  # reads local headers only
}
HAVE_TOOLS = all(shutil.which(tool) for tool in ("unzip", "bsdtar"))
TARGET = f"{BAG_NAME}/data/exhibits/Exhibit-002/original/shot.png"  # a stored exhibit, to be replaced
FORGED = b"\x89PNG forged exhibit"


def extract(zip_path: Path, tool: str, into: Path) -> dict[str, str]:
    """What ``tool`` writes for the zip: relative path -> SHA-256 (symlinks marked)."""
    into.mkdir(parents=True)
    command = TOOLS[tool](zip_path, into)
    with zip_path.open("rb") as stdin:
        subprocess.run(
            command,
            stdin=stdin if tool.endswith("stream") else None,
            capture_output=True,
            timeout=60,
            env={"LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin"},
        )
    found = {}
    for path in into.rglob("*"):
        if path.is_symlink():
            found[path.relative_to(into).as_posix()] = "symlink"
        elif path.is_file():
            found[path.relative_to(into).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def verified_files(zip_path: Path) -> dict[str, str]:
    """The files verify hashes for the zip (bag-relative names prefixed with the bag's folder)."""
    with open_bag(zip_path) as bag:
        found = {}
        for name in bag.sizes:
            with bag.open(name) as stream:
                found[f"{bag.bag_name}/{name}"] = hashlib.sha256(
                    b"".join(iter(lambda: stream.read(1 << 20), b""))
                ).hexdigest()
        return found


def genuine(golden: BuiltBundle) -> list[zc.Entry]:
    with zipfile.ZipFile(golden.path) as archive:
        files = [(info.filename, archive.read(info)) for info in archive.infolist() if not info.is_dir()]
    return zc.from_files(files)


def _set(entries: list[zc.Entry], name: str, **changes: object) -> list[zc.Entry]:
    for entry in entries:
        if entry.name == name.encode():
            for key, value in changes.items():
                setattr(entry, key, value)
            return entries
    raise AssertionError(name)


def _hidden_local(name: str, data: bytes) -> bytes:
    built = zc.build(zc.Layout([zc.Entry(name.encode(), data)]))
    return built[: built.index(b"PK\x01\x02")]


def _zip64_end(entries: list[zc.Entry], count64: int) -> bytes:
    """The genuine bundle with zip64 end records whose entry count disagrees with the end record."""
    data = zc.build(zc.Layout(entries))
    end = data[-22:]
    _, _, _, _, count, size, offset, _ = struct.unpack("<4s4H2LH", end)
    record = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count64, count64, size, offset)
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, len(data) - 22, 1)
    return data[:-22] + record + locator + end


Case = Callable[[list[zc.Entry]], bytes | zc.Layout]
FOLDER_ENTRY = f"{BAG_NAME}/data/zz/"
# name -> (builder, does unzip or bsdtar really write something else than the central directory says?)
HOSTILE: dict[str, tuple[Case, bool]] = {
    "unicode-path-on-a-folder-entry": (
        lambda e: zc.Layout(
            [
                *e,
                zc.Entry(
                    FOLDER_ENTRY.encode(),
                    FORGED,
                    external=zc.FOLDER,
                    central_extra=zc.unicode_path(TARGET.encode(), FOLDER_ENTRY.encode()),
                    local_extra=zc.unicode_path(TARGET.encode(), FOLDER_ENTRY.encode()),
                ),
            ]
        ),
        True,
    ),
    "unicode-path-equal-to-the-name": (
        lambda e: _set(
            e,
            TARGET,
            central_extra=zc.unicode_path(TARGET.encode(), TARGET.encode()),
            local_extra=zc.unicode_path(TARGET.encode(), TARGET.encode()),
        ),
        False,
    ),
    "unicode-comment-field": (
        lambda e: _set(e, TARGET, central_extra=zc.extra(0x6375, b"\x01\0\0\0\0hi")),
        False,
    ),
    "folder-entry-with-data": (
        lambda e: zc.Layout([*e, zc.Entry(FOLDER_ENTRY.encode(), FORGED, external=zc.FOLDER)]),
        False,
    ),
    "file-with-a-folder-mode": (
        lambda e: zc.Layout([*e, zc.Entry(f"{BAG_NAME}/data/zz.bin".encode(), FORGED, external=zc.FOLDER)]),
        True,
    ),
    "file-with-the-dos-folder-bit": (
        lambda e: zc.Layout(
            [*e, zc.Entry(f"{BAG_NAME}/data/zz.bin".encode(), FORGED, external=0x10, create_system=0)]
        ),
        True,
    ),
    "folder-name-with-a-file-mode": (lambda e: zc.Layout([*e, zc.Entry(FOLDER_ENTRY.encode())]), False),
    "local-header-names-another-file": (
        lambda e: _set(e, TARGET, local_name=TARGET.encode()[:-1] + b"X"),
        True,
    ),
    "local-header-other-size": (lambda e: _set(e, TARGET, local_sizes=(3, 3)), False),
    "local-header-other-crc": (lambda e: _set(e, TARGET, local_crc=7), False),
    "local-header-other-method": (
        lambda e: zc.build(zc.Layout(_set(e, TARGET))).replace(
            b"PK\x03\x04\x14\x00\x00\x00\x00\x00", b"PK\x03\x04\x14\x00\x00\x00\x08\x00", 1
        ),
        False,
    ),
    "local-header-other-flags": (lambda e: _central_flags(e, f"{BAG_NAME}/bagit.txt", 0x800), False),
    "name-flagged-utf8-that-is-not": (
        lambda e: zc.Layout([*e, zc.Entry(f"{BAG_NAME}/data/caf".encode() + b"\xe9.txt", b"x", flags=0x800)]),
        True,
    ),
    "non-ascii-name-without-the-utf8-flag": (
        lambda e: zc.Layout([*e, zc.Entry(f"{BAG_NAME}/data/caf".encode() + b"\xe9.txt", b"x")]),
        False,
    ),
    "hidden-entry-before-the-first": (lambda e: zc.Layout(e, prefix=_hidden_local(TARGET, FORGED)), False),
    "hidden-entry-between-entries": (
        lambda e: zc.Layout(
            [*e[:5], zc.replace(e[5], after=_hidden_local(f"{BAG_NAME}/data/zz.bin", FORGED)), *e[6:]]
        ),
        False,
    ),
    "hidden-entry-before-the-directory": (
        lambda e: zc.Layout(e, before_directory=_hidden_local(f"{BAG_NAME}/data/zz.bin", FORGED)),
        False,
    ),
    "two-records-for-one-entry": (
        lambda e: zc.Layout(e, extra_records=[(len(e) - 1, zc.replace(e[-1]))]),
        False,
    ),
    "directory-out-of-file-order": (lambda e: zc.Layout(e, directory_order=[1, 0, *range(2, len(e))]), False),
    "zip-comment": (lambda e: zc.Layout(e, comment=b"see other file"), False),
    "second-zip-appended": (
        lambda e: zc.Layout(e, trailing=zc.build(zc.Layout([zc.Entry(TARGET.encode(), FORGED)]))),
        True,
    ),
    "second-end-record-appended": (lambda e: zc.build(zc.Layout(e))[:] + zc.build(zc.Layout(e))[-22:], False),
    "entry-count-wrong": (lambda e: zc.Layout(e, count_override=len(e) - 1), False),
    "zip64-count-disagrees": (lambda e: _zip64_end(e, len(e) + 1), False),
    "data-descriptor-on-a-stored-entry": (
        lambda e: _set(
            e,
            TARGET,
            flags=0x8,
            local_crc=0,
            local_sizes=(0, 0),
            after=b"PK\x07\x08" + struct.pack("<3L", 0, 0, 0),
        ),
        False,
    ),
    "encrypted-entry": (lambda e: _set(e, TARGET, flags=0x1), False),
    "unknown-compression-method": (lambda e: _set(e, TARGET, method=12, payload=b"x"), False),
    "extra-field-some-tools-honour": (
        lambda e: _set(e, TARGET, central_extra=zc.extra(0x6C78, b"\0" * 8)),
        False,
    ),
    "extra-field-repeated": (
        lambda e: _set(e, TARGET, central_extra=zc.extra(0x5455, b"\x01\0\0\0\0") * 2),
        False,
    ),
    "entry-comment": (lambda e: _set(e, TARGET, comment=b"x"), False),
    "setuid-file": (lambda e: _set(e, TARGET, external=0o104755 << 16), False),
    # Issue 12, second review: header fields that were read but never checked.
    "stored-sizes-disagree": (lambda e: _stored_sizes(e, TARGET, 4096), True),
    "stored-sizes-disagree-smaller": (lambda e: _stored_sizes(e, TARGET, -100), True),
    "version-needed-6.3": (lambda e: _set(e, TARGET, needed=63), False),
    "end-record-comment-length-without-comment": (lambda e: zc.Layout(e, comment_length=16), False),
    # Third review (a7): the host system whose attributes an extractor applies.
    "made-on-vms": (lambda e: _set(e, TARGET, create_system=2), False),
    "unreadable-file-mode": (lambda e: _set(e, TARGET, external=0o100000 << 16), False),
    "locked-folder-mode": (
        lambda e: zc.Layout([zc.Entry(f"{BAG_NAME}/data/".encode(), external=(0o040000 << 16) | 0x10), *e]),
        False,
    ),
    "symbolic-link": (
        lambda e: zc.Layout(
            [*e, zc.Entry(f"{BAG_NAME}/data/link".encode(), b"/etc/passwd", external=0o120777 << 16)]
        ),
        False,
    ),
}


WHY_REFUSED = {
    'data-descriptor-on-a-stored-entry': 'data descriptor',
    'directory-out-of-file-order': 'out of their order',
    'encrypted-entry': 'encrypted',
    'entry-comment': 'carries a comment',
    'entry-count-wrong': 'more records than the end record counts',
    'extra-field-repeated': 'repeats extra field',
    'extra-field-some-tools-honour': 'extra field 0x6c78',
    'file-with-a-folder-mode': "a folder's mode",
    'file-with-the-dos-folder-bit': "a folder's mode",
    'folder-entry-with-data': 'folder entry carries data',
    'folder-name-with-a-file-mode': 'folder entry has the mode of a file',
    'hidden-entry-before-the-directory': 'hidden bytes',
    'hidden-entry-before-the-first': 'bytes before the first entry',
    'hidden-entry-between-entries': 'hidden bytes',
    'local-header-names-another-file': 'local header names another file',
    'local-header-other-crc': 'size or CRC',
    'local-header-other-flags': 'method, flags or date',
    'local-header-other-method': 'method, flags or date',
    'local-header-other-size': 'size or CRC',
    'name-flagged-utf8-that-is-not': 'flagged as UTF-8 but is not',
    'non-ascii-name-without-the-utf8-flag': 'neither ASCII nor flagged',
    'second-end-record-appended': 'central directory is not where',
    'second-zip-appended': 'central directory is not where',
    'setuid-file': 'setuid',
    'stored-sizes-disagree': 'stored entry gives two different sizes',
    'stored-sizes-disagree-smaller': 'stored entry gives two different sizes',
    'version-needed-6.3': 'zip version 6.3',
    'end-record-comment-length-without-comment': 'declares a comment of 16 bytes',
    'made-on-vms': 'host system 2',
    'unreadable-file-mode': 'unreadable to its owner',
    'locked-folder-mode': 'lock its owner out',
    'symbolic-link': 'symbolic link',
    'two-records-for-one-entry': 'out of their order',
    'unicode-comment-field': 'Unicode comment field',
    'unicode-path-equal-to-the-name': 'Unicode path field',
    'unicode-path-on-a-folder-entry': 'Unicode path field',
    'unknown-compression-method': 'method 12',
    'zip-comment': 'comment or data after its end record',
    'zip64-count-disagrees': 'zip64 end record and the end record disagree',
}


def _stored_sizes(entries: list[zc.Entry], name: str, delta: int) -> list[zc.Entry]:
    """A stored entry whose uncompressed size (in both headers) is off by ``delta`` from the bytes it holds:
    the entries still line up, and a Payload-Oxum built from the sizes can be made to add up."""
    for entry in entries:
        if entry.name == name.encode():
            stored = len(entry.stored())
            entry.local_sizes = entry.central_sizes = (stored, stored + delta)
            return entries
    raise AssertionError(name)


def _central_flags(entries: list[zc.Entry], name: str, flags: int) -> bytes:
    """The genuine bundle with one central record's flags changed (its local header keeps the old ones)."""
    data = bytearray(zc.build(zc.Layout(entries)))
    record = data.rindex(b"PK\x01\x02", 0, data.rindex(name.encode()))
    data[record + 8 : record + 10] = struct.pack("<H", flags)
    return bytes(data)


def _bytes(case: Case, golden: BuiltBundle) -> bytes:
    built = case(genuine(golden))
    if isinstance(built, list):
        built = zc.Layout(built)
    return zc.build(built) if isinstance(built, zc.Layout) else bytes(built)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_layout_is_refused_naming_the_entry(name: str, golden: BuiltBundle, tmp_path: Path) -> None:
    bundle = tmp_path / f"{name}.zip"
    bundle.write_bytes(_bytes(HOSTILE[name][0], golden))
    with pytest.raises(BundleError) as caught:
        verify_bundle(bundle)
    message = caught.value.diagnostics()
    assert WHY_REFUSED[name] in message, message
    assert caught.value.path, message


@pytest.mark.skipif(not HAVE_TOOLS, reason="unzip and bsdtar are not installed")
@pytest.mark.parametrize("name", sorted(n for n, (_, differs) in HOSTILE.items() if differs))
def test_the_threat_is_real_the_tools_write_other_files(
    name: str, golden: BuiltBundle, tmp_path: Path
) -> None:
    """The central directory names the genuine files, yet some tool writes other files."""
    bundle = tmp_path / f"{name}.zip"
    bundle.write_bytes(_bytes(HOSTILE[name][0], golden))
    with zipfile.ZipFile(golden.path) as archive:
        directory_view = {i.filename for i in archive.infolist() if not i.is_dir()}
    trees = {tool: extract(bundle, tool, tmp_path / tool) for tool in TOOLS}
    genuine_tree = extract(golden.path, "unzip", tmp_path / "genuine")
    assert any(tree != genuine_tree for tree in trees.values()), f"{name}: every tool wrote the genuine bag"
    assert set(genuine_tree) == directory_view


@pytest.mark.skipif(not HAVE_TOOLS, reason="unzip and bsdtar are not installed")
def test_genuine_bundle_extracts_to_exactly_the_files_verified(golden: BuiltBundle, tmp_path: Path) -> None:
    """Our own zip and the same files re-packed field by field: every tool writes what verify hashed."""
    repacked = tmp_path / "repacked.zip"
    repacked.write_bytes(zc.build(zc.Layout(genuine(golden))))
    for bundle in (golden.path, repacked):
        assert verify_bundle(bundle).intact
        expected = verified_files(bundle)
        for tool in TOOLS:
            assert extract(bundle, tool, tmp_path / bundle.stem / tool) == expected, tool


@pytest.mark.skipif(not HAVE_TOOLS, reason="unzip and bsdtar are not installed")
def test_bad_crc_stored_entry_fails_as_the_tools_fail(golden: BuiltBundle, tmp_path: Path) -> None:
    """unzip and bsdtar write the same bytes but fail with "bad CRC": verify says NOT VALID, naming it."""
    bundle = tmp_path / "crc.zip"
    bundle.write_bytes(zc.build(zc.Layout(_set(genuine(golden), TARGET, crc=1234, local_crc=1234))))
    report = verify_bundle(bundle)
    assert [(p.code, p.path) for p in report.problems] == [("unreadable-file", TARGET.split("/", 1)[1])]
    assert "CRC-32" in report.problems[0].message
    run = subprocess.run(["unzip", "-t", str(bundle)], capture_output=True, text=True)
    assert run.returncode != 0 and "bad CRC" in run.stdout + run.stderr


@pytest.mark.parametrize("damage", ["truncated", "padded", "corrupt", "longer"])
def test_damaged_deflate_stream_is_a_problem_not_a_pass(
    damage: str, golden: BuiltBundle, tmp_path: Path
) -> None:
    entries = genuine(golden)
    victim = next(e for e in entries if e.method == 8 and e.name.endswith(b"bag-info.txt"))
    packed = victim.stored()
    victim.payload = {
        "truncated": packed[:-3],
        "padded": packed + b"\0\0\0",
        "corrupt": b"\xff" * len(packed),
        "longer": zlib.compress(victim.data + b"!", 9)[2:-4],
    }[damage]
    bundle = tmp_path / "damaged.zip"
    bundle.write_bytes(zc.build(zc.Layout(entries)))
    report = verify_bundle(bundle)
    assert ("unreadable-file", "bag-info.txt") in {(p.code, p.path) for p in report.problems}
    assert not report.ok and not report.intact


def test_cli_exit_2_names_the_entry_and_json_too(
    golden: BuiltBundle, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    bundle = tmp_path / "hostile.zip"
    bundle.write_bytes(_bytes(HOSTILE["unicode-path-on-a-folder-entry"][0], golden))
    assert main(["verify", str(bundle)]) == 2
    captured = capsys.readouterr()
    assert FOLDER_ENTRY in captured.err and "Unicode path" in captured.err and "Traceback" not in captured.err
    assert main(["verify", "--json", str(bundle)]) == 2
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False and data["exit_code"] == 2 and data["error"]["path"] == FOLDER_ENTRY


def test_a_bundle_larger_than_2_gib_verifies(build: Callable[..., BuiltBundle], tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Past 2 GiB the writer gives each later entry a zip64 offset, in the central directory only, which then
    says "version 4.5 needed" while the local header says what the entry itself needs (2.0). Our own reader once
    refused such a bundle (a 5 GB one, in the benchmark). Here in miniature: the writer's zip64 threshold and the
    reader's lowered alike to 4 KiB lay out and read a small bundle exactly as a large one."""
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 4096)
    monkeypatch.setattr(zipscan, "_ZIP64_OFFSETS_FROM", 4096)
    built = build(tmp_path / "big.zip")
    with zipfile.ZipFile(built.path) as archive:
        later = [i for i in archive.infolist() if i.header_offset > 4096]
    data = built.path.read_bytes()
    local_versions = {struct.unpack_from("<H", data, i.header_offset + 4)[0] for i in later}
    assert later and 20 in local_versions  # the layout under test: local 2.0, central 4.5
    assert verify_bundle(built.path).intact
    if HAVE_TOOLS:
        assert subprocess.run(["unzip", "-tqq", str(built.path)], capture_output=True).returncode == 0


def test_the_version_exception_needs_a_really_large_offset(golden: BuiltBundle, tmp_path: Path) -> None:
    """A small zip whose central directory puts offsets in zip64 fields and says 4.5 while the local headers say
    2.0 is no large bundle: the disagreement is refused as before."""
    layout = zc.Layout(genuine(golden))
    for entry in layout.entries:
        entry.needed, entry.central_needed, entry.zip64_offset = 20, 45, True
    bundle = tmp_path / "fake64.zip"
    bundle.write_bytes(zc.build(layout))
    with pytest.raises(BundleError, match="version needed"):
        verify_bundle(bundle)


def test_a_padded_deflate_stream_is_read_as_a_stream(golden: BuiltBundle, tmp_path: Path) -> None:
    """Empty deflate blocks (5 bytes each, inflating to nothing) can make a tiny file's stored bytes as large as
    one likes; extractors accept it and so does verify (the bytes are intact), but such an entry is read as a
    stream, not whole with its small neighbours: memory stays flat however large the padding."""
    entries = genuine(golden)
    victim = next(e for e in entries if e.method == 8 and b"/data/" in e.name)
    victim.payload = b"\x00\x00\x00\xff\xff" * (2 * 1024 * 1024 // 5) + victim.stored()
    bundle = tmp_path / "padded.zip"
    bundle.write_bytes(zc.build(zc.Layout(entries)))
    assert verify_bundle(bundle).intact
    name = victim.name.decode().split("/", 1)[1]
    with open_bag(bundle) as bag:
        assert name in bag.plan_reads(sorted(bag.sizes), 1024**2, 8 * 1024**2, 256)  # alone, not in a batch
