"""Where the app keeps its files, and where it finds its own resources.

One place, overridable for tests and portable installs: ``EVBUNDLE_HOME``
replaces every per-user folder (data, settings, identities).
Resources and templates are read through ``importlib.resources`` so that a
frozen (PyInstaller) build finds them as well as a source checkout does (imported when first asked
for: `evbundle verify` needs the folders, not the resources).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from app import APP_NAME

if TYPE_CHECKING:
    from importlib.abc import Traversable


def user_data_dir() -> Path:
    override = os.environ.get("EVBUNDLE_HOME")
    if override:
        return Path(override) / "data"
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def user_config_dir() -> Path:
    override = os.environ.get("EVBUNDLE_HOME")
    if override:
        return Path(override) / "config"
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def identities_dir() -> Path:
    return user_data_dir() / "identities"


def resource(*parts: str) -> Traversable:
    """A file or folder under the top-level ``resources/`` package."""
    from importlib import resources

    node = resources.files("resources")
    for part in parts:
        node = node.joinpath(part)
    return node


def template(*parts: str) -> Traversable:
    """A file or folder under the top-level ``templates/`` package."""
    from importlib import resources

    node = resources.files("templates")
    for part in parts:
        node = node.joinpath(part)
    return node
