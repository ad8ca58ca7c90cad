"""Progress a stage into the next one: the stage type among those the store offers from here, an
FSS's type, the persons it carries on (of those now in the stage) and its Case Manager. The store
decides; a refusal is shown here with everything still chosen. Dismissed with the new stage, or None."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, RadioButton, RadioSet, Select, SelectionList, Static

from store.core.results import StageCourse, StageView
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.stage_change import STAGE_DIALOG_CSS, StageChangeDialog

STAGE_NAMES = {"INV": "CPS Investigation", "FSS": "Family Services Stage", "CCR": "Child Case Record",
               "FAD": "Foster home"}


class ProgressStageDialog(StageChangeDialog):
    BINDINGS = [
        Binding("ctrl+s", "progress", "Progress", id="progress_stage.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="progress_stage.cancel"),
    ]
    DEFAULT_CSS = STAGE_DIALOG_CSS.format(name="ProgressStageDialog") + """
    ProgressStageDialog Horizontal { height: auto; }
    ProgressStageDialog .field { width: 14; color: $text-muted; }
    ProgressStageDialog RadioSet { layout: horizontal; width: 1fr; }
    ProgressStageDialog SelectionList { height: auto; max-height: 8; }
    ProgressStageDialog Select { width: 1fr; }
    """

    def __init__(self, stage: StageView, course: StageCourse):
        super().__init__()
        self.stage, self.course = stage, course

    def compose(self) -> ComposeResult:
        course = self.course
        with Vertical():
            yield Static(f"Progress the {self.stage.label} stage · {self.stage.family_name} family", classes="title")
            yield Static("[dim]The new stage opens today with the persons and Case Manager chosen here.[/dim]")
            with Horizontal():
                yield Label("New stage", classes="field")
                with RadioSet(id="type", compact=True):
                    for n, kind in enumerate(course.transitions):
                        yield RadioButton(f"{kind} {STAGE_NAMES.get(kind, '')}".strip(), value=n == 0, name=kind)
            with Horizontal(id="subtype-row"):
                yield Label("Its type", classes="field")
                with RadioSet(id="subtype", compact=True):
                    for n, kind in enumerate(course.fss_types):
                        yield RadioButton(kind, value=n == 0, name=kind)
            yield Label("Persons it carries on (space ticks or unticks)", classes="label")
            yield SelectionList[int](*[(f"{p.name} · {p.relationship}", p.id, True) for p in course.persons],
                                     id="persons")
            with Horizontal():
                yield Label("Case Manager", classes="field")
                yield Select([(name, login) for login, name in course.case_managers], id="manager",
                             value=course.case_manager if course.case_manager in
                             {login for login, _ in course.case_managers} else Select.NULL, compact=True)
            yield Static("", id="problem")
            yield Static("[b]ctrl+s[/b] progress   [b]Tab[/b] next   [b]Space[/b] choose   [b]Esc[/b] cancel",
                         classes="keys")

    def on_mount(self) -> None:
        self._show_subtype()
        self.query_one("#type", RadioSet).focus()

    def _chosen(self, radio_id: str) -> str | None:
        pressed = self.query_one(f"#{radio_id}", RadioSet).pressed_button
        return pressed.name if pressed is not None else None

    @on(RadioSet.Changed, "#type")
    def _show_subtype(self) -> None:
        self.query_one("#subtype-row").display = self._chosen("type") == "FSS"

    def action_progress(self) -> None:
        kind, manager = self._chosen("type"), self.query_one("#manager", Select).value
        if kind is None:
            self.problem("Choose the new stage.")
            return
        if manager is Select.NULL:
            self.problem("Choose the new stage's Case Manager.")
            return
        subtype = self._chosen("subtype") if kind == "FSS" else None
        persons = list(self.query_one("#persons", SelectionList).selected)
        label, stage_id = f"{kind}-{subtype}" if subtype else kind, self.stage.id
        name = dict((login, name) for login, name in self.course.case_managers).get(str(manager), str(manager))

        def answered(key: str | None) -> None:
            if key == "y":
                self.send(lambda desk: desk.progress_stage(stage_id, kind, subtype=subtype, case_manager=manager,
                                                           person_ids=persons), f"{label} stage opened")

        self.app.push_screen(ConfirmDialog(
            f"Open a {label} stage?",
            f"From the {self.stage.label} stage, with {len(persons)} person{'s' if len(persons) != 1 else ''} and "
            f"{name} as Case Manager. A stage once opened stays in the record; this cannot be undone.",
            {"y": "Open it", "escape": "Go back"}), answered)
