"""What changed between two saved versions of a note, as text to read: the store says which fields
changed and gives their values typed (``RevisionView.changes_from``); this only sets them out."""

from __future__ import annotations

import difflib
from datetime import datetime
from typing import Any

from rich.text import Text

from store.core.results import RevisionView
from tui import formatting


def revision_changes(before: RevisionView | None, after: RevisionView, zone: str = "UTC") -> Text:
    """Field changes, then the narrative's changed lines (- removed, + added)."""
    text = Text()
    if before is None:
        text.append("First saved version.\n\n", style="bold")
        text.append(after.narrative)
        return text
    changed = False
    for change in after.changes_from(before):
        changed = True
        text.append(f"{change.label}: ", style="bold")
        text.append(_show(change.before, zone), style="red strike")
        text.append(" → ")
        text.append(f"{_show(change.after, zone)}\n", style="green")
    if before.narrative.splitlines() != after.narrative.splitlines():
        changed = True
        text.append("\nNarrative:\n", style="bold")
        text.append_text(line_changes(before.narrative, after.narrative))
    if not changed:
        text.append("Nothing in the note changed in this version.", style="dim")
    return text


def line_changes(before: str, after: str) -> Text:
    """A text's changed lines with a line of context: - removed (red), + added (green)."""
    text = Text()
    for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=1):
        if line.startswith(("---", "+++")):
            continue
        style = "green" if line.startswith("+") else "red" if line.startswith("-") else "dim"
        text.append(line + "\n", style=style)
    return text


def _show(value: Any, zone: str) -> str:
    if value in (None, "", ()):
        return "—"
    if isinstance(value, datetime):
        return formatting.moment(value, zone)
    if isinstance(value, tuple):
        return ", ".join(map(str, value))
    return str(value)
