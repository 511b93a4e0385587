"""Parties and counsel are data: added, edited and removed one change at a time, each in the custody log."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main
from app.core.model import CaseInfo, Counsel, Party, PartyRole
from app.ops.parties import PartyRefused, add_party, case_parties, edit_party, remove_party, set_counsel
from app.store import CaseFile


def _case(tmp_path: Path, **info: object) -> CaseFile:
    return CaseFile.create(tmp_path / "c.evcase", CaseInfo(case_id="", title="Contoso v. Does", **info))  # type: ignore[arg-type]


def test_parties_keep_their_facts_and_every_change_is_logged(tmp_path: Path) -> None:
    with _case(tmp_path) as case:
        does = add_party(case, Party(0, PartyRole.DEFENDANT, " John  Does 1-22 ", doe=True,
                                     description="controlling a computer botnet",
                                     emails=("Bot@Example.COM ", "bot@example.com"))).party
        plaintiff = add_party(case, Party(0, PartyRole.PLAINTIFF, "Contoso Corporation",
                                          "a Washington corporation")).party
        assert does is not None and plaintiff is not None
        assert does.name == "John Does 1-22" and does.emails == ("bot@example.com",)
        assert [p.role for p in case.parties()] == [PartyRole.PLAINTIFF, PartyRole.DEFENDANT]  # caption order
        edit_party(case, Party(does.id, PartyRole.DEFENDANT, does.name, doe=True, aliases=("Botmaster",)))
        assert case.party(does.id).aliases == ("Botmaster",)
        assert case.party(does.id).caption_name == "JOHN DOES 1-22"
        remove_party(case, plaintiff.id)
        assert [p.id for p in case.parties()] == [does.id]
        actions = [e.action for e in case.custody()]
        assert actions[-4:] == ["party-added", "party-added", "party-edited", "party-removed"]
        assert case.check() == []


def test_an_entry_that_is_not_a_party_is_refused(tmp_path: Path) -> None:
    with _case(tmp_path) as case:
        with pytest.raises(PartyRefused, match="name"):
            add_party(case, Party(0, PartyRole.DEFENDANT, "   "))
        with pytest.raises(PartyRefused, match="e-mail"):
            add_party(case, Party(0, PartyRole.DEFENDANT, "X", emails=("not-an-address",)))
        with pytest.raises(PartyRefused, match="e-mail"):
            set_counsel(case, Counsel(name="Ann", email="ann-at-example"))
        assert case.parties() == []


def test_an_older_case_names_its_parties_from_its_free_text(tmp_path: Path) -> None:
    with _case(tmp_path, plaintiff="Contoso Corporation, a Washington corporation",
               defendants="JOHN DOES 1-22, controlling a computer botnet\nthereby injuring Contoso") as case:
        plaintiff, does = case_parties(case)
    assert (plaintiff.name, plaintiff.entity_form) == ("Contoso Corporation", "a Washington corporation")
    assert does.doe and does.name == "JOHN DOES 1-22"
    assert does.description == "controlling a computer botnet thereby injuring Contoso"


def test_counsel_and_details_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "c.evcase"
    assert main(["new", str(path), "--title", "Contoso v. Does"]) == 0
    assert main(["counsel", str(path), "--name", "Ann Lawyer", "--bar-number", "VSB No. 12345",
                 "--address", "1 Main St", "--address", "Alexandria, VA 22314", "--email", "ann@example.com"]) == 0
    assert main(["details", str(path), "--case-number", "1:26-cv-00001", "--sealed"]) == 0
    assert main(["parties", str(path), "add", "defendant", "--name", "John Does 1-22", "--doe"]) == 0
    out = capsys.readouterr().out
    assert "bar_number: VSB No. 12345" in out and "case_number: 1:26-cv-00001" in out and "JOHN DOES 1-22" in out
    with CaseFile.open(path) as case:
        assert case.counsel().address == ("1 Main St", "Alexandria, VA 22314")
        assert case.info().sealed
        assert {"counsel-edited", "case-edited", "party-added"} <= {e.action for e in case.custody()}
