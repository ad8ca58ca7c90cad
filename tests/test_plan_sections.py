"""What a case plan holds (issue 19): every element of the policy's list as a section with a stable key,
the 13+ sections by the child's age on the plan's date, APPLA only from 16, and the family plan."""

from datetime import date

import pytest

from store import InvalidPlan
from store.rules.plan_sections import (APPLA_SECTION, CHILD_SECTIONS, FAMILY_SECTIONS, PERMANENCY_GOALS,
                                       YOUTH_SECTIONS, age_on, birthday, check_permanency_goal, child_plan_sections,
                                       goals_open_at, section_named)

D = date.fromisoformat
EVERY_SECTION = CHILD_SECTIONS + YOUTH_SECTIONS + (APPLA_SECTION,)


def test_a_childs_plan_has_every_element_of_the_policy():
    titles = " | ".join(s.title.lower() + " " + s.description.lower() for s in CHILD_SECTIONS)
    for element in ("diagnosis", "treatment", "temporary placement", "permanency goal", "safety factors",
                    "birth date", "race", "ethnicity", "gender", "languages", "immigration status",
                    "physical description", "strengths", "skills", "interests", "emotional", "medication",
                    "unresolved issues", "grade", "special education", "school of origin", "social supports",
                    "current placement", "visits", "siblings", "dental", "vision", "immunisations",
                    "relatives", "permanency resources"):
        assert element in titles, element
    youth = " | ".join(s.title.lower() + " " + s.description.lower() for s in YOUTH_SECTIONS)
    for element in ("life skills", "vocational", "after high school", "career-interest", "learning-style",
                    "sexual orientation", "cultural", "adult services", "medical coverage", "housing", "income",
                    "survivor", "parenting", "passport", "essential documents", "workforce"):
        assert element in youth, element


def test_section_keys_are_stable_identifiers():
    keys = [s.key for s in EVERY_SECTION]
    assert len(keys) == len(set(keys)) and len({s.key for s in FAMILY_SECTIONS}) == len(FAMILY_SECTIONS)
    assert all(key.isidentifier() and key == key.lower() for key in keys + [s.key for s in FAMILY_SECTIONS])
    assert all(s.title and s.description and "\n" not in s.description for s in EVERY_SECTION + FAMILY_SECTIONS)
    # notes are tagged with these: renaming one orphans the tags
    assert keys[:3] == ["diagnosis", "treatment_and_placement", "permanency_goal"]
    assert {s.from_age for s in YOUTH_SECTIONS} == {13} and APPLA_SECTION.from_age == 16


# (born, plan date, has the 13+ sections)
AGES = [
    ("2013-06-01", "2026-05-31", False),  # the day before the 13th birthday
    ("2013-06-01", "2026-06-01", True),   # the birthday itself
    ("2013-06-01", "2026-06-02", True),
    ("2012-02-29", "2025-02-28", False),  # born 29 February: 13 on 1 March in a common year
    ("2012-02-29", "2025-03-01", True),
    ("2011-02-28", "2024-02-28", True),   # a 28 February birthday in a leap year is still the 28th
    ("2020-01-01", "2026-06-01", False),
    ("2008-06-01", "2026-06-01", True),   # 18 and over keep them
]


@pytest.mark.parametrize("born, plan_date, youth", AGES)
def test_the_13_plus_sections_by_age_on_the_plan_date(born, plan_date, youth):
    sections = child_plan_sections(D(born), D(plan_date))
    assert sections[:len(CHILD_SECTIONS)] == CHILD_SECTIONS
    assert (sections[len(CHILD_SECTIONS):] == YOUTH_SECTIONS) is youth
    assert youth or len(sections) == len(CHILD_SECTIONS)


def test_age_and_birthdays():
    assert [age_on(D("2010-06-01"), D(day)) for day in ("2026-05-31", "2026-06-01", "2026-06-02")] == [15, 16, 16]
    assert [age_on(D("2008-02-29"), D(day)) for day in ("2024-02-28", "2024-02-29")] == [15, 16]
    assert birthday(D("2008-02-29"), 18) == D("2026-03-01") and birthday(D("2008-02-29"), 16) == D("2024-02-29")


@pytest.mark.parametrize("goal, age, allowed", [
    ("reunification", 0, True), ("guardianship", 9, True), ("adoption", 15, True),
    ("appla", 15, False), ("appla", 16, True), ("appla", 19, True),
])
def test_appla_is_a_goal_only_from_16(goal, age, allowed):
    if allowed:
        assert check_permanency_goal(goal, age).key == goal
    else:
        with pytest.raises(InvalidPlan, match="only of a youth 16 or older; this child is 15 on the plan's date"):
            check_permanency_goal(goal, age)


def test_an_unknown_goal_is_refused_with_the_list():
    with pytest.raises(InvalidPlan, match="'long-term foster care' is not a permanency goal; the goals are Return"):
        check_permanency_goal("long-term foster care", 17)


def test_goals_open_by_age():
    assert [g.key for g in PERMANENCY_GOALS] == ["reunification", "guardianship", "adoption", "appla"]
    assert [g.key for g in goals_open_at(15)] == ["reunification", "guardianship", "adoption"]
    assert goals_open_at(16) == PERMANENCY_GOALS


@pytest.mark.parametrize("born, plan_date, appla_section", [
    ("2010-06-01", "2026-06-01", True),   # 16 on the plan's date
    ("2008-02-29", "2024-02-29", True),   # 16 on a leap day
])
def test_the_16_plus_part_comes_with_the_appla_goal(born, plan_date, appla_section):
    sections = child_plan_sections(D(born), D(plan_date), goal="appla")
    assert (sections[-1] == APPLA_SECTION) is appla_section
    assert APPLA_SECTION not in child_plan_sections(D(born), D(plan_date), goal="adoption")


def test_appla_the_day_before_16_is_refused():
    with pytest.raises(InvalidPlan, match="this child is 15"):
        child_plan_sections(D("2010-06-01"), D("2026-05-31"), goal="appla")


def test_family_plan_sections_and_lookup():
    keys = [s.key for s in FAMILY_SECTIONS]
    assert {"reasons_for_involvement", "services", "visiting_plan", "closing_criteria"} <= set(keys)
    assert section_named("housing", child_plan_sections(D("2010-01-01"), D("2026-06-01"))).title == "Housing"
    with pytest.raises(InvalidPlan, match="no section 'housing'"):
        section_named("housing", child_plan_sections(D("2020-01-01"), D("2026-06-01")))
