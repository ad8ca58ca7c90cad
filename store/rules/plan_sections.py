"""What a case plan contains: the sections of a child-in-placement plan and of a family plan, the
permanency goals, and which of them a child's age opens.

A child's plan has the sections every child's plan has (``CHILD_SECTIONS``), from 13 the sections
that prepare a youth for living on their own (``YOUTH_SECTIONS``), and from 16, when the goal is
another planned permanent living arrangement (APPLA), the section that justifies that goal
(``APPLA_SECTION``). Which apply is decided by the child's age **on the plan's date**, not today:
a plan dated on the 13th birthday has the 13+ sections, one dated the day before does not. A child
born on 29 February is a year older on 1 March in a common year (``age_on``).

A family plan (``FAMILY_SECTIONS``) is the plan the family and the agency agree for the whole
household: why the agency is involved, what must change and how the services get there, the visits
while a child is away, and what will let the children return home or the case close. Its sections are
the agency's usual service-plan headings, not a regulation's list; the child's plan holds what is
particular to each child.

Every section has a stable ``key``: notes are tagged with it ("plan elements discussed") and the
coverage view counts by it, so a key never changes once released; a title or description may. The
child's health and safety are paramount in every plan, and the child and the parents may request a
hearing to contest any provision of it (the plan's record keeps that request with its date).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from store.core.errors import InvalidPlan

YOUTH_AGE = 13  # the sections for living on one's own
APPLA_AGE = 16  # another planned permanent living arrangement may be the goal


@dataclass(frozen=True)
class PlanSection:
    key: str  # stable: notes are tagged with it
    title: str
    description: str  # one line: what the planner writes here
    from_age: int = 0  # the child's age on the plan date from which the section is part of the plan


def _section(key: str, title: str, description: str, from_age: int = 0) -> PlanSection:
    return PlanSection(key, title, description, from_age)


CHILD_SECTIONS: tuple[PlanSection, ...] = (
    _section("diagnosis", "Diagnosis of the child's problems",
             "The child's problems and needs as assessed, and who assessed them."),
    _section("treatment_and_placement", "Proposed treatment services and temporary placement",
             "The services proposed for the child and the temporary placement chosen, and why they fit."),
    _section("permanency_goal", "Permanency goal",
             "The permanency goal and any concurrent goal, with the steps and dates to reach it."),
    _section("placement_reasons", "Conditions and safety factors that led to placement",
             "What happened and which safety factors made placement necessary."),
    _section("child_description", "Description of the child",
             "Birth date, race, ethnicity, gender, languages, immigration status, physical description, "
             "strengths, skills and interests."),
    _section("emotional_behavioural", "Emotional and behavioural status",
             "Diagnoses, medication and unresolved issues, and the help the child receives for them."),
    _section("education", "Education",
             "Grade and performance, special education needs, distance to the school of origin at removal and "
             "why the child did not stay there."),
    _section("social_supports", "Social supports",
             "The people and groups the child relies on: friends, mentors, faith or community ties."),
    _section("current_placement", "Current placement",
             "Where the child lives now, with whom, and how the placement meets the child's needs."),
    _section("visits_and_contact", "Visits and contact",
             "The reasons for the visits and contact with parents, siblings and others, and how often they happen."),
    _section("physical_health", "Physical health",
             "Medical, dental and vision care, immunisations, medication and diagnoses."),
    _section("permanency_resources", "Adult relatives and other permanency resources",
             "The assessment of adult relatives and others who could give the child a permanent home."),
)

YOUTH_SECTIONS: tuple[PlanSection, ...] = (
    _section("life_skills", "Life skills",
             "The skills for self-sufficient living the youth has and is learning, and who teaches them.",
             YOUTH_AGE),
    _section("education_vocational", "Educational or vocational assessment",
             "The assessment's findings and the youth's interests after high school.", YOUTH_AGE),
    _section("career_inventory", "Career-interest and learning-style inventory",
             "Whether the youth took a career-interest or learning-style inventory, when, and what it showed.",
             YOUTH_AGE),
    _section("sexual_orientation", "Sexual orientation",
             "What the youth chose to share, and the support offered; recorded with the youth's consent.",
             YOUTH_AGE),
    _section("cultural_awareness", "Cultural awareness",
             "How the youth stays connected to their culture, heritage and community.", YOUTH_AGE),
    _section("adult_services", "Future referral to adult services",
             "Adult services the youth may need (health, disability, housing) and when to refer.", YOUTH_AGE),
    _section("medical_coverage", "Medical coverage",
             "The youth's health insurance now and how it continues after leaving care.", YOUTH_AGE),
    _section("housing", "Housing", "Where the youth will live on leaving care and the steps to secure it.",
             YOUTH_AGE),
    _section("finances", "Finances",
             "Income, savings, survivor or other benefits, and what the youth knows of managing money.",
             YOUTH_AGE),
    _section("parenting", "Parenting",
             "For a youth who is or will be a parent: the parenting support and child care arranged.", YOUTH_AGE),
    _section("essential_documents", "Independent-living passport and essential documents",
             "The passport's progress and the documents the youth holds (birth certificate, social security "
             "card, ID).", YOUTH_AGE),
    _section("workforce_supports", "Workforce supports",
             "Work experience, training and employment programmes the youth takes part in.", YOUTH_AGE),
)

APPLA_SECTION = _section(
    "appla_arrangement", "Another planned permanent living arrangement",
    "The arrangement, the compelling reasons no other goal is in the youth's best interests, and the efforts "
    "made to return the youth home or place them with a relative, guardian or adoptive family.", APPLA_AGE)

FAMILY_SECTIONS: tuple[PlanSection, ...] = (
    _section("reasons_for_involvement", "Reasons for the agency's involvement",
             "The conditions, safety factors and risks that brought the family to the agency."),
    _section("family_strengths", "Family strengths and resources",
             "What the family does well and the people and resources it can draw on."),
    _section("parent_needs", "Parents' needs",
             "Each parent's needs the plan addresses (health, housing, income, parenting, substance use)."),
    _section("safety", "Safety and risk",
             "The safety factors present now and the safety plan that answers each of them."),
    _section("family_goals", "Goals",
             "What must change, in terms the family understands and can measure, and by when."),
    _section("services", "Services",
             "The services for the family and each parent beyond visitation: provider, frequency, who arranges it."),
    _section("visiting_plan", "Visiting plan",
             "For children away from home: visits with parents and siblings, how often, where, and supervised or not."),
    _section("children_permanency", "Children's permanency goals",
             "Each placed child's permanency goal and concurrent goal, as their own plans give them."),
    _section("participation", "Family's participation",
             "How the parents, the children and others took part in making the plan, and what they said."),
    _section("progress", "Progress since the last plan",
             "What changed since the last approved plan, the services used and what they achieved."),
    _section("closing_criteria", "Return home or closing",
             "What will let the children return home, or the case close, and the steps toward it."),
)


@dataclass(frozen=True)
class PermanencyGoal:
    key: str  # stable: the plan stores it
    title: str
    from_age: int = 0


PERMANENCY_GOALS: tuple[PermanencyGoal, ...] = (
    PermanencyGoal("reunification", "Return to parent (reunification)"),
    PermanencyGoal("guardianship", "Transfer of guardianship"),
    PermanencyGoal("adoption", "Adoption"),
    PermanencyGoal("appla", "Another planned permanent living arrangement (APPLA)", APPLA_AGE),
)
REUNIFICATION, GUARDIANSHIP, ADOPTION, APPLA = (goal.key for goal in PERMANENCY_GOALS)


def age_on(birth_date: date, day: date) -> int:
    """The child's age in whole years on ``day``: a year older on the birthday itself; born on
    29 February, on 1 March in a common year."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def birthday(birth_date: date, age: int) -> date:
    """The day a child reaches ``age`` (born on 29 February: 1 March in a common year), as ``age_on``
    counts it."""
    try:
        return birth_date.replace(year=birth_date.year + age)
    except ValueError:
        return date(birth_date.year + age, 3, 1)


def goal_named(key: str) -> PermanencyGoal:
    for goal in PERMANENCY_GOALS:
        if goal.key == key:
            return goal
    raise InvalidPlan(f"{key!r} is not a permanency goal; the goals are "
                      f"{', '.join(goal.title for goal in PERMANENCY_GOALS)}.")


def goals_open_at(age: int) -> tuple[PermanencyGoal, ...]:
    """The permanency goals a plan may give a child of ``age`` (on the plan date)."""
    return tuple(goal for goal in PERMANENCY_GOALS if age >= goal.from_age)


def check_permanency_goal(goal: str, age: int) -> PermanencyGoal:
    """The goal, if a plan may give it to a child of ``age`` on the plan date; else ``InvalidPlan``
    with the reason (APPLA only from 16)."""
    found = goal_named(goal)
    if age < found.from_age:
        raise InvalidPlan(f"{found.title} may be the permanency goal only of a youth {found.from_age} or older; "
                          f"this child is {age} on the plan's date. Choose reunification, transfer of "
                          "guardianship or adoption.")
    return found


def child_plan_sections(birth_date: date, plan_date: date, goal: str | None = None) -> tuple[PlanSection, ...]:
    """The sections of a child's plan dated ``plan_date``: every child's, the 13+ sections from the
    13th birthday, and the APPLA section for a youth of 16 or more whose goal is APPLA."""
    age = age_on(birth_date, plan_date)
    sections = CHILD_SECTIONS + (YOUTH_SECTIONS if age >= YOUTH_AGE else ())
    if goal is not None and check_permanency_goal(goal, age).key == APPLA:
        sections += (APPLA_SECTION,)
    return sections


def section_named(key: str, sections: tuple[PlanSection, ...]) -> PlanSection:
    """One section of a plan by its key; ``InvalidPlan`` if the plan has no such section."""
    for section in sections:
        if section.key == key:
            return section
    raise InvalidPlan(f"This plan has no section {key!r}.")
