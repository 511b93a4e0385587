"""verify_bundle: a good bundle passes; every change to any file is reported at that file."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from app.bundle import BuiltBundle, SigningIdentity, build_bundle, create_identity, verify_bundle
from app.bundle.instructions import CERTIFICATE_FILE, SIGNATURE_FILE
from app.bundle.signing import sign_detached
from app.core.errors import OperationCancelled
from app.core.reporting import CallbackReporter

from .conftest import BAG_NAME, PAYLOAD, bag_files, unzip

ALL_FILES = sorted(
    [f"data/{p}" for p in PAYLOAD]
    + ["VERIFY.txt", "bag-info.txt", "bagit.txt", "case.json", "custody.jsonl",
       "manifest-sha256.txt", "manifest-sha512.txt", "tagmanifest-sha256.txt", "tagmanifest-sha512.txt",
       CERTIFICATE_FILE, SIGNATURE_FILE]
)


@pytest.fixture(scope="module")
def golden_bag(golden: BuiltBundle, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return unzip(golden.path, tmp_path_factory.mktemp("golden-bag"))


@pytest.fixture
def bag(golden_bag: Path, tmp_path: Path) -> Path:
    copy = tmp_path / BAG_NAME
    shutil.copytree(golden_bag, copy)
    return copy


def rezip(bag: Path, out: Path) -> Path:
    with zipfile.ZipFile(out, "w") as archive:
        for name in bag_files(bag):
            archive.write(bag / name, f"{BAG_NAME}/{name}")
    return out


def test_good_bundle_is_ok_as_zip_folder_and_parent(golden: BuiltBundle, golden_bag: Path, signer: SigningIdentity) -> None:
    assert bag_files(golden_bag) == ALL_FILES
    for source in (golden.path, golden_bag, golden_bag.parent):
        report = verify_bundle(source)
        assert report.intact and report.verdict == "unknown-signer" and not report.ok, report.to_text()
        assert report.problems == []
        assert report.bag_name == BAG_NAME
        assert report.payload_files == len(PAYLOAD)
        assert report.payload_bytes == sum(map(len, PAYLOAD.values()))
        assert report.signer is not None
        assert report.signer.fingerprint == signer.fingerprint
        assert report.signer.signature_valid and not report.signer.trusted
    report = verify_bundle(golden.path, trusted_fingerprints=[signer.fingerprint.replace(":", "").lower()])
    assert report.ok and report.signer is not None and report.signer.trusted
    text = report.to_text()
    assert "Result: VALID." in text and signer.fingerprint in text and "TRUSTED on this machine" in text
    data = report.to_json()
    assert data["ok"] is True and data["signer"]["fingerprint"] == signer.fingerprint
    json.dumps(data)


def test_untrusted_signer_is_a_problem(golden: BuiltBundle) -> None:
    report = verify_bundle(golden.path, trusted_fingerprints=["AA:BB"])
    assert not report.ok
    assert [(p.code, p.path) for p in report.problems] == [("untrusted-signer", CERTIFICATE_FILE)]


@pytest.mark.parametrize("name", ALL_FILES)
@pytest.mark.parametrize("as_zip", [False, True], ids=["folder", "zip"])
def test_flipped_byte_is_named(bag: Path, tmp_path: Path, name: str, as_zip: bool) -> None:
    target = bag / name
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    report = verify_bundle(rezip(bag, tmp_path / "t.zip") if as_zip else bag)
    assert not report.ok
    assert name in report.problem_paths(), report.to_text()
    assert any(line.lstrip().startswith(name + ":") for line in report.to_text().splitlines())


@pytest.mark.parametrize("name", ALL_FILES)
def test_removed_file_is_named(bag: Path, name: str) -> None:
    (bag / name).unlink()
    report = verify_bundle(bag)
    assert not report.ok
    assert name in report.problem_paths(), report.to_text()
    assert any(p.code == "missing-file" and p.path == name for p in report.problems)


@pytest.mark.parametrize(
    "name", ["data/exhibits/Exhibit-009/planted.eml", "data/extra.txt", "notes.txt", "signature/other.pem", "tagmanifest-md5.txt"]
)
def test_added_file_is_named(bag: Path, tmp_path: Path, name: str) -> None:
    (bag / name).parent.mkdir(parents=True, exist_ok=True)
    (bag / name).write_bytes(b"planted\n")
    for source in (bag, rezip(bag, tmp_path / "t.zip")):
        report = verify_bundle(source)
        assert not report.ok
        assert name in report.problem_paths(), report.to_text()


def test_renamed_payload_file_names_both(bag: Path) -> None:
    old = bag / "data/exhibits/Exhibit-001/original/spam.eml"
    old.rename(old.with_name("ham.eml"))
    paths = verify_bundle(bag).problem_paths()
    assert {"data/exhibits/Exhibit-001/original/spam.eml", "data/exhibits/Exhibit-001/original/ham.eml"} <= paths


def test_every_problem_is_collected(bag: Path) -> None:
    (bag / "data/documents/declaration.docx").unlink()
    (bag / "data/exhibits/Exhibit-002/exhibit.pdf").write_bytes(b"forged")
    (bag / "case.json").write_bytes(b"{not json")
    report = verify_bundle(bag)
    codes = {(p.code, p.path) for p in report.problems}
    assert ("missing-file", "data/documents/declaration.docx") in codes
    assert ("changed-file", "data/exhibits/Exhibit-002/exhibit.pdf") in codes
    assert ("payload-oxum", "bag-info.txt") in codes
    assert ("changed-file", "case.json") in codes
    assert ("bad-case-json", "case.json") not in codes  # a changed case.json is never parsed
    assert sum(p.path == "data/exhibits/Exhibit-002/exhibit.pdf" for p in report.problems) == 1


def test_broken_custody_chain_reported(signer: SigningIdentity, tmp_path: Path) -> None:
    """A chain broken before sealing (signed as it is) is reported; one changed after is a changed file."""
    from .conftest import custody_log, payload_files

    lines = custody_log().decode().splitlines()
    del lines[1]
    built = build_bundle(tmp_path / "b.zip", BAG_NAME, payload_files(),
                         {"case.json": b"{}", "custody.jsonl": ("\n".join(lines) + "\n").encode()}, {}, signer,
                         "2024-05-01")
    report = verify_bundle(built.path)
    assert any(p.code == "custody-chain" and p.path == "custody.jsonl" for p in report.problems)


def test_resigned_by_someone_else_is_caught(bag: Path, tmp_path: Path) -> None:
    """Mallory re-signs the same manifest with her own key but leaves signer.pem alone."""
    mallory = create_identity("Mallory", "Elsewhere", "pw", directory=tmp_path / "m")
    (bag / SIGNATURE_FILE).write_bytes(sign_detached((bag / "tagmanifest-sha256.txt").read_bytes(), mallory))
    report = verify_bundle(bag)
    assert any(p.code == "certificate-mismatch" and p.path == CERTIFICATE_FILE for p in report.problems)
    assert report.signer is not None and report.signer.fingerprint == mallory.fingerprint


def test_problem_paths_are_printable_lines(bag: Path) -> None:
    (bag / "data" / "odd\nname.txt").write_bytes(b"x")
    text = verify_bundle(bag).to_text()
    assert "data/odd\u27e6U+000A\u27e7name.txt: " in text


def test_cancel_and_progress(golden: BuiltBundle) -> None:
    seen: list[int] = []
    verify_bundle(golden.path, reporter=CallbackReporter(lambda done, total, stage: seen.append(done)))
    assert seen and seen[-1] == sum(map(len, PAYLOAD.values()))
    with pytest.raises(OperationCancelled):
        verify_bundle(golden.path, reporter=CallbackReporter(cancelled=lambda: True))


def test_recorded_signer_must_match_the_signature(signer: SigningIdentity, tmp_path: Path) -> None:
    """case.json and bag-info.txt may name the signer; a different name is a problem."""
    import io

    from app.bundle import PayloadFile

    other = "AB:" * 31 + "AB"
    built = build_bundle(
        tmp_path / "b.zip", BAG_NAME, [PayloadFile("a.txt", 1, lambda: io.BytesIO(b"a"))],
        {"case.json": json.dumps({"signer_fingerprint_sha256": other}).encode(), "custody.jsonl": b""},
        {"Signer-Fingerprint-SHA256": other}, signer, "2024-05-01",
    )
    report = verify_bundle(built.path)
    assert {(p.code, p.path) for p in report.problems} == {
        ("signer-mismatch", "case.json"), ("signer-mismatch", "bag-info.txt")}
