"""The sample bundle against the BagIt Profile the app ships, checked with the `bagit-profile` package."""

from __future__ import annotations

import logging
from pathlib import Path

import bagit
import bagit_profile
import pytest

from app.bundle.profile import PROFILE_FILE, PROFILE_IDENTIFIER
from app.core.paths import resource

from .conftest import Demo, unzip


def _profile() -> bagit_profile.Profile:
    return bagit_profile.Profile(PROFILE_IDENTIFIER, profile=resource(PROFILE_FILE).read_text('utf-8'))


def test_sample_bundle_validates_against_the_shipped_profile(demo: Demo, tmp_path: Path) -> None:
    bag_dir = unzip(demo.bundle, tmp_path)
    assert f"BagIt-Profile-Identifier: {PROFILE_IDENTIFIER}\n" in (bag_dir / "bag-info.txt").read_text("utf-8")
    profile = _profile()
    assert profile.validate_serialization(str(demo.bundle))  # the zip
    assert profile.validate_serialization(str(bag_dir))  # and unzipped
    bag = bagit.Bag(str(bag_dir))
    assert profile.validate(bag), [str(e) for e in profile.report.errors]


def test_the_profile_refuses_what_it_does_not_describe(demo: Demo, tmp_path: Path,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    bag_dir = unzip(demo.bundle, tmp_path)
    (bag_dir / "signature" / "extra.txt").write_text("not a bundle file")
    (bag_dir / "case.json").unlink()
    with caplog.at_level(logging.CRITICAL):
        profile = _profile()
        assert not profile.validate(bagit.Bag(str(bag_dir)))
    problems = " ".join(str(e) for e in profile.report.errors)
    assert "signature/extra.txt" in problems and "case.json" in problems
