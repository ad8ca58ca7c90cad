"""What the plan screens' workers send back to the UI thread (issue 19), as ``tui/messages.py`` does for
the rest: one small message per answer; the screen's ``@on`` handlers own everything that follows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from store.core.plan_results import PlanHistory, PlanView
    from store.core.results import CaseView


@dataclass
class PlansRead(Message, bubble=False):
    """A family's plans, the family itself (its children), and whether this worker may start plans."""

    case: CaseView
    plans: list[PlanView]
    drafting_refusal: str | None


@dataclass
class PlanRead(Message, bubble=False):
    """One plan, the family's persons (participants are chosen from them) and what this worker may do."""

    plan: PlanView
    case: CaseView
    actions: dict[str, str | None]
    returned: str | None = None  # a returned plan: its supervisor's comment


@dataclass
class PlanStarted(Message, bubble=False):
    plan: PlanView
    said: str


@dataclass
class PlanSectionSaved(Message, bubble=False):
    """A section's text landed in the record (``number``: which save of the screen's it was)."""

    key: str
    text: str
    plan: PlanView
    number: int


@dataclass
class PlanNotSaved(Message, bubble=False):
    """A save was refused: the sentence; what was typed stays on screen. ``stale``: another window saved
    the plan first."""

    key: str
    sentence: str
    stale: bool = False


@dataclass
class PlanChanged(Message, bubble=False):
    """A change other than a section's text landed (participants, sent, approved, returned, a contest)."""

    plan: PlanView
    said: str
    leave: bool = False  # the screen has done its part (a plan sent or reviewed): back to the list


@dataclass
class PlanQueueRead(Message, bubble=False):
    plans: list[PlanView]


@dataclass
class PlanHistoryRead(Message, bubble=False):
    history: PlanHistory
    titles: dict[str, str]


@dataclass
class PlanRefused(Message, bubble=False):
    """A plan dialog's change refused: the store's sentence, said in the dialog, which stays open."""

    sentence: str
