"""The app's headless settings: one typed registry over one JSON file in the user's config folder.

Every key the CLI and the operations read lives here, so nothing else spells
a settings key. The file is ``<user_config_dir>/settings.json`` (moved by
``EVBUNDLE_HOME``, so tests never touch the real user's settings); unknown
keys are kept as they are, so an older version does not erase a newer one's.
The GUI's window layout and recent files stay in its own QSettings file.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from app.bundle.timestamp import Timestamper, timestamper_for
from app.core.errors import EvidenceError
from app.core.paths import user_config_dir

SETTINGS_FILE = "settings.json"


class SettingsError(EvidenceError):
    """The settings file cannot be read or written."""


@dataclass(frozen=True)
class Settings:
    """What the headless app remembers between runs."""

    # RFC 3161 timestamp authorities, tried in order; empty: bundles are not timestamped
    # unless ``evbundle build --tsa URL`` names one.
    tsa_urls: tuple[str, ...] = ()
    tsa_timeout_seconds: float = 30.0
    extra: dict[str, Any] = field(default_factory=dict, compare=False)  # keys this version does not know


def settings_path() -> Path:
    return user_config_dir() / SETTINGS_FILE


def load_settings(path: Path | None = None) -> Settings:
    """The saved settings, or the defaults when there is no settings file yet."""
    path = path or settings_path()
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError) as exc:
        raise SettingsError(f"the settings file cannot be read ({exc})", path=path) from exc
    if not isinstance(data, dict):
        raise SettingsError("the settings file is not a JSON object", path=path)
    urls = data.pop("tsa_urls", [])
    timeout = data.pop("tsa_timeout_seconds", 30.0)
    if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
        raise SettingsError("tsa_urls must be a list of URLs", path=path)
    if not isinstance(timeout, (int, float)) or timeout <= 0:
        raise SettingsError("tsa_timeout_seconds must be a positive number", path=path)
    return Settings(tuple(urls), float(timeout), data)


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write the settings atomically (temporary file + rename)."""
    path = path or settings_path()
    data = dict(settings.extra)
    data.update(tsa_urls=list(settings.tsa_urls), tsa_timeout_seconds=settings.tsa_timeout_seconds)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            json.dump(data, stream, indent=2, sort_keys=True)
            stream.write("\n")
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def with_tsa_urls(settings: Settings, urls: list[str]) -> Settings:
    return replace(settings, tsa_urls=tuple(urls))


def configured_timestamper(urls: Sequence[str] = (), *, enabled: bool = True) -> Timestamper | None:
    """What timestamps a build: ``urls`` when given, else the settings' TSA URLs; None when there
    are none or ``enabled`` is false (then nothing leaves the machine)."""
    if not enabled:
        return None
    settings = load_settings()
    chosen = list(urls) or list(settings.tsa_urls)
    return timestamper_for(chosen, timeout=settings.tsa_timeout_seconds) if chosen else None
