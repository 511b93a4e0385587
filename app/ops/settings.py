"""The user's settings: one typed registry over one JSON file in the user's config folder.

Every key the app reads or writes lives here, for the CLI and the window
alike (timestamp authorities, recent cases, last folders, the window's
layout), so nothing else spells a settings key. The file is
``<user_config_dir>/settings.json`` (moved by ``EVBUNDLE_HOME``, so tests
never touch the real user's settings); unknown keys are kept as they are,
so an older version does not erase a newer one's. Each change reads the
file afresh and writes it back atomically and durably, so the window and
a command run beside it do not undo each other's changes.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.errors import EvidenceError
from app.core.files import write_atomic
from app.core.paths import user_config_dir

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from cryptography import x509

    from app.bundle.timestamp import Timestamper

SETTINGS_FILE = "settings.json"
MAX_RECENT = 6


class SettingsError(EvidenceError):
    """The settings file cannot be read or written."""


@dataclass(frozen=True)
class Settings:
    """What the app remembers between runs."""

    # RFC 3161 timestamp authorities, tried in order; empty: bundles are not timestamped
    # unless ``evbundle build --tsa URL`` names one.
    tsa_urls: tuple[str, ...] = ()
    tsa_timeout_seconds: float = 30.0
    recent_cases: tuple[str, ...] = ()  # most recent first
    folders: dict[str, str] = field(default_factory=dict)  # purpose ("cases", "evidence"…) -> last folder
    window_geometry: str = ""  # the main window's layout as Qt saves it, base64
    last_bundle: str = ""  # the bundle built last, which the Verify dialog offers
    extra: dict[str, Any] = field(default_factory=dict, compare=False)  # keys this version does not know
    case_titles: dict[str, str] = field(default_factory=dict)  # recent case path -> its title, for the start screen


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
    recent = data.pop("recent_cases", [])
    folders = data.pop("folders", {})
    geometry = data.pop("window_geometry", "")
    bundle = data.pop("last_bundle", "")
    titles = data.pop("case_titles", {})
    if not isinstance(titles, dict):
        titles = {}
    if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
        raise SettingsError("tsa_urls must be a list of URLs", path=path)
    if not isinstance(timeout, (int, float)) or timeout <= 0:
        raise SettingsError("tsa_timeout_seconds must be a positive number", path=path)
    if not isinstance(recent, list) or not all(isinstance(r, str) for r in recent):
        recent = []  # the window's memory, not worth refusing the file for
    if not isinstance(folders, dict):
        folders = {}
    return Settings(tuple(urls), float(timeout), tuple(recent),
                    {str(k): str(v) for k, v in folders.items()},
                    geometry if isinstance(geometry, str) else "", bundle if isinstance(bundle, str) else "", data,
                    {str(k): str(v) for k, v in titles.items()})


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write the settings atomically and durably (temporary file, fsync, rename)."""
    path = path or settings_path()
    data = dict(settings.extra)
    data.update(tsa_urls=list(settings.tsa_urls), tsa_timeout_seconds=settings.tsa_timeout_seconds,
                recent_cases=list(settings.recent_cases), folders=dict(settings.folders),
                window_geometry=settings.window_geometry, last_bundle=settings.last_bundle,
                case_titles=dict(settings.case_titles))
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, (json.dumps(data, indent=2, sort_keys=True) + "\n").encode("utf-8"))


def update_settings(**changes: Any) -> Settings:
    """Change some settings: read the file afresh, change, write it back."""
    settings = replace(load_settings(), **changes)
    save_settings(settings)
    return settings


def configured_timestamper(urls: Sequence[str] = (), *, enabled: bool = True,
                           known: Sequence[x509.Certificate] = ()) -> Timestamper | None:
    """What timestamps a build: ``urls`` when given, else the settings' TSA URLs; None when there
    are none or ``enabled`` is false (then nothing leaves the machine). ``known``: trusted
    certificates that may complete a TSA's chain."""
    if not enabled:
        return None
    from app.bundle.timestamp import Timestamper  # the network client, loaded only to timestamp

    settings = load_settings()
    chosen = list(urls) or list(settings.tsa_urls)
    return Timestamper(chosen, timeout=settings.tsa_timeout_seconds, known=known) if chosen else None


# -- what the window remembers; a damaged settings file only costs these memories -------------

def _remembered() -> Settings:
    try:
        return load_settings()
    except SettingsError:
        return Settings()


def recent_cases() -> list[Path]:
    """Most recent first; cases that no longer exist are left out."""
    return [p for p in (Path(r) for r in _remembered().recent_cases if r) if p.is_file()]


def remember_case(path: Path, title: str = "") -> None:
    """The case opened last goes first in the recent cases, with its title (the start screen shows it)."""
    path = Path(path).resolve()
    recent = [str(p) for p in [path, *(p for p in recent_cases() if p.resolve() != path)][:MAX_RECENT]]
    titles = {k: v for k, v in _remembered().case_titles.items() if k in recent}
    if title.strip():
        titles[str(path)] = " ".join(title.split())
    _remember(recent_cases=tuple(recent), case_titles=titles)


def case_titles() -> dict[str, str]:
    """The titles the recent cases had when they were last opened, by resolved path."""
    return dict(_remembered().case_titles)


def last_folder(purpose: str, case: Path | None = None) -> Path:
    """Where a file dialog for ``purpose`` ("cases", "evidence", "output", "filing"…) opens.

    With a case open: the folder last used for it with this case, else the case's own folder (its
    evidence and its filings are usually kept beside it). Without: the folder last used for it, else
    the home folder. A folder that no longer exists is passed over."""
    folders = _remembered().folders
    choices = [folders.get(_case_key(purpose, case), ""), str(case.parent)] if case is not None else []
    choices.append(folders.get(purpose, ""))
    return next((Path(c) for c in choices if c and Path(c).is_dir()), Path.home())


def set_last_folder(purpose: str, folder: Path, case: Path | None = None) -> None:
    """Remember ``folder`` for ``purpose`` (and for it with ``case``); only the recent cases' are kept."""
    recent = {str(p) for p in recent_cases()}
    kept = {k: v for k, v in _remembered().folders.items() if "@" not in k or k.split("@", 1)[1] in recent}
    kept[purpose] = str(folder)
    if case is not None:
        kept[_case_key(purpose, case)] = str(folder)
    _remember(folders=kept)


def _case_key(purpose: str, case: Path) -> str:
    return f"{purpose}@{Path(case).resolve()}"


def last_bundle() -> Path | None:
    """The bundle built last on this computer, if it is still there."""
    value = _remembered().last_bundle
    return Path(value) if value and Path(value).exists() else None


def set_last_bundle(bundle: Path) -> None:
    _remember(last_bundle=str(bundle))


def window_geometry() -> str:
    return _remembered().window_geometry


def set_window_geometry(geometry: str) -> None:
    _remember(window_geometry=geometry)


def _remember(**changes: Any) -> None:
    """Keep one of the window's memories; never over a settings file that cannot be read (the
    user's timestamp authorities are in it), and never at the cost of what the user is doing: a
    memory that cannot be written (a full disk) is logged and forgotten."""
    try:
        update_settings(**changes)
    except (SettingsError, OSError) as exc:
        log.warning("could not remember %s in the settings: %s", ", ".join(changes), exc)


def import_window_memories(recent: list[str], folders: dict[str, str], geometry: str) -> None:
    """Take over what an earlier version kept in its own settings file (recent cases, last folders,
    window layout), where this version has none yet."""
    current = _remembered()
    _remember(recent_cases=current.recent_cases or tuple(recent)[:MAX_RECENT],
              folders={**folders, **current.folders}, window_geometry=current.window_geometry or geometry)
