"""Case plans through the store (issue 19): who starts, writes, sends, approves or returns a plan, its
versions and history, contest requests, and a note's plan elements; refusals with their sentences."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from store import StoreError
from store.core.errors import InvalidPlan, InvalidTransition, NoAccess, StaleEdit
from tests.conftest import visit


def approved_child_plan(store, agency, text="Jay was placed after the school reported bruises."):
    planner = store.as_user("vaplanner")
    plan = planner.start_plan(agency.case, agency.jay)
    plan = planner.save_plan_section(plan.id, "placement_reasons", text, plan.version)
    plan = planner.submit_plan(plan.id)
    return store.as_user("supa").approve_plan(plan.id)


def test_the_planner_drafts_sends_and_the_supervisor_approves_a_childs_plan(store, agency):
    planner = store.as_user("vaplanner")
    plan = planner.start_plan(agency.case, agency.jay)
    assert (plan.status, plan.version, plan.plan_version, plan.drafter, plan.kind) == ("draft", 1, 1, "vaplanner",
                                                                                        "child")
    assert plan.child_name == "Jay Rivera" and "permanency_goal" in plan.section_keys
    plan = planner.save_plan_section(plan.id, "permanency_goal", "Reunification with his mother.", plan.version)
    assert plan.version == 2 and plan.text_of("permanency_goal") == "Reunification with his mother."
    same = planner.save_plan_section(plan.id, "permanency_goal", "Reunification with his mother.", plan.version)
    assert same.version == 2  # an autosave that found nothing new wrote nothing
    plan = planner.set_plan_participants(plan.id, [{"person_id": agency.jay, "role": "child"},
                                                   {"person_id": agency.ana, "role": "mother"},
                                                   {"name": "Rosa Diaz", "role": "foster parent"}], plan.version)
    assert [(p.name, p.role) for p in plan.participants] == [("Jay Rivera", "child"), ("Ana Rivera", "mother"),
                                                             ("Rosa Diaz", "foster parent")]
    plan = planner.submit_plan(plan.id, plan.version)
    assert plan.status == "submitted" and plan.submitted_at is not None and plan.review_due_at > plan.submitted_at
    assert [p.id for p in store.as_user("supa").plan_review_queue()] == [plan.id]
    assert store.as_user("director").plan_review_queue() == []
    approved = store.as_user("supa").approve_plan(plan.id, plan.version)
    assert (approved.status, approved.approved_by, approved.reviewed_by) == ("approved", "supa", "supa")
    assert approved.approved_at is not None and approved.review_due_at is None
    assert store.as_user("supa").plan_review_queue() == []
    (told,) = [n for n in planner.inbox() if n.entity == "plan"]
    assert told.sentence == "Sam Supervisor approved your Jay Rivera's plan (version 1, Rivera family); it is final."


def test_a_returned_plan_is_corrected_and_resubmitted(store, agency, clock):
    planner = store.as_user("vaplanner")
    plan = planner.start_plan(agency.case)
    assert plan.kind == "family" and plan.section_keys[0] == "reasons_for_involvement"
    plan = planner.submit_plan(planner.save_plan_section(plan.id, "safety", "A safety plan.", plan.version).id)
    returned = store.as_user("supa").return_plan(plan.id, "Name who watches the children at night.")
    assert returned.status == "returned" and returned.correction_due_at > clock.now()
    (told,) = [n for n in planner.inbox() if n.entity == "plan"]
    assert told.kind == "plan returned" and told.sentence.startswith("Sam Supervisor returned your family plan")
    with pytest.raises(InvalidTransition):
        store.as_user("supa").approve_plan(plan.id)
    fixed = planner.save_plan_section(plan.id, "safety", "Grandmother stays nights.", returned.version)
    again = planner.submit_plan(fixed.id)
    assert again.status == "resubmitted"
    assert store.as_user("supa").approve_plan(again.id).status == "approved"
    history = planner.plan_history(plan.id)
    assert [a.action for a in history.actions] == ["submit", "return", "resubmit", "approve"]
    assert history.actions[1].comment == "Name who watches the children at night."
    changed = [r for r in history.revisions if r.changes]
    assert [(c.what, c.before, c.after) for c in changed[-1].changes] == [
        ("safety", "A safety plan.", "Grandmother stays nights.")]


def test_an_approved_plan_is_frozen_and_changed_only_by_a_new_version(store, agency):
    approved = approved_child_plan(store, agency)
    planner = store.as_user("vaplanner")
    with pytest.raises(InvalidTransition, match="approved and final"):
        planner.save_plan_section(approved.id, "placement_reasons", "Rewritten.", approved.version)
    with pytest.raises(InvalidPlan, match="has a plan already"):
        planner.start_plan(agency.case, agency.jay)
    second = planner.new_plan_version(approved.id)
    assert (second.plan_version, second.previous_plan_id, second.status) == (2, approved.id, "draft")
    assert second.text_of("placement_reasons") == approved.text_of("placement_reasons")
    with pytest.raises(InvalidTransition, match="newer version"):
        planner.new_plan_version(approved.id)
    planner.save_plan_section(second.id, "placement_reasons", "Also neglect.", second.version)
    assert planner.plan(approved.id).text_of("placement_reasons").startswith("Jay was placed")
    assert planner.plan_history(second.id).earlier_versions == (approved.id,)
    assert [p.id for p in planner.plans(agency.case)] == [approved.id, second.id]


def test_a_stale_edit_is_refused(store, agency):
    planner = store.as_user("vaplanner")
    plan = planner.start_plan(agency.case, agency.jay)
    planner.save_plan_section(plan.id, "education", "Grade 4.", plan.version)
    with pytest.raises(StaleEdit):
        planner.save_plan_section(plan.id, "education", "Grade 5.", plan.version)
    with pytest.raises(StaleEdit):
        store.as_user("supa").save_plan_section(plan.id, "education", "Grade 5.", plan.version)


def test_who_may_draft_review_and_read(store, agency):
    # The FSS has a Case Planner (vaplanner): the Case Manager (cw) does not draft, their supervisor may.
    with pytest.raises(NoAccess, match="Case Planner"):
        store.as_user("cw").start_plan(agency.case)
    with pytest.raises(NoAccess, match="Case Planner"):
        store.as_user("cpsw").start_plan(agency.case)  # the investigation's Case Manager
    with pytest.raises(NoAccess):
        store.as_user("casa").plans(agency.case)
    store.staffing().appoint_advocate("casa", agency.jay)
    with pytest.raises(NoAccess, match="advocate"):
        store.as_user("casa").plans(agency.case)
    with pytest.raises(NoAccess, match="Entering notes"):
        store.as_user("clerk").plans(agency.case)
    with pytest.raises(NoAccess):
        store.as_user("cwb").plans(agency.case)
    plan = store.as_user("supa").start_plan(agency.case, agency.mia)  # above the planner
    store.as_user("supa").save_plan_section(plan.id, "education", "Grade 2.", plan.version)
    store.as_user("vaplanner").submit_plan(plan.id)
    with pytest.raises(NoAccess, match="You drafted"):
        store.as_user("supa").approve_plan(plan.id)
    with pytest.raises(NoAccess):
        store.as_user("cw").approve_plan(plan.id)
    assert store.as_user("director").approve_plan(plan.id).approved_by == "director"
    assert [p.id for p in store.as_user("cw").plans(agency.case)] == [plan.id]  # a role in the family: reads


def test_the_case_manager_drafts_where_there_is_no_planner(store, agency):
    plan = store.as_user("cwb").start_plan(agency.other_case)
    assert plan.drafter == "cwb"
    with pytest.raises(NoAccess):
        store.as_user("vaplanner").start_plan(agency.other_case)


def test_refusals_say_why(store, agency, clock):
    planner = store.as_user("vaplanner")
    with pytest.raises(InvalidPlan, match="not a child of this family"):
        planner.start_plan(agency.case, agency.ana)
    with pytest.raises(InvalidPlan, match="has not come yet"):
        planner.start_plan(agency.case, agency.jay, plan_date=date.today() + timedelta(days=400))
    plan = planner.start_plan(agency.case, agency.jay)
    with pytest.raises(InvalidPlan, match="no section 'no_such_section'"):
        planner.save_plan_section(plan.id, "no_such_section", "x", plan.version)
    with pytest.raises(InvalidPlan, match="Nothing is written"):
        planner.submit_plan(plan.id)
    with pytest.raises(InvalidPlan, match="not of this family"):
        planner.set_plan_participants(plan.id, [{"person_id": 999999, "role": "child"}], plan.version)
    with pytest.raises(InvalidPlan):
        planner.set_plan_participants(plan.id, [{"role": "aunt"}], plan.version)
    with pytest.raises(StoreError):
        planner.plan(987654)


def test_a_contest_request_is_recorded_with_its_date(store, agency, clock):
    approved = approved_child_plan(store, agency)
    day = clock.now().date() - timedelta(days=1)
    plan = store.as_user("vaplanner").record_contest(approved.id, "Ana Rivera", day,
                                                     "The visiting schedule of once a month.", person_id=agency.ana)
    (contest,) = plan.contests
    assert (contest.requested_by, contest.requested_on, contest.person_id, contest.recorded_by) == (
        "Ana Rivera", day, agency.ana, "vaplanner")
    assert plan.status == "approved"


def test_a_note_is_tagged_with_elements_of_the_current_approved_plan_of_the_children_present(store, agency,
                                                                                            clock):
    approved = approved_child_plan(store, agency)
    cw = store.as_user("cw")
    note = cw.add_note(agency.fss, **visit(agency, clock))  # Jay and Ana present
    offered = cw.plan_elements_offered(note.id)
    assert {(e.plan_id, e.section_key) for e in offered} >= {(approved.id, "education")}
    tagged = cw.set_note_plan_elements(note.id, [(approved.id, "education"), (approved.id, "physical_health")])
    assert [e.section_key for e in tagged] == ["education", "physical_health"]
    assert {e.section_key for e in cw.note_plan_elements(note.id)} == {"education", "physical_health"}
    with pytest.raises(InvalidPlan, match="not an element"):
        cw.set_note_plan_elements(note.id, [(approved.id, "no_such")])
    without_jay = cw.add_note(agency.fss, **visit(agency, clock, participants=[agency.ana]))
    with pytest.raises(InvalidPlan, match="not an element"):
        cw.set_note_plan_elements(without_jay.id, [(approved.id, "education")])
    with pytest.raises(StoreError):
        store.as_user("cw2").set_note_plan_elements(note.id, [])  # not their note
    cw.submit(note.id)
    store.as_user("supa").approve(note.id)
    with pytest.raises(StoreError):
        cw.set_note_plan_elements(note.id, [])
    assert len(cw.note_plan_elements(note.id)) == 2


def test_a_return_due_in_the_past_is_refused_as_a_plan_refusal(store, agency, clock):
    planner = store.as_user("vaplanner")
    plan = planner.start_plan(agency.case)
    planner.submit_plan(planner.save_plan_section(plan.id, "safety", "A safety plan.", plan.version).id)
    with pytest.raises(InvalidPlan, match="has already passed"):
        store.as_user("supa").return_plan(plan.id, "Say more.", clock.now().date() - timedelta(days=2))
