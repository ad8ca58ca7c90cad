"""Which families and children need a case plan, decided from the record on a given day.

The case-planning policy (issue 19, ``DOMAIN.md`` "Case planning"):

- a **family plan** for every family with an open case; for a family with a child in placement whose
  permanency goal or concurrent goal is reunification; and for a family with a child in placement
  to whom the agency provides services beyond visitation to address a parent's needs;
- a **child-in-placement plan** for a child at home but committed to the agency; for a youth 18 or
  older while their case is open; and for a child in out-of-home care placed voluntarily, by court
  order or under a voluntary placement agreement.

How the record's words are read here:

- a family's *case is open* while it has an open Family Services Stage or Child Case Record (FSS,
  CCR): the investigation and intake stages come before a case, a foster home (FAD) is not a family's
  case, an administrative stage only authorises a payment and an ADVPO stage is kept outside the
  state record;
- a child is *in placement* on the days of a placement whose legal basis is out of the home (the
  three placements above, or a placement whose basis the record does not hold yet: the record's
  placements are time in foster care); a child committed to the agency but living at home is not in
  placement, yet has a plan of their own;
- the rule for *youth 18 or older* applies to a youth who has been in the agency's care (a placement
  of any basis in the record) and whose case is still open: a grown sibling who never left home has
  no child-in-placement plan.

Each decision carries its reasons, sentences a caseworker reads, and the day the need began (it has
held every day since): the plan's due dates count from it (``plan_due``). Inputs are plain frozen
dataclasses, so the rules run without a database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from store.core.errors import InvalidStage, NotFound
from store.rules.plan_sections import REUNIFICATION, age_on, birthday

VPA = "voluntary placement agreement"
COURT_ORDER = "court order"
VOLUNTARY = "voluntarily placed"
COMMITTED_AT_HOME = "committed to the agency at home"
OUT_OF_HOME = (VPA, COURT_ORDER, VOLUNTARY)
LEGAL_BASES = (*OUT_OF_HOME, COMMITTED_AT_HOME)
_HOW_PLACED = {VPA: "under a voluntary placement agreement", COURT_ORDER: "by court order",
               VOLUNTARY: "placed voluntarily"}

CASE_STAGES = ("FSS", "CCR")  # the stages that make a family's case open
OUTSIDE_THE_RECORD = ("ADVPO",)
ADULT_AGE = 18
FAMILY, CHILD = "family", "child"


@dataclass(frozen=True)
class CaseStage:
    """One of the family's stages, by its days in the agency's zone (closed on its closing day)."""

    id: int
    type: str  # INT INV FSI FSS CCR FAD
    opened_on: date
    closed_on: date | None = None
    subtype: str | None = None
    administrative: bool = False

    def is_open_on(self, day: date) -> bool:
        return self.opened_on <= day and (self.closed_on is None or day < self.closed_on)

    @property
    def makes_a_case(self) -> bool:
        return self.type in CASE_STAGES and not self.administrative and self.subtype not in OUTSIDE_THE_RECORD

    @property
    def label(self) -> str:
        return f"{self.type}-{self.subtype}" if self.subtype else self.type


@dataclass(frozen=True)
class CarePeriod:
    """A placement: a child in the agency's care from ``starts_on`` through ``ends_on`` (both counted),
    in ``setting``, on a legal ``basis`` (one of ``LEGAL_BASES``; None: the record does not say). A
    change of legal basis or of setting ends one period and starts the next."""

    child_id: int
    starts_on: date
    ends_on: date | None
    setting: str
    basis: str | None = None

    def __post_init__(self) -> None:
        if self.basis is not None and self.basis not in LEGAL_BASES:
            raise InvalidStage(f"{self.basis!r} is not a legal basis of a placement; the bases are "
                               f"{', '.join(LEGAL_BASES)}.")

    def covers(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    @property
    def out_of_home(self) -> bool:
        return self.basis != COMMITTED_AT_HOME


@dataclass(frozen=True)
class PlannedChild:
    """A child of the family as the plan rules read them: the goals are those of the child's current
    approved plan (none before a first plan)."""

    id: int
    name: str
    birth_date: date | None
    goal: str | None = None  # a permanency goal key (plan_sections.PERMANENCY_GOALS)
    concurrent_goal: str | None = None


@dataclass(frozen=True)
class FamilyRecord:
    name: str  # the family name, "Rivera"
    stages: tuple[CaseStage, ...]
    children: tuple[PlannedChild, ...]
    placements: tuple[CarePeriod, ...] = ()
    # the agency provides services beyond visitation to address a parent's needs
    parent_services: bool = False

    def child(self, child_id: int) -> PlannedChild:
        found = next((child for child in self.children if child.id == child_id), None)
        if found is None:
            raise NotFound(f"The {self.name} family has no child with the id {child_id}.")
        return found

    def periods_of(self, child_id: int) -> tuple[CarePeriod, ...]:
        return tuple(sorted((p for p in self.placements if p.child_id == child_id), key=lambda p: p.starts_on))


@dataclass(frozen=True)
class PlanNeed:
    """Whether a plan is needed on a day, why (or why not), and since when it has been needed."""

    plan: str  # FAMILY or CHILD
    child_id: int | None  # the child whose plan, for a child-in-placement plan
    subject: str  # "the Rivera family", "Ana Rivera"
    needed: bool
    reasons: tuple[str, ...]  # every rule that requires the plan; if none does, why not
    since: date | None = None  # the first day of the need that still holds (None: not needed)

    @property
    def reason(self) -> str:
        return " ".join(self.reasons)


def day_text(day: date) -> str:
    return day.strftime("%m/%d/%Y")


def open_case_stages(family: FamilyRecord, day: date) -> tuple[CaseStage, ...]:
    """The stages that keep the family's case open on ``day``."""
    return tuple(stage for stage in family.stages if stage.makes_a_case and stage.is_open_on(day))


def care_on(family: FamilyRecord, child_id: int, day: date) -> CarePeriod | None:
    """The placement the child is in on ``day`` (on a day one ends and the next starts, the next)."""
    covering = [p for p in family.periods_of(child_id) if p.covers(day)]
    return covering[-1] if covering else None


def care_entered_on(family: FamilyRecord, child_id: int, day: date) -> date:
    """The first day of the child's stay in out-of-home care that includes ``day``: moves between
    settings and changes of legal basis do not start a new stay, a return home does."""
    periods = [p for p in family.periods_of(child_id) if p.out_of_home and p.starts_on <= day]
    start = periods[-1].starts_on
    for earlier in reversed(periods[:-1]):
        if earlier.ends_on is not None and earlier.ends_on + timedelta(days=1) < start:
            break  # a day or more at home in between
        start = earlier.starts_on
    return start


def care_entries(family: FamilyRecord, child_id: int) -> tuple[date, ...]:
    """The days the child entered out-of-home care (each stay's first day)."""
    periods = [p for p in family.periods_of(child_id) if p.out_of_home]
    return tuple(sorted({care_entered_on(family, child_id, p.starts_on) for p in periods}))


def family_plan_need(family: FamilyRecord, on: date) -> PlanNeed:
    """Whether the family needs a family plan on ``on``, with the reasons. The children's goals and the
    services to parents are the record's current ones: the day the need began is read with them."""
    subject = f"the {family.name} family"
    reasons = _family_reasons(family, on)
    if not reasons:
        return PlanNeed(FAMILY, None, subject, False, (
            f"The {family.name} family has no open case and no child in placement with reunification as a goal "
            "or with services to a parent beyond visitation: no family plan is needed.",))
    since = _need_since(lambda day: bool(_family_reasons(family, day)), _family_changes(family), on)
    return PlanNeed(FAMILY, None, subject, True, tuple(reasons), since)


def child_plan_need(family: FamilyRecord, child_id: int, on: date) -> PlanNeed:
    """Whether the child needs a child-in-placement plan on ``on``, with the reasons."""
    child = family.child(child_id)
    reasons = _child_reasons(family, child, on)
    if not reasons:
        return PlanNeed(CHILD, child.id, child.name, False, (_why_no_child_plan(family, child, on),))
    since = _need_since(lambda day: bool(_child_reasons(family, child, day)), _child_changes(family, child), on)
    return PlanNeed(CHILD, child.id, child.name, True, tuple(reasons), since)


def plans_needed(family: FamilyRecord, on: date) -> tuple[PlanNeed, ...]:
    """The family plan's decision, then each child's, in the family's order of children."""
    return (family_plan_need(family, on), *(child_plan_need(family, child.id, on) for child in family.children))


def _family_reasons(family: FamilyRecord, day: date) -> list[str]:
    reasons = []
    if stages := open_case_stages(family, day):
        opened = min(stage.opened_on for stage in stages)
        reasons.append(f"The {family.name} family's case is open ({', '.join(s.label for s in stages)} since "
                       f"{day_text(opened)}): every family with an open case has a family plan.")
    for child in family.children:
        period = care_on(family, child.id, day)
        if period is None or not period.out_of_home:
            continue
        entered = day_text(care_entered_on(family, child.id, day))
        placed = f"{child.name} is in placement ({period.setting}, since {entered})"
        if REUNIFICATION in (child.goal, child.concurrent_goal):
            which = "permanency goal" if child.goal == REUNIFICATION else "concurrent goal"
            reasons.append(f"{placed} with reunification as the {which}: the family plan is how the family gets "
                           "there.")
        if family.parent_services:
            reasons.append(f"{placed} and the agency provides services beyond visitation to address a parent's "
                           "needs: the family plan sets them out.")
    return reasons


def _child_reasons(family: FamilyRecord, child: PlannedChild, day: date) -> list[str]:
    reasons = []
    period = care_on(family, child.id, day)
    if period is not None and period.basis == COMMITTED_AT_HOME:
        reasons.append(f"{child.name} lives at home ({period.setting}) but is committed to the agency since "
                       f"{day_text(period.starts_on)}: a child at home in the agency's custody has a "
                       "child-in-placement plan.")
    elif period is not None:
        entered = day_text(care_entered_on(family, child.id, day))
        if period.basis is None:
            reasons.append(f"{child.name} is in out-of-home care ({period.setting}, since {entered}); the record "
                           "does not say yet on what legal basis, and a child in out-of-home care placed "
                           "voluntarily, by court order or by agreement has a child-in-placement plan.")
        else:
            reasons.append(f"{child.name} is in out-of-home care ({period.setting}, since {entered}), "
                           f"{_HOW_PLACED[period.basis]}: a child in out-of-home care has a child-in-placement "
                           "plan.")
    if _is_adult_in_open_case(family, child, day):
        assert child.birth_date is not None
        reasons.append(f"{child.name} is {age_on(child.birth_date, day)} (born {day_text(child.birth_date)}), was "
                       "in the agency's care and the case is open: a youth 18 or older keeps a child-in-placement "
                       "plan while their case is open.")
    return reasons


def _is_adult_in_open_case(family: FamilyRecord, child: PlannedChild, day: date) -> bool:
    return (child.birth_date is not None and age_on(child.birth_date, day) >= ADULT_AGE
            and bool(open_case_stages(family, day))
            and any(p.starts_on <= day for p in family.periods_of(child.id)))


def _why_no_child_plan(family: FamilyRecord, child: PlannedChild, day: date) -> str:
    ever_in_care = any(p.starts_on <= day for p in family.periods_of(child.id))
    if child.birth_date is not None and age_on(child.birth_date, day) >= ADULT_AGE:
        if not ever_in_care:
            return (f"{child.name} is {age_on(child.birth_date, day)} and was never in the agency's care: no "
                    "child-in-placement plan is needed.")
        return (f"{child.name} is {age_on(child.birth_date, day)} and out of care, and the {family.name} family's "
                "case is closed: no child-in-placement plan is needed.")
    unknown_age = (" (the record has no birth date, so the rule for youth 18 and older could not be applied)"
                   if child.birth_date is None and ever_in_care else "")
    return (f"{child.name} lives at home and is not committed to the agency{unknown_age}: no child-in-placement "
            "plan is needed.")


def _family_changes(family: FamilyRecord) -> set[date]:
    changes = {day for stage in family.stages for day in (stage.opened_on, stage.closed_on) if day}
    for child in family.children:
        changes |= _care_changes(family, child)
    return changes


def _child_changes(family: FamilyRecord, child: PlannedChild) -> set[date]:
    changes = _care_changes(family, child) | {day for s in family.stages for day in (s.opened_on, s.closed_on) if day}
    if child.birth_date is not None:
        changes.add(birthday(child.birth_date, ADULT_AGE))
    return changes


def _care_changes(family: FamilyRecord, child: PlannedChild) -> set[date]:
    changes = set()
    for period in family.periods_of(child.id):
        changes.add(period.starts_on)
        if period.ends_on is not None:
            changes.add(period.ends_on + timedelta(days=1))
    return changes


def _need_since(needed_on: Callable[[date], bool], changes: Iterable[date], on: date) -> date:
    """The first day of the need holding on ``on``: the rules give the same answer between two days
    on which the record changes, so it is enough to step back over those days."""
    since = on
    for day in sorted((day for day in changes if day <= on), reverse=True):
        if not needed_on(day):
            break
        since = day
    return since
