"""The app's remembered settings: one typed wrapper over QSettings that declares every key once."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Generic, Literal, NamedTuple, TypeVar, cast, get_args

from PySide6.QtCore import QByteArray, QSettings

from core import APP_ID

if TYPE_CHECKING:
    from PySide6.QtWidgets import QHeaderView, QMainWindow


def _json():  # type: ignore[no-untyped-def]
    # Imported on first use: json costs some 5 ms, and the settings are read before the first frame.
    import json

    return json


__all__ = [
    "MAX_RECENT_DATABASES",
    "SETTINGS_VERSION",
    "THEMES",
    "WINDOW_STATE_VERSION",
    "AppSettings",
    "Setting",
    "Theme",
]

T = TypeVar("T")

Theme = Literal["system", "light", "dark"]
THEMES: tuple[Theme, ...] = get_args(Theme)

# Bumped when a key changes meaning; older files are migrated in AppSettings._upgrade.
SETTINGS_VERSION = 1
# Bump it when the window's docks and toolbars or any list's columns change shape: a saved layout of another
# version is dropped at start instead of being misapplied (a header state does not know its columns' meaning).
WINDOW_STATE_VERSION = 1
MAX_RECENT_DATABASES = 8

# User preferences and window state live apart, so "reset window layout" never touches a preference.
PREFERENCES = "preferences"
WINDOW = "window"

_ENTITY_KEY = re.compile(r"[a-z][a-z0-9_]*")


# A NamedTuple, not a dataclass: the settings are read before the first frame, and dataclasses is not loaded yet.
class Setting(NamedTuple, Generic[T]):
    """One key: where it lives, its type and its default. Values of the wrong type read as the default."""

    group: str
    name: str
    kind: type
    default: T

    @property
    def key(self) -> str:
        return f"{self.group}/{self.name}"


THEME: Setting[str] = Setting(PREFERENCES, "theme", str, "system")
LAST_EXPORT_FOLDER: Setting[str] = Setting(PREFERENCES, "last_export_folder", str, "")
LAST_DATABASE: Setting[str] = Setting(PREFERENCES, "last_database", str, "")
RECENT_DATABASES: Setting[list[str]] = Setting(PREFERENCES, "recent_databases", list, [])
WINDOW_GEOMETRY: Setting[bytes] = Setting(WINDOW, "geometry", bytes, b"")
WINDOW_STATE: Setting[bytes] = Setting(WINDOW, "state", bytes, b"")
VERSION: Setting[int] = Setting("meta", "settings_version", int, 0)
LAYOUT_VERSION: Setting[int] = Setting("meta", "window_state_version", int, 0)


def _column_setting(entity: str) -> Setting[bytes]:
    if not _ENTITY_KEY.fullmatch(entity):
        raise ValueError(f"Not a list name: {entity!r}")
    return Setting(WINDOW, f"columns/{entity}", bytes, b"")


def _same_path_key(path: Path) -> str:
    # Windows and macOS compare file names without case; normcase makes two spellings one recent entry there.
    return os.path.normcase(str(path))


class AppSettings:
    """Typed access to the settings file; `path` points it at an INI file (tests), otherwise the platform's store."""

    def __init__(self, path: Path | None = None) -> None:
        if path is None:
            self._qs = QSettings(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, APP_ID, APP_ID)
        else:
            self._qs = QSettings(str(path), QSettings.Format.IniFormat)
        self._upgrade()

    @property
    def file_name(self) -> str:
        return self._qs.fileName()

    def sync(self) -> None:
        """Write pending changes now (Qt also writes them on its own and at exit)."""
        self._qs.sync()

    # ------------------------------------------------------------------------------------------------
    # Preferences

    @property
    def theme(self) -> Theme:
        value = self._get(THEME)
        return value if value in THEMES else "system"

    @theme.setter
    def theme(self, value: Theme) -> None:
        if value not in THEMES:
            raise ValueError(f"Unknown theme {value!r}; use one of {', '.join(THEMES)}.")
        self._set(THEME, value)

    @property
    def last_export_folder(self) -> Path | None:
        """The folder of the last export, if it still exists."""
        text = self._get(LAST_EXPORT_FOLDER)
        return Path(text) if text and Path(text).is_dir() else None

    @last_export_folder.setter
    def last_export_folder(self, folder: Path | None) -> None:
        self._set(LAST_EXPORT_FOLDER, str(folder) if folder else "")

    @property
    def last_database(self) -> Path | None:
        """The database open when the app last closed (it may since have been moved)."""
        text = self._get(LAST_DATABASE)
        return Path(text) if text else None

    @last_database.setter
    def last_database(self, path: Path | None) -> None:
        self._set(LAST_DATABASE, str(path) if path else "")

    @property
    def recent_databases(self) -> list[Path]:
        """Most recent first; files that are missing now are left out but kept, in case a drive comes back."""
        return [Path(text) for text in self._get(RECENT_DATABASES) if Path(text).is_file()]

    def add_recent_database(self, path: Path) -> None:
        """Put `path` first in the recent list (once) and remember it as the last database."""
        path = path.expanduser().absolute()
        key = _same_path_key(path)
        others = [text for text in self._get(RECENT_DATABASES) if _same_path_key(Path(text)) != key]
        self._set(RECENT_DATABASES, [str(path), *others][:MAX_RECENT_DATABASES])
        self.last_database = path

    def remove_recent_database(self, path: Path) -> None:
        key = _same_path_key(path.expanduser().absolute())
        self._set(RECENT_DATABASES, [t for t in self._get(RECENT_DATABASES) if _same_path_key(Path(t)) != key])

    # ------------------------------------------------------------------------------------------------
    # Window state (restore with WINDOW_STATE_VERSION)

    @property
    def window_geometry(self) -> bytes:
        return self._get(WINDOW_GEOMETRY)

    @window_geometry.setter
    def window_geometry(self, value: bytes) -> None:
        self._set(WINDOW_GEOMETRY, value)

    @property
    def window_state(self) -> bytes:
        return self._get(WINDOW_STATE)

    @window_state.setter
    def window_state(self, value: bytes) -> None:
        self._set(WINDOW_STATE, value)

    def column_state(self, entity: str) -> bytes:
        """A list's saved header (QHeaderView.saveState), or b"" if none."""
        return self._get(_column_setting(entity))

    def set_column_state(self, entity: str, state: bytes) -> None:
        self._set(_column_setting(entity), state)

    def save_window(self, window: QMainWindow) -> None:
        """Remember the window's geometry and its docks and toolbars (call from closeEvent)."""
        self.window_geometry = bytes(window.saveGeometry().data())
        self.window_state = bytes(window.saveState(WINDOW_STATE_VERSION).data())

    def restore_window(self, window: QMainWindow) -> bool:
        """Put the window back where it was (before show()); False if nothing usable was saved."""
        geometry = self.restore_geometry(window)
        return self.restore_layout(window) and geometry

    def restore_geometry(self, window: QMainWindow) -> bool:
        """Only the window's size and place: the first frame shows them, before its docks and toolbars exist."""
        geometry = self.window_geometry
        return bool(geometry) and window.restoreGeometry(QByteArray(geometry))

    def restore_layout(self, window: QMainWindow) -> bool:
        """The docks and toolbars, once the window has built them; True when none were saved."""
        state = self.window_state
        return not state or window.restoreState(QByteArray(state), WINDOW_STATE_VERSION)

    def save_columns(self, entity: str, header: QHeaderView) -> None:
        """Remember a list's column order, widths, hidden columns and sort."""
        self.set_column_state(entity, bytes(header.saveState().data()))

    def restore_columns(self, entity: str, header: QHeaderView) -> bool:
        """Apply a list's saved columns once its model is set; False if none were saved or they no longer fit."""
        state = self.column_state(entity)
        return bool(state) and header.restoreState(QByteArray(state))

    def reset_window_state(self) -> None:
        """Forget the window layout and every list's columns; preferences stay."""
        self._qs.remove(WINDOW)

    # ------------------------------------------------------------------------------------------------

    def _get(self, setting: Setting[T]) -> T:
        raw = self._qs.value(setting.key)
        if raw is None:
            return setting.default
        value: object
        try:
            if setting.kind is bytes:
                value = bytes(raw.data()) if isinstance(raw, QByteArray) else None
            elif setting.kind is list:
                # JSON, because an INI file cannot tell a one-item list from a string.
                value = _json().loads(raw) if isinstance(raw, str) else None
                if not (isinstance(value, list) and all(isinstance(item, str) for item in value)):
                    value = None
            elif setting.kind is int:
                value = int(raw)
            else:
                value = raw if isinstance(raw, setting.kind) else None
        except (ValueError, TypeError):
            value = None  # a hand-edited or damaged file: fall back rather than fail at start
        return setting.default if value is None else cast(T, value)

    def _set(self, setting: Setting[T], value: T) -> None:
        stored: object
        if setting.kind is bytes:
            stored = QByteArray(cast(bytes, value))
        elif setting.kind is list:
            stored = _json().dumps(value)
        else:
            stored = value
        self._qs.setValue(setting.key, stored)

    def _upgrade(self) -> None:
        if self._get(LAYOUT_VERSION) != WINDOW_STATE_VERSION:
            self._qs.remove(WINDOW)
            self._set(LAYOUT_VERSION, WINDOW_STATE_VERSION)
        found = self._get(VERSION)
        if found > SETTINGS_VERSION:
            return  # written by a newer version: read what we understand, change nothing on its behalf
        if found < SETTINGS_VERSION:
            # Version 1 is the first layout; later versions move or convert keys here, oldest first.
            self._set(VERSION, SETTINGS_VERSION)
