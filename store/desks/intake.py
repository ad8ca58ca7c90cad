"""Intake: a new family (case) with its persons and its first stage, a person added to a family or
corrected, and a family's intake stages (CPS Intake, Family Services Intake) with the intake's facts.

The rules, written once here for the signed-in desk, the system's ``Staffing`` and the import:
- a person has a first and a last name, a relationship and (if given) a sex from the policy's
  picklists, and a birth date that has come (from 1900 on);
- a family has at most one primary caretaker, an adult. It is kept on the family's intake stage
  (``stages.primary_caretaker_id`` of the INT or FSI opened with the family), where the Family
  Services Stage's App/Reg finds it; a person added later is named caretaker there, not here;
- an intake opens an INT or an FSI. An FSI holds the administrative opening procedure's facts: the
  source worker, a narrative, "preventive only?", the administrative mark, the family's earlier
  case (closed, another family's record) and the application date, which is the day the work is
  done in the agency's zone: the store sets it and refuses any other day.
Each change is case activity (``journal.activity`` with the case) and, for search, a change-log row.
"""

from __future__ import annotations

import dataclasses

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

import pendulum
from sqlalchemy import select

from store.core import arguments
from store.core.errors import InvalidRequest, InvalidStage, NoAccess, NotFound, StoreError
from store.rules.access import case_access
from store.core.intake_forms import EarlierCase, IntakeChoices, IntakeOpened, IntakeStage, NewPerson, WorkerChoice
from store.core.policy import Policy
from store.db.journal import activity, change
from store.db.models import Case, Person, Stage, Worker
from store.desks import stage_opening
from store.desks.base import DeskBase, Work
from store.rules import record_shape
from store.rules.maintenance import check_may_do_intake, check_may_keep_family

INTAKE_TYPES = ("INT", "FSI")
FAMILY_NAME_MAX, PERSON_NAME_MAX = 120, 80  # cases.family_name, persons.first_name / last_name
PERSONS_MAX = 60  # persons opened with one family in one go


def agency_today(work: Work) -> date:
    return pendulum.instance(work.now).in_timezone(work.policy.zone).date()


def _day(day: date) -> str:
    return day.strftime("%m/%d/%Y")


def _name(value: Any, what: str, most: int) -> str:
    return " ".join(arguments.text(value, what, error=InvalidRequest, most=most, empty=False).split())


def _pick(value: Any, allowed: tuple[str, ...], what: str, whose: str) -> str:
    """One of a picklist's words, in any case; ``what`` reads "relationship to the family"."""
    if not isinstance(value, str):
        raise InvalidRequest(f"The {what} of {whose} is one of {', '.join(allowed)}, and casenotes was given "
                             f"{arguments.kind_of(value)}.")
    found = next((word for word in allowed if word.lower() == " ".join(value.split()).lower()), None)
    if found is None:
        raise InvalidRequest(f"{arguments.shown(value)} is not a {what} casenotes knows for {whose} "
                             f"({', '.join(allowed)}).")
    return found


def clean_person(value: Any, policy: Policy, today: date) -> NewPerson:
    """A new person's details, checked: names, relationship and sex from the picklists, a birth date
    that has come, and only an adult as primary caretaker."""
    if not isinstance(value, NewPerson):
        raise InvalidRequest("A person is given with names, relationship, sex, birth date and whether a child "
                             f"(a NewPerson), and casenotes was given {arguments.kind_of(value)}.")
    first = _name(value.first_name, "person's first name", PERSON_NAME_MAX)
    last = _name(value.last_name, "person's last name", PERSON_NAME_MAX)
    whose = Person.name_of(first, last)
    relationship = _pick(value.relationship, policy.relationships, "relationship to the family", whose)
    sex = None if value.sex is None else _pick(value.sex, policy.sexes, "sex", whose)
    born = None if value.birth_date is None else check_birth_date(value.birth_date, today, whose)
    is_child = arguments.yes_or_no(value.is_child, f"Whether {whose} is a child", InvalidRequest)
    caretaker = arguments.yes_or_no(value.primary_caretaker, f"Whether {whose} is the primary caretaker",
                                    InvalidRequest)
    if caretaker and is_child:
        raise InvalidRequest(f"{whose} is a child; the family's primary caretaker is an adult.")
    return NewPerson(first, last, relationship, sex, born, is_child, caretaker)


def check_birth_date(value: Any, today: date, whose: str) -> date:
    born = arguments.day(value, f"birth date of {whose}", InvalidRequest)
    try:
        record_shape.check_birth_date(born, today)
    except InvalidRequest as refusal:
        raise InvalidRequest(f"{whose}: {refusal.message}") from None
    return born


def clean_persons(values: Any, policy: Policy, today: date) -> list[NewPerson]:
    if isinstance(values, (str, bytes, dict)) or not isinstance(values, Iterable):
        raise InvalidRequest(f"A family's persons are a list, and casenotes was given {arguments.kind_of(values)}.")
    values = list(values)
    if len(values) > PERSONS_MAX:
        raise InvalidRequest(f"A family is opened with at most {PERSONS_MAX} persons; add more afterwards.")
    persons = [clean_person(value, policy, today) for value in values]
    caretakers = [Person.name_of(p.first_name, p.last_name) for p in persons if p.primary_caretaker]
    if len(caretakers) > 1:
        raise InvalidRequest(f"A family has one primary caretaker, and {' and '.join(caretakers)} were both "
                             "marked; keep one.")
    return persons


def clean_stage(value: Any, policy: Policy, today: date) -> IntakeStage:
    """An intake stage's facts, checked (the workers and the linked case are looked up when it opens)."""
    if not isinstance(value, IntakeStage):
        raise InvalidStage("An intake stage is given with its type, Case Manager and the intake's facts (an "
                           f"IntakeStage), and casenotes was given {arguments.kind_of(value)}.")
    if value.type not in INTAKE_TYPES:
        raise InvalidStage(f"Intake opens a CPS Intake (INT) or a Family Services Intake (FSI), not "
                           f"{arguments.shown(value.type)}.")
    manager = arguments.login(value.case_manager, "Case Manager's login", NotFound)
    if value.type == "INT":
        if (value.source_worker, value.narrative, value.preventive_only, value.administrative,
                value.linked_case_id, value.application_date) != (None, "", False, False, None, None):
            raise InvalidStage("A CPS Intake (INT) takes its Case Manager and persons only; the source, narrative, "
                               "preventive-only decision, administrative mark, linked case and application date "
                               "belong to a Family Services Intake (FSI).")
        return IntakeStage("INT", manager)
    if value.source_worker is None:
        raise InvalidStage("A Family Services Intake names its source: the worker asking, or authorising the "
                           "payment.")
    source = arguments.login(value.source_worker, "source worker's login", NotFound)
    narrative = arguments.text(value.narrative, "intake's narrative", error=InvalidStage,
                               most=policy.narrative_max_chars, lines=True, empty=False).strip()
    preventive = arguments.yes_or_no(value.preventive_only, "Whether the intake is preventive only", InvalidStage)
    administrative = arguments.yes_or_no(value.administrative, "Whether the intake is administrative (opened "
                                         "only to authorise a payment)", InvalidStage)
    linked = None if value.linked_case_id is None else arguments.record_id(value.linked_case_id, "earlier case",
                                                                           InvalidStage)
    if value.application_date is not None:
        applied = arguments.day(value.application_date, "application date", InvalidStage)
        if applied != today:
            raise InvalidStage(f"The application date is the day the work is done, today {_day(today)}; it is "
                               f"never back-dated or dated ahead, so {_day(applied)} cannot be used.")
    return IntakeStage("FSI", manager, source, narrative, preventive, administrative, linked, today)


def open_family(work: Work, family_name: str, persons: Sequence[NewPerson],
                stage: IntakeStage | None) -> IntakeOpened:
    """Open a family with its persons and, if ``stage`` is given, its intake stage holding every one of
    them (and the primary caretaker, if one is marked)."""
    today = agency_today(work)
    family_name = _name(family_name, "family's name", FAMILY_NAME_MAX)
    people = clean_persons(persons, work.policy, today)
    facts = None if stage is None else clean_stage(stage, work.policy, today)
    if facts is not None and not people:
        raise InvalidRequest("A family is opened with its persons; add at least one.")
    if facts is None and any(p.primary_caretaker for p in people):
        raise InvalidRequest("The primary caretaker is kept on the family's intake stage; open one with the family.")
    session = work.session
    case = Case(family_name=family_name, opened_at=work.now)
    session.add(case)
    session.flush()
    activity(session, work.by, "open case", "case", case.id, work.now, case_id=case.id,
             after={"family": family_name})
    change(session, "case", case.id, "insert", work.now)
    added = [_add(work, case.id, person) for person in people]
    if facts is None:
        return IntakeOpened(case.id, tuple(p.id for p in added), 0)
    caretaker = next((p.id for p, given in zip(added, people, strict=True) if given.primary_caretaker), None)
    opened = open_intake_stage(work, case.id, facts, [p.id for p in added], caretaker)
    return IntakeOpened(case.id, tuple(p.id for p in added), opened.id)


def add_person(work: Work, case_id: int, person: NewPerson) -> Person:
    """Add a person to an existing family (the persons of its stages are kept by the stage)."""
    cleaned = clean_person(person, work.policy, agency_today(work))
    if cleaned.primary_caretaker:
        raise InvalidRequest("The primary caretaker is kept on the family's stages; add the person, then name "
                             "them caretaker in the stage.")
    if work.session.get(Case, case_id) is None:
        raise NotFound(f"There is no case number {case_id}.")
    return _add(work, case_id, cleaned)


def _add(work: Work, case_id: int, person: NewPerson) -> Person:
    row = Person(case_id=case_id, first_name=person.first_name, last_name=person.last_name,
                 relationship_=person.relationship, sex=person.sex, birth_date=person.birth_date,
                 is_child=person.is_child)
    work.session.add(row)
    work.session.flush()
    activity(work.session, work.by, "add person", "person", row.id, work.now, case_id=case_id,
             after=_details(row))
    change(work.session, "person", row.id, "insert", work.now)
    return row


def _details(person: Person) -> dict[str, Any]:
    return {"name": person.full_name, "relationship": person.relationship_, "sex": person.sex,
            "birth date": person.birth_date, "child": person.is_child}


def change_person(work: Work, person_id: int, *, first_name: str | None = None, last_name: str | None = None,
                  birth_date: date | None = None, sex: str | None = None) -> Person:
    """Correct a person's name, birth date or sex (None: keep it); the activity keeps before and after."""
    session = work.session
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"There is no person number {person_id}.")
    whose = person.full_name
    wanted: dict[str, Any] = {}
    if first_name is not None:
        wanted["first_name"] = _name(first_name, "person's first name", PERSON_NAME_MAX)
    if last_name is not None:
        wanted["last_name"] = _name(last_name, "person's last name", PERSON_NAME_MAX)
    if birth_date is not None:
        wanted["birth_date"] = check_birth_date(birth_date, agency_today(work), whose)
    if sex is not None:
        wanted["sex"] = _pick(sex, work.policy.sexes, "sex", whose)
    changed = {field: value for field, value in wanted.items() if getattr(person, field) != value}
    if not changed:
        raise InvalidRequest(f"Nothing of {whose}'s details would change; nothing was saved.")
    before = {field: getattr(person, field) for field in changed}
    for field, value in changed.items():
        setattr(person, field, value)
    session.flush()
    activity(session, work.by, "change person", "person", person.id, work.now, case_id=person.case_id,
             before={k.replace("_", " "): v for k, v in before.items()},
             after={k.replace("_", " "): v for k, v in changed.items()})
    change(session, "person", person.id, "update", work.now)
    return person


def open_intake_stage(work: Work, case_id: int, stage: IntakeStage, person_ids: Iterable[int],
                      primary_caretaker_id: int | None = None) -> Stage:
    """Open a family's INT or FSI with its persons, its Case Manager and (FSI) the intake's facts."""
    session, today = work.session, agency_today(work)
    facts = clean_stage(stage, work.policy, today)
    person_ids = list(dict.fromkeys(person_ids))
    if session.get(Case, case_id) is None:
        raise NotFound(f"There is no case number {case_id}.")
    manager = active_worker(work, facts.case_manager, "Case Manager")
    source = None if facts.source_worker is None else active_worker(work, facts.source_worker, "source")
    if facts.linked_case_id is not None:
        check_earlier_case(work, case_id, facts.linked_case_id)
    if primary_caretaker_id is not None:
        caretaker = session.get(Person, primary_caretaker_id)
        if caretaker is None or caretaker.id not in person_ids:
            raise InvalidStage("The primary caretaker is one of the stage's persons.")
        if caretaker.is_child:
            raise InvalidStage(f"{caretaker.full_name} is a child; the family's primary caretaker is an adult.")
    opened = stage_opening.open_stage(work, case_id, facts.type, case_manager=manager, person_ids=person_ids)
    opened.primary_caretaker_id = primary_caretaker_id
    if facts.type == "FSI":
        opened.source_worker_id = None if source is None else source.id
        opened.narrative = facts.narrative
        opened.application_date = facts.application_date
        opened.preventive_only = facts.preventive_only
        opened.administrative = facts.administrative
        opened.linked_case_id = facts.linked_case_id
    session.flush()
    caretaker_name = None if primary_caretaker_id is None else session.get_one(Person, primary_caretaker_id).full_name
    after: dict[str, Any] = {"stage": opened.label, "primary caretaker": caretaker_name}
    if facts.type == "FSI":
        after |= {"source": None if source is None else source.name, "narrative": facts.narrative,
                  "application date": facts.application_date, "preventive only": facts.preventive_only,
                  "administrative": facts.administrative, "linked case": facts.linked_case_id}
    activity(session, work.by, "record intake", "stage", opened.id, work.now, case_id=case_id, after=after)
    change(session, "stage", opened.id, "update", work.now)
    return opened


def active_worker(work: Work, login: str, what: str) -> Worker:
    worker = work.session.scalar(select(Worker).where(Worker.login == login))
    if worker is None or not worker.active:
        raise NotFound(f"There is no active worker with the login {login!r} to be the {what}.")
    return worker


def check_earlier_case(work: Work, case_id: int, linked_case_id: int) -> None:
    """An FSI links to the family's earlier case: another case of the record, every stage of it closed."""
    if linked_case_id == case_id:
        raise InvalidStage("An intake links to the family's earlier case, not to its own.")
    if work.session.get(Case, linked_case_id) is None:
        raise InvalidStage(f"There is no case number {linked_case_id} to link the intake to.")
    if closed_on(work, linked_case_id) is None:
        raise InvalidStage(f"Case number {linked_case_id} is still open; an intake links only to the family's "
                           "earlier, closed case.")


def closed_on(work: Work, case_id: int) -> date | None:
    """The day the case's last stage closed (agency time), or None while any stage is open (or it has none)."""
    closings = list(work.session.scalars(select(Stage.closed_at).where(Stage.case_id == case_id)))
    if not closings or any(at is None for at in closings):
        return None
    last = max(at for at in closings if at is not None)
    return pendulum.instance(last).in_timezone(work.policy.zone).date()


def earlier_cases(work: Work, text: str, limit: int) -> list[EarlierCase]:
    """Closed families whose name or a person's name contains ``text`` (a number finds that case)."""
    wanted = " ".join(text.lower().split())
    if not wanted:
        return []
    session = work.session
    query = (select(Case.id, Case.family_name, Person.first_name, Person.last_name)
             .outerjoin(Person, Person.case_id == Case.id).order_by(Case.id, Person.id))
    found: dict[int, str] = {}
    for case_id, family, first, last in session.execute(query):
        if (wanted.isdigit() and int(wanted) == case_id) or wanted in family.lower():
            found.setdefault(case_id, family)
        elif first is not None and wanted in Person.name_of(first, last).lower():
            found.setdefault(case_id, Person.name_of(first, last))
    result = []
    for case_id, matched in found.items():
        day = closed_on(work, case_id)
        if day is not None:
            result.append(EarlierCase(case_id, session.get_one(Case, case_id).family_name, matched, day))
        if len(result) >= limit:
            break
    return result


class IntakeDesk(DeskBase):
    """Intake for the signed-in worker: the INTAKE function or any supervisor (the persons of an open
    family also by the keepers of its stages)."""

    def may_do_intake(self) -> str | None:
        """None if I may open families and their intake stages, else the sentence saying who may."""
        with self.db.reading() as session:
            return _refusal(check_may_do_intake, session, self._user(session))

    def may_keep_family(self, case_id: int) -> str | None:
        """None if I may add or correct this family's persons, else the sentence saying who may."""
        case_id = arguments.record_id(case_id, "case")
        with self.db.reading() as session:
            return _refusal(check_may_keep_family, session, self._user(session), case_id, self._now())

    def intake_choices(self) -> IntakeChoices:
        """The picklists and workers the Intake screen offers, and the application date the store sets."""
        with self.db.reading() as session:
            workers = list(session.scalars(select(Worker).where(Worker.active).order_by(Worker.name)))
            now = self._now()
        choices = [WorkerChoice(w.login, w.name, w.title, w.employer) for w in workers]
        return IntakeChoices(self.policy.sexes, self.policy.relationships, INTAKE_TYPES,
                             tuple(c for c in choices if c.employer == "LDSS"),
                             tuple(c for c in choices if c.employer != "CASA"),
                             pendulum.instance(now).in_timezone(self.policy.zone).date())

    def earlier_cases(self, text: str, limit: int = 20) -> list[EarlierCase]:
        """Closed families an intake may link to, found by a family's or a person's name, or a number."""
        text = arguments.text(text, "name to find", error=InvalidRequest, most=FAMILY_NAME_MAX)
        limit = arguments.count(limit, "number of families to show", least=1, most=200)
        with self.db.reading() as session:
            work = self._work(session)
            check_may_do_intake(session, self._user(session))
            return earlier_cases(work, text, limit)

    def open_family(self, family_name: str, persons: Sequence[NewPerson], stage: IntakeStage) -> IntakeOpened:
        """Open a family with its persons and its intake stage (INT or FSI), in one change."""
        if not isinstance(stage, IntakeStage):
            raise InvalidStage("A family opens with its intake stage (an IntakeStage), and casenotes was given "
                               f"{arguments.kind_of(stage)}.")
        with self.db.writing() as session:
            work = self._work(session)
            user = self._user(session)
            check_may_do_intake(session, user)
            opened = open_family(work, family_name, persons, stage)
            try:
                case_access(session, user, opened.case_id, work.now)
            except StoreError:
                return dataclasses.replace(opened, readable=False)
            return opened

    def open_intake_stage(self, case_id: int, stage: IntakeStage, person_ids: Iterable[int],
                          primary_caretaker_id: int | None = None) -> int:
        """Open an INT or FSI for a family already in the record."""
        case_id = arguments.record_id(case_id, "case")
        person_ids = arguments.record_ids(person_ids, "person")
        caretaker = None if primary_caretaker_id is None else arguments.record_id(primary_caretaker_id, "person")
        with self.db.writing() as session:
            work = self._work(session)
            check_may_do_intake(session, self._user(session))
            return open_intake_stage(work, case_id, stage, person_ids, caretaker).id

    def add_person(self, case_id: int, person: NewPerson) -> int:
        """Add a person to a family."""
        case_id = arguments.record_id(case_id, "case")
        with self.db.writing() as session:
            work = self._work(session)
            if session.get(Case, case_id) is None:
                raise NotFound(f"There is no case number {case_id}.")
            check_may_keep_family(session, self._user(session), case_id, work.now)
            return add_person(work, case_id, person).id

    def change_person(self, person_id: int, *, first_name: str | None = None, last_name: str | None = None,
                      birth_date: date | None = None, sex: str | None = None) -> None:
        """Correct a person's name, birth date or sex (what is left out stays)."""
        person_id = arguments.record_id(person_id, "person")
        with self.db.writing() as session:
            work = self._work(session)
            person = session.get(Person, person_id)
            if person is None:
                raise NotFound(f"There is no person number {person_id}.")
            check_may_keep_family(session, self._user(session), person.case_id, work.now)
            change_person(work, person_id, first_name=first_name, last_name=last_name, birth_date=birth_date,
                          sex=sex)


def _refusal(check: Callable[..., None], *args: Any) -> str | None:
    """A ``check_*`` rule's answer for a screen: None, or the sentence it refuses with."""
    try:
        check(*args)
    except NoAccess as refusal:
        return refusal.message
    return None
