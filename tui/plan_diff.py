"""What changed between two saved versions of a plan, as text to read: each section whose text changed
(its changed lines), who took part, the plan's date. The store gives each version whole
(``PlanRevisionView``); any two may be compared, not only neighbours."""

from __future__ import annotations

from rich.text import Text

from store.core.plan_results import PlanRevisionView
from tui.plan_words import section_title
from tui.revision_diff import line_changes


def plan_changes(before: PlanRevisionView | None, after: PlanRevisionView) -> Text:
    text = Text()
    if before is None:
        text.append("First saved version.\n", style="bold")
        for key, written in after.sections:
            text.append(f"\n{section_title(key)}\n", style="bold")
            text.append(written + "\n")
        return text
    old, new = dict(before.sections), dict(after.sections)
    changed = False
    if before.plan_date != after.plan_date:
        changed = True
        text.append("Plan date: ", style="bold")
        text.append(f"{before.plan_date:%m/%d/%Y}", style="red strike")
        text.append(" → ")
        text.append(f"{after.plan_date:%m/%d/%Y}\n", style="green")
    if before.participants != after.participants:
        changed = True
        text.append("Took part: ", style="bold")
        text.append(_people(before) or "—", style="red strike")
        text.append(" → ")
        text.append(f"{_people(after) or '—'}\n", style="green")
    for key in [k for k, _ in after.sections] + [k for k in old if k not in new]:
        if old.get(key, "") != new.get(key, ""):
            changed = True
            text.append(f"\n{section_title(key)}:\n", style="bold")
            text.append_text(line_changes(old.get(key, ""), new.get(key, "")))
    if before.status != after.status:
        changed = True
        text.append(f"\nStatus: {before.status} → {after.status}\n", style="bold")
    if not changed:
        text.append("Nothing in the plan changed in this version.", style="dim")
    return text


def _people(revision: PlanRevisionView) -> str:
    return "; ".join(f"{p.name} ({p.role})" for p in revision.participants)
