"""Look-alike names are flagged (never refused), both forms are kept, and flags survive the case file."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.model import CaseInfo
from app.ops.intake import add_domains
from app.sources.domains import normalise_domain, parse_domain_list
from app.sources.lookalikes import flag_lookalikes, label_scripts, latin_reading
from app.store import CaseFile


def test_cyrillic_name_that_reads_as_latin_is_flagged() -> None:
    name = normalise_domain("аррӏе.com")  # all Cyrillic
    assert name.ascii == "xn--80ak6aa92e.com"
    assert name.unicode == "аррӏе.com"
    assert len(name.flags) == 1
    assert name.flags[0].startswith("confusable: Cyrillic label 'аррӏе' reads as Latin")


def test_mixed_script_label_is_flagged() -> None:
    name = normalise_domain("pаypal.com")  # Latin with one Cyrillic 'а'
    assert name.ascii == "xn--pypal-4ve.com"
    assert name.flags == ("mixed-script: label 'pаypal' mixes scripts (Cyrillic, Latin)",)


@pytest.mark.parametrize("text", ["example.com", "bücher.de", "пример.рф", "日本語テスト.jp", "例え.テスト.jp"])
def test_ordinary_names_are_not_flagged(text: str) -> None:
    assert normalise_domain(text).flags == ()


def test_japanese_mix_is_allowed_but_greek_latin_is_not() -> None:
    assert label_scripts("日本語テスト") == {"HAN", "KATAKANA"}
    assert flag_lookalikes("日本語テスト.jp") == ()
    assert flag_lookalikes("micrοsoft.com")[0].startswith("mixed-script")  # Greek omicron
    assert latin_reading("ѕех") == "sex"


def test_upper_case_trailing_dot_and_full_width_dots_normalise() -> None:
    name = normalise_domain("  WWW.Bücher.DE. ")
    assert (name.ascii, name.unicode, name.registrable) == ("www.xn--bcher-kva.de", "www.bücher.de", "xn--bcher-kva.de")
    assert normalise_domain("bücher。de").ascii == "xn--bcher-kva.de"


def test_defanged_list_keeps_flags() -> None:
    names, problems = parse_domain_list("hxxps://pаypal[.]com/login\nevil(.)example{.}net\n")
    assert problems == []
    assert [n.ascii for n in names] == ["xn--pypal-4ve.com", "evil.example.net"]
    assert names[0].flags and not names[1].flags


def test_flags_are_stored_with_the_domain(tmp_path: Path) -> None:
    with CaseFile.create(tmp_path / "c.evcase", CaseInfo(case_id="", title="t")) as case:
        report = add_domains(case, "аррӏе.com\nexample.com\n", source="test")
        assert report.added == 2
        by_name = {d.ascii: d for d in case.domains()}
    assert by_name["xn--80ak6aa92e.com"].flags[0].startswith("confusable:")
    assert by_name["example.com"].flags == ()
