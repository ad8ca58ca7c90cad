"""A family's case: the stage tree on the left, the selected stage's notes and a preview on the right.

What this worker may do with the highlighted note is asked of the store; refused actions stay on
screen with the store's reason instead of disappearing.
"""

from __future__ import annotations

from collections.abc import Iterator

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static, Tree
from textual.widgets.tree import TreeNode

from store import StoreError
from store.core.results import CaseView, NoteView, StageView
from tui import formatting
from tui.messages import ActionsRead, CaseRead, CaseRefused, NoteMoved, NotesRead, PageFailed, PageRead
from tui.screens.case_documents_keys import (CASE_DOCUMENTS_BINDINGS, CASE_DOCUMENTS_HINT, CASE_RECORD_HINT,
                                             CaseDocumentsKeys)
from tui.screens.case_requests_keys import CASE_REQUESTS_BINDINGS, CaseRequestsKeys
from tui.screens.stage_course_keys import STAGE_COURSE_BINDINGS, StageCourseKeys
from tui.screens.stage_people_keys import STAGE_PEOPLE_BINDINGS, STAGE_PEOPLE_HINT, StagePeopleKeys
from tui.while_shown import while_shown
from tui.widgets.activity_list import ActivityPane
from tui.widgets.documents_pane import DocumentsPane
from tui.widgets.key_footer import KeyFooter
from tui.widgets.note_list import NoteList
from tui.widgets.note_text import note_text
from tui.worker_failures import SaysWorkerFailures

FIRST_PAGE = 60  # about two screens of notes
NARROW, SHORT = 110, 30  # below these columns or lines, the compact layout (80x24 must work)
NOTE_ONLY = ("edit", "submit", "recall", "addendum", "discard", "history")  # not offered over the activity
# What the store refuses the advocate programme's people (a child's advocate reads the child's notes only).
OUTSIDE_NOT_OFFERED = ("activity", "stage_course", "stage_people", "plans", "plan_coverage")
PLAN_COVERAGE_HINT = "[dim][b]C[/b] coverage[/dim]"  # beside the documents' keys: the pane is 41 columns
NOTE_ACTIONS = (("e", "edit", "Edit"), ("s", "submit", "Send for review"), ("u", "recall", "Recall"),
                ("a", "addendum", "Addendum"), ("d", "discard", "Discard draft"))


class CaseScreen(CaseDocumentsKeys, CaseRequestsKeys, StageCourseKeys, StagePeopleKeys, SaysWorkerFailures, Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="case.back"),
        Binding("ctrl+n", "new_note", "New note", id="case.new_note"),
        # The note's own keys are listed beside it (#actions), not in the footer: it keeps its room
        # for the case's keys, Back, ^q and F1.
        Binding("e", "edit", "Edit", id="case.edit", show=False),
        Binding("s", "submit", "Submit", id="case.submit", show=False),
        Binding("a", "addendum", "Addendum", id="case.addendum", show=False),
        Binding("u", "recall", "Recall", id="case.recall", show=False),
        Binding("d", "discard", "Discard", id="case.discard", show=False),
        Binding("h", "history", "History", id="case.history"),
        Binding("slash", "search", "Search family", id="case.search"),
        Binding("t", "activity", "Activity", id="case.activity"),
        Binding("P", "plans", "Case plans", id="case.plans", show=False),  # listed under the persons and in F1
        Binding("C", "plan_coverage", "Plan coverage", id="case.plan_coverage", show=False),  # listed under the persons
        Binding("tab", "app.focus_next", "Next pane", show=False),  # screens have no focus_next of their own
        *STAGE_COURSE_BINDINGS,
        *STAGE_PEOPLE_BINDINGS,
        *CASE_DOCUMENTS_BINDINGS,
        *CASE_REQUESTS_BINDINGS,
    ]
    DEFAULT_CSS = """
    CaseScreen #left { width: 44; border-right: tall $panel; }
    CaseScreen #family { text-style: bold; padding: 0 1; }
    CaseScreen #requests-waiting { display: none; padding: 0 1; color: $warning; height: auto; }
    CaseScreen Tree { height: 1fr; }
    CaseScreen #persons { height: auto; max-height: 12; padding: 0 1; border-top: solid $panel; }
    CaseScreen #stage-title { padding: 0 1; text-style: bold; }
    CaseScreen #not-shown { padding: 0 1; color: $text-muted; display: none; }
    CaseScreen NoteList { height: 1fr; min-height: 6; }
    CaseScreen #preview { height: 1fr; border-top: solid $panel; padding: 0 1; }
    CaseScreen #actions { height: auto; padding: 0 1; border-top: solid $panel; }
    /* 80x24: a narrower tree, no persons pane, and the preview keeps room for the note's first lines */
    CaseScreen.-narrow #left { width: 28; }
    CaseScreen.-short #persons { display: none; }
    CaseScreen.-short NoteList { min-height: 4; }
    CaseScreen.-short #preview { min-height: 6; }
    /* t: the case's activity history in place of the stage's notes */
    CaseScreen #activity { display: none; }
    CaseScreen.-activity #activity { display: block; }
    CaseScreen.-activity #stage-title, CaseScreen.-activity NoteList, CaseScreen.-activity #preview,
    CaseScreen.-activity #actions, CaseScreen.-activity #not-shown { display: none !important; }
    /* f: the children's documents in place of the stage's notes */
    CaseScreen #documents { display: none; }
    CaseScreen.-documents #documents { display: block; }
    CaseScreen.-documents #stage-title, CaseScreen.-documents NoteList, CaseScreen.-documents #preview,
    CaseScreen.-documents #actions, CaseScreen.-documents #not-shown { display: none !important; }
    """

    def __init__(self, case_id: int, stage_id: int | None = None):
        super().__init__()
        self.case_id, self.stage_id = case_id, stage_id
        self.case: CaseView | None = None
        self.actions: dict[str, str | None] = {}
        self.desk = None  # the desk it was opened with: it reads with that one even after a user switch
        self.activity_refusal: str | None = None  # offered until the store says it is not the reader's

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            with Vertical(id="left"):
                yield Static("", id="family")
                yield Static("", id="requests-waiting")  # shown only when advocates' requests wait (i)
                yield Tree("Stages", id="stages")
                yield Static("", id="persons")
            with Vertical():
                yield Static("", id="stage-title")
                yield Static("", id="not-shown")
                yield NoteList(zone=self.app.zone, id="notes")
                with VerticalScroll(id="preview"):
                    yield Static("", id="preview-text")
                yield Static("", id="actions")
                yield ActivityPane(zone=self.app.zone, id="activity")
                yield DocumentsPane(zone=self.app.zone, id="documents")
        yield KeyFooter()

    @while_shown
    def on_mount(self) -> None:
        self.desk = self.app.desk
        self.look_for_waiting_requests()
        self.query_one(Tree).show_root = False
        self._layout(self.app.size.width, self.app.size.height)
        self.load_case()

    @while_shown
    def on_resize(self) -> None:
        narrow = self.has_class("-narrow")
        self._layout(self.size.width, self.size.height)
        if narrow != self.has_class("-narrow") and self.case is not None:
            self._show_case(self.case)  # the tree's labels for the new width

    def _layout(self, width: int, height: int) -> None:
        self.set_class(width < NARROW, "-narrow")
        self.set_class(height < SHORT, "-short")
        footer = self.query_one(KeyFooter)
        footer.compact, footer.show_command_palette = width < NARROW, width >= NARROW
        self.refresh_bindings()

    @while_shown
    def on_screen_resume(self) -> None:
        # Coming back from the editor or a note: the notes may have changed. (The first showing
        # loads them through load_case.)
        if self.case is not None and self.stage_id is not None:
            self.load_notes(self.stage_id)
        if self.has_class("-activity"):
            self.query_one(ActivityPane).show_case(self.desk, self.case_id)

    @work(thread=True, exclusive=True, group="case", exit_on_error=False)
    def load_case(self) -> None:
        try:
            case = self.desk.case(self.case_id)
            self.post_message(CaseRead(case, self.desk.may_read_activity(self.case_id)))
        except StoreError as error:
            self.post_message(CaseRefused(str(error)))

    @on(CaseRefused)
    @while_shown
    def _refused(self, message: CaseRefused) -> None:
        self.notify(message.sentence, severity="error", timeout=8)
        if self.is_current:
            self.app.pop_screen()

    @on(CaseRead)
    @while_shown
    def _case_read(self, message: CaseRead) -> None:
        self.activity_refusal = message.activity_refusal
        self.refresh_bindings()
        self._show_case(message.case)

    def _show_case(self, case: CaseView) -> None:
        self.case = case
        zone = self.app.zone
        self.query_one("#family", Static).update(f"{case.family_name} family · case {case.id}")
        tree = self.query_one(Tree)
        tree.clear()
        nodes = {}
        narrow = self.has_class("-narrow")
        day = formatting.short_date if narrow else formatting.day
        for stage in case.stages:
            parent = nodes.get(stage.parent_id, tree.root)
            state = (f"closed {day(stage.closed_at, zone)}" if stage.closed_at
                     else f"{'since' if narrow else 'open since'} {day(stage.opened_at, zone)}")
            mark = " [dim]admin[/dim]" if stage.administrative else ""  # opened only to authorise a payment
            node = parent.add(f"[b]{stage.label}[/b]{mark} {state}", data=stage.id, expand=True)
            for role in stage.roles:
                what = role.role.removeprefix("Case ") if narrow else role.role
                node.add_leaf(f"[dim]{what}:[/dim] {role.worker_name}", data=stage.id)
            nodes[stage.id] = node
        chosen = self.stage_id if self.stage_id in nodes else (case.stages[0].id if case.stages else None)
        if chosen is not None:
            # After the tree is laid out, so that it scrolls to the stage in its real height.
            self.call_after_refresh(self._put_tree_cursor, chosen)
            self._choose_stage(chosen)
        self.query_one(NoteList).focus()

    @while_shown
    def _put_tree_cursor(self, stage_id: int) -> None:
        # By line, not by node: a node knows its line only once the tree has numbered its lines (when
        # it is next painted, or idle), and a cursor moved to a node before that lands on the first
        # stage; a busy machine refreshes the screen before the tree gets there.
        tree = self.query_one(Tree)
        line = next((number for number, node in enumerate(_shown_nodes(tree.root)) if node.data == stage_id), None)
        if line is not None:  # the stage's own line comes before its roles' (their data is the stage too)
            tree.move_cursor_to_line(line)

    @on(Tree.NodeHighlighted)
    def _stage_highlighted(self, event: Tree.NodeHighlighted) -> None:
        # Only the user's own moves in the tree choose a stage, not the cursor placed on opening.
        if event.node.data is not None and event.node.data != self.stage_id and event.control.has_focus:
            self._choose_stage(event.node.data)

    def _stage(self) -> StageView | None:
        return next((s for s in self.case.stages if s.id == self.stage_id), None) if self.case else None

    def _choose_stage(self, stage_id: int) -> None:
        self.stage_id = stage_id
        stage = self._stage()
        people = "\n".join(f"{escape(p.name)} [dim]{p.relationship}"
                           f"{' · born ' + p.birth_date.strftime('%m/%d/%Y') if p.birth_date else ''}[/dim]"
                           for p in stage.persons)
        hint = ("" if getattr(self.app, "outside", False)
                else f"\n{STAGE_PEOPLE_HINT}\n{CASE_DOCUMENTS_HINT}[dim] · [/dim]{PLAN_COVERAGE_HINT}\n{CASE_RECORD_HINT}")
        self.query_one("#persons", Static).update(f"[b]Persons of the stage[/b]\n{people or '—'}{hint}")
        closed = f" · closed: {stage.close_reason}" if stage.closed_at else ""
        self.query_one("#stage-title", Static).update(f"{stage.label} notes{closed} · loading…")
        self.load_notes(stage_id)
        self.app.know_note_offer(stage_id)

    @work(thread=True, exclusive=True, group="notes", exit_on_error=False)
    def load_notes(self, stage_id: int) -> None:
        """The stage's note ids and the newest notes: a stage with thousands opens as fast as one
        with fifty, and the list asks for the rest as they come on screen (``load_page``). A refusal
        is said by SaysWorkerFailures."""
        desk = self.desk
        ids = desk.stage_note_ids(stage_id)
        first = ids[:FIRST_PAGE]
        notes = desk.stage_notes(stage_id, ids=first) if first else []
        deadlines = desk.stage_deadlines(stage_id, ids=first) if first else {}
        not_shown = desk.notes_not_shown(stage_id)
        self.post_message(NotesRead(stage_id, ids, notes, deadlines, not_shown))

    @on(NoteList.Wanted)
    def _notes_wanted(self, event: NoteList.Wanted) -> None:
        # Of the stage the list shows, which for a moment after a move in the tree is not self.stage_id.
        if event.source is not None:
            self.load_page(event.source, event.ids, event.generation)

    @work(thread=True, group="pages", exit_on_error=False)
    def load_page(self, stage_id: int, ids: list[int], generation: int) -> None:
        try:
            notes = self.desk.stage_notes(stage_id, ids=ids)
            deadlines = self.desk.stage_deadlines(stage_id, ids=ids)
        except StoreError as error:
            self.post_message(PageFailed(ids, generation, str(error)))
            return
        self.post_message(PageRead(ids, notes, deadlines, generation))

    @on(PageRead)
    @while_shown
    def _add_page(self, message: PageRead) -> None:
        self.query_one(NoteList).add_notes(message.ids, message.notes, message.deadlines, message.generation)

    @on(PageFailed)
    @while_shown
    def _page_failed(self, message: PageFailed) -> None:
        self.notify(message.sentence, severity="error")
        self.query_one(NoteList).page_failed(message.ids, message.generation)

    @on(NotesRead)
    @while_shown
    def _show_notes(self, message: NotesRead) -> None:
        stage_id, ids = message.stage_id, message.ids
        if stage_id != self.stage_id:
            return
        stage = self._stage()
        closed = f" · closed: {stage.close_reason}" if stage and stage.closed_at else ""
        count = f"{len(ids):,} note{'s' if len(ids) != 1 else ''}" + (" you may read" if message.not_shown else "")
        self.query_one("#stage-title", Static).update(f"{stage.label if stage else ''} · {count}{closed}")
        self.query_one(NoteList).show_ids(ids, message.notes, message.deadlines, source=stage_id)
        if message.not_shown:
            self.query_one("#not-shown", Static).update(escape(message.not_shown))
        self.query_one("#not-shown", Static).display = bool(message.not_shown)
        if not ids:
            self.query_one("#preview-text", Static).update(
                f"[dim]{escape(message.not_shown)}[/dim]" if message.not_shown
                else "[dim]No notes yet. ctrl+n writes the first one.[/dim]" if self.app.writes_notes
                else "[dim]No notes you may read in this stage.[/dim]")
            self.query_one("#actions", Static).update("")

    @on(NoteList.Highlighted)
    def _note_highlighted(self, event: NoteList.Highlighted) -> None:
        if event.note is None:
            if event.note_list.row_count:  # its note is on its way
                self.query_one("#preview-text", Static).update("[dim]Reading the note…[/dim]")
                self.query_one("#actions", Static).update("")
                self.actions = {}
            return
        self.query_one("#preview-text", Static).update(note_text(event.note, self.app.zone))
        self.query_one("#preview", VerticalScroll).scroll_home(animate=False)
        self.load_actions(event.note.id)

    @on(NoteList.Selected)
    def _note_selected(self, event: NoteList.Selected) -> None:
        self.app.open_note(event.note.id)

    @work(thread=True, exclusive=True, group="actions", exit_on_error=False)
    def load_actions(self, note_id: int) -> None:
        try:
            self.post_message(ActionsRead(note_id, self.desk.note_actions(note_id)))
        except StoreError:  # the keys then say "Choose a note first."
            return

    @on(ActionsRead)
    @while_shown
    def _show_actions(self, message: ActionsRead) -> None:
        note_id, actions = message.note_id, message.actions
        note = self.query_one(NoteList).cursor_note
        if note is None or note.id != note_id:
            return
        self.actions = actions
        # Refusals often share one reason ("only the author…"): say each reason once.
        allowed = [f"[b]{key}[/b] {label}" for key, name, label in NOTE_ACTIONS if actions.get(name, "") is None]
        refused: dict[str, list[str]] = {}
        for key, name, label in NOTE_ACTIONS:
            if actions.get(name):
                refused.setdefault(actions[name], []).append(f"{key} {label.lower()}")
        lines = ["  ".join(allowed) or "[dim]Nothing you can change here.[/dim]"]
        if self.has_class("-short") and refused:  # no room for every reason: the key itself says why
            lines += [f"[dim]{', '.join(k for what in refused.values() for k in what)}: the key says why not[/dim]"]
        else:
            lines += [f"[dim]{', '.join(what)}: {escape(reason)}[/dim]" for reason, what in refused.items()]
        self.query_one("#actions", Static).update("\n".join(lines))

    def _note(self) -> NoteView | None:
        return self.query_one(NoteList).cursor_note

    def _allowed(self, action: str) -> bool:
        reason = self.actions.get(action, "Choose a note first.")
        if reason:
            self.notify(reason, severity="warning", timeout=6)
        return reason is None

    def action_search(self) -> None:
        if self.case is not None:
            self.app.action_search(self.case.id, self.case.family_name)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """ctrl+n is not offered to those who write no notes (a child's advocate reads only); a note's
        keys are not offered while the activity history is shown in place of the notes; the family's
        activity and the stage's course and people not to the advocate programme's people, and the
        activity not to whoever the store refuses it (the clerk who enters notes for others)."""
        if action in NOTE_ONLY and (self.has_class("-activity") or self.has_class("-documents")):
            return False
        if action == "activity" and self.activity_refusal is not None and not self.has_class("-activity"):
            return False
        if action in OUTSIDE_NOT_OFFERED and getattr(self.app, "outside", False):
            return False
        return getattr(self.app, "writes_notes", True) if action == "new_note" else True

    def action_activity(self) -> None:
        """t: the case's activity history in place of the stage's notes, read afresh; t or Esc again:
        the notes."""
        showing = not self.has_class("-activity")
        self.set_class(False, "-documents")
        self.set_class(showing, "-activity")
        pane = self.query_one(ActivityPane)
        if showing:
            pane.show_case(self.desk, self.case_id)
            pane.focus_list()
        else:
            self.query_one(NoteList).focus()
        self.refresh_bindings()

    def action_plans(self) -> None:
        """P: the family's case plans (the family plan and each child's)."""
        from tui.screens.plans import PlansScreen

        self.app.push_screen(PlansScreen(self.case_id))

    def action_plan_coverage(self) -> None:
        """C: each child's plan coverage in the notes (issue 19)."""
        from tui.screens.plan_coverage import PlanCoverageScreen

        self.app.push_screen(PlanCoverageScreen(self.case_id))

    def action_new_note(self) -> None:
        if self.stage_id is not None:
            self.app.new_note(self.stage_id)

    def action_edit(self) -> None:
        note = self._note()
        if note is None:
            return
        if self.actions.get("edit") is None:
            self.app.open_editor(note.stage_id, note_id=note.id)
        elif self.actions.get("addendum") is None:
            from tui.dialogs.confirm import ConfirmDialog

            self.app.push_screen(
                ConfirmDialog("This note can no longer be changed", f"{self.actions['edit']}\n\nWrite an addendum to it?",
                              {"enter": "Write an addendum", "escape": "Cancel"}),
                lambda answer: answer == "enter" and self.action_addendum())
        else:
            self._allowed("edit")

    def action_addendum(self) -> None:
        note = self._note()
        if note and self._allowed("addendum"):
            self.app.open_editor(note.stage_id, amends=note.id)

    def action_history(self) -> None:
        note = self._note()
        if note:
            from tui.screens.note_history import NoteHistoryScreen

            self.app.push_screen(NoteHistoryScreen(note.id))

    def action_submit(self) -> None:
        self._move("submit", lambda desk, note: desk.submit(note.id, note.version), "Sent for review")

    def action_recall(self) -> None:
        self._move("recall", lambda desk, note: desk.recall(note.id, note.version), "Recalled to you")

    def action_discard(self) -> None:
        note = self._note()
        if note is None or not self._allowed("discard"):
            return
        from tui.dialogs.confirm import ConfirmDialog

        self.app.push_screen(
            ConfirmDialog("Discard this draft?", "It was never sent for review. casenotes keeps a copy in the audit "
                          "record, but it leaves the stage's notes.", {"y": "Discard it", "escape": "Keep it"}),
            lambda answer: answer == "y" and self._move("discard", lambda desk, n: desk.discard_draft(n.id),
                                                        "Draft discarded"))

    def _move(self, action: str, call, done: str) -> None:
        note = self._note()
        if note is not None and self._allowed(action):
            self._run(call, note, done)

    @work(thread=True, group="moves", exit_on_error=False)
    def _run(self, call, note: NoteView, done: str) -> None:
        call(self.desk, note)  # a refusal: SaysWorkerFailures
        self.post_message(NoteMoved(note.stage_id, done))

    @on(NoteMoved)
    @while_shown
    def _moved(self, message: NoteMoved) -> None:
        self.notify(message.done, timeout=3)
        self.load_notes(message.stage_id)


def _shown_nodes(parent: TreeNode[int]) -> Iterator[TreeNode[int]]:
    """The tree's nodes in the order of its lines (the root hidden)."""
    for node in parent.children:
        yield node
        if node.is_expanded:
            yield from _shown_nodes(node)
