"""Writing a progress note by keyboard: when, what, how, where, why, who, and the narrative.

The form goes straight down in Tab order (Enter moves on too, except in the narrative). The
narrative stays in view below the fields at any terminal size; a returned note's comment stays in
view above them. What was typed is kept on this computer a second after typing stops, on leaving
the screen, on quitting and when the terminal closes (so a crash loses at most that second), and
saved to the record as a draft as soon as it has a time, a contact type and a narrative. Closing
or quitting with unsaved changes asks, saying what each answer does (tui/dialogs/unsaved_note.py).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from datetime import datetime

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Input, Label, SelectionList, Static, TextArea

from store import StaleEdit, StoreError
from store.core.results import NoteForm, NoteHistory, NoteView
from tui import formatting
from tui.messages import EditorRead, EditorRefused, NoteNotSaved, NoteSaved
from tui.screens.note_editor_leaving import LeavingTheEditor
from tui.when import read_when
from tui.while_shown import while_shown
from tui.widgets.key_footer import KeyFooter
from tui.widgets.picklist import MultiPicklist, Picklist
from tui.widgets.plan_elements_picklist import PlanElementsPicklist
from tui.widgets.returned_panel import ReturnedPanel
from tui.worker_failures import SaysWorkerFailures

AUTOSAVE_SECONDS = 3.0  # a pause in typing this long saves to the record (when the note is complete enough)
KEEP_SECONDS = 1.0  # a pause this long keeps what was typed on this computer: all a crash can lose
FORM_ORDER = ("event_at", "contact_type", "method", "location", "purposes", "participants", "others", "narrative")


class _Present(SelectionList[int]):
    """The persons present: Space ticks, Enter moves on to the next field as Tab does."""

    BINDINGS = [Binding("enter", "app.focus_next", "Next field", show=False)]


@dataclass
class InRecord:
    """Where the note stands in the record as the save worker last left it: the only state a save
    worker writes, under ``lock`` (one save at a time, so that an autosave and ctrl+s cannot both add
    the note; a save asked for earlier never lands after a later one, which would put back older
    text; nothing lands after the note was thrown away). The screen's own ``note_id`` and ``version``
    follow it on the UI thread, when the save's answer (NoteSaved) is handled."""

    note_id: int | None
    version: int | None = None
    landed: int = 0  # the number of the last save that landed
    elements: list = field(default_factory=list)  # the plan elements in the record, [plan id, section key]
    thrown: bool = False  # thrown away by the person (set on the UI thread)
    lock: threading.Lock = field(default_factory=threading.Lock)


class NoteEditorScreen(SaysWorkerFailures, LeavingTheEditor, Screen):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="editor.save"),
        Binding("ctrl+r", "submit", "Send for review", id="editor.submit"),
        Binding("escape", "close", "Close", id="editor.close"),
    ]
    DEFAULT_CSS = """
    NoteEditorScreen #form { padding: 0 2; height: 1fr; }
    NoteEditorScreen #writing { padding: 0 2; height: auto; }
    NoteEditorScreen #context { color: $text-muted; margin-bottom: 1; }
    NoteEditorScreen Label { text-style: bold; }
    NoteEditorScreen Input, NoteEditorScreen Picklist Input { border: none; height: 1; padding: 0 1; background: $boost; }
    NoteEditorScreen Input:focus, NoteEditorScreen Picklist Input:focus { border: none; background: $accent 25%; }
    NoteEditorScreen SelectionList { border: none; padding: 0; background: $boost; }
    NoteEditorScreen SelectionList:focus { background: $accent 15%; }
    NoteEditorScreen Picklist, NoteEditorScreen MultiPicklist { margin-bottom: 1; }
    NoteEditorScreen #when-shown { color: $text-muted; }
    NoteEditorScreen #when-shown.error, NoteEditorScreen #problem { color: $error; }
    NoteEditorScreen SelectionList { height: auto; max-height: 8; }
    /* The narrative keeps its share of any terminal (about 9 lines at 40 rows, 5 at 24); the fields scroll above it. */
    NoteEditorScreen TextArea { height: 30vh; min-height: 5; }
    NoteEditorScreen #problem.-none { display: none; }
    NoteEditorScreen #saved { color: $text-muted; }
    """

    def __init__(self, stage_id: int, *, note_id: int | None = None, amends: int | None = None,
                 recovered: str | None = None):
        super().__init__()
        self.stage_id, self.note_id, self.amends = stage_id, note_id, amends
        self.addendum = amends is not None  # an addendum's form (an addendum opened to edit: once read)
        self.version: int | None = None
        self.deadline = None  # the note's current obligation, from the store's deadline engine
        self.key = recovered or (f"note-{note_id}" if note_id else f"stage-{stage_id}-" + (f"addendum-{amends}" if amends else "new"))
        self.dirty = False
        self.ready = False  # the form has been filled from the record; changes before that are not the user's
        self.title_text = "a note"
        self.authors: dict[str, str] = {}  # Author picklist label -> login, for a clerk entering for others
        self.author_names: dict[str, str] = {}
        self.heading = ""  # the context line before "by <author>"
        self._stage_type = ""
        self._freezes_at: datetime | None = None  # of a note opened from the record
        self.opened_in_record = note_id is not None
        self.saved_text: str | None = None  # "at 2:14 PM, version 2": the last version in the record
        self.in_record = InRecord(note_id)  # the save worker's (its lock guards it)
        self._timer = self._keep_timer = None
        self._requested = 0  # number of the last save asked for
        self.defaults = None  # a new note's NoteDefaults, from the store
        self._applied: dict[str, object] = {}  # the defaults last put in each field
        self._contact_type_seen: str | None = None

    def compose(self) -> ComposeResult:
        policy = self.app.store.policy
        yield Header()
        yield ReturnedPanel(id="returned")
        with VerticalScroll(id="form"):
            yield Static("Loading…", id="context")
            yield Label("When did it happen?", id="when-label")
            yield Input(placeholder="today 2pm · yesterday 14:30 · 11/21 9:15a · -2h", id="when")
            yield Static("", id="when-shown")
            yield Picklist("Contact type", self.app.desk.note_contact_types(), id="contact_type")
            yield Picklist("Method", policy.methods, id="method")
            yield Picklist("Location", policy.locations, id="location")
            yield MultiPicklist("Purposes", policy.purposes, id="purposes")
            yield Label("Present (Space to tick)")
            yield _Present(id="participants")
            yield Input(placeholder="Others present, separated by commas (e.g. foster parent, school nurse)", id="others")
            yield PlanElementsPicklist(id="plan_elements")
        with Vertical(id="writing"):
            yield Label("Narrative")
            yield TextArea(id="narrative", tab_behavior="focus", soft_wrap=True)
            yield Static("", id="problem", classes="-none")
            yield Static("Not saved yet.", id="saved")
        yield KeyFooter()

    @property
    def _thrown(self) -> bool:
        return self.in_record.thrown

    @while_shown
    def on_mount(self) -> None:
        self.desk = self.app.desk  # the signed-in worker's: every read and save of this editor goes to it
        if not (self.note_id or self.amends):
            self.query_one("#when", Input).focus()  # keys typed before the stage is read go to When
        self.load(self.desk, self.app.recovery, self.key)

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load(self, desk, recovery, key: str) -> None:
        note_id, amends, stage_id = self.note_id, self.amends, self.stage_id  # as opened: a load precedes saves
        try:
            stage = desk.stage(stage_id)
            history = desk.note_history(note_id) if note_id else None
            note = history.note if history else desk.note(amends) if amends else None
            defaults = None if (note_id or amends) else desk.note_defaults(stage_id)
            deadline = desk.note_deadline(note_id) if note_id else None
        except StoreError as error:
            self.post_message(EditorRefused(str(error)))
            return
        try:
            elements = [[e.plan_id, e.section_key] for e in desk.note_plan_elements(note_id)] if note_id else []
        except StoreError:  # one who enters notes for others does not read the family's plans
            elements = []
        kept = recovery.load(key) if recovery else None
        self.post_message(EditorRead(stage, note, defaults, deadline, history, kept, elements))

    @on(EditorRefused)
    @while_shown
    def _refused(self, message: EditorRefused) -> None:
        self.notify(message.sentence, severity="error", timeout=8)
        if self.is_current:
            self.app.pop_screen()

    @on(EditorRead)
    @while_shown
    def _read(self, message: EditorRead) -> None:
        self.deadline = message.deadline
        self.in_record.elements = sorted(message.plan_elements)
        self._fill(message.stage, message.note, message.defaults, message.kept, message.history)

    def _clock_text(self, zone: str) -> str:
        """What the casework clock asks of this note: the store's deadline and the freeze date of a
        note opened from the record, or the store's terms for a new one of the contact type chosen."""
        if self._freezes_at is None:
            chosen = self.query_one("#contact_type", Picklist).value
            return self.app.desk.new_note_terms(self._stage_type, chosen, addendum=self.addendum)
        freezes = f"freezes {formatting.moment(self._freezes_at, zone)}"
        due = self.deadline
        if due is None:
            return freezes
        text = f"{due.what.lower()} by {formatting.moment(due.next_due_at, zone)}"
        return f"{f'[b $error]OVERDUE: {text}[/]' if due.overdue else text} · {freezes}"

    def _fill(self, stage, note: NoteView | None, defaults, saved: dict | None,
              history: NoteHistory | None = None) -> None:
        zone = self.app.zone
        kind = "addendum" if self.amends else "note" if self.note_id is None else f"note {self.note_id}"
        self.title_text = f"{stage.label} {kind}"
        me = self.app.me
        self._stage_type = stage.type
        self._freezes_at = note.freezes_at if note and self.note_id else None
        what = ('Addendum to note ' + str(self.amends) if self.amends
                else 'Editing note ' + str(self.note_id) if self.note_id else 'New note')
        self.heading = f"{what} · {stage.family_name} family · {stage.label}"
        if history is not None:
            self.saved_text = self._saved_text(history.revisions[-1].saved_at if history.revisions else None,
                                               history.note.version)
            self.query_one(ReturnedPanel).show(history, zone)
        if self.note_id and note is not None:
            self.addendum = note.amends_note_id is not None
        if me.may_enter_for_others and not (self.note_id or self.amends):
            # Entering for someone else (a clerk typing dictation): the store checks the author may write here.
            self.authors = {f"{r.worker_name} ({r.role})": r.worker_login for r in stage.roles}
            self.author_names = {f"{r.worker_name} ({r.role})": r.worker_name for r in stage.roles}
            self.query_one("#form").mount(Picklist("Author", list(self.authors), id="author"), before="#when-label")
        self._show_heading()
        people = self.query_one("#participants", SelectionList)
        people.add_options([(f"{p.name} ({p.relationship})", p.id) for p in stage.persons])
        people.highlighted = 0 if stage.persons else None
        if note is not None:
            form = _form_of(note, zone)
            self._set_form({**form, "plan_elements": self.in_record.elements}, addendum=bool(self.amends))
            if self.note_id:
                self.version = self.in_record.version = note.version
                self.query_one("#saved", Static).update(f"Version {note.version}, {note.status}.")
        if self.amends:
            self.query_one("#contact_type", Picklist).disabled = True
        when = self.query_one("#when", Input)
        # Keys typed while the stage was being read (a quick typist, a slow machine) are kept: the
        # default time does not overwrite a typed one, and focus stays where the typing left it.
        typed_ahead = note is None and not saved and bool(
            when.value or self.query_one("#contact_type", Picklist).value)
        if defaults is not None:
            self.defaults = defaults
            if not when.value:
                when.value = formatting.moment(defaults.event_at, zone)
        if saved:
            self._set_form(saved["form"])
            changed_since = bool(note and self.note_id and saved.get("version") not in (None, note.version))
            self.notify("The draft as you last typed it is back." + (
                " The note was saved again since then; saving now replaces that version with what you see."
                if changed_since else ""), timeout=8 if changed_since else 4)
        self._offer_plan_elements()
        self.baseline = {} if saved or typed_ahead else self._form()
        self._contact_type_seen = None if typed_ahead else self.query_one("#contact_type", Picklist).value
        self.ready = True
        self.dirty = bool(saved)
        if typed_ahead:
            chosen = self.query_one("#contact_type", Picklist).value
            if chosen is not None and self.defaults is not None:
                self._apply_defaults_for(chosen)  # a contact type picked ahead brings its defaults too
            self._changed()
            return
        # A correction is usually to the narrative; a new note starts with when it happened, or with
        # whose note it is when a clerk enters it (the Author field comes first).
        if self.authors and not saved:
            self.call_after_refresh(self._focus_author)
        else:
            target = self.query_one("#narrative" if (self.note_id or self.amends) and not saved else "#when")
            target.focus()
            if target is when:
                when.select_all()  # typing replaces the default time (focus came before the value)

    @while_shown  # after a refresh, by which time the editor may be leaving
    def _focus_author(self) -> None:
        self.query_one("#author Input").focus()

    def _show_heading(self) -> None:
        me = self.app.me
        if self.authors:
            chosen = self.query("#author").first(Picklist).value if self.query("#author") else None
            by = (f"by {self.author_names[chosen]} · entered by {me.name}" if chosen
                  else f"entered by {me.name} for the author chosen below")
        else:
            by = f"by {me.name} · reviewed by {me.supervisor_name or 'nobody on record'}"
        self.query_one("#context", Static).update(f"{self.heading} · {by} · {self._clock_text(self.app.zone)}")

    def _saved_text(self, at: datetime | None, version: int) -> str:
        return f"{'at ' + formatting.moment(at, self.app.zone) + ', ' if at else ''}version {version}"

    def _set_form(self, form: dict, addendum: bool = False) -> None:
        self.query_one("#when", Input).value = form.get("when", "")
        for name in ("contact_type", "method", "location"):
            self.query_one(f"#{name}", Picklist).value = form.get(name)
        self.query_one("#purposes", MultiPicklist).values = tuple(form.get("purposes", ()))
        people = self.query_one("#participants", SelectionList)
        people.deselect_all()
        for pid in form.get("participants", ()):
            people.select(pid)
        self.query_one("#others", Input).value = form.get("others", "")
        self.query_one(PlanElementsPicklist).elements = form.get("plan_elements", [])
        self.query_one("#narrative", TextArea).text = "" if addendum else form.get("narrative", "")

    def _form(self) -> dict:
        return {
            "when": self.query_one("#when", Input).value,
            **{name: self.query_one(f"#{name}", Picklist).value for name in ("contact_type", "method", "location")},
            "purposes": list(self.query_one("#purposes", MultiPicklist).values),
            "participants": list(self.query_one("#participants", SelectionList).selected),
            "others": self.query_one("#others", Input).value,
            "plan_elements": self.query_one(PlanElementsPicklist).elements,
            "narrative": self.query_one("#narrative", TextArea).text,
            "author": self.query_one("#author", Picklist).value if self.authors else None,
        }

    # -- a new note's defaults ------------------------------------------------------------------

    @on(Picklist.Changed, "#contact_type")
    @while_shown
    def _apply_contact_defaults(self, event: Picklist.Changed) -> None:
        """A new note's contact type brings its usual method, location, purposes and people present
        (the policy's defaults, the store's people), all on show to change. A field the caseworker
        has set keeps their value; one still holding the last type's default follows the new type.
        Focus goes to the first of those fields left empty, or to the narrative."""
        if not self.ready or self.defaults is None or event.value == self._contact_type_seen:
            return  # filling the form, or an edit, or no change
        self._apply_defaults_for(event.value)

    def _apply_defaults_for(self, contact_type: str) -> None:
        self._contact_type_seen = contact_type
        start = self.defaults.for_contact(contact_type)
        people = self.query_one("#participants", SelectionList)
        purposes = self.query_one("#purposes", MultiPicklist)
        fields = {"method": (self.query_one("#method", Picklist), start.method),
                  "location": (self.query_one("#location", Picklist), start.location)}
        filled = []  # said in a notice, so that a default filled out of view is still seen
        for name, (picklist, default) in fields.items():
            if picklist.value is None or picklist.value == self._applied.get(name):
                picklist.value = self._applied[name] = default
                filled += [name] if default else []
        if not purposes.values or set(purposes.values) == set(self._applied.get("purposes", ())):
            purposes.values = self._applied["purposes"] = start.purposes
            filled += ["purposes"] if start.purposes else []
        if not people.selected or set(people.selected) == set(self._applied.get("participants", ())):
            people.deselect_all()
            for person in start.participants:
                people.select(person)
            self._applied["participants"] = start.participants
            filled += ["who was present"] if start.participants else []
        if filled:
            said = ", ".join(filled[:-1]) + " and " + filled[-1] if len(filled) > 1 else filled[0]
            self.notify(f"{contact_type}: filled in the usual {said}; shift+tab goes back to change them.", timeout=5)
        empty = [widget for widget, filled in (
            (fields["method"][0].query_one(Input), fields["method"][0].value),
            (fields["location"][0].query_one(Input), fields["location"][0].value),
            (purposes.query_one(SelectionList), purposes.values), (people, people.selected)) if not filled]
        (empty[0] if empty else self.query_one("#narrative", TextArea)).focus()

    # -- changes and autosave -------------------------------------------------------------------

    @on(Input.Submitted, "#when")
    @on(Input.Submitted, "#others")
    @while_shown
    def _next_field(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    @on(Picklist.Changed, "#author")
    @while_shown
    def _author_chosen(self, _event) -> None:
        self._show_heading()

    @on(Picklist.Changed, "#contact_type")
    def _contact_type_chosen(self, _event) -> None:
        if self.ready and self._freezes_at is None:  # a new note's entry window may be its contact type's
            self._show_heading()

    @on(Input.Changed, "#when")
    @while_shown
    def _when_changed(self, event: Input.Changed) -> None:
        reading = read_when(event.value, self.app.store.clock.now(), self.app.zone)
        shown = self.query_one("#when-shown", Static)
        shown.update(reading.error or f"→ {reading.shown}")
        shown.set_class(bool(reading.error) and bool(event.value.strip()), "error")
        self._changed()

    @on(SelectionList.SelectedChanged, "#participants")
    @while_shown
    def _offer_plan_elements(self, *_event) -> None:
        """The plan elements follow who is ticked present: the plans of the children among them."""
        people = self.query_one("#participants", SelectionList)
        self.query_one(PlanElementsPicklist).offer_for(self.stage_id, list(people.selected))

    @on(Input.Changed, "#others")
    @on(Picklist.Changed)
    @on(MultiPicklist.Changed)
    @on(SelectionList.SelectedChanged)
    @on(TextArea.Changed)
    @while_shown
    def _changed(self, *_event) -> None:
        # Filling the form from the record also posts these messages: only a difference is a change.
        if not self.ready or self._form() == self.baseline:
            return
        self.dirty = True
        self.query_one("#saved", Static).update("Unsaved changes…")
        for timer in (self._timer, self._keep_timer):
            if timer is not None:
                timer.stop()
        self._keep_timer = self.set_timer(KEEP_SECONDS, self._keep_after_pause)
        self._timer = self.set_timer(AUTOSAVE_SECONDS, self.autosave)

    # -- saving ---------------------------------------------------------------------------------

    def action_save(self) -> None:
        self.save(then=None)

    def action_submit(self) -> None:
        self.save(then="submit")

    def save(self, then: str | None) -> None:
        """Read the form here, on the UI thread, and keep it on disk first; the store is asked in a worker."""
        form = self._form()
        self.keep_on_this_computer(form)
        self._requested += 1
        try:
            fields = self._fields(form)
        except ValueError as error:
            self.problem(str(error))
            return
        author = self.authors.get(form["author"]) if form.get("author") else None
        self._save(self.desk, fields, author, form, then, self._requested)

    @staticmethod
    def _save_plan_elements(desk, record: InRecord, note: NoteView, form: dict) -> str | None:
        """The plan elements ticked, saved after the note (tagging keeps the note's version: migration
        0015's triggers fix them with the note); the store's refusal, if it refused."""
        wanted = form.get("plan_elements", [])
        if wanted == record.elements:
            return None
        try:
            desk.set_note_plan_elements(note.id, wanted)
        except StoreError as error:
            return str(error)
        record.elements = wanted
        return None

    def _fields(self, form: dict) -> dict:
        """The form as the store's fields; ``ValueError`` with the store's first problem, in form order."""
        fields, check = self._checked(form)
        if check.problems:
            raise ValueError(next(iter(check.problems.values())))
        return fields

    def _checked(self, form: dict) -> tuple[dict, NoteForm]:
        """The form as the store's fields, and the store's check of them (its sentences by field, put
        in form order); a time typed but not read as one says what the reading found instead."""
        reading = read_when(form["when"], self.app.store.clock.now(), self.app.zone)
        fields = {"event_at": reading.at, "method": form["method"], "location": form["location"],
                  "purposes": form["purposes"], "participants": form["participants"],
                  "others": [o.strip() for o in form["others"].split(",") if o.strip()],
                  "narrative": form["narrative"]}
        if not self.amends:  # a new addendum takes its contact type from the note it corrects
            fields["contact_type"] = form["contact_type"]
        check = self.app.desk.check_note_form(fields, new=self.note_id is None, addendum=self.addendum)
        problems = dict(check.problems)
        if reading.at is None and form["when"].strip():
            problems["event_at"] = reading.error
        return fields, replace(check, problems={name: problems[name] for name in FORM_ORDER if name in problems})

    @work(thread=True, group="save", exit_on_error=False)
    def _save(self, desk, fields: dict, author: str | None, form: dict, then: str | None, number: int) -> None:
        """Save to the record; the answer goes to the app (NoteSaved, NoteNotSaved), which passes it to
        this editor if it is still shown and says it otherwise."""
        record = self.in_record
        with record.lock:
            if number <= record.landed or record.thrown:
                return
            try:
                if record.note_id is None:
                    note = (desk.add_addendum(self.amends, **fields) if self.amends
                            else desk.add_note(self.stage_id, author=author, **fields))
                else:
                    note = desk.edit_note(record.note_id, record.version, **fields)
            except StaleEdit as error:
                self.app.post_message(NoteNotSaved(self, f"{error} What you typed is kept on this computer.", keep=form))
                return
            except StoreError as error:
                self.app.post_message(NoteNotSaved(self, str(error)))
                return
            record.note_id, record.version, record.landed = note.id, note.version, number
            if refused := self._save_plan_elements(desk, record, note, form):
                self.app.post_message(NoteSaved(self, note, None, {**form, "plan_elements": record.elements}))
                self.app.post_message(NoteNotSaved(self, f"The note was saved but not its plan elements: {refused}",
                                                   unsaved=False))
                return
            if then == "submit":
                try:
                    note = desk.submit(note.id, note.version)
                except StoreError as error:
                    self.app.post_message(NoteSaved(self, note, None, form))
                    self.app.post_message(NoteNotSaved(self, f"Saved as a draft but not sent: {error}", unsaved=False))
                    return
                record.version = note.version
            self.app.post_message(NoteSaved(self, note, then, form))

    def problem(self, message: str, unsaved: bool = True) -> None:
        """Why the form was not saved, above the keys (the app calls it with a save's refusal)."""
        problem = self.query_one("#problem", Static)
        problem.update(message)
        problem.remove_class("-none")
        if unsaved:
            self.query_one("#saved", Static).update("Not saved: see above. What you typed is still here.")
        self.notify(message, severity="error", timeout=6)

    def saved(self, note: NoteView, then: str | None, form: dict) -> None:
        """A save landed (the app calls it with the save's answer, while this editor is shown)."""
        self.note_id, self.version = note.id, note.version
        self.baseline = form
        self.dirty = self._form() != form  # typing may have gone on while the save was under way
        if self.app.recovery:
            if self.key != f"note-{note.id}":
                # Once in the record a new note is kept here under its number, like any note opened
                # for editing: another new note on the stage must not find (and save again) this one.
                self.app.recovery.discard(self.key)
                self.key = f"note-{note.id}"
            if self.dirty:
                self.keep_on_this_computer()
            else:
                self.app.recovery.discard(self.key)
        self.query_one("#problem", Static).update("")
        self.query_one("#problem").add_class("-none")
        saved_at = note.entered_at if note.version == 1 else self.app.store.clock.now()
        self.saved_text = self._saved_text(saved_at, note.version)
        self.query_one("#saved", Static).update(
            f"Saved {formatting.moment(saved_at, self.app.zone)} · version {note.version}, {note.status}.")
        if then == "quit":
            self.app.exit()
        elif then == "submit":
            self.notify(f"Sent to {self.app.me.supervisor_name or 'your supervisor'} for review.")
            self.app.pop_screen()
        elif then == "close":
            self.notify("Saved.")
            self.app.pop_screen()
        else:
            self.notify("Saved.", timeout=2)

def _form_of(note: NoteView, zone: str) -> dict:
    return {"when": formatting.moment(note.event_at, zone), "contact_type": note.contact_type, "method": note.method,
            "location": note.location, "purposes": list(note.purposes),
            "participants": [p.id for p in note.participants], "others": ", ".join(note.others),
            "narrative": note.narrative}
