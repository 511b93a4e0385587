"""Coverage-guided fuzzing of the bundle reader with atheris, for a fixed budget.

    .venv/bin/pip install atheris
    .venv/bin/python tests/bench/fuzz_reader_atheris.py [SECONDS] [-- libFuzzer options]

The first byte of each input picks the form: a whole bundle zip (seeded with
the sample bundle `evbundle demo` writes, the re-packed and hostile layouts of
tests/bundle/test_zip_extractors.py); one tag file of an unzipped bag
replaced by the rest (manifests, bag-info, bagit.txt, signature, certificate);
or case.json and custody.jsonl *signed* as given, so that the JSON readers run.
Anything but a report or a BundleError is a crash: libFuzzer stops and writes
the input as crash-<sha1>; copy it to tests/bundle/regressions/<what-it-broke>.zip
(zip form) and the suite replays it. Prints executions, coverage and crashes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

with atheris.instrument_imports(include=["app"]):
    from app.bundle import build_bundle, create_identity, verify_bundle
    from app.bundle import identity as identity_module
    from app.core.errors import BundleError

TAG_FILES = [
    "bagit.txt",
    "bag-info.txt",
    "manifest-sha256.txt",
    "manifest-sha512.txt",
    "tagmanifest-sha256.txt",
    "tagmanifest-sha512.txt",
    "signature/tagmanifest-sha256.txt.p7s",
    "signature/signer.pem",
]
WORK = Path(tempfile.mkdtemp(prefix="evbundle-fuzz-"))


def _prepare() -> tuple[Path, Path, object]:
    """The sample bundle, its unzipped bag, and a signing identity (fast KDF)."""
    subprocess.run(
        [sys.executable, "-m", "app", "demo", str(WORK / "demo")],
        check=True,
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, "EVBUNDLE_HOME": str(WORK / "home")},
    )
    (bundle,) = (WORK / "demo").glob("*.zip")
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(WORK / "bag")
    identity_module.KDF_ROUNDS = 1000
    signer = create_identity("Fuzz", "Fuzz Org", "correct horse", directory=WORK / "identity")
    return bundle, WORK / "bag" / bundle.stem, signer


BUNDLE, BAG, SIGNER = _prepare()


def _seeds(corpus: Path) -> None:
    sys.path.insert(0, str(ROOT / "tests" / "bundle"))
    import zipcraft as zc  # noqa: PLC0415 - a test helper, only for the seeds

    with zipfile.ZipFile(BUNDLE) as archive:
        files = [(i.filename, archive.read(i)) for i in archive.infolist() if not i.is_dir()]
    corpus.mkdir(exist_ok=True)
    (corpus / "genuine").write_bytes(b"\x00" + BUNDLE.read_bytes())
    small = [(name, data[:2048]) for name, data in files if "/data/" not in name or name.endswith(".eml")][
        :40
    ]
    (corpus / "small").write_bytes(b"\x00" + zc.build(zc.Layout(zc.from_files(small))))  # fast to mutate
    built = build_bundle(
        WORK / "tiny.zip", "Tiny", [], {"case.json": b"{}", "custody.jsonl": b""}, {}, SIGNER, "2026-11-02"
    )  # type: ignore[arg-type]
    (corpus / "tiny").write_bytes(b"\x00" + built.path.read_bytes())
    (corpus / "repacked").write_bytes(b"\x00" + zc.build(zc.Layout(zc.from_files(files))))
    for number, name in enumerate(TAG_FILES):
        (corpus / f"tag-{number}").write_bytes(bytes([1, number]) + (BAG / name).read_bytes()[:4096])
    (corpus / "signed").write_bytes(
        b"\x02" + b'{"signer": {"fingerprint": "AA"}}\x00' + (BAG / "custody.jsonl").read_bytes()[:4096]
    )


def target(data: bytes) -> None:
    if len(data) < 2:
        return
    mode, body = data[0] % 3, data[1:]
    try:
        if mode == 0:
            path = WORK / "input.zip"
            path.write_bytes(body)
            verify_bundle(path)
        elif mode == 1:
            name = TAG_FILES[body[0] % len(TAG_FILES)]
            copy = WORK / "bag-copy"
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(BAG, copy)
            (copy / name).write_bytes(body[1:])
            verify_bundle(copy)
        else:
            case, _, log = body.partition(b"\x00")
            out = WORK / "signed.zip"
            try:
                built = build_bundle(
                    out, "Fuzz-Bag", [], {"case.json": case, "custody.jsonl": log}, {}, SIGNER, "2026-11-02"
                )  # type: ignore[arg-type]
            except BundleError:
                return
            verify_bundle(built.path).to_text()
    except BundleError as exc:
        exc.diagnostics()


def main() -> None:
    budget = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1].isdigit() else "300"
    corpus = WORK / "corpus"
    _seeds(corpus)
    extra = sys.argv[sys.argv.index("--") + 1 :] if "--" in sys.argv else []
    atheris.Setup(
        [
            sys.argv[0],
            f"-max_total_time={budget}",
            "-rss_limit_mb=4096",
            "-max_len=4000000",
            f"-artifact_prefix={ROOT}/",
            *extra,
            str(corpus),
        ],
        target,
    )
    atheris.Fuzz()


if __name__ == "__main__":
    main()
