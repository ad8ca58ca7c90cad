"""The shape of the agency's records, checked without the database: the supervision chain has no
circle, a stage follows only from the stage types it may follow (INT → INV → FSS; FSI → FSS; FSS →
CCR; FAD alone), a birth date is not still to come, a business function is one casenotes knows.

Shared by the desk (a single change) and ``casenotes import`` (a whole agency at once), so the rule
is written once. Each ``check_*`` raises a ``StoreError`` with a sentence.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from datetime import date
from typing import TypeVar

from store.core.errors import InvalidRequest, InvalidStage
from store.rules.access import ENTER_PROGRESS_NOTE
from store.rules.maintenance import INTAKE, MAINTAIN_STAFF

STAGE_TYPES = ("INT", "INV", "FSI", "FSS", "CCR", "FAD")
FSS_TYPES = ("CWS", "OTI", "COI", "ICPC", "ADVPO")
# The stage types each stage type may be progressed from; none: opened on its own.
PARENT_TYPES: dict[str, tuple[str, ...]] = {"INT": (), "INV": ("INT",), "FSI": (), "FSS": ("INV", "FSI"),
                                            "CCR": ("FSS",), "FAD": ()}
EMPLOYERS = ("LDSS", "VA", "CASA")  # local district, voluntary agency, outside advocate
ADVOCATE_ACCESS = "ADVOCATE ACCESS"
BUSINESS_FUNCTIONS = (ENTER_PROGRESS_NOTE, INTAKE, MAINTAIN_STAFF, ADVOCATE_ACCESS)

K = TypeVar("K", bound=Hashable)


def check_stage_kind(type: str, subtype: str | None) -> None:
    """A known stage type; a Family Services Stage, and only it, has a type of its own."""
    if type not in STAGE_TYPES:
        raise InvalidStage(f"{type!r} is not a stage type ({', '.join(STAGE_TYPES)}).")
    if (type == "FSS") != (subtype is not None) or (subtype and subtype not in FSS_TYPES):
        raise InvalidStage(f"A Family Services Stage has a type ({', '.join(FSS_TYPES)}); other stages have none.")


def check_stage_follows(type: str, parent_type: str | None) -> None:
    """The stage tree: ``parent_type`` None means the stage is opened on its own."""
    if parent_type is None:
        if type == "CCR":
            raise InvalidStage("A Child Case Record is opened from the family's Family Services Stage.")
        return
    if parent_type not in PARENT_TYPES[type]:
        raise InvalidStage(f"A {type} stage does not follow from a {parent_type} stage.")


def supervision_circle(supervisors: Mapping[K, K | None], start: K) -> list[K] | None:
    """The circle ``start``'s supervision chain runs into (each member once, from where it closes),
    or None when the chain reaches someone with no supervisor."""
    seen: dict[K, int] = {}
    chain: list[K] = []
    current: K | None = start
    while current is not None and current not in seen:
        seen[current] = len(chain)
        chain.append(current)
        current = supervisors.get(current)
    return None if current is None else chain[seen[current]:]


def check_no_supervision_circle(supervisors: Mapping[K, K | None], start: K) -> None:
    """Everyone's chain of supervisors ends at someone (a director) who has none."""
    circle = supervision_circle(supervisors, start)
    if circle is not None:
        if len(circle) == 1:
            raise InvalidRequest(f"{circle[0]} cannot be their own supervisor.")
        names = " → ".join(str(k) for k in [*circle, circle[0]])
        raise InvalidRequest(f"The supervision chain runs in a circle ({names}); someone in it must report to "
                             "a supervisor outside it, or to no one.")


def check_birth_date(birth_date: date | None, today: date) -> None:
    """A birth date is a day that has come (``today`` in the agency's zone)."""
    if birth_date is not None and birth_date > today:
        raise InvalidRequest(f"The birth date {birth_date:%m/%d/%Y} is still to come; a birth date is today or "
                             "earlier.")


def check_employer(employer: str) -> None:
    if employer not in EMPLOYERS:
        raise InvalidRequest(f"{employer!r} is not an employer type (LDSS for the local district, VA for a voluntary "
                             "agency, CASA for an outside advocate).")


def check_business_function(code: str) -> None:
    check_known_function(code, BUSINESS_FUNCTIONS)


def check_known_function(code: str, known: tuple[str, ...]) -> None:
    """``known``: the agency's list (the policy's ``business_functions`` picklist)."""
    if code not in known:
        raise InvalidRequest(f"{code!r} is not a business function casenotes knows ({', '.join(known)}).")
