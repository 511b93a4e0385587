"""Building bundles: layout, BagIt files, reproducibility, refusals, atomic output, cancel."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest

from app.bundle import BuiltBundle, PayloadFile, SigningIdentity, build_bundle, portable_name
from app.core.errors import BundleError, OperationCancelled
from app.core.reporting import CallbackReporter

from .conftest import BAG_NAME, PAYLOAD, Build

EXPECTED_FILES = sorted(
    [f"data/{p}" for p in PAYLOAD]
    + ["VERIFY.txt", "bag-info.txt", "bagit.txt", "case.json", "custody.jsonl",
       "manifest-sha256.txt", "manifest-sha512.txt", "tagmanifest-sha256.txt", "tagmanifest-sha512.txt",
       "signature/signer.pem", "signature/tagmanifest-sha256.txt.p7s"]
)


def entries(path: Path) -> dict[str, zipfile.ZipInfo]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: info for info in archive.infolist()}


def test_layout_and_metadata(golden: BuiltBundle) -> None:
    infos = entries(golden.path)
    names = list(infos)
    assert names == sorted(names)
    files = [n.removeprefix(f"{BAG_NAME}/") for n in names if not n.endswith("/")]
    assert files == EXPECTED_FILES
    for info in infos.values():
        assert info.date_time == (2024, 5, 1, 0, 0, 0)
        mode = info.external_attr >> 16
        assert mode == (0o040755 if info.is_dir() else 0o100644)
        assert info.create_system == 3
    assert infos[f"{BAG_NAME}/data/exhibits/Exhibit-002/original/shot.png"].compress_type == zipfile.ZIP_STORED
    assert infos[f"{BAG_NAME}/data/exhibits/Exhibit-002/exhibit.pdf"].compress_type == zipfile.ZIP_STORED
    assert infos[f"{BAG_NAME}/data/exhibits/Exhibit-001/original/spam.eml"].compress_type == zipfile.ZIP_DEFLATED
    assert golden.file_count == len(PAYLOAD)
    assert golden.payload_bytes == sum(map(len, PAYLOAD.values()))
    assert stat.S_IMODE(golden.path.stat().st_mode) == 0o644


def test_bag_info_and_manifests(golden: BuiltBundle) -> None:
    with zipfile.ZipFile(golden.path) as archive:
        info = archive.read(f"{BAG_NAME}/bag-info.txt").decode()
        manifest = archive.read(f"{BAG_NAME}/manifest-sha256.txt").decode()
        tagmanifest = archive.read(f"{BAG_NAME}/tagmanifest-sha256.txt").decode()
        bagit_txt = archive.read(f"{BAG_NAME}/bagit.txt")
    assert bagit_txt == b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
    assert "Bag-Software-Agent: evbundle" in info
    assert "External-Identifier: 1:24-cv-00042\n" in info
    assert "Bagging-Date: 2024-05-01\n" in info
    assert f"Payload-Oxum: {golden.payload_bytes}.{len(PAYLOAD)}\n" in info
    for path, digests in golden.payload_digests.items():
        assert f"{digests.sha256}  {path}\n" in manifest
    listed = sorted(line.split("  ", 1)[1] for line in tagmanifest.splitlines())
    assert listed == ["VERIFY.txt", "bag-info.txt", "bagit.txt", "case.json", "custody.jsonl",
                      "manifest-sha256.txt", "manifest-sha512.txt"]


def test_two_builds_are_identical_except_the_signature(build: Build, tmp_path: Path) -> None:
    first = build(tmp_path / "one.zip")
    second = build(tmp_path / "two.zip")
    with zipfile.ZipFile(first.path) as a, zipfile.ZipFile(second.path) as b:
        assert [i.filename for i in a.infolist()] == [i.filename for i in b.infolist()]
        for x, y in zip(a.infolist(), b.infolist()):
            assert (x.date_time, x.external_attr, x.compress_type, x.create_system) == (
                y.date_time, y.external_attr, y.compress_type, y.create_system)
            if x.filename.endswith(".p7s"):
                continue
            assert a.read(x) == b.read(y), x.filename
            assert x.CRC == y.CRC and x.compress_size == y.compress_size
    assert first.tagmanifest_sha256 == second.tagmanifest_sha256


def test_known_hash_mismatch_refused_and_nothing_written(signer: SigningIdentity, tmp_path: Path) -> None:
    out = tmp_path / "out" / "bundle.zip"
    wrong = [PayloadFile("a.txt", 3, lambda: io.BytesIO(b"abc"), sha256="0" * 64)]
    with pytest.raises(BundleError, match="does not match the SHA-256") as caught:
        build_bundle(out, BAG_NAME, wrong, {}, {}, signer, "2024-05-01")
    assert caught.value.path == "data/a.txt"
    assert list(out.parent.iterdir()) == []


def test_size_change_refused(signer: SigningIdentity, tmp_path: Path) -> None:
    lying = [PayloadFile("a.txt", 10, lambda: io.BytesIO(b"abc"))]
    with pytest.raises(BundleError, match="changed size"):
        build_bundle(tmp_path / "b.zip", BAG_NAME, lying, {}, {}, signer, "2024-05-01")
    assert not any(tmp_path.iterdir())


def test_cancel_mid_build_leaves_no_file(build: Build, tmp_path: Path) -> None:
    out = tmp_path / "bundle.zip"
    out.write_bytes(b"previous bundle")  # an earlier bundle must survive a cancelled rebuild
    calls = []

    def progress(done: int, total: int) -> None:
        calls.append((done, total))

    with pytest.raises(OperationCancelled):
        build(out, reporter=CallbackReporter(lambda done, total, _stage: progress(done, total),
                                             lambda: len(calls) >= 2))
    assert out.read_bytes() == b"previous bundle"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bundle.zip"]


def test_progress_reaches_total(build: Build) -> None:
    seen: list[tuple[int, int]] = []
    built = build(reporter=CallbackReporter(lambda done, total, _stage: seen.append((done, total))))
    assert seen[-1] == (built.payload_bytes, built.payload_bytes)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


@pytest.mark.parametrize(
    "path",
    ["/etc/passwd", "../escape.txt", "a/../../b", "a\\b.txt", "C:/x.txt", "a//b", "./a", "", "a\nb", "100%.txt"],
)
def test_unsafe_payload_names_refused(build: Build, tmp_path: Path, path: str) -> None:
    with pytest.raises(BundleError):
        build(files={path: b"x"})
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize(
    "names",
    [("caf\u00e9.txt", "cafe\u0301.txt"), ("Spam.eml", "spam.eml"), ("a", "a/b")],
)
def test_clashing_payload_names_refused(build: Build, names: tuple[str, str]) -> None:
    with pytest.raises(BundleError, match="would be one"):
        build(files=dict.fromkeys(names, b"x"))


def test_reserved_tag_names_and_bad_dates_refused(signer: SigningIdentity, tmp_path: Path) -> None:
    for tags in ({"bagit.txt": b""}, {"manifest-md5.txt": b""}, {"data/x": b""}, {"signature/y": b""}, {"verify.TXT": b""}):
        with pytest.raises(BundleError, match="tag file"):
            build_bundle(tmp_path / "x.zip", BAG_NAME, [], tags, {}, signer, "2024-05-01")
    with pytest.raises(BundleError, match="YYYY-MM-DD"):
        build_bundle(tmp_path / "x.zip", BAG_NAME, [], {}, {}, signer, "1 May 2024")
    with pytest.raises(BundleError, match="computed"):
        build_bundle(tmp_path / "x.zip", BAG_NAME, [], {}, {"Payload-Oxum": "1.1"}, signer, "2024-05-01")
    assert not any(tmp_path.iterdir())


def test_empty_payload_still_a_bag(build: Build) -> None:
    built = build(files={})
    assert f"{BAG_NAME}/data/" in entries(built.path)


def test_portable_name() -> None:
    assert portable_name('50% off: "cheap"?.eml') == "50_ off_ _cheap__.eml"
    assert portable_name("a/b\\c\nd") == "a_b_c_d"
    assert portable_name("..") == "_"
    assert portable_name("cafe\u0301") == "caf\u00e9"
