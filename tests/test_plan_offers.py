"""What the plan screens offer (issue 19), asked of the store before a key is pressed: who may start a
family's plans, and what each worker may do with a plan as it moves from draft to approved. Each answer
is the sentence the action itself would refuse with, checked by doing the action."""

from __future__ import annotations

import pytest

from store import StoreError

DRAFTING = ("A family's plans are written by its Case Planner (its Case Manager where there is none) and those "
            "above them, and you are neither.")


@pytest.mark.parametrize("login, refusal", [
    ("vaplanner", None), ("supa", None), ("director", None), ("cw2", DRAFTING), ("cw", DRAFTING),
    ("clerk", "Entering notes for others does not open a family's case plans; the family's workers read them."),
])
def test_who_may_start_a_familys_plans(store, agency, login, refusal):
    desk = store.as_user(login)
    assert desk.may_draft_plans(agency.case) == refusal
    if refusal is None:
        assert desk.start_plan(agency.case).status == "draft"
    else:
        with pytest.raises(StoreError) as raised:
            desk.start_plan(agency.case)
        assert str(raised.value) == refusal


def test_what_each_worker_may_do_with_a_plan_as_it_moves(store, agency):
    planner, supervisor = store.as_user("vaplanner"), store.as_user("supa")
    plan = planner.start_plan(agency.case, agency.jay)
    plan = planner.save_plan_section(plan.id, "diagnosis", "Asthma, untreated.", plan.version)
    allowed = {name for name, refusal in planner.plan_actions(plan.id).items() if refusal is None}
    assert allowed == {"edit", "submit", "contest"}
    assert supervisor.plan_actions(plan.id)["approve"] == "Only a plan sent for review is approved; this one is draft."

    planner.submit_plan(plan.id)
    mine = planner.plan_actions(plan.id)
    assert mine["edit"] == "This plan is waiting for its supervisor's review and cannot be changed now."
    assert mine["approve"] == "You drafted this plan, so a supervisor above you approves or returns it."
    theirs = supervisor.plan_actions(plan.id)
    assert theirs["approve"] is None and theirs["return"] is None
    with pytest.raises(StoreError, match="no role in this family's case"):  # another unit's supervisor
        store.as_user("supb").plan_actions(plan.id)

    supervisor.approve_plan(plan.id)
    final = planner.plan_actions(plan.id)
    assert final["edit"] == "This plan is approved and final; start a new version of it to change it."
    assert final["new_version"] is None
    second = planner.new_plan_version(plan.id)
    assert planner.plan_actions(plan.id)["new_version"] == "This plan has a newer version already; change that one."
    assert planner.plan_actions(second.id)["edit"] is None
