"""Taking domains out of a case and putting them back as they were; a domain's support decisions set
to a given state (what the window's undo of Remove from case and Link to exhibit… stand on)."""

from __future__ import annotations

from pathlib import Path

from app.core.model import CaseInfo, SupportKind, SupportLink
from app.ops.case import CaseFile
from app.ops.domain_edits import put_support_decisions, remove_domains, restore_domains, support_decisions
from app.ops.intake import add_domains


def test_removed_domains_come_back_as_they_were_each_change_logged(tmp_path: Path) -> None:
    with CaseFile.create(tmp_path / "c.evcase", CaseInfo(case_id="", title="t")) as case:
        add_domains(case, "evil.com\nBÜCHER.de\nkeep.net\n", source="list.txt")
        before = {d.ascii: d for d in case.domains()}
        removed = remove_domains(case, ["EVIL.com", "bücher.de", "not-listed.org"])
        assert sorted(d.ascii for d in removed.domains) == ["evil.com", "xn--bcher-kva.de"]
        assert removed.changes.domains and [d.ascii for d in case.domains()] == ["keep.net"]
        assert case.custody()[-1].action == "domains-removed"
        assert restore_domains(case, removed.domains).domains
        after = {d.ascii: d for d in case.domains()}
        assert {k: (d.added_at, d.source, d.registry_id) for k, d in after.items()} == \
            {k: (d.added_at, d.source, d.registry_id) for k, d in before.items()}
        assert case.custody()[-1].action == "domains-restored"
        assert not remove_domains(case, ["not-listed.org"]).changes.any  # nothing to take out, nothing logged


def test_support_decisions_are_set_to_the_state_asked_for(tmp_path: Path) -> None:
    with CaseFile.create(tmp_path / "c.evcase", CaseInfo(case_id="", title="t")) as case:
        add_domains(case, "evil.com\n", source="t")
        link = SupportLink("evil.com", SupportKind.NOTE, 0, 0, note="found in the malware", derived=False)
        assert put_support_decisions(case, ["evil.com"], [link]).paragraphs
        assert support_decisions(case, ["evil.com"]) == [link]
        assert not put_support_decisions(case, ["evil.com"], [link]).any  # already so: nothing logged
        assert put_support_decisions(case, ["evil.com"], []).paragraphs
        assert support_decisions(case, ["evil.com"]) == []
