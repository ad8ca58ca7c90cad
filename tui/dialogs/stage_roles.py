"""The stage's roles: who holds each now, who takes one over on a later day, and who held one
before (with the dates). a assigns a role (the role, then the worker, picked by typing), n hands the
highlighted role to someone else (with the day the old holder stops: today or later), e ends it.
The workers offered are those the store says may hold the role."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.markup import escape
from textual import on, work
from textual.binding import Binding
from textual.widgets.option_list import Option

from store.desks.roles import ROLES
from tui.dialogs.stage_people import StagePeopleDialog
from tui.messages import StagePeopleChoices
from tui.while_shown import while_shown
from tui.worker_failures import SaysWorkerFailures


class RolesDialog(StagePeopleDialog, SaysWorkerFailures):  # listed: the worker rule reads the bases
    TOPIC, HEADING = "roles", "Roles in the stage"
    KEYS = (("a", "assign"), ("n", "reassign the highlighted role"), ("e", "end it"))
    BINDINGS = [Binding("a", "assign", "Assign role", id="roles.assign"),
                Binding("n", "reassign", "Reassign role", id="roles.reassign"),
                Binding("e", "end", "End role", id="roles.end")]

    def read(self, desk: Any, stage_id: int) -> Any:
        return desk.roles_in_stage(stage_id)

    def may(self, desk: Any, stage_id: int) -> str | None:
        return desk.may_change_stage_roles(stage_id)

    def rows(self, view: Any) -> Sequence[Option]:
        def line(r: Any, when: str) -> str:
            children = f" · for {', '.join(r.children)}" if r.children else ""
            return f"{r.role:<19} {escape(r.worker_name):<22} [dim]{when}{escape(children)}[/dim]"

        now = [Option(line(r, f"since {self.day(r.starts_at)}" + (f", until {self.day(r.ends_at)}" if r.ends_at else "")),
                      id=f"{r.worker_login}|{r.role}") for r in view.current]
        coming = [Option(line(r, f"from {self.day(r.starts_at)}"), disabled=True) for r in view.coming]
        past = [Option(f"[dim]{line(r, f'{self.day(r.starts_at)} – {self.day(r.ends_at)} (ended)')}[/dim]", disabled=True)
                for r in view.past]
        return now + coming + past

    def _held(self) -> Any:
        chosen = self.chosen()
        found = next((r for r in self.view.current if f"{r.worker_login}|{r.role}" == chosen), None)
        if found is None:
            self.notify("Highlight a role held now first.", severity="warning")
        return found

    # a: the role, then whom -------------------------------------------------------------------------

    def action_assign(self) -> None:
        if self.allowed():
            self.pick(f"Assign a role in {self.stage.label}", "Role", [(role, role) for role in ROLES],
                      lambda role: self._candidates(self.desk, self.stage.id, ("assign", role, None)))

    def action_reassign(self) -> None:
        if self.allowed() and (held := self._held()) is not None:
            self._candidates(self.desk, self.stage.id, ("reassign", held.role, held))

    @work(thread=True, exclusive=True, group="stage-roles-candidates", exit_on_error=False)
    def _candidates(self, desk: Any, stage_id: int, purpose: tuple[str, str, Any]) -> None:
        self.post_message(StagePeopleChoices(purpose, desk.role_candidates(stage_id, purpose[1])))

    @on(StagePeopleChoices)
    @while_shown
    def _choose(self, message: StagePeopleChoices) -> None:
        kind, role, held = message.purpose
        options = [(f"{w.name} · {w.title} · {w.unit or w.agency or 'agency-wide'}", w) for w in message.choices]
        title = (f"Assign the {role} role in {self.stage.label}" if kind == "assign"
                 else f"Hand {held.worker_name}'s {role} role to")
        self.pick(title, "Worker", options, lambda worker: self._assign(role, worker) if kind == "assign"
                  else self._ends_on(held, worker))

    def _assign(self, role: str, worker: Any) -> None:
        stage_id = self.stage.id
        replaces = next((r.worker_name for r in self.view.current if r.role == role == "Case Manager"), None)
        question = (f"{worker.name} becomes the {role} of {self.stage.label}"
                    + (f"; {replaces}'s role as Case Manager ends now" if replaces else "")
                    + ". A role's end cannot be undone.")
        self.confirm(f"Assign {worker.name}?", question, "Assign",
                     lambda: self.change(lambda desk: desk.assign_role(stage_id, worker.login, role),
                                         f"{worker.name} assigned as {role}"))

    # n: whom, then the day the old holder stops ---------------------------------------------------------

    def _ends_on(self, held: Any, worker: Any) -> None:
        self.ask_day(f"Hand the {held.role} role to {worker.name}",
                     f"The last day {held.worker_name} holds it: type today to hand it over now, or a later day "
                     f"({worker.name} takes it from that day's first hour).",
                     lambda day: self._reassign(held, worker, day), past=False)

    def _reassign(self, held: Any, worker: Any, day: Any) -> None:
        stage_id, when = self.stage.id, ("now" if day == self.today else f"on {day:%m/%d/%Y}")
        self.confirm(f"Reassign the {held.role} role?",
                     f"{held.worker_name}'s role as {held.role} ends {when}, and {worker.name} takes it over. "
                     "This cannot be undone.", "Reassign",
                     lambda: self.change(lambda desk: desk.reassign_role(
                         stage_id, held.role, held.worker_login, worker.login,
                         None if day == self.today else day), f"{held.role} handed to {worker.name}"))

    # e ----------------------------------------------------------------------------------------------

    def action_end(self) -> None:
        if self.allowed() and (held := self._held()) is not None:
            stage_id = self.stage.id
            self.confirm(f"End {held.worker_name}'s role?",
                         f"{held.worker_name} is no longer {held.role} of {self.stage.label} from now. "
                         "This cannot be undone.", "End the role",
                         lambda: self.change(lambda desk: desk.end_role(stage_id, held.worker_login, held.role),
                                             f"{held.worker_name}'s role as {held.role} ended"))
