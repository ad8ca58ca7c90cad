"""A child's permanency goals as the plan rules read them (``plan_need.PlannedChild``): from the
"Permanency goal" section of the child's current approved plan, which the planner writes in words.

The goal is the first permanency goal the section names; the concurrent goal the first one it names
after the word "concurrent" ("Reunification with the mother by June; concurrent goal: adoption"). A
goal is named by its key or title (``plan_sections.PERMANENCY_GOALS``) or the words planners use for it
("return home", "adopted", "another planned permanent living arrangement"). A section naming no goal
gives none: the rules then read the child as having no goal yet, as before a first plan.
"""

from __future__ import annotations

import re

from store.rules.plan_sections import ADOPTION, APPLA, GUARDIANSHIP, REUNIFICATION

GOAL_SECTION = "permanency_goal"
_WORDS: dict[str, tuple[str, ...]] = {
    REUNIFICATION: ("reunification", "reunify", "reunified", "return to parent", "return to the parent",
                    "return home", "returned home"),
    GUARDIANSHIP: ("guardianship", "guardian"),
    ADOPTION: ("adoption", "adopt", "adopted", "adoptive"),
    APPLA: ("appla", "another planned permanent living arrangement"),
}
_CONCURRENT = re.compile(r"\bconcurrent", re.IGNORECASE)


def first_goal(text: str) -> str | None:
    """The permanency goal named first in ``text`` (None: none is named)."""
    lowered = text.lower()
    found = [(match.start(), goal) for goal, words in _WORDS.items() for word in words
             for match in re.finditer(rf"\b{re.escape(word)}\b", lowered)]
    return min(found)[1] if found else None


def goals_in(text: str | None) -> tuple[str | None, str | None]:
    """(goal, concurrent goal) named in a plan's permanency-goal section."""
    if not text:
        return None, None
    parts = _CONCURRENT.split(text, maxsplit=1)
    goal = first_goal(parts[0])
    concurrent = first_goal(parts[1]) if len(parts) > 1 else None
    return goal, concurrent
