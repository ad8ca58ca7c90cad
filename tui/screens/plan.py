"""One case plan (issue 19): its sections in the plan's order on the left, the highlighted one's text on
the right. Enter (or Tab) writes in the section, Esc goes back to the list, ctrl+↑/ctrl+↓ move between
sections while writing. What is typed is saved to the record a pause after typing stops, on moving to
another section, on ctrl+s and before the plan is sent; a refused save keeps the text on screen and says
the store's sentence (another window's save first: ctrl+s then saves over it, the other kept in the
history). An approved or sent plan reads only. The keys for the plan as a whole are in plan_keys.py.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from store import StaleEdit, StoreError
from store.core.plan_results import PlanView
from store.core.results import CaseView
from tui import formatting
from tui.messages import PlanChanged, PlanNotSaved, PlanRead, PlanSectionSaved
from tui.plan_words import plan_name, section_description, section_title, standing
from tui.screens.plan_keeping import PlanKeeping
from tui.screens.plan_keys import PLAN_BINDINGS, PlanKeys
from tui.while_shown import while_shown
from tui.widgets.key_footer import KeyFooter
from tui.worker_failures import SaysWorkerFailures

AUTOSAVE_SECONDS = 3.0  # as the note editor: a pause in typing this long saves the section
NARROW = 110


@dataclass
class PlanInRecord:
    """The plan's version as the save worker last left it, under ``lock``: one change of the plan at a
    time, each naming the version the one before it left (the screen's ``plan`` follows on the UI thread)."""

    version: int
    landed: int = 0  # the number of the last save that landed: an older one waiting behind it is dropped
    lock: threading.Lock = field(default_factory=threading.Lock)


class PlanScreen(PlanKeys, PlanKeeping, SaysWorkerFailures, Screen):
    BINDINGS = [
        Binding("escape", "back", "Back", id="plan.back"),
        Binding("ctrl+s", "save", "Save", id="plan.save"),
        Binding("ctrl+down", "section(1)", "Next section", id="plan.next_section", show=False),
        Binding("ctrl+up", "section(-1)", "Previous section", id="plan.previous_section", show=False),
        *PLAN_BINDINGS,
    ]
    DEFAULT_CSS = """
    PlanScreen #heading { padding: 0 1; text-style: bold; height: auto; }
    PlanScreen #returned { padding: 0 1; color: $warning; height: auto; display: none; }
    PlanScreen #sections { width: 44; height: 1fr; border-right: tall $panel; text-wrap: nowrap;
                           text-overflow: ellipsis; }
    PlanScreen #right { height: 1fr; padding: 0 1; }
    PlanScreen #section-title { text-style: bold; }
    PlanScreen #section-description { color: $text-muted; height: auto; max-height: 3; }
    PlanScreen TextArea { height: 1fr; }
    PlanScreen #participants, PlanScreen #actions { padding: 0 1; height: auto; max-height: 3; }
    PlanScreen #saved { padding: 0 1; color: $text-muted; height: 1; }
    PlanScreen #saved.-problem { color: $error; height: auto; }
    PlanScreen.-narrow #sections { width: 32; }
    """

    def __init__(self, plan_id: int):
        super().__init__()
        self.plan_id = plan_id
        self.plan: PlanView | None = None
        self.case: CaseView | None = None
        self.actions: dict[str, str | None] = {}
        self.key: str | None = None  # the section shown
        self.typed: dict[str, str] = {}  # sections typed and not yet in the record: nothing typed is lost
        self.stale = False  # another window saved the plan first: the next ctrl+s saves over it
        self.in_record: PlanInRecord | None = None
        self._timer = self._keep_timer = None
        self._requested = 0  # saves asked for
        self._then: str | None = None  # what follows the save under way: "close" or "quit"
        self.desk = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the plan…", id="heading")
        yield Static("", id="returned")
        with Horizontal():
            yield OptionList(id="sections")
            with Vertical(id="right"):
                yield Static("", id="section-title")
                yield Static("", id="section-description")
                yield TextArea(id="text", tab_behavior="focus", soft_wrap=True)
        yield Static("", id="participants")
        yield Static("", id="actions")
        yield Static("", id="saved")
        yield KeyFooter()

    @property
    def dirty(self) -> bool:
        return bool(self.typed)

    @while_shown
    def on_mount(self) -> None:
        self.desk = self.app.desk
        self.set_class(self.app.size.width < NARROW, "-narrow")
        self.query_one(OptionList).focus()
        self.load()

    @while_shown
    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW, "-narrow")
        footer = self.query_one(KeyFooter)
        footer.compact, footer.show_command_palette = self.size.width < NARROW, self.size.width >= NARROW

    @work(thread=True, exclusive=True, group="plan", exit_on_error=False)
    def load(self) -> None:
        desk = self.desk  # a refusal: SaysWorkerFailures
        plan = desk.plan(self.plan_id)
        returned = None
        if plan.status == "returned":
            returns = [a for a in desk.plan_history(self.plan_id).actions if a.action == "return"]
            returned = f"Returned by {returns[-1].by}: {returns[-1].comment}" if returns else None
        self.post_message(PlanRead(plan, desk.case(plan.case_id), desk.plan_actions(self.plan_id), returned))

    @on(PlanRead)
    @while_shown
    def _read(self, message: PlanRead) -> None:
        self.case, self.actions = message.case, message.actions
        first = self.in_record is None
        if first:
            self.in_record = PlanInRecord(message.plan.version)
        self.query_one("#returned", Static).update(escape(message.returned or ""))
        self._show_plan(message.plan)
        self.refresh_bindings()
        if first:
            self._take_back_kept()

    def _show_plan(self, plan: PlanView) -> None:
        self.plan = plan
        zone = self.app.zone
        self.query_one("#heading", Static).update(
            f"{escape(plan_name(plan))} · {escape(self.case.family_name) if self.case else ''} family · "
            f"version {plan.plan_version} dated {plan.plan_date:%m/%d/%Y} · {standing(plan, zone)} · "
            f"drafted by {escape(plan.drafter_name)}")
        returned = self.query_one("#returned", Static)
        returned.display = plan.status == "returned"
        sections = self.query_one(OptionList)
        highlighted = sections.highlighted
        sections.clear_options()
        sections.add_options(Option(self._label(key), id=key) for key in plan.section_keys)
        if plan.section_keys:
            written = next((n for n, key in enumerate(plan.section_keys) if plan.text_of(key).strip()), 0)
            index = (plan.section_keys.index(self.key) if self.key in plan.section_keys
                     else highlighted if highlighted is not None else written)
            sections.highlighted = min(index, len(plan.section_keys) - 1)
            self._show_section(plan.section_keys[sections.highlighted])
        self._show_participants()
        self._show_actions()
        text = self.query_one(TextArea)
        text.read_only = self.actions.get("edit") is not None

    def _label(self, key: str) -> str:
        mark = "✎" if key in self.typed else "✓" if self.plan.text_of(key).strip() else "·"
        return f"{mark} {escape(section_title(key))}"

    def _relabel(self) -> None:
        sections = self.query_one(OptionList)
        for key in self.plan.section_keys:
            sections.replace_option_prompt(key, self._label(key))

    def _show_participants(self) -> None:
        plan = self.plan
        took_part = "; ".join(f"{p.name} ({p.role})" for p in plan.participants) or "nobody recorded yet"
        contests = (f" · [b]{len(plan.contests)} hearing request{'s' if len(plan.contests) != 1 else ''}[/b]: "
                    + "; ".join(f"{escape(c.requested_by)} {c.requested_on:%m/%d/%Y}" for c in plan.contests)
                    if plan.contests else "")
        self.query_one("#participants", Static).update(f"[b]Took part:[/b] {escape(took_part)}{contests}")

    # -- the sections -------------------------------------------------------------------------------

    @on(OptionList.OptionHighlighted, "#sections")
    def _section_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id != self.key:
            self._save_typed()  # what was typed in the section left goes to the record now
            self._show_section(event.option.id)

    @on(OptionList.OptionSelected, "#sections")
    def _section_chosen(self) -> None:
        self.query_one(TextArea).focus()

    def _show_section(self, key: str) -> None:
        self.key = key
        self.query_one("#section-title", Static).update(escape(section_title(key)))
        self.query_one("#section-description", Static).update(escape(section_description(key)))
        area = self.query_one(TextArea)
        wanted = self.typed.get(key, self.plan.text_of(key))
        if area.text != wanted:
            area.text = wanted  # its Changed message finds nothing new (_typing)

    def action_section(self, step: int) -> None:
        sections = self.query_one(OptionList)
        if self.plan and sections.highlighted is not None:
            sections.highlighted = max(0, min(sections.highlighted + step, len(self.plan.section_keys) - 1))

    def action_back(self) -> None:
        """Esc: from the text to the list of sections; from the list, leave (saving what was typed first)."""
        if self.query_one(TextArea).has_focus:
            self.query_one(OptionList).focus()
        elif self.typed and self.stale:
            self._ask_before_leaving()
        elif self.typed:
            self._save_typed(then="close")
        else:
            self.app.pop_screen()

    def _ask_before_leaving(self) -> None:
        """Esc after another window saved first: the typing is saved over it only when asked to."""
        from tui.dialogs.confirm import ConfirmDialog

        def answered(answer: str | None) -> None:
            if answer == "s":
                self._save_typed(then="close", force=True)
            elif answer == "d":
                self.typed.clear()
                self.keep_on_this_computer()  # the copy goes too
                self.app.pop_screen()

        self.app.push_screen(ConfirmDialog(
            "Someone else saved this plan", "What you typed here is not in the record: another window saved the plan "
            "after you opened it.", {"s": "Save mine over it and close", "d": "Leave without mine",
                                     "escape": "Keep writing"}, listed=True), answered)

    # -- typing and saving --------------------------------------------------------------------------

    @on(TextArea.Changed, "#text")
    @while_shown
    def _typing(self, event: TextArea.Changed) -> None:
        if self.plan is None or self.key is None or event.text_area.read_only:
            return
        text = event.text_area.text
        if text == self.typed.get(self.key, self.plan.text_of(self.key)):
            return  # the section shown, not typed
        if text == self.plan.text_of(self.key):
            self.typed.pop(self.key, None)  # typed back to what the record holds
        else:
            self.typed[self.key] = text
        self._relabel()
        self._say("Unsaved changes…")
        self._keep_soon()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(AUTOSAVE_SECONDS, self._autosave)

    @while_shown
    def _autosave(self) -> None:
        if self.typed and not self.stale:
            self._save_typed()

    def save_then_quit(self) -> None:
        """ctrl+q's "save it and quit": the app ends once the sections landed; a refusal keeps it open."""
        self._save_typed(then="quit")

    def action_save(self) -> None:
        if self.typed:
            self._save_typed(force=self.stale)
        else:
            self.notify("Nothing new to save.", timeout=2)

    def _save_typed(self, then: str | None = None, force: bool = False, after=None) -> None:
        """Send every section typed to the store in one worker, in the plan's order; ``after(desk, version)``
        runs in the same worker once they landed (sending the plan), its answer a ``PlanChanged``."""
        if self._timer is not None:
            self._timer.stop()
        if self.plan is None or self.in_record is None or (not self.typed and after is None):
            if then == "close":
                self.app.pop_screen()
            return
        self._then = then
        self._requested += 1
        items = [(key, self.typed[key]) for key in self.plan.section_keys if key in self.typed]
        self._write(self.desk, items, self._requested, force, after)

    @work(thread=True, group="save", exit_on_error=False)
    def _write(self, desk, items: list[tuple[str, str]], number: int, force: bool, after) -> None:
        record = self.in_record
        with record.lock:
            key = None
            if number < record.landed:  # a later save holds newer text of the same sections
                items = []
            try:
                if force:  # saving over another window's save: from the version it left
                    record.version = desk.plan(self.plan_id).version
                for key, text in items:
                    plan = desk.save_plan_section(self.plan_id, key, text, record.version)
                    record.version = plan.version
                    self.post_message(PlanSectionSaved(key, text, plan, number))
                record.landed = max(record.landed, number)
                if after is not None:
                    change = after(desk, record.version)
                    record.version = change.plan.version
                    self.post_message(change)
            except StaleEdit as error:
                self.post_message(PlanNotSaved(key or "", f"{error} What you typed is still here: ctrl+s saves "
                                               "it over that version (the other stays in the plan's history).", True))
            except StoreError as error:
                self.post_message(PlanNotSaved(key or "", f"{error} What you typed is still here."))

    @on(PlanSectionSaved)
    @while_shown
    def _saved(self, message: PlanSectionSaved) -> None:
        self.stale = False
        if self.typed.get(message.key) == message.text:
            del self.typed[message.key]
            if not self.typed:
                self.keep_on_this_computer()  # nothing left to keep: the copy goes
        self.plan = message.plan
        self._relabel()
        self.query_one("#saved").remove_class("-problem")
        at = formatting.clock(self.app.store.clock.now(), self.app.zone)
        self._say(f"Saved {section_title(message.key)} at {at} · version {message.plan.version}"
                  + (" · unsaved changes…" if self.typed else "."))
        if message.number == self._requested and not self.typed and self._then in ("close", "quit"):
            then, self._then = self._then, None
            if then == "quit":
                self.app.exit()
            else:
                self.app.pop_screen()

    @on(PlanNotSaved)
    @while_shown
    def _not_saved(self, message: PlanNotSaved) -> None:
        self.stale = self.stale or message.stale
        self._then = None
        self._say(message.sentence)
        self.query_one("#saved").add_class("-problem")
        self.notify(message.sentence, severity="error", timeout=8)

    @on(PlanChanged)
    @while_shown
    def _changed(self, message: PlanChanged) -> None:
        self.notify(message.said, timeout=4)
        if message.plan.id != self.plan_id and self.is_current:  # a new version: its own screen
            self.app.switch_screen(PlanScreen(message.plan.id))
            return
        if message.leave and self.is_current:
            self.app.pop_screen()
            return
        self.load()  # what may be done next, and the plan as the record has it

    def _say(self, text: str) -> None:
        self.query_one("#saved", Static).update(escape(text))

    def _show_actions(self) -> None:
        """The keys for the plan as a whole this worker may use now, and why the others are not offered."""
        allowed = [f"[b]{key}[/b] {label}" for key, name, label in self.ACTION_KEYS if self.actions.get(name, "") is None]
        shown = "  ".join(allowed + ["[b]h[/b] history"])
        reason = self.actions.get("edit")  # why the plan reads only; the other keys' reasons follow from it
        self.query_one("#actions", Static).update(shown + (f"\n[dim]Read only: {escape(reason)}[/dim]" if reason else ""))
