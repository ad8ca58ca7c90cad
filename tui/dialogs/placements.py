"""The placements recorded in the stage (open ones first): a records a child's placement (the
child, the first day, the legal basis, the setting; a child committed to the agency at home is placed
in their own home), e ends the highlighted open one (its last day), b records the legal basis of the
highlighted one recorded without it, s says whether the agency provides services beyond visitation to a
parent. A placement and its basis cannot be taken back: each asks first. The store checks the dates,
the overlaps and who may."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from rich.markup import escape
from textual.binding import Binding
from textual.widgets.option_list import Option

from store.rules.plan_need import COMMITTED_AT_HOME, COURT_ORDER, LEGAL_BASES, VOLUNTARY, VPA
from tui.dialogs.stage_people import StagePeopleDialog

SETTINGS = ("Foster home", "Kinship home", "Group home", "Residential facility", "Hospital", "Other")
AT_HOME = "Own home"  # where a child committed to the agency at home lives
BASIS_NAMES = {VPA: "Voluntary placement agreement", COURT_ORDER: "Court order", VOLUNTARY: "Placed voluntarily",
               COMMITTED_AT_HOME: "Committed to the agency, at home"}
# in the list (80 columns): the setting of a child committed at home says "Own home"
SHORT = {VPA: "VPA", COURT_ORDER: "court order", VOLUNTARY: "voluntary", COMMITTED_AT_HOME: "committed"}


class PlacementsDialog(StagePeopleDialog):
    TOPIC, HEADING = "placements", "Placements in the stage"
    KEYS = (("a", "record a placement"), ("e", "end the highlighted one"), ("b", "its legal basis"),
            ("s", "services to a parent"))
    BINDINGS = [Binding("a", "record", "Record placement", id="placements.record"),
                Binding("e", "end", "End placement", id="placements.end"),
                Binding("b", "basis", "Legal basis", id="placements.basis"),
                Binding("s", "services", "Services to a parent", id="placements.services")]

    def read(self, desk: Any, stage_id: int) -> Any:
        return desk.placements_in_stage(stage_id), desk.persons_in_stage(stage_id), desk.parent_services(stage_id)

    def may(self, desk: Any, stage_id: int) -> str | None:
        return desk.may_change_placements(stage_id)

    def rows(self, view: Any) -> Sequence[Option]:
        placements, _, services = view
        rows = [Option(f"{escape(p.child_name):<18} {escape(p.setting):<16} {p.starts_on:%m/%d/%y} – "
                       + (f"{p.ends_on:%m/%d/%y}" if p.ends_on else f"[b]open[/b]{' ' * 4}")
                       + f"  {SHORT.get(p.basis or '', '[dim]basis?[/dim]')}",
                       id=str(p.id)) for p in placements]
        said = "provided" if services else "not provided"
        return [*(rows or [Option("[dim]None yet.[/dim]", disabled=True)]),
                Option(f"[dim]Services beyond visitation to a parent: {said}[/dim]", disabled=True)]

    def action_record(self) -> None:
        if not self.allowed():
            return
        _, persons, _ = self.view
        children = [(p.person.name, p.person) for p in persons.persons if p.person.is_child and p.ended_at is None]
        self.pick(f"Record a placement in {self.stage.label}", "Child", children, self._first_day)

    def _first_day(self, child: Any) -> None:
        self.ask_day(f"{child.name}'s placement", "The first day in this placement (today or a day gone):",
                     lambda day: self._basis(child, day), past=True)

    def _basis(self, child: Any, day: date) -> None:
        self.pick(f"{child.name}'s placement from {day:%m/%d/%Y}", "Legal basis",
                  [(BASIS_NAMES[b], b) for b in LEGAL_BASES], lambda basis: self._setting(child, day, basis))

    def _setting(self, child: Any, day: date, basis: str) -> None:
        if basis == COMMITTED_AT_HOME:
            self._record(child, day, basis, AT_HOME)
            return
        self.pick(f"{child.name}'s placement from {day:%m/%d/%Y}", "Setting", [(s, s) for s in SETTINGS],
                  lambda setting: self._record(child, day, basis, setting))

    def _record(self, child: Any, day: date, basis: str, setting: str) -> None:
        stage_id = self.stage.id
        self.confirm(f"Record {child.name}'s placement?",
                     f"{child.name} in {setting} from {day:%m/%d/%Y}, {BASIS_NAMES[basis].lower()}. A placement is "
                     "kept once recorded; it can only be ended.", "Record it",
                     lambda: self.change(lambda desk: desk.place_child(stage_id, child.id, day, setting, basis),
                                         f"Placement of {child.name} recorded"))

    def action_basis(self) -> None:
        if not self.allowed():
            return
        placements, _, _ = self.view
        placed = next((p for p in placements if str(p.id) == self.chosen()), None)
        if placed is None:
            self.notify("Highlight a placement first.", severity="warning")
            return
        if placed.basis is not None:
            self.notify(f"{placed.child_name}'s placement is recorded as {BASIS_NAMES[placed.basis].lower()}; a "
                        "change of basis ends it and records the next placement.", severity="warning", timeout=8)
            return
        self.pick(f"Legal basis of {placed.child_name}'s placement", "Legal basis",
                  [(BASIS_NAMES[b], b) for b in LEGAL_BASES],
                  lambda basis: self.confirm(
                      f"Record the legal basis of {placed.child_name}'s placement?",
                      f"{placed.child_name}'s placement in {placed.setting} from {placed.starts_on:%m/%d/%Y}: "
                      f"{BASIS_NAMES[basis].lower()}. It cannot be changed afterwards.", "Record it",
                      lambda: self.change(lambda desk: desk.record_placement_basis(placed.id, basis),
                                          f"Legal basis of {placed.child_name}'s placement recorded")))

    def action_services(self) -> None:
        if not self.allowed():
            return
        _, _, services = self.view
        stage_id, now = self.stage.id, not services
        self.confirm("Services beyond visitation to a parent",
                     "Does the agency now provide services beyond visitation to address a parent's needs in this "
                     f"stage? Recorded so far: {'yes' if services else 'no'}. The case-plan rules read it.",
                     "Yes, provided" if now else "No longer provided",
                     lambda: self.change(lambda desk: desk.set_parent_services(stage_id, now),
                                         "Services to a parent recorded" if now else "Services to a parent ended"))

    def action_end(self) -> None:
        if not self.allowed():
            return
        placements, _, _ = self.view
        placed = next((p for p in placements if str(p.id) == self.chosen() and p.ends_on is None), None)
        if placed is None:
            self.notify("Highlight an open placement first.", severity="warning")
            return
        self.ask_day(f"End {placed.child_name}'s placement", "The last day in this placement (today or a day gone):",
                     lambda day: self.confirm(
                         f"End {placed.child_name}'s placement?",
                         f"{placed.child_name}'s placement in {placed.setting} ends on {day:%m/%d/%Y}. This cannot "
                         "be undone.", "End it",
                         lambda: self.change(lambda desk: desk.end_placement(placed.id, day),
                                             f"Placement of {placed.child_name} ended")), past=True)
