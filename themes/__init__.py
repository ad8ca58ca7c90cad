"""The app's colour themes, kept as TOML data beside this file and loaded into Textual `Theme`s.

One file per theme (light, dark, high contrast); each holds the fields of `textual.theme.Theme`
and an optional `[variables]` table. `app.tcss` here holds the styles every screen shares.
"""

from __future__ import annotations

import tomllib
from dataclasses import fields
from importlib.resources import files
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.theme import Theme

THEME_FILES = ("light.toml", "dark.toml", "high-contrast.toml")
THEME_NAMES: tuple[str, ...] = ("casenotes-light", "casenotes-dark", "casenotes-high-contrast")
DEFAULT_THEME = "casenotes-dark"


def load_themes() -> list[Theme]:
    """Every casenotes theme, in the order light, dark, high contrast."""
    return [load_theme(file_name) for file_name in THEME_FILES]


def load_theme(file_name: str) -> Theme:
    """One theme from its TOML file in this package; ValueError naming the file if it is unusable."""
    # Imported here so that `import themes` (e.g. for THEME_NAMES) stays cheap.
    from textual.color import Color, ColorParseError
    from textual.theme import Theme

    resource = files(__package__).joinpath(file_name)
    try:
        data = tomllib.loads(resource.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ValueError(f"theme file {file_name}: {error}") from error

    known = {field.name for field in fields(Theme)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValueError(f"theme file {file_name}: unknown field(s) {', '.join(unknown)}")
    for required in ("name", "primary"):
        if not isinstance(data.get(required), str):
            raise ValueError(f"theme file {file_name}: '{required}' must be given as text")
    if not isinstance(data.get("dark", True), bool):
        raise ValueError(f"theme file {file_name}: 'dark' must be true or false")
    variables = data.get("variables", {})
    if not isinstance(variables, dict) or not all(isinstance(v, str) for v in variables.values()):
        raise ValueError(f"theme file {file_name}: [variables] must map names to text")

    # Catch a mistyped colour now, with the file's name, not later as a styling error on screen.
    for key in ("primary", "secondary", "accent", "foreground", "background", "surface",
                "panel", "boost", "warning", "error", "success"):
        value = data.get(key)
        if value is None:
            continue
        try:
            Color.parse(value)
        except (ColorParseError, TypeError, ValueError) as error:
            raise ValueError(f"theme file {file_name}: {key} = {value!r} is not a colour") from error

    try:
        theme = Theme(**data)
        theme.to_color_system()
    except Exception as error:  # any failure to build the theme is a bad file
        raise ValueError(f"theme file {file_name}: {error}") from error
    return theme
