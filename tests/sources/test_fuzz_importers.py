"""Property-based fuzzing of every importer: any bytes give a stored item or a refusal naming the file.

Seeds are the real-world files in fuzz_seeds/ (see its README and SOURCES.tsv) and the sample case;
hypothesis mutates them (flips, overwrites, inserted bytes and format tokens, deletions, duplicated
ranges, truncation, pieces spliced from another seed) and also builds inputs of its own (PNGs with
any header and right checksums, JSON of any shape, domain lists line by line). Each input is imported
as ``evbundle add`` imports it, into one case per test, and checked as fuzz_support.Importer says:
stored whole with the right hashes (and showable) or refused with the file named; no exception, no
"internal parser error", no hang (SIGALRM), and memory bounded (the process's peak resident set may
grow by at most 256 MiB over a whole test, whatever the inputs declare).

Budgets are small and derandomised, so the suite stays fast and the same on every run; FUZZ_EXAMPLES
raises them for a longer run (.github/SECURITY.md gives the figures), and tests/bench/fuzz_importers_atheris.py
runs coverage-guided. Inputs that once broke an importer are replayed from regressions/.
"""

from __future__ import annotations

import os
import resource
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.model import CaseInfo, ItemKind
from app.ops.intake import add_domains
from app.sources.domains import normalise_domain, parse_domain_list
from app.sources.screenshot import read_screenshot
from app.store import CaseFile

from .fuzz_support import (
    SAMPLE,
    TOKENS,
    Importer,
    crafted_png,
    mutated,
    regressions,
    seeds,
    small_images,
    watchdog,
)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize="FUZZ_RANDOM" not in os.environ, database=None,
                print_blob=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])
MEMORY_GROWTH_LIMIT = 256 * 1024  # KiB of peak resident set a whole test may add

MAIL = seeds("eml", "mail/*.eml")
MBOX = seeds("mbox")
MSG = seeds("msg")
WHOIS = seeds("whois", "records/*.txt")
RDAP = seeds("rdap", "records/*.json")
IMAGES = seeds("images") + small_images()


@pytest.fixture
def importer(tmp_path: Path) -> Iterator[Importer]:
    """One case for every example of a test; the process's peak memory checked when the test ends."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    with CaseFile.create(tmp_path / "fuzz.evcase", CaseInfo(case_id="", title="Fuzz v. Importers")) as case:
        yield Importer(case, inputs)
        assert case.check() == []
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown < MEMORY_GROWTH_LIMIT, f"peak memory grew by {grown // 1024} MiB during the test"


@FUZZ
@given(data=mutated(MAIL, TOKENS["mail"]), detect=st.booleans())
def test_email(importer: Importer, data: bytes, detect: bool) -> None:
    importer.check(data, None if detect else ItemKind.EMAIL, ".eml")


@FUZZ
@given(data=st.one_of(mutated(MBOX, TOKENS["mail"]),
                      st.lists(mutated(MAIL, TOKENS["mail"]), min_size=1, max_size=4).map(
                          lambda msgs: b"".join(b"From fuzz@example.com Mon Nov  2 10:00:00 2026\n" + m + b"\n"
                                                for m in msgs))))
def test_mbox(importer: Importer, data: bytes) -> None:
    importer.check(data, ItemKind.MAILBOX, ".mbox")


@FUZZ
@given(data=mutated(MSG, TOKENS["msg"]))
def test_outlook_msg(importer: Importer, data: bytes) -> None:
    importer.check(data, ItemKind.EMAIL, ".msg")


@FUZZ
@given(data=mutated(WHOIS, TOKENS["whois"]), detect=st.booleans())
def test_whois_text(importer: Importer, data: bytes, detect: bool) -> None:
    importer.check(data, None if detect else ItemKind.DOMAIN_RECORD, ".txt")


_RDAP_KEYS = st.sampled_from(["objectClassName", "ldhName", "unicodeName", "events", "eventAction", "eventDate",
                              "entities", "roles", "vcardArray", "nameservers", "status", "publicIds", "errorCode",
                              "rdapConformance", "handle", "secureDNS", "links", "notices", "x"])


def _containers(children: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.lists(children, max_size=4) | st.dictionaries(_RDAP_KEYS, children, max_size=5)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    _containers, max_leaves=25,
)


@FUZZ
@given(data=st.one_of(mutated(RDAP, TOKENS["rdap"]),
                      _JSON.map(lambda v: __import__("json").dumps({"objectClassName": "domain", "x": v}).encode())))
def test_rdap_json(importer: Importer, data: bytes) -> None:
    importer.check(data, ItemKind.DOMAIN_RECORD, ".json")


@FUZZ
@given(data=st.one_of(mutated(IMAGES, TOKENS["image"]), crafted_png()))
def test_screenshot(importer: Importer, data: bytes) -> None:
    importer.check(data, ItemKind.SCREENSHOT, ".png")


@FUZZ
@given(data=crafted_png(), max_pixels=st.integers(1, 5000), max_bytes=st.integers(1, 20000))
def test_screenshot_limits_hold_whatever_the_header_says(data: bytes, max_pixels: int, max_bytes: int) -> None:
    """Under any limits, an accepted image is within them; anything else is a refusal (ImageRefused)."""
    from app.core.errors import ImageRefused

    with watchdog("decoding a crafted PNG"):
        try:
            record = read_screenshot(data, max_pixels=max_pixels, max_bytes=max_bytes)
        except ImageRefused as refused:
            assert refused.message
            return
    assert record["width"] * record["height"] <= max_pixels
    assert record["width"] * record["height"] * 4 <= max_bytes


_HOST = st.sampled_from(["bad-one.com", "kelihos-c2.cc", "xn--80ak6aa92e.com", "пример.рф", "münchen.de", "a.b.c.co.uk",
                         "EXAMPLE.NET.", "localhost", "192.0.2.1", "-bad-.com", "a" * 64 + ".com", "x..y.com", "com",
                         "sub.blogspot.com", "аpple.com", "fuzz.invalid"])
SAMPLE_LIST = (SAMPLE / "domains.txt").read_text(encoding="utf-8").splitlines()  # the sample case's list
_LINE = st.one_of(
    _HOST, st.sampled_from(SAMPLE_LIST),
    _HOST.map(lambda h: f"http://{h}/path?q=1"), _HOST.map(lambda h: f"hxxps://{h.replace('.', '[.]')}/x"),
    _HOST.map(lambda h: h.replace(".", "(.)")), _HOST.map(lambda h: h.replace(".", "[dot]")),
    st.lists(_HOST, min_size=2, max_size=4).map(",".join), st.lists(_HOST, min_size=2, max_size=3).map("\t".join),
    _HOST.map(lambda h: f'"{h}";"2026-11-02";"note, with comma"'), _HOST.map(lambda h: f"{h}  # a comment"),
    st.text(max_size=40),
)


@FUZZ
@given(lines=st.lists(_LINE, max_size=30), ending=st.sampled_from(["\n", "\r\n", "\r", "\u2028"]))
def test_domain_list_text(lines: list[str], ending: str) -> None:
    """Pasted text, CSV, URLs and defanged forms: every name kept is normalised and unique; never a crash."""
    with watchdog("reading a domain list"):
        names, problems = parse_domain_list(ending.join(lines))
    assert len({n.ascii for n in names}) == len(names)
    for name in names:
        assert normalise_domain(name.ascii).ascii == name.ascii
        assert name.registrable and name.ascii.endswith(name.registrable)
    assert all(problem.startswith("line ") for problem in problems)


@FUZZ
@given(data=st.one_of(st.binary(max_size=2048),
                      st.lists(_LINE, max_size=20).map(lambda ls: "\n".join(ls).encode("utf-8", "surrogatepass"))))
def test_domain_list_file(importer: Importer, data: bytes) -> None:
    """``evbundle domains CASE add --from FILE`` with any bytes: added, duplicates or problems; nothing else."""
    case = importer.case
    before = len(case.domains())
    with watchdog("adding a domain list"):
        report = add_domains(case, data.decode("utf-8", errors="replace"), source="fuzz.txt")
    assert len(case.domains()) == before + report.added
    assert report.added + report.duplicates >= 0 and all(p.startswith("line ") for p in report.problems)


@pytest.mark.parametrize("path", [p for kind in ("eml", "mbox", "msg", "whois", "rdap", "images", "domains")
                                  for p in regressions(kind)], ids=lambda p: f"{p.parent.name}/{p.name}")
def test_regressions(importer: Importer, path: Path) -> None:
    """Every input that once broke an importer, replayed as the kind it broke."""
    kind = {"eml": ItemKind.EMAIL, "msg": ItemKind.EMAIL, "mbox": ItemKind.MAILBOX, "whois": ItemKind.DOMAIN_RECORD,
            "rdap": ItemKind.DOMAIN_RECORD, "images": ItemKind.SCREENSHOT}.get(path.parent.name)
    if kind is None:  # a domain list
        parse_domain_list(path.read_bytes().decode("utf-8", errors="replace"))
        return
    importer.check(path.read_bytes(), kind, path.suffix)


@pytest.mark.skipif(os.name != "posix", reason="file names as bytes")
def test_file_names_that_are_not_utf8_are_kept_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file named in Latin-1 on a Linux disk (``spam-\\xe9.eml``) is imported with its name escaped, not
    lost to a traceback; a domain list so named is read (found while fuzzing: both raised UnicodeEncodeError)."""
    from app.cli import main

    case = tmp_path / "case.evcase"
    assert main(["new", str(case), "--title", "Names v. Bytes"]) == 0
    folder = tmp_path / "in"
    folder.mkdir()
    mail = os.fsdecode(bytes(folder) + b"/spam-\xe9t\xe9.eml")
    Path(mail).write_bytes(b"From: a@example.net\nSubject: hi\n\nbody\n")
    listing = os.fsdecode(bytes(folder) + b"/domaines-\xe9.txt")
    Path(listing).write_bytes(b"bad-one.com\n")
    capsys.readouterr()
    assert main(["add", str(case), mail]) == 0
    assert main(["domains", str(case), "add", "--from", listing]) == 0
    assert main(["check", str(case)]) == 0
    with CaseFile.open(case) as opened:
        (item,) = opened.items()
        assert item.original_name == "spam-\\xe9t\\xe9.eml"
        assert [d.source for d in opened.domains()] == ["domaines-\\xe9.txt"]
    assert "Traceback" not in capsys.readouterr().err
