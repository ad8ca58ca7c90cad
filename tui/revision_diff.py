"""What changed between two saved versions of a note, as text to read."""

from __future__ import annotations

import difflib
from datetime import datetime
from typing import Any

from rich.text import Text

from tui import formatting

FIELDS = (("status", "Status"), ("event_at", "Event"), ("contact_type", "Type"), ("method", "Method"),
          ("location", "Location"), ("purposes", "Purposes"), ("participants", "Present (person ids)"),
          ("others", "Others present"), ("correction_due_at", "Correct by"))


def revision_changes(before: dict[str, Any] | None, after: dict[str, Any], names: dict[int, str] | None = None,
                     zone: str = "UTC") -> Text:
    """Field changes, then the narrative's changed lines (- removed, + added)."""
    text = Text()
    if before is None:
        text.append("First saved version.\n\n", style="bold")
        text.append(after.get("narrative", ""))
        return text
    changed = False
    for key, label in FIELDS:
        old, new = before.get(key), after.get(key)
        if old != new:
            changed = True
            text.append(f"{label}: ", style="bold")
            text.append(f"{_show(old, names, zone)}", style="red strike")
            text.append(" → ")
            text.append(f"{_show(new, names, zone)}\n", style="green")
    old_lines = (before.get("narrative") or "").splitlines()
    new_lines = (after.get("narrative") or "").splitlines()
    if old_lines != new_lines:
        changed = True
        text.append("\nNarrative:\n", style="bold")
        for line in difflib.unified_diff(old_lines, new_lines, lineterm="", n=1):
            if line.startswith(("---", "+++")):
                continue
            style = "green" if line.startswith("+") else "red" if line.startswith("-") else "dim"
            text.append(line + "\n", style=style)
    if not changed:
        text.append("Nothing in the note changed in this version.", style="dim")
    return text


def _show(value: Any, names: dict[int, str] | None, zone: str) -> str:
    if value in (None, "", []):
        return "—"
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        try:  # a saved time: show it as the agency reads it
            return formatting.moment(datetime.fromisoformat(value), zone)
        except ValueError:
            pass
    if isinstance(value, list):
        return ", ".join(names.get(v, str(v)) if names and isinstance(v, int) else str(v) for v in value)
    return str(value)
