"""Whether a case plan's elements are discussed in the notes (issue 19): for each element of a child's
current approved plan and of the family's, the last counted note that discussed it, and a flag when
none has for longer than the policy's window (``[plans] coverage_window_days``).

Which notes count: those sent to the supervisor or past them: submitted, resubmitted, approved, and
final (an FSI entry is final on save). A draft is still being written and a returned note was sent back
for correction, so neither counts until it is sent (again). A note counts on the day of its event (the
contact), in the agency's time zone, not the day it was written.

The window: an element is flagged when more than ``window_days`` calendar days have passed since the
last counted note discussed it: discussed exactly ``window_days`` days ago it is still covered, a day
more and it is flagged. An element no counted note has discussed is counted from the day the plan
first held it (the approval of the earliest approved version with that section), so a plan approved
today is not flagged at once.

Elements are matched by section key across the versions of the same plan (a child's, or the family's):
a note that discussed ``education`` under version 1 still covers ``education`` of version 2, since a
section's key never changes (``plan_sections.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from store.core.coverage_results import ElementCoverage
from store.rules.plan_keys import section_title

COUNTED_STATUSES = ("submitted", "resubmitted", "approved", "final")


@dataclass(frozen=True)
class Discussion:
    """A counted note that discussed an element."""

    note_id: int
    day: date  # the note's event day in the agency
    author: str


def counts_for_coverage(note_status: str) -> bool:
    return note_status in COUNTED_STATUSES


def last_discussion(discussions: list[Discussion]) -> Discussion | None:
    """The latest by event day (the later note of one day)."""
    return max(discussions, key=lambda d: (d.day, d.note_id), default=None)


def days_undiscussed(last: Discussion | None, held_since: date, today: date) -> int:
    return max(0, (today - (last.day if last else held_since)).days)


def is_flagged(days: int, window_days: int) -> bool:
    return days > window_days


def element_coverage(plan_id: int, child_id: int | None, key: str, held_since: date,
                     discussions: list[Discussion], today: date, window_days: int) -> ElementCoverage:
    last = last_discussion(discussions)
    days = days_undiscussed(last, held_since, today)
    return ElementCoverage(
        plan_id=plan_id, child_id=child_id, section_key=key, title=section_title(key, family=child_id is None),
        last_note_id=last.note_id if last else None, last_discussed_on=last.day if last else None,
        last_author=last.author if last else None, days_undiscussed=days, flagged=is_flagged(days, window_days))
