"""Snapshots of the plan screens (issue 19) at 120x40 and 80x24 on the test agency, its clock frozen: the
family's plans, a draft child's plan of a 14-year-old (the 13+ sections listed) being written, a
returned plan, a plan under review as its supervisor sees it, the plan review queue, a plan's history,
and the dialogs for whose plan to start, who took part, a request to contest and a return."""

from __future__ import annotations

from datetime import date

import pytest

from tests.settling import until
from tests.test_flows import open_app, settle
from tui.dialogs.pick import PickDialog
from tui.screens.plan import PlanScreen
from tui.screens.plan_history import PlanHistoryScreen
from tui.screens.plan_review_queue import PlanReviewQueueScreen
from tui.screens.plans import PlansScreen

SIZES = {"120x40": (120, 40), "80x24": (80, 24)}
sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def family_with_plans(store, agency) -> dict[str, int]:
    """Leo (14) with an approved plan and its second version in draft; Jay's plan sent for review; the
    family plan returned."""
    leo = store.staffing().add_person(agency.case, "Leo", "Rivera", "child", birth_date=date(2011, 9, 14),
                                      is_child=True)
    planner, supervisor = store.as_user("vaplanner"), store.as_user("supa")
    first = planner.start_plan(agency.case, leo)
    first = planner.save_plan_section(first.id, "diagnosis", "Leo has ADHD, assessed by Dr. Okafor in 2024.\n"
                                      "He is behind in reading.", first.version)
    first = planner.save_plan_section(first.id, "life_skills", "Cooks simple meals; learning to budget.",
                                      first.version)
    first = planner.set_plan_participants(first.id, [{"person_id": leo, "role": "child"},
                                                     {"person_id": agency.ana, "role": "mother"}], first.version)
    supervisor.approve_plan(planner.submit_plan(first.id).id)
    second = planner.new_plan_version(first.id)
    second = planner.save_plan_section(second.id, "diagnosis", "Leo has ADHD, assessed by Dr. Okafor in 2024.\n"
                                       "He now reads at grade level.", second.version)
    jay = planner.start_plan(agency.case, agency.jay)
    jay = planner.save_plan_section(jay.id, "placement_reasons", "Jay was placed after the school reported bruises.",
                                    jay.version)
    planner.submit_plan(jay.id)
    family = planner.start_plan(agency.case)
    family = planner.save_plan_section(family.id, "safety", "Grandmother stays nights.", family.version)
    supervisor.return_plan(planner.submit_plan(family.id).id, "Name who watches the children at night.")
    return {"leo_first": first.id, "leo": second.id, "jay": jay.id, "family": family.id}


async def _plan(pilot, plan_id: int, keys=()) -> None:
    pilot.app.push_screen(PlanScreen(plan_id))
    await until(pilot, lambda: isinstance(pilot.app.screen, PlanScreen) and bool(pilot.app.screen.actions),
                "the plan")
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def _pushed(pilot, screen) -> None:
    pilot.app.push_screen(screen)
    await until(pilot, lambda: pilot.app.screen is screen and not pilot.app.workers._workers, type(screen).__name__)


async def _start(pilot) -> None:
    await _pushed(pilot, PlansScreen(pilot.app.store_case))
    await pilot.press("n")
    await until(pilot, lambda: isinstance(pilot.app.screen, PickDialog), "whose plan")


SNAPSHOTS = {
    # name: (who, what to do once signed in)
    "plans": ("vaplanner", lambda pilot, ids: _pushed(pilot, PlansScreen(pilot.app.store_case))),
    "draft": ("vaplanner", lambda pilot, ids: _plan(pilot, ids["leo"], ["enter"])),
    "returned": ("vaplanner", lambda pilot, ids: _plan(pilot, ids["family"])),
    "under_review": ("supa", lambda pilot, ids: _plan(pilot, ids["jay"])),
    "review_queue": ("supa", lambda pilot, ids: _pushed(pilot, PlanReviewQueueScreen())),
    "history": ("vaplanner", lambda pilot, ids: _pushed(pilot, PlanHistoryScreen(ids["leo"]))),
    "start": ("vaplanner", lambda pilot, ids: _start(pilot)),
    "participants": ("vaplanner", lambda pilot, ids: _plan(pilot, ids["leo"], ["p"])),
    "contest": ("vaplanner", lambda pilot, ids: _plan(pilot, ids["leo_first"], ["c"])),
    "return": ("supa", lambda pilot, ids: _plan(pilot, ids["jay"], ["r"])),
}


@sqlite_only
@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("name", sorted(SNAPSHOTS))
def test_plan_screen_snapshot(snap_compare, store, agency, tmp_path, name, size):
    ids = family_with_plans(store, agency)
    who, shown = SNAPSHOTS[name]
    app = open_app(store, who, tmp_path)
    app.store_case = agency.case

    async def run_before(pilot):
        await until(pilot, lambda: getattr(pilot.app, "_home", None) is not None
                    and pilot.app.screen is pilot.app._home, "the home screen")
        await shown(pilot, ids)
        for screen in pilot.app.screen_stack:  # the same picture however long it took: no blinking cursor
            for field in screen.query("Input, TextArea"):
                field.cursor_blink = False
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)
