"""One demo family's story: its people, its stages in progression, its children's placements in foster
care, and every contact note with its review, told at the moment each thing happens (see ``demo.agency``)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING

import pendulum

from demo import text
from store.core.errors import NoteFrozen
from store.rules.plan_need import COURT_ORDER
from store.service import Store

if TYPE_CHECKING:
    from demo.timeline import DemoStaff, Timeline

CONTACTS = {
    "INV": ["Caseworker/Child Contact", "Birth Parent/Caseworker Contact",
            "Collateral (attorney, law guardian, therapist, ACS …)", "School Contact", "Attempted Contact",
            "Case Conference (internal or with ACS)"],
    "FSI": ["Birth Parent/Caseworker Contact", "Caseworker/Child Contact", "72 Hour Conference"],
    "FSS": ["Caseworker/Child Contact", "Birth Parent/Caseworker Contact", "Birth Parent/Child Contact",
            "Foster Home Visit", "Caseworker/Foster Parent Contact", "School Contact", "Sibling Visit",
            "Collateral (attorney, law guardian, therapist, ACS …)", "Service Plan Review", "30 Day Conference",
            "Court Appearance", "Attempted Contact", "Theme of the Month", "Case Conference (internal or with ACS)"],
    "CCR": ["Caseworker/Child Contact", "Court Appearance", "Service Plan Review", "Foster Home Visit",
            "Caseworker/Discharge Resource Contact (non-birth-parent)"],
    "FAD": ["Foster Home Visit", "Caseworker/Foster Parent Contact", "Case Conference (internal or with ACS)"],
}
PLACES = {
    "Face to face": ["Child's residence (foster/kinship home)", "Parent's home", "Agency office", "School",
                     "Community"],
    "Telephone": ["Remote"], "Video": ["Remote"], "Email/text": ["Remote"], "Written/letter": ["Agency office"],
}
FOSTER_HOME = "Child's residence (foster/kinship home)"
TYPE_PLACE = {"School Contact": "School", "Court Appearance": "Court",
              "Foster Home Visit": "Child's residence (foster/kinship home)", "Service Plan Review": "Agency office",
              "72 Hour Conference": "Agency office", "30 Day Conference": "Agency office"}
TYPE_OTHERS = {"School Contact": ["school guidance counselor", "teacher"],
               "Court Appearance": ["law guardian", "ACS attorney"],
               "Collateral (attorney, law guardian, therapist, ACS …)": ["outpatient therapist",
                                                                          "pediatrician's nurse"]}
STAGE_UNIT = {"INT": 2, "INV": 2, "FSI": 0, "FSS": 0, "CCR": 1, "FAD": 1}
SETTINGS = ("Foster home", "Foster home", "Kinship home", "Therapeutic foster home")
PLACED_SHARE = 0.5  # of the FSS-CWS families (that do not go on to a CCR) whose children are placed


# A stage in a family's story: (stage type, FSS subtype, index of the stage it follows, closes?)
StageStory = tuple[str, str | None, int | None, bool]


class Family:
    def __init__(self, store: Store, rng: random.Random, staff: DemoStaff, timeline: Timeline,
                 surname: str, pattern: list[StageStory]):
        self.store, self.rng, self.staff, self.timeline = store, rng, staff, timeline
        self.surname, self.pattern = surname, pattern
        self.zone = store.policy.zone
        self.stage_persons: dict[int, set[int]] = {}
        self.placements: dict[int, list[int]] = {}  # stage → its children's placements
        self.in_care: set[int] = set()  # the children placed now, by this story
        self.managers: dict[int, str] = {}  # stage → its Case Manager's login
        self.planners: dict[int, str] = {}  # stage → its Case Planner's login, where it has one
        self.kinds: dict[int, str] = {}  # stage → its type (FSS, CCR…)
        self.closed: set[int] = set()  # the stages closed so far in the story

    def now(self) -> datetime:
        return self.store.clock.now()

    def open(self) -> None:
        staffing, rng = self.store.staffing(), self.rng
        self.case_id = staffing.open_case(self.surname)
        today = pendulum.instance(self.now()).in_timezone(self.zone).date()
        self.children = []
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            first = rng.choice(text.FIRST_NAMES_CHILD)
            born = today.subtract(years=rng.randint(1, 16), days=rng.randint(0, 364))
            self.children.append((staffing.add_person(self.case_id, first, self.surname, "child",
                                                      birth_date=born, is_child=True), first))
        self.adults = [(staffing.add_person(self.case_id, rng.choice(text.FIRST_NAMES_ADULT), self.surname, "mother"),
                        f"Ms. {self.surname}")]
        if rng.random() < 0.5:
            self.adults.append((staffing.add_person(self.case_id, rng.choice(text.FIRST_NAMES_ADULT), self.surname,
                                                    "father"), f"Mr. {self.surname}"))
        foster = rng.choice(text.FAMILY_NAMES)
        self.adults.append((staffing.add_person(self.case_id, rng.choice(text.FIRST_NAMES_ADULT), foster,
                                                "foster parent"), f"Ms. {foster}"))
        self._open_stage(0, None)

    def _open_stage(self, index: int, parent_id: int | None) -> None:
        kind, subtype, _parent, closes = self.pattern[index]
        rng, staff = self.rng, self.staff
        unit = STAGE_UNIT[kind] if kind != "FSS" or subtype != "CWS" else rng.choice((0, 1))
        team = staff.workers[unit % len(staff.workers)]
        ldss = [w for w in team if w in staff.ldss]
        manager = rng.choice(ldss)
        child_ids = [c for c, _ in self.children]
        if kind == "CCR":
            child_ids = child_ids[:1]
        persons = child_ids + ([] if kind == "CCR" else [a for a, _ in self.adults])
        staffing = self.store.staffing()
        stage_id = staffing.open_stage(self.case_id, kind, subtype=subtype, parent_id=parent_id,
                                       case_manager=manager, person_ids=persons)
        self.stage_persons[stage_id] = set(persons)
        self.managers[stage_id] = manager
        self.kinds[stage_id] = kind
        writers = [manager]
        if kind not in ("FSI", "INT"):
            helpers = [w for w in team if w != manager]
            planner = next((w for w in helpers if w not in staff.ldss), None)
            if planner and rng.random() < 0.6:
                staffing.assign_role(stage_id, planner, "Case Planner")
                writers.append(planner)
                self.planners[stage_id] = planner
            if rng.random() < 0.4:
                other = rng.choice([w for w in helpers if w != planner] or helpers)
                role = "CPS Worker/Monitor" if kind == "INV" and other in staff.ldss else "Case Worker"
                if role == "CPS Worker/Monitor" or kind != "INV":
                    staffing.assign_role(stage_id, other, role, children=child_ids[:1] if role == "Case Worker" else [])
                    writers.append(other)
        if kind == "FSS" and subtype == "CWS" and self.children and rng.random() < 0.3:
            staffing.appoint_advocate(staff.advocate, self.children[0][0])
        opened = self.now()
        span = timedelta(days=rng.randint(12, 45))
        ends = opened + span if (closes or index + 1 < len(self.pattern)) else self.timeline.as_of
        if kind != "INT" and subtype != "ADVPO":  # ADVPO progress notes are kept outside the state record
            self._schedule_contacts(stage_id, kind, writers, opened, ends)
        if kind == "CCR" or ((kind, subtype) == ("FSS", "CWS") and "CCR" not in [p[0] for p in self.pattern]):
            self._plan_placement(stage_id, kind, child_ids, opened, ends if closes else None)
        if index + 1 < len(self.pattern):
            self.timeline.at(ends + timedelta(minutes=5), lambda: self._open_stage(index + 1, stage_id))
        if closes:
            reason = ("Progressed to another stage" if index + 1 < len(self.pattern)
                      else "Investigation complete" if kind == "INV" else "Services no longer necessary")
            self.timeline.at(ends + timedelta(minutes=10), lambda: self._close(stage_id, manager, reason))

    def _close(self, stage_id: int, manager: str, reason: str) -> None:
        """The Case Manager closes the stage, first ending a placement someone else recorded in it
        since (the agency's emergency placement): a stage with a child still placed does not close."""
        desk = self.store.as_user(manager)
        for placement in desk.placements_in_stage(stage_id):
            if placement.ends_on is None:
                desk.end_placement(placement.id, self._today())
        desk.close_stage(stage_id, reason)
        self.closed.add(stage_id)

    def _plan_placement(self, stage_id: int, kind: str, child_ids: list[int], opened: datetime,
                        closes: datetime | None) -> None:
        """A CCR's child is in care from the day it opens; about half of the other FSS-CWS families
        have their children placed as it opens (the placement is why it opened), so every visit the
        stage's notes record is a foster-care visit. Placements draw on their own random numbers, so
        the rest of the story (every note) stays as it was without them."""
        chance = random.Random(f"placement {self.surname} {kind}")
        if kind != "CCR" and chance.random() >= PLACED_SHARE:
            return
        if kind != "CCR":
            chance.randint(1, 6), chance.randint(0, 3)  # drawn as before (the day it once came), so the setting stays
        when = opened
        setting = chance.choice(SETTINGS)
        self.timeline.at(when, lambda: self._place(stage_id, child_ids, setting))
        if closes:
            self.timeline.at(closes + timedelta(minutes=8), lambda: self._end_placements(stage_id))

    def _place(self, stage_id: int, child_ids: list[int], setting: str) -> None:
        staffing, today = self.store.staffing(), self._today()
        self.placements[stage_id] = [staffing.place_child(stage_id, child, today, setting, basis=COURT_ORDER)
                                     for child in child_ids]
        self.in_care.update(child_ids)

    def _end_placements(self, stage_id: int) -> None:
        staffing, today = self.store.staffing(), self._today()
        for placement in self.placements.get(stage_id, []):
            staffing.end_placement(placement, today)
        self.in_care.clear()

    def _schedule_contacts(self, stage_id: int, kind: str, writers: list[str], opened: datetime,
                           ends: datetime) -> None:
        rng = self.rng
        day = pendulum.instance(opened).in_timezone(self.zone).add(days=rng.randint(0, 2))
        while day < ends:
            when = day.set(hour=rng.randint(9, 16), minute=rng.choice((0, 15, 30, 45)))
            if when > opened:
                lag = rng.choices([rng.uniform(0.3, 8), rng.uniform(20, 60), rng.uniform(80, 190)], [70, 20, 10])[0]
                entry = when + timedelta(hours=lag)
                if entry < ends:
                    author = rng.choice(writers)
                    self.timeline.at(entry, partial(self._note, stage_id, kind, author, when))
            day = day.add(days=rng.randint(3, 10))

    def _note(self, stage_id: int, kind: str, author: str, event: datetime) -> None:
        rng, staff = self.rng, self.staff
        contact = rng.choice(CONTACTS[kind])
        attempted = contact == "Attempted Contact"
        method = "Attempted – no contact" if attempted else rng.choices(
            ["Face to face", "Telephone", "Video", "Email/text", "Written/letter"], [60, 22, 8, 7, 3])[0]
        location = TYPE_PLACE.get(contact) if method == "Face to face" else None
        location = location or ("Parent's home" if attempted else rng.choice(PLACES[method]))
        present = self.children[:rng.randint(1, len(self.children))] if method == "Face to face" else []
        if location == FOSTER_HOME and present and not self.in_care & {c for c, _ in present}:
            location = "Parent's home"  # a child not (yet) in care is seen at home, not in a foster home
        adults = self.adults[:rng.randint(1, len(self.adults))]
        others = rng.sample(TYPE_OTHERS.get(contact, ["none"]), 1) if contact in TYPE_OTHERS else []
        purposes = rng.sample(self.store.policy.purposes[:-1], rng.randint(1, 3))
        narrative = text.narrative(rng, contact_type=contact, method=method, location=location,
                                   children=[n for _, n in present], adults=[n for _, n in adults],
                                   others=others, attempted=attempted)
        clerk_types = kind != "INV" and author in staff.ldss and rng.random() < 0.1
        desk = self.store.as_user(staff.clerk if clerk_types else author)
        note = desk.add_note(stage_id, author=author if clerk_types else None, event_at=event,
                             contact_type=contact, method=method, location=location, purposes=purposes,
                             participants=[p for p, _ in present + (adults if method == "Face to face" else [])
                                           if p in self.stage_persons[stage_id]],
                             others=others, narrative=narrative)
        if kind == "FSI":
            return
        if rng.random() < 0.07:
            if rng.random() < 0.4:
                self.timeline.at(self.now() + timedelta(hours=rng.uniform(1, 30)),
                                 lambda: self.store.as_user(author).discard_draft(note.id))
            return  # some drafts wait, a few are thrown away
        submit_at = self.now() + timedelta(hours=rng.uniform(0.2, 40))
        self.timeline.at(submit_at, lambda: self._submit(note.id, author, first=True))

    def _submit(self, note_id: int, author: str, first: bool) -> None:
        desk = self.store.as_user(author)
        desk.submit(note_id)
        boss = self.staff.supervisor_of[author]
        # The Foster Care unit's supervisor falls behind: the director should see which unit and why.
        behind = boss == self.staff.supervisors[1 % len(self.staff.supervisors)]
        days = (10 if first else 6) if behind else (6 if first else 3)
        wait = timedelta(hours=self.rng.uniform(4, 24 * days))
        self.timeline.at(self.now() + wait, lambda: self._review(note_id, author, boss))

    def _review(self, note_id: int, author: str, boss: str) -> None:
        desk = self.store.as_user(boss)
        try:
            if self.rng.random() < 0.22:
                desk.return_note(note_id, text.return_comment(self.rng))
                fix = timedelta(hours=self.rng.uniform(6, 24 * 4.5))
                self.timeline.at(self.now() + fix, lambda: self._correct(note_id, author))
            else:
                desk.approve(note_id)
                if self.rng.random() < 0.05:
                    later = timedelta(days=self.rng.uniform(2, 25))
                    self.timeline.at(self.now() + later, lambda: self._addendum(note_id, author))
        except NoteFrozen:
            pass  # reviewed too late: it froze without approval, as happens

    def _correct(self, note_id: int, author: str) -> None:
        desk = self.store.as_user(author)
        note = desk.note(note_id)
        extra = " " + text.addendum_narrative(self.rng, original_event=self._day(note.event_at)).split(": ", 1)[-1]
        try:
            desk.edit_note(note_id, note.version, narrative=note.narrative + extra)
        except NoteFrozen:
            self._addendum(note_id, author)  # the correction deadline fell past the freeze
            return
        self._submit(note_id, author, first=False)

    def _addendum(self, note_id: int, author: str) -> None:
        desk = self.store.as_user(author)
        note = desk.note(note_id)
        addendum = desk.add_addendum(
            note_id, narrative=text.addendum_narrative(self.rng, original_event=self._day(note.event_at)))
        later = timedelta(hours=self.rng.uniform(1, 30))
        self.timeline.at(self.now() + later, lambda: self._submit(addendum.id, author, first=True))

    def _today(self) -> date:
        day = pendulum.instance(self.now()).in_timezone(self.zone)
        return date(day.year, day.month, day.day)

    def _day(self, at: datetime) -> str:
        return pendulum.instance(at).in_timezone(self.zone).format("MM/DD/YYYY")
