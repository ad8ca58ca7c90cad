"""A deterministic demo agency, generated through the store's own API on a moving clock.

Every note, review and stage change is made by calling ``Desk``/``Staffing`` at the moment it
happens in the story, so the demo obeys every rule: old notes are really frozen, late entries are
really late, returned notes carry real deadlines. Same seed, same ``as_of``, same database.
"""

from __future__ import annotations

import random
from datetime import datetime

import pendulum

from demo import text
from demo.family import Family, StageStory
from demo.plans import open_the_walks_family, plan_a_few
from demo.timeline import DemoStaff, Timeline
from store.core.clock import FrozenClock
from store.rules.plan_need import VPA
from store.service import Store

DIRECTOR_TITLE = "Director of Child Welfare Services"
VOLUNTARY_AGENCY = "Harbor Family Services"
CASA_PROGRAM = "County CASA Program"
AGENCY_NAME = "Harbor County Department of Social Services"  # the local district, as its court records say
UNIT_NAMES = ("Preventive Services", "Foster Care", "CPS Investigations")


def generate(store: Store, clock: FrozenClock, *, seed: int = 1, scale: float = 1.0,
             as_of: datetime | None = None, history_days: int = 150) -> DemoStaff:
    """Fill an empty database with a demo agency whose story ends at ``as_of``."""
    rng = random.Random(seed)
    store.allow_test_clock()  # the story is told on its own clock, which the database's triggers follow
    as_of = as_of or clock.now()
    zone = store.policy.zone
    start = pendulum.instance(as_of).in_timezone(zone).subtract(days=history_days).set(hour=8, minute=30)
    clock.set(start)
    staff = _hire(store, rng, scale)
    staffing = store.staffing()
    staffing.set_meta("demo", "yes")
    staffing.set_meta("demo_seed", str(seed))
    staffing.set_meta("agency_name", AGENCY_NAME)
    timeline = Timeline(clock, as_of)
    families = max(4, round(40 * scale))
    surnames = rng.sample(text.FAMILY_NAMES, min(families, len(text.FAMILY_NAMES)))
    stories: list[Family] = []
    for index in range(families):
        surname = surnames[index % len(surnames)] + ("" if index < len(surnames) else f"-{index}")
        opened = start.add(days=rng.randint(0, history_days - 25), hours=rng.randint(0, 6))
        story = Family(store, rng, staff, timeline, surname, PATTERNS[index % len(PATTERNS)])
        timeline.at(opened, story.open)
        stories.append(story)
    _plan_vacation(store, staff, timeline, zone)
    _place_in_an_emergency(store, staff, timeline, zone)
    _request_an_advocate_account(store, staff, timeline, zone)
    plan_a_few(store, staff, timeline, stories, zone)
    timeline.run()
    _add_preventive_only(store, stories[PREVENTIVE_ONLY % len(stories)])
    open_the_walks_family(store, staff, zone)
    # The story's notifications (notes returned and approved, deadlines passed) were read as they
    # came: each worker's inbox starts the demo empty of unread, and fills as the demo is used.
    clock.set(max(clock.now(), as_of))
    staffing.check_notifications()
    staffing.mark_every_inbox_read()
    return staff


PREVENTIVE_ONLY = 7  # the family that also receives NYC preventive-only (ADVPO) services


def _add_preventive_only(store: Store, story: Family) -> None:
    """An ADVPO stage beside the family's open stage, opened last so that every other record of the
    demo keeps its number. It holds no progress notes: they are kept outside the state record."""
    stage_id, manager = next(iter(story.managers.items()))
    store.staffing().open_stage(story.case_id, "FSS", subtype="ADVPO", case_manager=manager,
                                person_ids=sorted(story.stage_persons[stage_id]))


def _place_in_an_emergency(store: Store, staff: DemoStaff, timeline: Timeline, zone: pendulum.Timezone) -> None:
    """Two days before the story ends a child of a family served at home is placed in an emergency,
    so the demo has a new placement whose two first-month contacts are still due."""
    end = pendulum.instance(timeline.as_of).in_timezone(zone)

    def place() -> None:
        director = store.as_user(staff.director)
        placed = {c.person_id for c in director.team_visit_standards()}
        for row in director.unit_caseload():
            if row.stage_label == "FSS-CWS" and row.closed_at is None:
                children = [p for p in director.stage(row.stage_id).persons if p.is_child and p.id not in placed]
                if children:
                    store.staffing().place_child(row.stage_id, children[0].id, end.subtract(days=2).date(),
                                                 "Kinship home", basis=VPA)
                    return

    timeline.at(end.subtract(days=2).set(hour=18, minute=0), place)


def _request_an_advocate_account(store: Store, staff: DemoStaff, timeline: Timeline, zone: pendulum.Timezone) -> None:
    """The morning before the story ends a newly trained advocate asks for an account, so the demo's
    representative has one to approve (and the advocate then a letter of introduction to file)."""
    end = pendulum.instance(timeline.as_of).in_timezone(zone)

    def request() -> None:
        staff.requested_advocate = "ncole"
        store.staffing().request_advocate_account(staff.requested_advocate, "Nora Cole", agency=CASA_PROGRAM,
                                                  email="ncole@casa.example.org")

    timeline.at(end.subtract(days=1).set(hour=9, minute=40), request)


def _plan_vacation(store: Store, staff: DemoStaff, timeline: Timeline, zone: pendulum.Timezone) -> None:
    """Three days before the story ends, the caseworker with the most notes still to submit books the
    week after next Monday off, so the demo shows an absence cut-off and the notes due before it."""
    end = pendulum.instance(timeline.as_of).in_timezone(zone)
    starts = end.date().next(pendulum.MONDAY).add(days=7)

    def book() -> None:
        ldss = sorted(login for login in staff.workers[0] if login in staff.ldss)
        busiest = max(ldss, key=lambda login: len(store.as_user(login).my_deadlines()))
        store.as_user(busiest).plan_absence(starts, starts.add(days=4), "Vacation")

    timeline.at(end.subtract(days=3).set(hour=11, minute=0), book)


def _hire(store: Store, rng: random.Random, scale: float) -> DemoStaff:
    staffing, staff = store.staffing(), DemoStaff()
    names = iter(rng.sample(text.STAFF_NAMES, len(text.STAFF_NAMES)))
    used: set[str] = set()

    def login_for(name: str) -> str:
        first, last = name.split()[0], name.split()[-1]
        login = (first[0] + last).lower().replace("'", "").replace("-", "")
        while login in used:
            login += "2"
        used.add(login)
        return login

    def name_for() -> str:
        return next(names, None) or f"{rng.choice(text.FIRST_NAMES_ADULT)} {rng.choice(text.FAMILY_NAMES)}"

    name = name_for()
    staff.director = login_for(name)
    staffing.add_worker(staff.director, name, DIRECTOR_TITLE)
    staff.ldss.add(staff.director)
    units = max(3, round(3 * scale))
    per_unit = max(4, round(4 * scale * 3 / units))
    first_unit = 0
    for u in range(units):
        unit = staffing.add_unit(f"Unit {u + 1} – {UNIT_NAMES[u % 3]}")
        if u == 0:
            first_unit = unit
        name = name_for()
        boss = login_for(name)
        staffing.add_worker(boss, name, "Casework Supervisor", unit=unit, supervisor=staff.director)
        staff.supervisors.append(boss)
        staff.ldss.add(boss)
        staff.workers[u] = []
        for w in range(per_unit):
            name = name_for()
            login = login_for(name)
            voluntary = UNIT_NAMES[u % 3] != "CPS Investigations" and w % 3 == 2
            staffing.add_worker(login, name, "Case Planner" if voluntary else "Caseworker",
                                employer="VA" if voluntary else "LDSS",
                                agency=VOLUNTARY_AGENCY if voluntary else "", unit=unit, supervisor=boss)
            staff.workers[u].append(login)
            staff.supervisor_of[login] = boss
            if not voluntary:
                staff.ldss.add(login)
        if u == 0:
            name = name_for()
            staff.clerk = login_for(name)
            staffing.add_worker(staff.clerk, name, "Senior Clerk", unit=unit, supervisor=boss,
                                functions=["ENT PROG NOTE"])
    name = name_for()
    staff.advocate = login_for(name)
    # An advocate at work: their account requested and approved (the representatives' list shows them).
    staffing.request_advocate_account(staff.advocate, name, agency=CASA_PROGRAM, title="CASA Volunteer Advocate")
    staffing.approve_advocate_account(staff.advocate)
    # Hired last, from names already drawn, so that everyone and everything before stays as it was.
    name = name_for()
    staff.administrator = login_for(name)
    staffing.add_worker(staff.administrator, name, "Staff Administrator", supervisor=staff.director,
                        functions=["MAINTAIN STAFF"])
    staff.ldss.add(staff.administrator)
    name = name_for()
    staff.intake = login_for(name)
    staffing.add_worker(staff.intake, name, "Intake Worker", unit=first_unit, supervisor=staff.supervisors[0],
                        functions=["INTAKE"])
    staff.ldss.add(staff.intake)
    # The advocate programme's access-management representative: approves advocates' accounts and
    # ends them. Named outright (not drawn), so that the names drawn before stay as they were.
    staff.representative = "pbanerjee"
    staffing.add_worker(staff.representative, "Priya Banerjee", "CASA Access Representative", employer="CASA",
                        agency=CASA_PROGRAM, functions=["ADVOCATE ACCESS"])
    return staff


# Stage stories: each a list of (stage type, FSS subtype, parent index, closes?)
PATTERNS: list[list[StageStory]] = [
    [("INT", None, None, True), ("INV", None, 0, True), ("FSS", "CWS", 1, False)],
    [("FSI", None, None, True), ("FSS", "CWS", 0, False), ("CCR", None, 1, False)],
    [("FSS", "CWS", None, False)],
    [("INT", None, None, True), ("INV", None, 0, False)],
    [("FSS", "OTI", None, True)],
    [("FSS", "COI", None, False)],
    [("FSS", "ICPC", None, False)],
    [("FSS", "COI", None, False)],  # and an ADVPO stage at the end (_add_preventive_only)
    [("FAD", None, None, False)],
    [("FSI", None, None, False)],
    [("FSS", "CWS", None, True)],
]

