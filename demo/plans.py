"""The demo's case plans (issue 19), told through the store's plan desk like everything else.

Three weeks before the story ends a few families' planners (the Case Manager where a stage has no
planner) write the family plan and the plan of a child in care, send them, and their supervisor
approves them three days later: the screens and the court records have plans to show.

As the story ends the Halvorsen family is opened: Leila, 14, placed in a foster home that day, in a
Family Services stage of the Foster Care unit with a Case Planner. Her plan is not started, so the
demo's walk (README, "Case plans in the demo") drafts it with the 13+ sections, sends it and has it
approved. Opened last, so that every other record of the demo keeps its number.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

import pendulum

from demo.family import Family
from demo.plan_text import CHILD_PLAN, FAMILY_PLAN
from demo.timeline import DemoStaff, Timeline
from store.core.plan_results import PlanView
from store.rules.plan_need import COURT_ORDER
from store.service import Store

if TYPE_CHECKING:
    from store.desks.desk import Desk

PLANNED_FAMILIES = 4
PLAN_STAGES = ("FSS", "CCR")
WALK_FAMILY, WALK_CHILD, WALK_AGE = "Halvorsen", "Leila", 14
FOSTER_CARE_UNIT = 1  # the unit index (demo.agency.UNIT_NAMES) whose planner drafts the walk's plan


def plan_a_few(store: Store, staff: DemoStaff, timeline: Timeline, stories: Sequence[Family],
               zone: pendulum.Timezone) -> None:
    """A few families with an open FSS or CCR stage three weeks before the end (those with a child in
    care first) get approved plans."""
    end = pendulum.instance(timeline.as_of).in_timezone(zone)
    written: list[tuple[str, PlanView]] = []

    def write() -> None:
        chosen = [(story, stage) for story in stories if (stage := _plan_stage(story)) is not None]
        chosen.sort(key=lambda pair: not pair[0].in_care)  # families with a child in care first (a stable sort)
        for story, stage in chosen[:PLANNED_FAMILIES]:
            drafter = story.planners.get(stage) or story.managers[stage]
            written.extend((drafter, plan) for plan in _write_plans(store, story, drafter))

    def approve() -> None:
        for drafter, plan in written:
            store.as_user(staff.supervisor_of[drafter]).approve_plan(plan.id)

    start = end.subtract(days=24).set(hour=10, minute=0)
    timeline.at(start, write)
    timeline.at(start + timedelta(days=3, hours=1), approve)


def _plan_stage(story: Family) -> int | None:
    """The family's newest open FSS or CCR stage, by this point of the story."""
    opened = [stage for stage, kind in story.kinds.items() if kind in PLAN_STAGES and stage not in story.closed]
    return max(opened, default=None)


def _write_plans(store: Store, story: Family, drafter: str) -> list[PlanView]:
    """The family plan and, for a child in care, the child's plan, written whole and sent for review."""
    desk = store.as_user(drafter)
    mother_id, mother = story.adults[0]
    words = {"family": story.surname, "mother": mother}
    family = desk.start_plan(story.case_id)
    plans = [_fill(desk, family, FAMILY_PLAN, words, [{"person_id": mother_id, "role": "mother"}])]
    in_care = [(child_id, first) for child_id, first in story.children if child_id in story.in_care]
    if in_care:
        child_id, first = in_care[0]
        child = desk.start_plan(story.case_id, child_id)
        plans.append(_fill(desk, child, CHILD_PLAN, {**words, "child": first},
                           [{"person_id": child_id, "role": "child"}, {"person_id": mother_id, "role": "mother"},
                            {"person_id": story.adults[-1][0], "role": "foster parent"}]))
    return [desk.submit_plan(plan.id, plan.version) for plan in plans]


def _fill(desk: Desk, plan: PlanView, texts: dict[str, str], words: dict[str, str],
          participants: list[dict[str, object]]) -> PlanView:
    for key in plan.section_keys:
        if key in texts:
            plan = desk.save_plan_section(plan.id, key, texts[key].format(**words), plan.version)
    return desk.set_plan_participants(plan.id, participants, plan.version)


def open_the_walks_family(store: Store, staff: DemoStaff, zone: pendulum.Timezone) -> None:
    """The Halvorsen family, opened at the story's end: Leila, 14 today, placed in a foster home; her
    stage's Case Planner is the Foster Care unit's planner, whose supervisor approves plans."""
    staffing = store.staffing()
    today = pendulum.instance(store.clock.now()).in_timezone(zone).date()
    team = staff.workers[FOSTER_CARE_UNIT % len(staff.workers)]
    manager = next(w for w in team if w in staff.ldss)
    planner = next(w for w in team if w not in staff.ldss)
    case_id = staffing.open_case(WALK_FAMILY)
    born = today.subtract(years=WALK_AGE, days=130)
    child = staffing.add_person(case_id, WALK_CHILD, WALK_FAMILY, "child", birth_date=born, is_child=True)
    mother = staffing.add_person(case_id, "Ingrid", WALK_FAMILY, "mother")
    foster = staffing.add_person(case_id, "Denise", "Bramwell", "foster parent")
    stage = staffing.open_stage(case_id, "FSS", subtype="CWS", case_manager=manager,
                                person_ids=[child, mother, foster])
    staffing.assign_role(stage, planner, "Case Planner")
    staffing.place_child(stage, child, today, "Foster home", basis=COURT_ORDER)
    staff.walk_case, staff.walk_child, staff.walk_planner = case_id, child, planner
