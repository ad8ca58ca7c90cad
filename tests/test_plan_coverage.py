"""Notes cover the plan (issue 19): which plan elements a note discussed, and the coverage of a child's
plan and of the family's counted from the notes, against a hand-built case on a frozen clock; the
coverage window's edges (exactly the window: covered; a day more: flagged); the unit's summary; and the
tagging rules by raw SQL on both backends."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.exc import DBAPIError

from store import Policy, PolicyError
from store.core.errors import InvalidPlan, NoAccess, NotFound
from store.rules.plan_coverage import Discussion, element_coverage, is_flagged
from tests.conftest import visit
from tests.test_plan_protection import run, table_rows
from tests.test_plans import approved_child_plan

DAY0 = date(2026, 3, 2)  # the agency's day at T0 (+2 h), America/New_York


def approved_family_plan(store, agency):
    planner = store.as_user("vaplanner")
    plan = planner.start_plan(agency.case)
    plan = planner.save_plan_section(plan.id, "safety", "Ana keeps the safety plan.", plan.version)
    return store.as_user("supa").approve_plan(planner.submit_plan(plan.id).id)


def tagged_note(store, agency, clock, elements, *, send=True, who="cw", **fields):
    writer = store.as_user(who)
    note = writer.add_note(agency.fss, **visit(agency, clock, **fields))
    writer.set_note_plan_elements(note.id, elements)
    return writer.submit(note.id) if send else note


def by_key(coverage):
    return {(e.whose, e.section_key): e for e in coverage.elements}


# --- the rule, without a database ------------------------------------------------------------------------

def test_an_element_discussed_exactly_the_window_ago_is_covered_and_a_day_more_is_flagged():
    said = [Discussion(7, DAY0, "Cara Worker"), Discussion(5, DAY0 - timedelta(days=3), "Cole Worker")]
    on_30 = element_coverage(1, 2, "education", DAY0, said, DAY0 + timedelta(days=30), 30)
    on_31 = element_coverage(1, 2, "education", DAY0, said, DAY0 + timedelta(days=31), 30)
    assert (on_30.last_note_id, on_30.last_author, on_30.days_undiscussed, on_30.flagged) == (7, "Cara Worker", 30,
                                                                                              False)
    assert (on_31.days_undiscussed, on_31.flagged) == (31, True)
    assert on_30.title == "Education"
    assert not is_flagged(30, 30) and is_flagged(31, 30)


def test_an_element_never_discussed_counts_from_the_day_its_plan_held_it():
    fresh = element_coverage(1, None, "safety", DAY0, [], DAY0, 30)
    late = element_coverage(1, None, "safety", DAY0, [], DAY0 + timedelta(days=31), 30)
    assert (fresh.last_note_id, fresh.days_undiscussed, fresh.flagged, fresh.title) == (None, 0, False,
                                                                                       "Safety and risk")
    assert (late.days_undiscussed, late.flagged) == (31, True)


def test_the_window_is_the_policys_and_an_agency_may_change_it(tmp_path):
    assert Policy.defaults().plans.coverage_window_days == 30
    path = tmp_path / "policy.toml"
    path.write_text("[plans]\ncoverage_window_days = 45\n")
    assert Policy.load(path).plans.coverage_window_days == 45
    path.write_text("[plans]\ncoverage_window_days = 0\n")
    with pytest.raises(PolicyError, match=r"plans\.coverage_window_days must be a whole number of at least 1"):
        Policy.load(path)


# --- coverage of a hand-built case ---------------------------------------------------------------------

def test_coverage_of_a_hand_built_case(store, agency, clock):
    child_plan, family_plan = approved_child_plan(store, agency), approved_family_plan(store, agency)
    sent = tagged_note(store, agency, clock, [(child_plan.id, "education"), (child_plan.id, "physical_health"),
                                              (family_plan.id, "safety")])
    tagged_note(store, agency, clock, [(child_plan.id, "social_supports")], send=False)  # a draft: not counted
    returned = tagged_note(store, agency, clock, [(child_plan.id, "current_placement")])
    store.as_user("supa").return_note(returned.id, "Say who drove Jay.")  # returned: not counted
    cw = store.as_user("cw")

    today = cw.plan_coverage(agency.jay)
    assert (today.child_plan_id, today.family_plan_id, today.today, today.window_days) == (
        child_plan.id, family_plan.id, DAY0, 30)
    assert [e.section_key for e in today.elements] == [*child_plan.section_keys, *family_plan.section_keys]
    education = by_key(today)[("child", "education")]
    assert (education.last_note_id, education.last_discussed_on, education.last_author) == (sent.id, DAY0,
                                                                                            "Cara Worker")
    assert by_key(today)[("family", "safety")].last_note_id == sent.id
    assert by_key(today)[("child", "social_supports")].last_note_id is None
    assert by_key(today)[("child", "current_placement")].last_note_id is None
    discussed = {e.section_key for e in today.elements if e.last_note_id is not None}
    assert discussed and today.flagged == 0 and today.covered == len(discussed)  # the rest: not discussed yet
    assert today.not_yet == len(today.elements) - len(discussed)
    assert not by_key(today)[("child", "social_supports")].covered and by_key(today)[("child", "education")].covered

    clock.advance(days=30)  # exactly the window: still covered, discussed or not
    on_30 = cw.plan_coverage(agency.jay)
    assert on_30.flagged == 0 and by_key(on_30)[("child", "education")].days_undiscussed == 30

    clock.advance(days=1)  # a day more: every element is flagged until a note discusses it again
    later = tagged_note(store, agency, clock, [(child_plan.id, "education")], who="cw2")
    store.as_user("supa").approve(later.id)
    on_31 = cw.plan_coverage(agency.jay)
    covered = {e.section_key for e in on_31.elements if not e.flagged}
    assert covered == {"education"}
    education = by_key(on_31)[("child", "education")]
    assert (education.last_note_id, education.last_author, education.days_undiscussed) == (later.id, "Cole Worker",
                                                                                           0)
    health = by_key(on_31)[("child", "physical_health")]
    assert (health.last_note_id, health.days_undiscussed, health.flagged) == (sent.id, 31, True)
    assert on_31.oldest_gap.days_undiscussed == 31


def test_a_new_plan_version_keeps_what_notes_said_of_its_sections(store, agency, clock):
    first = approved_child_plan(store, agency)
    sent = tagged_note(store, agency, clock, [(first.id, "education")])
    clock.advance(days=10)
    planner = store.as_user("vaplanner")
    second = planner.new_plan_version(first.id)
    second = store.as_user("supa").approve_plan(planner.submit_plan(second.id).id)
    coverage = store.as_user("cw").plan_coverage(agency.jay)
    assert coverage.child_plan_id == second.id
    education = by_key(coverage)[("child", "education")]
    assert (education.plan_id, education.last_note_id, education.days_undiscussed) == (second.id, sent.id, 10)
    # never discussed: counted from the first version's approval, not the second's
    assert by_key(coverage)[("child", "diagnosis")].days_undiscussed == 10


def test_a_child_without_an_approved_plan_has_only_the_familys_elements(store, agency):
    store.as_user("vaplanner").start_plan(agency.case, agency.mia)  # a draft does not count
    family_plan = approved_family_plan(store, agency)
    coverage = store.as_user("cw").plan_coverage(agency.mia)
    assert coverage.child_plan_id is None and {e.whose for e in coverage.elements} == {"family"}
    assert coverage.family_plan_id == family_plan.id


def test_coverage_is_read_by_those_who_read_the_plans(store, agency):
    approved_child_plan(store, agency)
    assert store.as_user("supa").plan_coverage(agency.jay).child_name == "Jay Rivera"
    with pytest.raises(NoAccess):
        store.as_user("cwb").plan_coverage(agency.jay)
    with pytest.raises(NotFound, match="no child number"):
        store.as_user("cw").plan_coverage(agency.ana)


def test_the_supervisors_unit_summary_counts_each_child_of_the_units_families(store, agency, clock):
    child_plan = approved_child_plan(store, agency)
    tagged_note(store, agency, clock, [(child_plan.id, "education"), (child_plan.id, "physical_health")])
    clock.advance(days=31)
    tagged_note(store, agency, clock, [(child_plan.id, "education")])
    (row,) = store.as_user("supa").unit_coverage()
    assert (row.coverage.child_name, row.coverage.covered, row.coverage.flagged) == (
        "Jay Rivera", 1, len(child_plan.section_keys) - 1)
    assert row.coverage.oldest_gap.days_undiscussed == 31
    assert "Cara Worker" in row.workers and "Vic Planner" in row.workers
    assert store.as_user("supb").unit_coverage() == []


# --- tagging: the API and raw SQL ------------------------------------------------------------------------

def test_tagging_is_refused_with_a_sentence_and_writes_nothing(store, agency, clock):
    child_plan = approved_child_plan(store, agency)
    cw = store.as_user("cw")
    note = cw.add_note(agency.fss, **visit(agency, clock))
    cw.set_note_plan_elements(note.id, [(child_plan.id, "education")])
    before = table_rows(store, "note_plan_elements")
    with pytest.raises(InvalidPlan, match="is not an element of the current approved plan"):
        cw.set_note_plan_elements(note.id, [(child_plan.id, "physical_health"), (child_plan.id, "no_such")])
    with pytest.raises(InvalidPlan, match="list of"):
        cw.set_note_plan_elements(note.id, "education")
    assert table_rows(store, "note_plan_elements") == before


def test_tagging_does_not_change_the_notes_version(store, agency, clock):
    child_plan = approved_child_plan(store, agency)
    cw = store.as_user("cw")
    note = cw.add_note(agency.fss, **visit(agency, clock))
    cw.set_note_plan_elements(note.id, [(child_plan.id, "education")])
    again = cw.edit_note(note.id, note.version, narrative="Jay was seen at home. Homework done.")
    assert again.version == note.version + 1  # the editor's version still holds after tagging


def test_raw_sql_tags_a_draft_and_refuses_a_frozen_note_and_any_update(store, agency, clock):
    child_plan = approved_child_plan(store, agency)
    note = store.as_user("cw").add_note(agency.fss, **visit(agency, clock))
    run(store, f"INSERT INTO note_plan_elements (note_id, plan_id, section_key) "
               f"VALUES ({note.id}, {child_plan.id}, 'education')")
    with pytest.raises(DBAPIError, match="instead of changing them"):
        run(store, f"UPDATE note_plan_elements SET section_key = 'physical_health' WHERE note_id = {note.id}")
    clock.set(note.freezes_at + timedelta(minutes=1))
    with pytest.raises(DBAPIError, match="plan elements of a final or frozen note"):
        run(store, f"DELETE FROM note_plan_elements WHERE note_id = {note.id}")
    assert [r[1:] for r in table_rows(store, "note_plan_elements")] == [(child_plan.id, "education")]


def test_an_editor_is_offered_the_elements_of_the_children_it_says_are_present(store, agency, clock):
    child_plan, family_plan = approved_child_plan(store, agency), approved_family_plan(store, agency)
    cw = store.as_user("cw")
    with_jay = cw.plan_elements_for(agency.fss, [agency.jay, agency.ana])
    assert {e.plan_id for e in with_jay} == {child_plan.id, family_plan.id}
    education = next(e for e in with_jay if e.section_key == "education")
    assert (education.title, education.child_name) == ("Education", "Jay Rivera")
    safety = next(e for e in with_jay if e.section_key == "safety")
    assert (safety.title, safety.child_name) == ("Safety and risk", None)
    assert {e.plan_id for e in cw.plan_elements_for(agency.fss, [agency.ana])} == {family_plan.id}
    note = cw.add_note(agency.fss, **visit(agency, clock))
    assert cw.plan_elements_offered(note.id) == with_jay  # the same as a saved note with those present
    with pytest.raises(InvalidPlan, match="given as a list"):
        cw.plan_elements_for(agency.fss, agency.jay)
    with pytest.raises(NoAccess):
        store.as_user("clerk").plan_elements_for(agency.fss, [agency.jay])


def test_a_familys_coverage_is_each_childs(store, agency, clock):
    child_plan = approved_child_plan(store, agency)
    tagged_note(store, agency, clock, [(child_plan.id, "education")])
    jay, mia = store.as_user("cw").family_coverage(agency.case)
    assert (jay.child_name, jay.child_plan_id, mia.child_name, mia.child_plan_id) == (
        "Jay Rivera", child_plan.id, "Mia Rivera", None)
    assert jay == store.as_user("cw").plan_coverage(agency.jay)
    with pytest.raises(NoAccess):
        store.as_user("cwb").family_coverage(agency.case)
