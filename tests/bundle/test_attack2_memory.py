"""Memory stays flat however much a signature folder carries (the second review, finding M2).

Every file read from signature/ was kept for the whole run, and every validation file of a token was
read even when the token was garbage: 20 archive listings with 198 one-MiB "revocation answers" each
(a 45 MB zip) took 4.1 GB. Now: signature/ files are not kept, a garbage token's validation files are
never read, and all reads from signature/ together stop at ReadLimits.max_signature_bytes.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from app.bundle import BuiltBundle, verify_bundle
from app.bundle.safezip import BagFiles, ReadLimits

from .conftest import BAG_NAME


def _garbage_renewals(golden: BuiltBundle, tmp_path: Path, listings: int, answers: int, size: int,
                      listing_size: int = 1) -> Path:
    out = tmp_path / "renewals.zip"
    shutil.copy(golden.path, out)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        for number in range(1, listings + 1):
            base = f"{BAG_NAME}/signature/archive-{number:02d}.sha512"
            archive.writestr(base, b"x\n" * listing_size)
            archive.writestr(base + ".tsr", b"\x30\x03\x02\x01\x00")
            for answer in range(1, answers + 1):
                archive.writestr(f"{base}.tsr.revocation-{answer}.crl", bytes([answer % 251]) * size)
    return out


def test_a_garbage_tokens_validation_files_are_not_read(golden: BuiltBundle, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    path = _garbage_renewals(golden, tmp_path, listings=3, answers=20, size=50_000)
    read: list[str] = []
    original = BagFiles.read

    def counting(self: BagFiles, name: str, limit: int) -> bytes:
        read.append(name)
        return original(self, name, limit)

    monkeypatch.setattr(BagFiles, "read", counting)
    report = verify_bundle(path)
    assert not report.intact
    assert not [name for name in read if ".revocation-" in name], read
    assert {p.path for p in report.problems if p.code == "timestamp-invalid"} >= {
        f"signature/archive-{n:02d}.sha512.tsr" for n in (1, 2, 3)}
    signature_reads = [name for name in read if name.startswith("signature/")]
    assert len(signature_reads) <= 2 * len(set(signature_reads)) + 2, signature_reads  # no file read over and over


def test_reads_from_the_signature_folder_are_bounded(golden: BuiltBundle, tmp_path: Path) -> None:
    path = _garbage_renewals(golden, tmp_path, listings=4, answers=2, size=10, listing_size=150_000)
    limits = ReadLimits(max_signature_bytes=500_000)
    report = verify_bundle(path, limits=limits)
    refused = [p for p in report.problems if "would exceed" in p.message]
    assert refused and all(p.path.startswith("signature/") for p in refused), report.to_text()[:3000]
    assert verify_bundle(golden.path, limits=limits).intact  # a genuine signature folder is far below it
