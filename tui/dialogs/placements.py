"""The placements recorded in the stage (open ones first): a records a child's placement (the
child, the first day, the setting), e ends the highlighted open one (its last day). A placement
cannot be taken back: both ask first. The store checks the dates and the overlaps."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from rich.markup import escape
from textual.binding import Binding
from textual.widgets.option_list import Option

from tui.dialogs.stage_people import StagePeopleDialog

SETTINGS = ("Foster home", "Kinship home", "Group home", "Residential facility", "Hospital", "Other")


class PlacementsDialog(StagePeopleDialog):
    TOPIC, HEADING = "placements", "Placements in the stage"
    KEYS = (("a", "record a placement"), ("e", "end the highlighted one"))
    BINDINGS = [Binding("a", "record", "Record placement", id="placements.record"),
                Binding("e", "end", "End placement", id="placements.end")]

    def read(self, desk: Any, stage_id: int) -> Any:
        return desk.placements_in_stage(stage_id), desk.persons_in_stage(stage_id)

    def may(self, desk: Any, stage_id: int) -> str | None:
        return desk.may_change_placements(stage_id)

    def rows(self, view: Any) -> Sequence[Option]:
        placements, _ = view
        return [Option(f"{escape(p.child_name):<22} {escape(p.setting):<22} "
                       f"{p.starts_on:%m/%d/%Y} – {f'{p.ends_on:%m/%d/%Y}' if p.ends_on else '[b]open[/b]'}",
                       id=str(p.id)) for p in placements]

    def action_record(self) -> None:
        if not self.allowed():
            return
        _, persons = self.view
        children = [(p.person.name, p.person) for p in persons.persons if p.person.is_child and p.ended_at is None]
        self.pick(f"Record a placement in {self.stage.label}", "Child", children, self._first_day)

    def _first_day(self, child: Any) -> None:
        self.ask_day(f"{child.name}'s placement", "The first day in this placement (today or a day gone):",
                     lambda day: self._setting(child, day), past=True)

    def _setting(self, child: Any, day: date) -> None:
        self.pick(f"{child.name}'s placement from {day:%m/%d/%Y}", "Setting", [(s, s) for s in SETTINGS],
                  lambda setting: self._record(child, day, setting))

    def _record(self, child: Any, day: date, setting: str) -> None:
        stage_id = self.stage.id
        self.confirm(f"Record {child.name}'s placement?",
                     f"{child.name} in {setting} from {day:%m/%d/%Y}. A placement is kept once recorded; it can "
                     "only be ended.", "Record it",
                     lambda: self.change(lambda desk: desk.place_child(stage_id, child.id, day, setting),
                                         f"Placement of {child.name} recorded"))

    def action_end(self) -> None:
        if not self.allowed():
            return
        placements, _ = self.view
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
