"""What the plan-coverage desk answers (issue 19): frozen dataclasses, like ``results``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ElementCoverage:
    """One element of a current approved plan and the last counted note that discussed it."""

    plan_id: int
    child_id: int | None  # None: an element of the family plan
    section_key: str
    title: str
    last_note_id: int | None  # None: no counted note has discussed it
    last_discussed_on: date | None  # the day of that note's event, in the agency
    last_author: str | None  # that note's author (name)
    days_undiscussed: int  # since that day, or since the plan first held the element if none has
    flagged: bool  # more than the policy's window

    @property
    def whose(self) -> str:
        return "family" if self.child_id is None else "child"

    @property
    def covered(self) -> bool:
        """Discussed by a counted note within the window (an element no note has discussed yet is not
        covered, though it is flagged only once the window has passed since the plan held it)."""
        return self.last_note_id is not None and not self.flagged


@dataclass(frozen=True)
class ChildCoverage:
    """A child's plan coverage on ``today``: the elements of the child's current approved plan, then
    those of the family's."""

    case_id: int
    family_name: str
    child_id: int
    child_name: str
    today: date
    window_days: int
    child_plan_id: int | None  # the current approved plan, if any
    family_plan_id: int | None
    elements: tuple[ElementCoverage, ...]

    @property
    def covered(self) -> int:
        return sum(element.covered for element in self.elements)

    @property
    def not_yet(self) -> int:
        """Elements no note has discussed, within the window since the plan first held them."""
        return sum(element.last_note_id is None and not element.flagged for element in self.elements)

    @property
    def flagged(self) -> int:
        return sum(element.flagged for element in self.elements)

    @property
    def oldest_gap(self) -> ElementCoverage | None:
        """The element longest undiscussed (the first such in the plan's order)."""
        return max(self.elements, key=lambda element: element.days_undiscussed, default=None)


@dataclass(frozen=True)
class UnitCoverageRow:
    """One child of the unit's caseload: their coverage and the workers on the family."""

    coverage: ChildCoverage
    workers: tuple[str, ...]  # names of the unit's workers with a role in the family's open stages
