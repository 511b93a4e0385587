"""Storable text (app/core/text.py): lone surrogates become escapes a reader can still read exactly."""

from __future__ import annotations

import json

from app.core.text import storable, storable_value


def test_escaped_bytes_and_other_lone_surrogates_become_escapes() -> None:
    assert storable("spam-\udce9.eml") == "spam-\\xe9.eml"  # a Latin-1 byte in a Linux file name
    assert storable("x\ud800y") == "x\\ud800y"  # a lone surrogate from JSON
    assert storable("ordinary ascii") == "ordinary ascii"
    assert storable("Быстрее 💊") == "Быстрее 💊"  # real characters, astral ones too, untouched
    value = storable_value({"a\udc80": ["b\udcff", {"c": "\ud83d"}], "n": 3, "none": None})
    assert value == {"a\\x80": ["b\\xff", {"c": "\\ud83d"}], "n": 3, "none": None}
    json.dumps(value, ensure_ascii=False).encode("utf-8")  # storable as UTF-8 JSON
