"""The note editor's "plan elements discussed": a keyboard pick list of the sections of the current
approved plans of the family and of the children the note says are present, as the store offers them
(``plan_elements_for``), each shown with whose plan it is ("Jay Rivera: Education", "Family: Safety and
risk"). Digits and Space tick, letters find, as in every ``MultiPicklist``.

What is ticked is a list of ``[plan id, section key]`` pairs (``elements``), sorted, so that a form read
back from the record or from this computer compares equal. Pairs set before the store has answered are
kept until it has; then only those still offered stay ticked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import on, work
from textual.message import Message

from store import StoreError
from store.core.plan_results import PlanElement
from tui.widgets.picklist import MultiPicklist
from tui.worker_failures import SaysWorkerFailures

LABEL = "Plan elements discussed"


def element_label(element: PlanElement) -> str:
    return f"{element.child_name or 'Family'}: {element.title}"


class PlanElementsPicklist(SaysWorkerFailures, MultiPicklist):
    @dataclass
    class Offered(Message, bubble=False):
        elements: tuple[PlanElement, ...]
        sentence: str | None  # why none are offered, when the store refused
        asked: int  # the number of the question it answers: a late answer to an older one is dropped

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(LABEL, (), id=id)
        self._pairs: dict[str, tuple[int, str]] = {}  # label -> (plan id, section key)
        self._pending: list[list] | None = []  # the pairs wanted before the store has offered any
        self._asked = 0
        self._list.display = False  # until the store offers some: the form's height is the same before and after

    @property
    def elements(self) -> list[list]:
        if self._pending is not None:
            return sorted(self._pending)
        return sorted([*self._pairs[label]] for label in self.values)

    @elements.setter
    def elements(self, pairs: Sequence[Sequence]) -> None:
        wanted = [[int(plan_id), str(key)] for plan_id, key in pairs]
        if self._pending is not None:
            self._pending = wanted
        else:
            self.values = [label for label, pair in self._pairs.items() if [*pair] in wanted]

    def offer_for(self, stage_id: int, person_ids: Sequence[int]) -> None:
        """Ask the store which elements a note of the stage with these persons present may discuss."""
        self._asked += 1
        self._ask(self.app.desk, stage_id, list(person_ids), self._asked)

    @work(thread=True, group="plan-elements", exit_on_error=False)
    def _ask(self, desk, stage_id: int, person_ids: list[int], asked: int) -> None:
        try:
            offered = desk.plan_elements_for(stage_id, person_ids)
        except StoreError as error:
            self.post_message(self.Offered((), str(error), asked))
            return
        self.post_message(self.Offered(tuple(offered), None, asked))

    @on(Offered)
    def _offered(self, message: Offered) -> None:
        if message.asked != self._asked:
            return
        wanted = self.elements
        self._pairs = {element_label(e): (e.plan_id, e.section_key) for e in message.elements}
        self._pending = None
        self.label = LABEL if self._pairs else f"{LABEL}: {message.sentence or 'no approved plan for those present'}"
        self._show_typed()
        self._list.display = bool(self._pairs)
        self.replace_choices(list(self._pairs), [label for label, pair in self._pairs.items() if [*pair] in wanted])
