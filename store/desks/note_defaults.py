"""What a new note starts with, so that a standard contact takes a few keys: the time rounded down
from now, and for each contact type the agency's usual method, location and purposes
(``[picklists.defaults]`` in the policy) with the stage's people who are usually there ticked.

Who is there comes from the record: the stage's children, and each child's current caregiver —
the foster or kinship parent while the child is placed (a placement open today, in any stage of
the case), otherwise the parents. The editor shows every default; the caseworker changes any.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pendulum
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from store.core import arguments
from store.rules.access import case_access
from store.desks.base import DeskBase
from store.core.errors import InvalidNote
from store.db.models import Placement
from store.desks.to_results import stage_view
from store.core.results import PersonView

ROUND_TO = timedelta(minutes=15)  # "now" as a caseworker would write it: 3:52 PM → 3:45 PM
PARENTS = frozenset({"mother", "father", "parent", "stepmother", "stepfather", "guardian", "legal guardian"})
CAREGIVERS_IN_CARE = frozenset({"foster parent", "foster mother", "foster father", "kinship caregiver",
                                "kinship parent", "relative caregiver"})


@dataclass(frozen=True)
class NoteStart:
    """The fields a new note of one contact type starts with; empty ones are left for the caseworker."""

    method: str | None = None
    location: str | None = None
    purposes: tuple[str, ...] = ()
    participants: tuple[int, ...] = ()  # person ids, in the stage's order


@dataclass(frozen=True)
class NoteDefaults:
    event_at: datetime  # now, rounded down to the quarter hour
    by_contact_type: dict[str, NoteStart] = field(default_factory=dict)

    def for_contact(self, contact_type: str | None) -> NoteStart:
        return self.by_contact_type.get(contact_type or "", NoteStart())


def rounded_down(at: datetime, step: timedelta = ROUND_TO) -> datetime:
    """The last whole step at or before ``at`` (zones are whole quarter hours from UTC, so UTC will do)."""
    midnight = at.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight + (at - midnight) // step * step


def people_present(persons: tuple[PersonView, ...], placed: set[int], groups: tuple[str, ...]) -> tuple[int, ...]:
    """The ids of the stage's people in ``groups`` ("children", "caregivers", "parents"), in stage order."""
    children = [p for p in persons if p.is_child]
    wanted: set[int] = set()
    if "children" in groups:
        wanted |= {p.id for p in children}
    if "parents" in groups or ("caregivers" in groups and any(c.id not in placed for c in children)):
        wanted |= {p.id for p in persons if p.relationship.lower() in PARENTS}
    if "caregivers" in groups and any(c.id in placed for c in children):
        wanted |= {p.id for p in persons if p.relationship.lower() in CAREGIVERS_IN_CARE}
    return tuple(p.id for p in persons if p.id in wanted)


class NoteDefaultsDesk(DeskBase):
    def note_defaults(self, stage_id: int) -> NoteDefaults:
        """What a new note in this stage starts with, for every contact type the policy has defaults for."""
        stage_id = arguments.record_id(stage_id, "stage")
        with self.db.reading() as session:
            now, user = self._now(), self._user(session)
            stage = self._stage(session, stage_id)
            access = case_access(session, user, stage.case_id, now)
            view = stage_view(stage, now, children_only=access.child_ids or None)
            placed = _placed_today(session, [p.id for p in view.persons if p.is_child],
                                   pendulum.instance(now).in_timezone(self.policy.time_zone).date())
        starts = {kind: NoteStart(d.method, d.location, d.purposes, people_present(view.persons, placed, d.present))
                  for kind, d in self.policy.contact_defaults.items()}
        return NoteDefaults(rounded_down(now), starts)

    def default_participants(self, stage_id: int, contact_type: str | None) -> list[int]:
        """The stage's people usually present at this kind of contact (none for a type without defaults)."""
        if contact_type is not None and not isinstance(contact_type, str):
            raise InvalidNote(f"{arguments.shown(contact_type)} is not one of the agency's contact types.")
        return list(self.note_defaults(stage_id).for_contact(contact_type).participants)


def _placed_today(session: Session, child_ids: list[int], today: date) -> set[int]:
    if not child_ids:
        return set()
    return set(session.scalars(select(Placement.person_id).where(
        Placement.person_id.in_(child_ids), Placement.starts_on <= today,
        or_(Placement.ends_on.is_(None), Placement.ends_on >= today))))
