"""Court-appointed advocates (CASA): who manages their accounts, when their access to a child is open,
and who decides a request filed with a letter of introduction (issue 18).

- The advocate programme's access-management representatives (``ADVOCATE ACCESS``) approve or reject
  an advocate's account, terminate it, and confirm each active advocate's access every
  ``policy.advocates.review_every_days``.
- Access to a child is open while the appointment is approved and active, its last day has not passed
  (``ends_at``, the first instant after ``ends_on`` in the agency's zone) and the child is in an open
  stage. Termination ends every appointment; the stage's closing ends it by itself.
- A request is decided by anyone holding a role in an open stage the child is in (the child's
  caseworker, Case Planner, Case Manager), or by anyone above one of them in the supervision chain.

The same rules are said to PostgreSQL in ``store/db/row_security.py`` (migration 0013).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.core.errors import InvalidRequest, NoAccess
from store.core.policy import Policy
from store.db.models import AdvocateAccount, RoleAssignment, Stage, StagePerson, Worker
from store.rules.access import active_role_filter, has_function, team_ids
from store.rules.access import open_appointment as open_appointment  # the rule lives with the reading rules

ADVOCATE_ACCESS = "ADVOCATE ACCESS"
LETTER_KIND = "Letter of introduction"
ACCOUNT_STATUSES = ("requested", "approved", "rejected", "terminated")
REQUEST_STATUSES = ("requested", "approved", "declined", "ended")


def may_manage_advocates(session: Session, user: Worker) -> bool:
    return has_function(session, user, ADVOCATE_ACCESS)


def check_may_manage_advocates(session: Session, user: Worker) -> None:
    if not may_manage_advocates(session, user):
        raise NoAccess("Only the advocate programme's access-management representatives (the ADVOCATE ACCESS "
                       "function) manage advocates' accounts.")


def ends_at_of(ends_on: date | None, policy: Policy) -> datetime | None:
    """The first instant after the appointment's last day, on the agency's clock."""
    return None if ends_on is None else policy.calendar.at(ends_on + timedelta(days=1), time(0, 0))


def check_account_is(account: AdvocateAccount, wanted: tuple[str, ...], name: str, doing: str) -> None:
    if account.status not in wanted:
        raise InvalidRequest(f"{name}'s account is {account.status}, so it cannot be {doing}. Nothing was changed.")


def deciders_of(session: Session, child_id: int, now: datetime) -> set[int]:
    """Who holds a role now in an open stage the child is in."""
    return set(session.scalars(
        select(RoleAssignment.worker_id).join(Stage, Stage.id == RoleAssignment.stage_id)
        .join(StagePerson, StagePerson.stage_id == Stage.id)
        .where(StagePerson.person_id == child_id, StagePerson.ended_at.is_(None), Stage.closed_at.is_(None),
               active_role_filter(now))))


def may_decide(session: Session, user: Worker, child_id: int, now: datetime) -> bool:
    holders = deciders_of(session, child_id, now)
    return user.id in holders or bool(holders & team_ids(session, user.id))


def check_may_decide(session: Session, user: Worker, child_id: int, now: datetime) -> None:
    if not may_decide(session, user, child_id, now):
        raise NoAccess("Only the child's caseworker, Case Planner or Case Manager (a role in an open stage the "
                       "child is in), or their supervisor, decides an advocate's request.")


def check_request_dates(appointed_on: date, ends_on: date | None, today: date) -> None:
    if appointed_on > today:
        raise InvalidRequest(f"The appointment date {appointed_on:%m/%d/%Y} has not come yet; file the request "
                             "once the court has appointed you.")
    if ends_on is not None and ends_on < appointed_on:
        raise InvalidRequest(f"The appointment cannot end ({ends_on:%m/%d/%Y}) before it began "
                             f"({appointed_on:%m/%d/%Y}).")
    if ends_on is not None and ends_on < today:
        raise InvalidRequest(f"The appointment ended on {ends_on:%m/%d/%Y}; access cannot be asked for a "
                             "past appointment.")


def check_may_file_for(session: Session, user: Worker, advocate: Worker, account: AdvocateAccount | None) -> None:
    """An advocate files for themselves; a representative on an advocate's behalf."""
    if user.id != advocate.id and not may_manage_advocates(session, user):
        raise NoAccess("Only the advocate themselves, or the programme's access-management representatives, "
                       "file a request for access to a child.")
    if account is None or account.status != "approved":
        whose = "Your" if user.id == advocate.id else f"{advocate.name}'s"
        raise InvalidRequest(f"{whose} advocate account is not approved, so no access can be asked for yet. "
                             "Nothing was saved.")
