"""Every table model passes Qt's model tester; the domains model pages through a large list."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.modeltest import ModelTester

from app.core.model import CaseInfo
from app.gui.app import registry_namer
from app.gui.domains_model import DomainsModel
from app.gui.item_models import (
    CustodyModel,
    ExhibitsModel,
    RowIdRole,
    ScreenshotsModel,
    SnapshotTableModel,
    SortRole,
    SpamModel,
    human_size,
    utc_time,
)
from app.ops.intake import add_domains
from app.sources.registries import RegistryTable
from app.store import CaseFile


@pytest.fixture
def case(case_path: Path):  # type: ignore[no-untyped-def]
    with CaseFile.open(case_path) as opened:
        yield opened


@pytest.mark.parametrize("model_class", [ScreenshotsModel, SpamModel, ExhibitsModel, CustodyModel])
def test_item_models_pass_the_model_tester(
    model_class: type[SnapshotTableModel], case: CaseFile, qtmodeltester: ModelTester  # type: ignore[type-arg]
) -> None:
    model = model_class()
    qtmodeltester.check(model)  # empty, before a case
    model.set_case(case)
    assert model.rowCount() > 0
    qtmodeltester.check(model)
    model.reload()
    model.set_case(None)
    assert model.rowCount() == 0


def test_domains_model_passes_the_model_tester(case: CaseFile, qtmodeltester: ModelTester) -> None:
    qtmodeltester.check(DomainsModel(lambda registry_id: registry_id))  # empty, before a case
    model = DomainsModel(registry_namer(RegistryTable.load()))
    # Set the case before the tester connects: the tester fetches more from inside
    # its modelReset handler, before it has noted that the reset ended.
    model.set_case(case)
    qtmodeltester.check(model)
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 3
    rows = {model.index(r, 0).data(): [model.index(r, c).data() for c in range(4)] for r in range(3)}
    assert rows["pills-shop-sample.com"][2] == "Verisign, Inc."
    assert rows["a1.free-subdomains-sample.cc"][3] == "free-subdomains-sample.cc"
    assert isinstance(model.index(0, 0).data(RowIdRole), int)


def test_domains_model_fetches_a_page_at_a_time(tmp_path: Path) -> None:
    with CaseFile.create(tmp_path / "dga.evcase", CaseInfo(case_id="", title="DGA")) as case:
        names = "\n".join(f"dga{n:05d}-sample.com" for n in range(2 * DomainsModel.PAGE + 10))
        add_domains(case, names, source="test")
        model = DomainsModel(lambda registry_id: registry_id)
        model.set_case(case)
        assert model.total() == 2 * DomainsModel.PAGE + 10
        assert model.rowCount() == 0 and model.canFetchMore()
        model.fetchMore()
        assert model.rowCount() == DomainsModel.PAGE
        model.fetchMore()
        model.fetchMore()
        assert model.rowCount() == model.total() and not model.canFetchMore()
        assert model.index(model.total() - 1, 0).data() == f"dga{model.total() - 1:05d}-sample.com"


def test_cells_read_as_people_expect(case: CaseFile) -> None:
    model = ScreenshotsModel()
    model.set_case(case)
    assert model.index(0, 0).data(SortRole) == 1  # exhibits sort by number, not text
    assert model.index(0, 2).data(SortRole) == case.items()[0].size
    assert human_size(512) == "512 bytes" and human_size(1536) == "1.5 KB"
    assert utc_time("2026-10-14T15:22:08.123456Z") == "2026-10-14 15:22:08"
    assert utc_time("2026-10-14T17:22:08+02:00") == "2026-10-14 15:22:08"
    assert utc_time("Mon, 99 Foo 2026") == "Mon, 99 Foo 2026"  # a broken date is shown as found
