"""The app's settings, typed, over one QSettings INI file under the user's config folder.

One registry (as Picard keeps one): every key the app stores is a property
here, so nothing else spells a settings key. Tests get an INI file under
their own ``EVBUNDLE_HOME``; the real user's settings are never touched.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from app.core.paths import user_config_dir

MAX_RECENT = 6
SETTINGS_FILE = "evbundle.ini"


def settings_path() -> Path:
    return user_config_dir() / SETTINGS_FILE


class Settings:
    """What the app remembers between runs: recent cases, last folders, window layout."""

    def __init__(self, store: QSettings | None = None) -> None:
        if store is None:
            path = settings_path()
            path.parent.mkdir(parents=True, exist_ok=True)
            store = QSettings(str(path), QSettings.Format.IniFormat)
        self._store = store

    def sync(self) -> None:
        self._store.sync()

    # -- recent cases ----------------------------------------------------------

    def recent_cases(self) -> list[Path]:
        """Most recent first; cases that no longer exist are left out."""
        value = self._store.value("cases/recent", [])
        if isinstance(value, str):  # QSettings gives a lone string for a one-item list
            value = [value]
        paths = [Path(str(v)) for v in (value or []) if str(v)]
        return [p for p in paths if p.is_file()]

    def remember_case(self, path: Path) -> None:
        path = Path(path).resolve()
        recent = [p for p in self.recent_cases() if p.resolve() != path]
        self._store.setValue("cases/recent", [str(p) for p in [path, *recent][:MAX_RECENT]])

    # -- folders -------------------------------------------------------------------

    def last_folder(self, purpose: str) -> Path:
        """The folder last used for ``purpose`` ("cases", "evidence", "output"); home if none."""
        value = self._store.value(f"folders/{purpose}", "")
        folder = Path(str(value)) if value else Path.home()
        return folder if folder.is_dir() else Path.home()

    def set_last_folder(self, purpose: str, folder: Path) -> None:
        self._store.setValue(f"folders/{purpose}", str(folder))

    # -- window --------------------------------------------------------------------

    def window_geometry(self) -> QByteArray | None:
        value = self._store.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    def set_window_geometry(self, geometry: QByteArray) -> None:
        self._store.setValue("window/geometry", geometry)
