"""Every table model passes Qt's model tester; the domains model pages through a large list."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.modeltest import ModelTester

from app.gui.models.items import (
    CustodyModel,
    ExhibitsModel,
    ScreenshotsModel,
    SnapshotTableModel,
    SortRole,
    SpamModel,
    human_size,
    utc_time,
)
from app.ops.case import CaseFile


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


def test_cells_read_as_people_expect(case: CaseFile) -> None:
    model = ScreenshotsModel()
    model.set_case(case)
    assert model.index(0, 0).data(SortRole) == 1  # exhibits sort by number, not text
    assert model.index(0, 2).data(SortRole) == case.items()[0].size
    assert human_size(512) == "512 bytes" and human_size(1536) == "1.5 KB"
    assert utc_time("2026-10-14T15:22:08.123456Z") == "2026-10-14 15:22:08"
    assert utc_time("2026-10-14T17:22:08+02:00") == "2026-10-14 15:22:08"
    assert utc_time("Mon, 99 Foo 2026") == "Mon, 99 Foo 2026"  # a broken date is shown as found
