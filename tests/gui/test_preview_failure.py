"""A preview that fails shows no other document's pages under its error (guiwalk B2: the previous
document's page stayed under "The preview could not be rendered", so screenshots looked broken)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app.gui.window import MainWindow
from app.ops import previews

from .conftest import OFFSCREEN_SHOW


@OFFSCREEN_SHOW
def test_a_failed_exhibit_preview_leaves_no_stale_page(window: MainWindow, case_path: Path, qtbot: QtBot,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    window.open_case(case_path)
    page = window.documents_page
    window.tabs.setCurrentWidget(page)
    window.show()
    qtbot.waitExposed(window)
    preview = page.preview
    qtbot.waitUntil(lambda: preview.page_count() > 0 and not preview.is_rendering(), timeout=30_000)
    real = previews.render_preview

    def broken(case: Any, key: str, *args: Any, **kwargs: Any) -> Any:
        if key.startswith("exhibit:"):
            raise ValueError("<Table@0x7F> must have at least a row and column")
        return real(case, key, *args, **kwargs)

    monkeypatch.setattr(previews, "render_preview", broken)
    item_id = window.case.exhibits()[0][1].id  # type: ignore[union-attr]
    preview.choose_exhibit(item_id)
    qtbot.waitUntil(lambda: "could not be rendered" in preview.status.text(), timeout=30_000)
    assert preview.page_count() == 0 and preview.shown_key == ""  # not the declaration's pages
