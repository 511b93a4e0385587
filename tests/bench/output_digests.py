"""SHA-256 of every output file of a build and an export, to show that a change left them byte-identical.

Usage (the refactoring of issue 11 was checked this way):

    python tests/bench/output_digests.py CASE.evcase HOME PASSFILE [--draft] > before.json
    ... change the code ...
    python tests/bench/output_digests.py CASE.evcase HOME PASSFILE > after.json
    diff before.json after.json && echo byte-identical

CASE is copied first (building appends to its custody log); HOME is an EVBUNDLE_HOME holding one
signing identity whose passphrase is in PASSFILE, so that the signer and its fingerprint stay the same.
Only ``signature/`` is left out: a CMS signature with an EC key differs on every run. ``--draft``
makes the documents of a case the pre-filing review does not pass (each page then says DRAFT).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

BUNDLE_DATE = "2026-11-02"


def evbundle(*args: str, home: Path) -> None:
    env = {**os.environ, "EVBUNDLE_HOME": str(home)}
    subprocess.run([sys.executable, "-m", "app", *args], check=True, env=env, capture_output=True)


def digests(case: Path, home: Path, passphrase: Path, *extra: str) -> dict[str, str]:
    out: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="evbundle-digests-") as tmp:
        work = Path(tmp)
        shutil.copy(case, work / "case.evcase")
        evbundle("build", str(work / "case.evcase"), "--out", str(work / "build"), "--bundle-date", BUNDLE_DATE,
                 "--passphrase-file", str(passphrase), "--no-timestamp", *extra, home=home)
        shutil.copy(case, work / "case2.evcase")
        evbundle("export", str(work / "case2.evcase"), "--out", str(work / "export"), "--bundle-date", BUNDLE_DATE,
                 *extra, home=home)
        (bundle,) = (work / "build").glob("*.zip")
        with zipfile.ZipFile(bundle) as archive:
            for info in archive.infolist():
                if "/signature/" in info.filename:
                    continue
                meta = f"{info.date_time} {info.external_attr:o} {info.compress_type}"
                out["bundle:" + info.filename] = hashlib.sha256(archive.read(info) + meta.encode()).hexdigest()
        for root in (work / "build", work / "export"):
            for path in sorted(root.rglob("*")):
                if path.is_file() and path.suffix != ".zip":
                    out[f"{root.name}:{path.relative_to(root)}"] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


if __name__ == "__main__":
    case_path, home_path, pass_path = (Path(a).resolve() for a in sys.argv[1:4])
    json.dump(digests(case_path, home_path, pass_path, *sys.argv[4:5]), sys.stdout, indent=1, sort_keys=True)
    print()
