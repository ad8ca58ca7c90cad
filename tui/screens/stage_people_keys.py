"""The case screen's keys for the highlighted stage's people: o its persons, r its roles, l its
placements (listed under the stage's persons and by help). Each opens its dialog (tui/dialogs/stage_people.py, stage_roles.py, placements.py),
which reads the list and asks the store whether this worker may change it; the case is read again
when the dialog changed something. Mixed into ``CaseScreen``, which supplies ``desk``,
``_stage()`` and ``load_case()``."""

from __future__ import annotations

from textual.binding import Binding
from textual.screen import Screen


# Listed by help and under the stage's persons (STAGE_PEOPLE_HINT), not in the footer: there Quit and
# Help must stay in view, at 80 columns too.
STAGE_PEOPLE_BINDINGS = [
    Binding("o", "stage_people('persons')", "Persons of the stage", id="case.stage_persons", show=False),
    Binding("r", "stage_people('roles')", "Roles in the stage", id="case.stage_roles", show=False),
    Binding("l", "stage_people('placements')", "Placements in the stage", id="case.placements", show=False),
]
STAGE_PEOPLE_HINT = "[dim][b]o[/b] persons · [b]r[/b] roles · [b]l[/b] placements[/dim]"


class StagePeopleKeys(Screen):
    """A screen base (as StageCourseKeys): the three keys and what follows a change."""

    def action_stage_people(self, topic: str) -> None:
        stage = self._stage()
        if stage is None or self.desk is None:
            return
        from tui.dialogs.placements import PlacementsDialog
        from tui.dialogs.stage_people import PersonsDialog, today_in
        from tui.dialogs.stage_roles import RolesDialog

        kind = {"persons": PersonsDialog, "roles": RolesDialog, "placements": PlacementsDialog}[topic]
        today = today_in(self.app.zone, self.app.store.clock.now())
        self.app.push_screen(kind(self.desk, stage, self.app.zone, today),
                             lambda changed: self.load_case() if changed else None)
