"""The README's first command: the sample case end to end, checked with stock tools."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from app.cli import main

from .conftest import Demo, unzip


def test_demo_prints_where_everything_is(demo: Demo) -> None:
    assert f"bundle:   {demo.bundle}" in demo.output
    assert "01-declaration.pdf" in demo.output and "01-declaration.docx" in demo.output
    assert list(demo.dir.glob("*.evcase"))


def test_demo_bundle_passes_bagit_validate(demo: Demo, tmp_path: Path) -> None:
    bagit = pytest.importorskip("bagit")
    bag = unzip(demo.bundle, tmp_path)
    bagit.Bag(str(bag)).validate()  # raises BagValidationError on any problem
    assert (bag / "bagit.txt").read_text().startswith("BagIt-Version: 1.0")


def test_demo_signature_verifies_with_openssl(demo: Demo, tmp_path: Path) -> None:
    if shutil.which("openssl") is None:
        pytest.skip("openssl not installed")
    bag = unzip(demo.bundle, tmp_path)
    result = subprocess.run(
        ["openssl", "cms", "-verify", "-binary", "-inform", "DER",
         "-in", "signature/tagmanifest-sha256.txt.p7s", "-content", "tagmanifest-sha256.txt",
         "-CAfile", "signature/signer.pem", "-purpose", "any"],
        cwd=bag, capture_output=True, text=True,
    )
    assert "Verification successful" in result.stderr + result.stdout


def test_demo_bundle_verifies_with_our_verifier(demo: Demo, capsys: pytest.CaptureFixture[str]) -> None:
    """The demo prints the verify command with the signer to expect; run as printed, it says VALID."""
    (line,) = [line for line in demo.output.splitlines() if line.startswith("verify:")]
    command = shlex.split(line.removeprefix("verify:"))
    assert command[:2] == ["evbundle", "verify"] and command[3] == "--trust"
    assert main(command[1:]) == 0
    capsys.readouterr()
    assert main([*command[1:], "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True
    assert main(["verify", str(demo.bundle)]) == 3  # without --trust: intact, but the key is unknown here


def test_demo_case_checks_clean(demo: Demo, capsys: pytest.CaptureFixture[str]) -> None:
    (case,) = demo.dir.glob("*.evcase")
    assert main(["check", str(case)]) == 0
    assert "custody chain and database intact" in capsys.readouterr().out


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def test_declaration_pdf_fonts_embedded_and_text_complete(demo: Demo, capsys: pytest.CaptureFixture[str]) -> None:
    if shutil.which("pdffonts") is None:
        pytest.skip("poppler-utils not installed")
    pdf = next(p for p in demo.documents if p.name == "01-declaration.pdf")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows, fonts
    for row in rows:
        assert row.split()[-5] == "yes", f"font not embedded: {row}"
    text = " ".join(_pdf_text(pdf).split())
    assert "EASTERN DISTRICT OF VIRGINIA" in text
    assert "penalty of perjury" in text
    assert "FICTIONAL" in text
    (case,) = demo.dir.glob("*.evcase")
    main(["list", "--json", str(case)])
    items = json.loads(capsys.readouterr().out)
    for label in {i["exhibit"] for i in items if i["exhibit"]}:
        assert label in text, label
    main(["domains", str(case), "list", "--json"])
    for row in json.loads(capsys.readouterr().out):
        assert row["domain"] in text, row["domain"]


def test_declaration_docx_opens_and_converts(demo: Demo, tmp_path: Path) -> None:
    import docx

    path = next(p for p in demo.documents if p.name == "01-declaration.docx")
    document = docx.Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "penalty of perjury" in text
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        pytest.skip("LibreOffice not installed")
    subprocess.run(
        [office, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
        capture_output=True, timeout=180, check=True,
    )
    assert (tmp_path / "01-declaration.pdf").stat().st_size > 1000
