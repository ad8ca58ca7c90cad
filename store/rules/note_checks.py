"""The checks before each action on a note, shared by the actions themselves and by
``Desk.note_actions`` (which tells a screen, before anyone presses a key, what is refused and why)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial

from sqlalchemy.orm import Session

from store.rules.access import (check_visible, has_stage_role, check_author, check_may_add_note, check_may_change,
                                check_may_review)
from store.core.errors import InvalidTransition, NoAccess
from store.db.models import Note, Worker
from store.core.policy import Policy
from store.rules.note_rules import check_changeable, check_complete, is_locked

UNDER_REVIEW = ("submitted", "resubmitted")
# action: (states it may start from, whether the reviewer rather than the author acts)
MOVES = {
    "submit": (("draft", "returned"), False),
    "recall": (UNDER_REVIEW, False),
    "approve": (UNDER_REVIEW, True),
    "return": (UNDER_REVIEW, True),
}
ACTIONS = ("edit", "submit", "recall", "approve", "return", "addendum", "discard")


def check_edit(session: Session, note: Note, user: Worker, now: datetime, policy: Policy) -> None:
    check_may_change(note, user)
    check_changeable(note, now, policy)
    check_still_assigned(session, note, user, now)
    if note.status in UNDER_REVIEW:
        raise InvalidTransition("This note is waiting for review; recall it to draft before changing it.")


def check_still_assigned(session: Session, note: Note, user: Worker, now: datetime) -> None:
    """An investigation is written only by its own workers, also when they change an earlier note."""
    if note.stage.type == "INV" and not has_stage_role(session, note.stage_id, now, {user.id}):
        raise NoAccess("Only workers assigned to this investigation may write in it, and you no longer are.")


def check_discard(session: Session, note: Note, user: Worker, now: datetime, policy: Policy) -> None:
    check_author(note, user, "discard")
    check_changeable(note, now, policy)
    if note.status != "draft" or note.first_submitted_at is not None:
        raise InvalidTransition("Only a draft that was never sent for review can be discarded; "
                                "this note is part of the record.")


def check_move(session: Session, note: Note, user: Worker, now: datetime, policy: Policy, action: str) -> None:
    allowed_from, by_reviewer = MOVES[action]
    if by_reviewer:
        check_may_review(session, note, user)
    elif action == "recall":
        check_author(note, user, "recall")
    else:
        check_may_change(note, user)
        check_still_assigned(session, note, user, now)
    if note.status not in allowed_from:
        raise InvalidTransition(_wrong_state(action, note.status))
    check_changeable(note, now, policy)
    if action == "submit":
        check_complete(note)
        if note.author.supervisor_id is None:
            raise InvalidTransition(f"{note.author.name} has no supervisor on record to review this note.")


def check_addendum(session: Session, note: Note, user: Worker, now: datetime, policy: Policy) -> None:
    check_visible(session, note, user, now)
    if not is_locked(note, now):
        raise InvalidTransition("This note can still be changed by its author; an addendum is only "
                                "for a note that is frozen or final.")
    check_may_add_note(session, user, user, note.stage, now, addendum=True,
                 closed_stage_takes_notes=policy.closed_stage_takes_notes)


def refusals(session: Session, note: Note, user: Worker, now: datetime, policy: Policy) -> dict[str, str | None]:
    """For each action: None if this user may do it now, else the sentence saying why not.
    ``NoAccess`` for a note the user may not read at all."""
    from store.core.errors import StoreError

    check_visible(session, note, user, now)
    checks: dict[str, Callable[[], object]] = {
        "edit": lambda: check_edit(session, note, user, now, policy),
        "discard": lambda: check_discard(session, note, user, now, policy),
        "addendum": lambda: check_addendum(session, note, user, now, policy),
        **{action: partial(check_move, session, note, user, now, policy, action) for action in MOVES},
    }
    result: dict[str, str | None] = {}
    for action in ACTIONS:
        try:
            checks[action]()
            result[action] = None
        except StoreError as refusal:
            result[action] = refusal.message
    return result


def _wrong_state(action: str, status: str) -> str:
    return {
        "submit": f"This note is {status}; only a draft or a returned note can be sent for review.",
        "recall": f"This note is {status}; only a note waiting for review can be recalled.",
        "approve": f"This note is {status}; only a note waiting for review can be approved.",
        "return": f"This note is {status}; only a note waiting for review can be returned.",
    }[action]
