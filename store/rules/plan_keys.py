"""The section keys a stored case plan may hold, from the plan rules of ``store/rules/plan_sections.py``.

A child's plan holds every child's sections, from 13 (on the plan date) the sections for living on one's
own, and from 16 the APPLA section (the goal is a section's text, not a stored field, so the section is
open from that age whatever the goal); a family plan the family sections. A child whose birth date is not
recorded is given every section, so that nothing written is refused.
"""

from __future__ import annotations

from datetime import date

from store.core.errors import InvalidPlan
from store.rules.plan_sections import (APPLA_AGE, APPLA_SECTION, CHILD_SECTIONS, FAMILY_SECTIONS, YOUTH_AGE,
                                       YOUTH_SECTIONS, age_on, section_named)


def plan_section_keys(child_birth_date: date | None, plan_date: date, *, family: bool) -> tuple[str, ...]:
    if family:
        return tuple(section.key for section in FAMILY_SECTIONS)
    age = age_on(child_birth_date, plan_date) if child_birth_date else APPLA_AGE
    sections = CHILD_SECTIONS + (YOUTH_SECTIONS if age >= YOUTH_AGE else ())
    sections += (APPLA_SECTION,) if age >= APPLA_AGE else ()
    return tuple(section.key for section in sections)


def check_section_key(key: str, keys: tuple[str, ...]) -> str:
    if key not in keys:
        raise InvalidPlan(f"This plan has no section {key!r}.")
    return key


def section_title(key: str, *, family: bool) -> str:
    """A stored section's title, as the plan rules name it."""
    sections = FAMILY_SECTIONS if family else CHILD_SECTIONS + YOUTH_SECTIONS + (APPLA_SECTION,)
    return section_named(key, sections).title
