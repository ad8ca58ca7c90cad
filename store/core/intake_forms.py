"""What intake hands the store: a new person of a family and the family's first stage, as the Intake
screen (or an import) fills them in, and what the store offers the screen to fill them with.

Plain frozen dataclasses: the store checks every field (``store/desks/intake.py``); nothing here
decides a rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class NewPerson:
    """A person of the family. ``primary_caretaker``: the adult who cares for the children (at most
    one per family; kept on the intake stage, ``stages.primary_caretaker_id``)."""

    first_name: str
    last_name: str
    relationship: str  # of the policy's relationships picklist
    sex: str | None = None  # of the policy's sexes picklist
    birth_date: date | None = None
    is_child: bool = False
    primary_caretaker: bool = False


@dataclass(frozen=True)
class IntakeStage:
    """The family's first stage: a CPS Intake (INT) or a Family Services Intake (FSI).

    For an FSI, the administrative opening procedure's facts: the source (the worker asking, or
    authorising the payment), a narrative of the circumstances, the "preventive only?" decision, the
    family's earlier closed case, and whether it is opened only to authorise a payment. The
    application date is the day the work is done: leave it out and the store sets it; any other day
    is refused."""

    type: str  # "INT" or "FSI"
    case_manager: str  # login of a local-district (LDSS) worker
    source_worker: str | None = None  # FSI: login
    narrative: str = ""  # FSI
    preventive_only: bool = False  # FSI
    administrative: bool = False  # FSI opened only to authorise a payment
    linked_case_id: int | None = None  # FSI: the family's earlier, closed case
    application_date: date | None = None  # FSI: today in the agency's zone, or left out


@dataclass(frozen=True)
class WorkerChoice:
    login: str
    name: str
    title: str
    employer: str


@dataclass(frozen=True)
class IntakeChoices:
    """What the Intake screen offers: the picklists, who may be Case Manager (local-district staff) or
    the source of an FSI (any active worker), and the application date the store will set."""

    sexes: tuple[str, ...]
    relationships: tuple[str, ...]
    stage_types: tuple[str, ...]
    case_managers: tuple[WorkerChoice, ...]
    source_workers: tuple[WorkerChoice, ...]
    application_date: date


@dataclass(frozen=True)
class IntakeOpened:
    """A family opened at intake: its case, its persons (in the order given) and its first stage."""

    case_id: int
    person_ids: tuple[int, ...]
    stage_id: int
    readable: bool = True  # whether the worker who opened it may read it (intake for another's caseload)


@dataclass(frozen=True)
class EarlierCase:
    """A family whose every stage is closed: one an FSI may be linked to."""

    case_id: int
    family_name: str
    matched: str  # the family name or the person's name that matched
    closed_on: date  # the day its last stage closed, agency time
