"""Property-based fuzzing of the bundle reader: any bytes give a report or a refusal, never a crash.

Seeds are a genuine sealed bundle (zip and folder) and the hostile layouts of
test_zip_extractors.py; hypothesis mutates them (flipped, overwritten, inserted
and removed bytes, truncation; hostile names and tag files in the folder form;
arbitrary bytes signed as case.json and custody.jsonl so that the JSON readers
run). Budgets are small and derandomised so the suite stays fast and
deterministic; FUZZ_EXAMPLES raises them for a longer run, and
tests/bench/fuzz_reader_atheris.py runs coverage-guided. Whenever a mutated zip
passes as intact, Info-ZIP unzip and bsdtar must extract exactly the files
verify hashed. Inputs that once crashed are replayed from tests/bundle/regressions/.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from app.bundle import BuiltBundle, SigningIdentity, build_bundle, verify_bundle
from app.bundle.report import VerificationReport
from app.core.errors import BundleError

from . import test_zip_extractors as hostile
from . import zipcraft as zc
from .conftest import BAG_NAME, BUNDLE_DATE, payload_files, unzip

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
REGRESSIONS = Path(__file__).parent / "regressions"
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _event(text: str) -> None:
    try:
        event(text)
    except InvalidArgument:  # called outside a hypothesis test (the regression replays)
        pass


def check_total(path: Path) -> VerificationReport | None:
    """Verify ``path``: a report, or None for a BundleError; anything else fails. The report must print."""
    try:
        report = verify_bundle(path)
    except BundleError as exc:
        exc.diagnostics().encode("utf-8")  # printable
        _event("refused")
        return None
    _event(f"report: {report.verdict}")
    report.to_text().encode("utf-8")
    assert report.verdict in ("valid", "unknown-signer", "not-valid")
    return report


@st.composite
def mutations(draw: st.DrawFn, seed: bytes) -> bytes:
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "overwrite", "insert", "delete", "truncate", "tail"]))
        if not data:
            break
        # Bias towards the structure: the last 1 KiB (central directory, end record) and the headers.
        where = draw(
            st.one_of(st.integers(0, len(data) - 1), st.integers(max(0, len(data) - 1024), len(data) - 1))
        )
        if kind == "flip":
            data[where] ^= 1 << draw(st.integers(0, 7))
        elif kind == "overwrite":
            chunk = draw(st.binary(min_size=1, max_size=8))
            data[where : where + len(chunk)] = chunk
        elif kind == "insert":
            data[where:where] = draw(st.binary(min_size=1, max_size=64))
        elif kind == "delete":
            del data[where : where + draw(st.integers(1, 64))]
        elif kind == "truncate":
            del data[where:]
        else:
            data += draw(st.binary(min_size=1, max_size=64))
    return bytes(data)


def _seeds(golden: BuiltBundle) -> dict[str, bytes]:
    seeds = {"genuine": golden.path.read_bytes(), "repacked": zc.build(zc.Layout(hostile.genuine(golden)))}
    for name in (
        "unicode-path-on-a-folder-entry",
        "zip64-count-disagrees",
        "local-header-names-another-file",
    ):
        seeds[name] = hostile._bytes(hostile.HOSTILE[name][0], golden)
    return seeds


@pytest.mark.parametrize(
    "seed",
    [
        "genuine",
        "repacked",
        "unicode-path-on-a-folder-entry",
        "zip64-count-disagrees",
        "local-header-names-another-file",
    ],
)
def test_mutated_zip_is_a_report_or_a_refusal(seed: str, golden: BuiltBundle, tmp_path: Path) -> None:
    original = _seeds(golden)[seed]

    @FUZZ
    @given(data=mutations(original))
    def run(data: bytes) -> None:
        target = tmp_path / "fuzzed.zip"
        target.write_bytes(data)
        report = check_total(target)
        if report is not None and report.intact and hostile.HAVE_TOOLS:
            expected = hostile.verified_files(target)
            for tool in hostile.TOOLS:
                into = tmp_path / "x" / tool
                shutil.rmtree(into, ignore_errors=True)
                assert hostile.extract(target, tool, into) == expected, tool

    run()


NAMES = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40).filter(
    lambda n: "/" not in n and "\x00" not in n and n not in (".", "..")
)
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


@FUZZ
@given(
    where=st.sampled_from(["", "data", "data/exhibits", "signature"]),
    name=NAMES,
    content=st.binary(max_size=256),
    replaced=st.sampled_from([None, *TAG_FILES]),
    replacement=st.binary(max_size=512),
)
def test_folder_with_hostile_names_and_tag_files(
    golden: BuiltBundle,
    tmp_path_factory: pytest.TempPathFactory,
    where: str,
    name: str,
    content: bytes,
    replaced: str | None,
    replacement: bytes,
) -> None:
    bag = unzip(golden.path, tmp_path_factory.mktemp("bag"))
    try:
        (bag / where / name).write_bytes(content)
    except (OSError, ValueError):
        pass  # the file system refuses the name: nothing to verify there
    if replaced is not None:
        (bag / replaced).write_bytes(replacement)
    check_total(bag)


@FUZZ
@given(
    case=st.one_of(
        st.binary(max_size=512),
        st.recursive(
            st.none() | st.booleans() | st.floats() | st.integers() | st.text(),
            lambda inner: st.lists(inner, max_size=4)
            | st.dictionaries(st.text(max_size=8), inner, max_size=4),
            max_leaves=12,
        ).map(lambda value: repr(value).encode("utf-8", "surrogatepass")),
    ),
    log=st.binary(max_size=512),
    bag_info=st.dictionaries(
        st.sampled_from(["Signer-Fingerprint-SHA256", "Source-Organization", "Contact-Name"]),
        st.text(max_size=40).filter(lambda t: "\n" not in t and "\r" not in t),
        max_size=3,
    ),
)
def test_signed_hostile_tag_files_reach_the_parsers(
    signer: SigningIdentity,
    tmp_path_factory: pytest.TempPathFactory,
    case: bytes,
    log: bytes,
    bag_info: dict[str, str],
) -> None:
    """Signed as they are, so the JSON readers run on them (a changed tag file is never parsed)."""
    out = tmp_path_factory.mktemp("signed") / "b.zip"
    try:
        built = build_bundle(
            out,
            BAG_NAME,
            payload_files(),
            {"case.json": case, "custody.jsonl": log},
            bag_info,
            signer,
            BUNDLE_DATE,
        )
    except BundleError:
        return  # the writer refused the tag files: nothing sealed
    report = check_total(built.path)
    assert report is not None


@pytest.mark.parametrize("regression", sorted(p.name for p in REGRESSIONS.glob("*.zip")))
def test_regressions_stay_fixed(regression: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Each zip here once crashed verify with a traceback (see regressions/README.md)."""
    from app.cli import main

    check_total(REGRESSIONS / regression)
    code = main(["verify", "--json", str(REGRESSIONS / regression)])
    captured = capsys.readouterr()
    assert code in (1, 2) and "Traceback" not in captured.err
    assert json.loads(captured.out)["ok"] is False
