from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.cli import main


@dataclass(frozen=True)
class Demo:
    dir: Path
    bundle: Path
    documents: list[Path]
    output: str


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """The sample case built once, as the README's first command does."""
    out = tmp_path_factory.mktemp("demo")
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(["demo", str(out)])
    assert code == 0, buffer.getvalue()
    bundles = list(out.glob("*.zip"))
    assert len(bundles) == 1
    docs = sorted(next(out.glob("*-documents")).iterdir())
    return Demo(out, bundles[0], docs, buffer.getvalue())


def unzip(bundle: Path, into: Path) -> Path:
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(into)
    (bag,) = [p for p in into.iterdir() if p.is_dir()]
    return bag
