"""What the app remembers for each worker between runs, kept as small JSON files under one home folder.

`Prefs` holds a worker's choices (the theme). `RecoveryBox` holds unsaved note-editor contents,
written every few seconds, so that a crash or a dropped session loses at most those seconds.
Every write goes to a temporary file first and replaces the old one in a single step, so a file
is always either the old version or the new one, never half of each. No Textual here.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def default_home() -> Path:
    """Where casenotes keeps per-user files: $CASENOTES_HOME if set, else the platform's data folder."""
    override = os.environ.get("CASENOTES_HOME")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("casenotes"))


def safe_name(text: str) -> str:
    """`text` as a single file name: only letters, digits, '.', '_' and '-', never '.' or '..' alone."""
    name = _UNSAFE.sub("_", str(text))
    # Leading dots would make hidden files, and '.'/'..' would point outside the folder.
    name = "_" + name[1:] if name.startswith(".") else name
    return name or "_"


def _write_atomically(path: Path, text: str, *, sync: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as temp:
            temp.write(text)
            if sync:
                temp.flush()
                os.fsync(temp.fileno())
        os.replace(temp_name, path)
    except BaseException:
        try:
            os.unlink(temp_name)
        except FileNotFoundError:
            pass
        raise


class Prefs:
    """A worker's remembered choices (theme), kept as JSON in <home>/prefs/<login>.json."""

    def __init__(self, home: Path, login: str) -> None:
        self.path = Path(home) / "prefs" / f"{safe_name(login)}.json"
        self._values: dict[str, Any] = self._read()

    def _read(self) -> dict[str, Any]:
        # Unreadable preferences are not worth stopping the app for: start from defaults.
        try:
            values = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return values if isinstance(values, dict) else {}

    def get(self, key: str, default: Any = None) -> Any:
        return self._values.get(key, default)

    def set(self, key: str, value: Any) -> None:
        """Remember `value` under `key` and save at once."""
        self._values[key] = value
        _write_atomically(self.path, json.dumps(self._values, indent=2, sort_keys=True))

    @property
    def theme(self) -> str | None:
        theme = self.get("theme")
        return theme if isinstance(theme, str) else None

    @theme.setter
    def theme(self, name: str | None) -> None:
        self.set("theme", name)


class RecoveryBox:
    """Unsaved note editor contents, written every few seconds so that a crash loses at most those seconds.

    One JSON file per draft in <home>/recovery/<login>/<key>.json.
    """

    def __init__(self, home: Path, login: str) -> None:
        self.folder = Path(home) / "recovery" / safe_name(login)

    def _path(self, key: str) -> Path:
        return self.folder / f"{safe_name(key)}.json"

    def save(self, key: str, data: dict) -> None:
        """Keep `data` as the draft for `key`, replacing any earlier one; on disk when this returns."""
        _write_atomically(self._path(key), json.dumps(data, ensure_ascii=False), sync=True)

    def load(self, key: str) -> dict | None:
        """The draft saved for `key`, or None if there is none or it cannot be read.

        A damaged file is set aside as <key>.json.bad rather than deleted: it may be the only
        copy of a worker's words, and someone may yet recover them by hand.
        """
        return self._load_path(self._path(key))

    def _load_path(self, path: Path) -> dict | None:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError):
            self._set_aside(path)
            return None
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            self._set_aside(path)
            return None
        return data

    @staticmethod
    def _set_aside(path: Path) -> None:
        try:
            os.replace(path, path.with_name(path.name + ".bad"))
        except OSError:
            pass

    def discard(self, key: str) -> None:
        """Forget the draft for `key` (after it has been saved properly, or the worker threw it away)."""
        try:
            self._path(key).unlink()
        except FileNotFoundError:
            pass

    def pending(self) -> list[tuple[str, dict]]:
        """Every draft still waiting, oldest first, as (key, data); unreadable ones are set aside."""
        if not self.folder.is_dir():
            return []
        dated = []
        for path in self.folder.glob("*.json"):
            if path.name.startswith("."):
                continue
            try:
                dated.append((path.stat().st_mtime_ns, path.name, path))
            except FileNotFoundError:
                continue
        drafts = []
        for _, _, path in sorted(dated):
            data = self._load_path(path)
            if data is not None:
                drafts.append((path.stem, data))
        return drafts
