"""Every real-world file in the shared corpus is imported or refused with a reason; never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main


def test_add_whole_corpus_then_check(corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = tmp_path / "corpus.evcase"
    assert main(["new", str(case), "--title", "Corpus"]) == 0
    folders = [corpus / name for name in ("eml", "mbox", "msg", "images", "whois", "rdap")]
    files = [p for folder in folders for p in sorted(folder.iterdir()) if p.is_file()]
    capsys.readouterr()
    code = main(["add", str(case), *map(str, files)])
    out, err = capsys.readouterr()
    assert code in (0, 1)
    assert "Traceback" not in err
    for line in err.strip().splitlines():
        assert line.startswith("refused ") and ": " in line, line
    refused = {line.split(" ", 1)[1].split(": ", 1)[0] for line in err.strip().splitlines()}
    added_lines = out.count("\nadded ") + out.startswith("added ")
    assert added_lines > 0
    # Every file is accounted for: refused by name, or imported (its SHA-256 is in the case).
    capsys.readouterr()
    main(["list", "--json", str(case)])
    import hashlib
    import json

    stored = {i["sha256"] for i in json.loads(capsys.readouterr().out)}
    for path in files:
        assert str(path) in refused or hashlib.sha256(path.read_bytes()).hexdigest() in stored, path
    assert main(["check", str(case)]) == 0
