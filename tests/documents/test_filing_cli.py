"""The filing commands as a user types them: export, exhibits, paragraphs, redactions."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main
from app.core.model import CaseInfo
from app.ops.intake import import_file
from app.store import CaseFile

from . import sample
from .test_filing_ops import SPAM


@pytest.fixture
def case_path(tmp_path: Path) -> Path:
    path = tmp_path / "c.evcase"
    with CaseFile.create(path, CaseInfo(case_id="", title="Contoso v. Does", bundle_date="2025-03-01",
                                        sealed=True)) as case:
        for name, data in {"a.eml": SPAM, "b.png": sample.png_bytes(300, 200)}.items():
            (tmp_path / name).write_bytes(data)
            import_file(case, tmp_path / name, description=f"the file {name}")
    return path


def test_export_writes_the_filing_set_and_paper_set(case_path: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", str(case_path), "--out", str(tmp_path / "out")]) == 1  # not fileable: refused
    assert not (tmp_path / "out").exists()
    assert main(["export", str(case_path), "--out", str(tmp_path / "out"), "--draft"]) == 0
    out = capsys.readouterr().out
    assert "01-declaration.pdf" in out and "paper set:" in out
    assert (tmp_path / "out" / "04-proposed-order-ex-parte-tro.docx").is_file()
    assert main(["export", str(case_path), "--out", str(tmp_path / "out"), "--format", "odt"]) == 2
    assert "unknown document format" in capsys.readouterr().err


def test_exhibits_paragraphs_and_redactions_commands(case_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["exhibits", str(case_path), "move", "2", "--to", "1"]) == 0
    assert "Exhibit 2 is now Exhibit 1" in capsys.readouterr().out
    assert main(["exhibits", str(case_path), "order", "1"]) == 2
    capsys.readouterr()
    assert main(["paragraphs", str(case_path), "add", "exhibits", "Counsel's paragraph."]) == 0
    assert "added added:1" in capsys.readouterr().out
    assert main(["paragraphs", str(case_path), "edit", "exhibit:1", "New words."]) == 0
    assert "(edited): New words." in capsys.readouterr().out
    assert main(["redactions", str(case_path)]) == 0
    listing = capsys.readouterr().out
    ssn = next(line.split()[0] for line in listing.splitlines() if "123-45-6789" in line)
    assert main(["redactions", str(case_path), "confirm", ssn]) == 0
    assert "XXX-XX-6789" in capsys.readouterr().out
    assert main(["redactions", str(case_path)]) == 0
    assert "1 confirmed" in capsys.readouterr().out
