"""The section keys a case plan may hold, until ``store/rules/plan_sections.py`` (issue 19's plan rules,
written alongside) lands: then ``plan_section_keys`` asks it instead, with the same stable keys.

A child's plan holds every child's sections, from 13 the sections for living on one's own, and from 16
the APPLA section; a family plan the family sections. A key is a stable name (notes are tagged with it).
"""

from __future__ import annotations

from datetime import date

from store.core.errors import InvalidPlan

YOUTH_AGE, APPLA_AGE = 13, 16
CHILD_KEYS = ("diagnosis", "treatment_and_placement", "permanency_goal", "placement_reasons", "child_description",
              "emotional_behavioural", "education", "social_supports", "current_placement", "visits_and_contact",
              "physical_health", "permanency_resources")
YOUTH_KEYS = ("life_skills", "education_vocational", "career_inventory", "sexual_orientation", "cultural_awareness",
              "adult_services", "medical_coverage", "housing", "finances", "parenting", "essential_documents",
              "workforce_supports")
APPLA_KEY = "appla_arrangement"
FAMILY_KEYS = ("reasons_for_involvement", "family_strengths", "parent_needs", "safety", "family_goals", "services",
               "visiting_plan", "children_permanency", "participation", "progress", "closing_criteria")


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def plan_section_keys(child_birth_date: date | None, plan_date: date, *, family: bool) -> tuple[str, ...]:
    """The keys of a plan dated ``plan_date``: a family plan's, or a child's by their age on that day (a
    child whose birth date is not recorded: every child's sections, the 13+ ones too, so none is lost)."""
    if family:
        return FAMILY_KEYS
    age = age_on(child_birth_date, plan_date) if child_birth_date else APPLA_AGE
    return CHILD_KEYS + (YOUTH_KEYS if age >= YOUTH_AGE else ()) + ((APPLA_KEY,) if age >= APPLA_AGE else ())


def check_section_key(key: str, keys: tuple[str, ...]) -> str:
    if key not in keys:
        raise InvalidPlan(f"This plan has no section {key!r}.")
    return key
