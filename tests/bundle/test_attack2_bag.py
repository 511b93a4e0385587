"""The bag's surroundings (the second review, findings H1, H2, L2).

H1: in a zip of an older bundle, TSA-ROOT.pem inside the bag was a note (VALID), and could carry 150 KB of
anything or a home-made root for the old stock step 7. No reader puts it in a zip: there it is an added
file; in an unzipped folder it is a note only when it is a few certificates and not one byte more.
H2: a name with CR or LF passed the zip reader, while unzip strips the character and writes another file.
L2: a bag packed at the top of the zip skipped the rename check and showed the zip's name as the bag's.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from app.bundle import SigningIdentity, verify_bundle

from .conftest import BAG_NAME, unzip


def test_a_reader_root_inside_a_zip_is_an_added_file(old_bundle: Path, signer: SigningIdentity) -> None:
    with zipfile.ZipFile(old_bundle, "a") as archive:
        archive.writestr(f"{BAG_NAME}/TSA-ROOT.pem", signer.certificate.public_bytes(Encoding.PEM))
    report = verify_bundle(old_bundle)
    assert [(p.code, p.path) for p in report.problems] == [("extra-file", "TSA-ROOT.pem")], report.to_text()


def test_a_reader_root_in_a_folder_is_exactly_certificates(old_bundle: Path, signer: SigningIdentity,
                                                           tmp_path: Path) -> None:
    bag = unzip(old_bundle, tmp_path / "bag")
    pem = signer.certificate.public_bytes(Encoding.PEM)
    (bag / "TSA-ROOT.pem").write_bytes(pem)
    assert verify_bundle(bag).intact
    for data in (pem + b"\n", pem + b"smuggled", b"\n" + pem, pem * 5, pem + b"x" * 20_000):
        (bag / "TSA-ROOT.pem").write_bytes(data)
        assert "TSA-ROOT.pem" in verify_bundle(bag).problem_paths(), data[-20:]


@pytest.mark.parametrize("mark", ["\r", "\n", "\x1b", "\t"])
def test_a_zip_name_with_a_line_break_or_control_character_is_refused(golden_zip_copy: Path, mark: str) -> None:
    """H2: unzip strips the character, so '01-declaration\\r.pdf' extracts over '01-declaration.pdf'."""
    from app.core.errors import BundleError

    with zipfile.ZipFile(golden_zip_copy, "a") as archive:
        archive.writestr(f"{BAG_NAME}/data/documents/declaration{mark}.docx", b"another text")
    with pytest.raises(BundleError) as caught:
        verify_bundle(golden_zip_copy)
    text = caught.value.diagnostics()
    assert "control character" in text and mark not in text and repr(mark)[1:-1] in text, text


def test_a_bag_at_the_top_of_the_zip_is_a_problem_and_has_no_name(golden_zip_copy: Path, tmp_path: Path) -> None:
    """L2: repacked with no folder under any zip name, the rename check was skipped and the zip's name shown."""
    top = tmp_path / "Some-Other-Name.zip"
    with zipfile.ZipFile(golden_zip_copy) as source, zipfile.ZipFile(top, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            info.filename = info.filename.removeprefix(f"{BAG_NAME}/")
            if info.filename:
                target.writestr(info, source.read(f"{BAG_NAME}/{info.filename}"))
    report = verify_bundle(top)
    assert [(p.code, p.expected) for p in report.problems] == [("bag-renamed", BAG_NAME)], report.to_text()
    assert report.bag_name == "" and "Some-Other-Name" not in report.to_text().splitlines()[0].split("(")[1]
    assert "no bag folder" in report.to_text()


@pytest.fixture
def golden_zip_copy(golden: object, tmp_path: Path) -> Path:
    import shutil

    out = tmp_path / "copy.zip"
    shutil.copy(golden.path, out)  # type: ignore[attr-defined]
    return out


def test_the_report_pdf_survives_a_long_run_of_invisible_characters(golden: object, tmp_path: Path) -> None:
    """M1: 1,500 zero-width characters (an authority's name in a home-made token) became 12,000 after escaping,
    so no page held them and --report gave up (exit 2) on a VALID bundle: the text is cut after escaping."""
    import dataclasses

    from app.ops.verify_report import _safe, write_report_pdf

    invisible = "\u200b" * 1500
    cut = _safe(invisible)
    assert len(cut) < 1600 and cut.count("\u2039") == cut.count("\u203a")  # whole markers only
    report = verify_bundle(golden.path)  # type: ignore[attr-defined]
    report.notes.append(f"The authority of a token ({invisible * 2}) is not trusted on this machine.")
    report = dataclasses.replace(report, bag_name=invisible)
    out = write_report_pdf(report, tmp_path / "report.pdf")
    assert out.read_bytes().startswith(b"%PDF")


def test_signer_pem_with_the_same_certificate_twice_is_no_chain(golden_zip_copy: Path, tmp_path: Path,
                                                                 signer: SigningIdentity) -> None:
    """L1: a self-signed certificate "issued" itself, so the genuine certificate twice passed as signer and issuer
    (VALID with the older-PKI note) while the bundle's own stock step 5 failed."""
    from app.bundle.verify_signer import _is_chain

    pem = signer.certificate.public_bytes(Encoding.PEM)
    assert not _is_chain([signer.certificate, signer.certificate])
    bag = unzip(golden_zip_copy, tmp_path / "bag")
    (bag / "signature" / "signer.pem").write_bytes(pem + pem)
    report = verify_bundle(bag)
    assert ("certificate-mismatch", "signature/signer.pem") in {(p.code, p.path) for p in report.problems}, \
        report.to_text()


def test_a_folder_the_user_cannot_read_is_named_not_a_traceback(golden_zip_copy: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """L3: a subfolder of an unzipped bag the verifying user may not read gave "unexpected error (PermissionError)"
    (simulated: the suite runs as root, who reads everything)."""
    import os

    from app.bundle import safezip
    from app.core.errors import BundleError

    bag = unzip(golden_zip_copy, tmp_path / "bag")
    locked = bag / "data" / "exhibits"
    original = os.scandir

    def scandir(path: object) -> object:
        if Path(str(path)) == locked:
            raise PermissionError(13, "Permission denied", str(locked))
        return original(path)  # type: ignore[call-overload]

    monkeypatch.setattr(safezip.os, "scandir", scandir)
    with pytest.raises(BundleError) as caught:
        verify_bundle(bag)
    assert "Permission denied" in caught.value.diagnostics() and "exhibits" in caught.value.diagnostics()


@pytest.mark.parametrize("name", ["declaration.docx.", "declaration.docx ", "declaration:ads.docx", "nul.txt",
                                  "COM1.pdf", "a?b.txt"])
def test_names_windows_would_extract_differently_are_refused(golden_zip_copy: Path, name: str) -> None:
    """L3: on Windows 'exhibit.pdf.' is written as 'exhibit.pdf', ':' opens an alternate data stream, NUL is a
    device: a zip holding such a name extracts to other files there. The writer's portable_name never makes one."""
    from app.bundle.names import portable_name, unsafe_reason
    from app.core.errors import BundleError

    with zipfile.ZipFile(golden_zip_copy, "a") as archive:
        archive.writestr(f"{BAG_NAME}/data/documents/{name}", b"another text")
    with pytest.raises(BundleError, match="Windows"):
        verify_bundle(golden_zip_copy)
    assert unsafe_reason(f"data/{portable_name(name)}") is None
