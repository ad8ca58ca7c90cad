"""The casenotes Textual app: signs a worker in and carries them between screens.

The app holds the store and the signed-in worker's ``Desk``; screens ask the desk for everything
in worker threads and show the store's reasons when it refuses.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
from functools import partial
from pathlib import Path

from textual import on, work
from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode

from store import Store, StoreError
from tui import formatting
from tui.document_keys import DocumentKeys
from tui.access_request_keys import AccessRequestKeys
from tui.messages import (DraftNotThrownAway, HomeRead, InboxCounted, IndexNotUpdated, IntakeOffer, NoteNotSaved,
                          NoteOffer, NoteSaved, SignedIn, SignInRefused, StaffOffered)
from tui.prefs import Prefs, RecoveryBox, default_home
from tui.while_shown import is_shown
from tui.worker_failures import LOG_NAME, SaysWorkerFailures, write_down


SUPERVISORS_ONLY = ("review_queue", "plan_review_queue", "timeliness", "unit_coverage")  # actions of screens for those with workers below them
# The agency's casework screens, not offered to the advocate programme's people (advocates and their
# representatives), who hold no stage, no deadline and no staff of the agency.
CASEWORK_ONLY = ("review_queue", "plan_review_queue", "timeliness", "unit_coverage", "deadlines", "visits", "intake", "staff")
HOME_WAIT = 0.15  # seconds the first screen waits for its caseload before showing without it
INBOX_EVERY = 60.0  # seconds between looks for new notifications (and e-mail of them) while signed in
SIGNAL_EXIT_GRACE = 3.0  # seconds an exit after SIGHUP/SIGTERM may take before the process ends anyway


def _raised_in(error: BaseException) -> DOMNode | None:
    """The innermost screen or widget whose method raised ``error``."""
    node, trace = None, error.__traceback__
    while trace is not None:
        here = trace.tb_frame.f_locals.get("self")
        if isinstance(here, DOMNode):
            node = here
        trace = trace.tb_next
    return node


class CasenotesApp(DocumentKeys, AccessRequestKeys, SaysWorkerFailures, App):
    TITLE = "casenotes"
    CSS_PATH = str(Path(__file__).parent.parent / "themes" / "app.tcss")
    BINDINGS = [
        Binding("f1,question_mark", "help", "Help", id="help"),
        Binding("f2", "inbox", "Inbox", id="inbox", show=False),
        Binding("ctrl+t", "next_theme", "Theme", id="theme", show=False),
        Binding("ctrl+q", "quit", "Quit", id="quit"),
    ]

    def __init__(self, store: Store, login: str | None = None, *, home: Path | None = None,
                 indexing: bool = True):
        """``indexing=False`` keeps the search index out of the way (screens tested on their own)."""
        super().__init__()
        from tui.palette import CasenotesCommands

        self.COMMANDS = App.COMMANDS | {CasenotesCommands}
        self.store = store
        self.login = login
        self.home = home or default_home()
        self.desk = None
        self.me = None
        self.supervises = False  # whether the review queue and Timeliness are offered
        self.writes_notes = True  # whether ctrl+n is offered (not to a child's advocate)
        self.outside = False  # of the advocate programme (CASA): their own home, no casework keys
        self.note_offers: dict[int, str | None] = {}  # stage → refusal of a new note (None: allowed)
        self.is_demo = False  # read with the first sign-in: "Switch demo user" is offered on a demo only
        self._sign_ins = 0  # sign-ins asked for: the answer of one overtaken by another is dropped
        self.prefs: Prefs | None = None
        self.recovery: RecoveryBox | None = None
        self._search_index = None
        self._opening_index = threading.Lock()  # two workers may ask for the index at once
        self.indexing = indexing
        self.unread = 0  # the signed-in worker's unread notifications, shown in the header
        self._sub_title = ""  # the header's line without the unread count
        self._inbox_timer = None

    @property
    def zone(self) -> str:
        return self.store.policy.time_zone

    def _handle_exception(self, error: Exception) -> None:
        """An error of a screen or widget that is being taken down is not the person's: it is let go
        (written to casenotes.log), where Textual would end the app. Switching the demo user or
        pressing Esc a moment after a screen opened removes it while its own events (its mount, a
        focus, the header's first title) are still queued; Textual's widgets then find their parts
        gone (NoMatches('HeaderTitle'), a TabbedContent's ValueError 'No Tab with id'). The node is
        the innermost one whose code raised (a header's title is run by the app, for the header)."""
        node = _raised_in(error)
        if node is not None and node is not self and not is_shown(node):
            write_down(self.home / LOG_NAME, f"{node!r}, being taken down, failed; let go", error)
            return
        super()._handle_exception(error)

    def on_mount(self) -> None:
        from themes import DEFAULT_THEME, load_themes

        for theme in load_themes():
            self.register_theme(theme)
        self.theme = DEFAULT_THEME
        self._keep_typing_on_hangup()
        if self.login:
            self.sign_in(self.login)
        else:
            from tui.screens.staff_picker import StaffPickerScreen

            self.push_screen(StaffPickerScreen(self.store), self._picked)

    # -- quitting keeps what was typed ------------------------------------------------------------

    def _unsaved_editors(self) -> list:
        from tui.screens.note_editor import NoteEditorScreen

        return [s for s in reversed(self.screen_stack) if isinstance(s, NoteEditorScreen) and s.dirty]

    def keep_unsaved_typing(self) -> int:
        """Write every open editor's unsaved contents to this computer now; how many there were."""
        editors = self._unsaved_editors() + self._unsaved_plans()
        for editor in editors:
            editor.keep_on_this_computer()
        return len(editors)

    def _unsaved_plans(self) -> list:
        from tui.screens.plan import PlanScreen

        return [s for s in reversed(self.screen_stack) if isinstance(s, PlanScreen) and s.dirty]

    async def action_quit(self) -> None:
        """ctrl+q: with unsaved typing, keep it on this computer first, then ask before quitting."""
        editors = self._unsaved_editors()
        if not editors and self._unsaved_plans():
            self._ask_before_leaving_plans(self._unsaved_plans())
            return
        if not editors:
            self.exit()
            return
        from tui.dialogs.unsaved_note import quitting_dialog

        self.keep_unsaved_typing()
        editor = editors[0]  # the one on top; "s" saves it even when asked over another screen
        standing = editor.standing() if len(editors) == 1 else None

        for each in editors:
            each.hold_timers()

        def answered(answer: str | None) -> None:
            if answer == "s":
                editor.save(then="quit")
            elif answer == "k":
                self.exit()
            else:
                for each in editors:
                    each.resume_timers()

        self.push_screen(quitting_dialog(editor.title_text, standing, len(editors) - 1), answered)

    def _ask_before_leaving_plans(self, plans: list) -> None:
        """A plan's sections typed and not yet saved (its autosave waits for a pause): save them, then quit."""
        from tui.dialogs.confirm import ConfirmDialog

        def answered(answer: str | None) -> None:
            if answer == "s":
                plans[0].save_then_quit()
            elif answer == "q":
                self.exit()

        self.push_screen(ConfirmDialog("A plan has unsaved text", "What you typed in the plan is not in the record yet.",
                                       {"s": "Save it and quit", "q": "Quit without it", "escape": "Keep writing"}),
                         answered)

    def _keep_typing_on_hangup(self) -> None:
        """A closed terminal (SIGHUP) or a polite kill (SIGTERM) keeps unsaved typing, then quits."""
        loop = asyncio.get_running_loop()
        for number in (signal.SIGHUP, signal.SIGTERM):
            try:
                loop.add_signal_handler(number, self.closed_by_signal)
            except (NotImplementedError, RuntimeError, ValueError):  # not the main thread, or no such signal here
                pass

    def on_unmount(self) -> None:
        """Past this point a signal should do what it always does: end the process."""
        try:
            loop = asyncio.get_running_loop()
            for number in (signal.SIGHUP, signal.SIGTERM):
                loop.remove_signal_handler(number)
        except (NotImplementedError, RuntimeError, ValueError):
            pass

    def closed_by_signal(self) -> None:
        try:
            self.keep_unsaved_typing()
        finally:
            # A terminal closed under the app can leave Textual's exit waiting for good on a writer
            # thread that died on the hung-up terminal (seen: tmux kill-session). What was typed is on
            # disk and every save commits on its own, so the process ends shortly whatever the exit does.
            ender = threading.Timer(SIGNAL_EXIT_GRACE, os._exit, (1,))
            ender.daemon = True
            ender.start()
            self.exit(return_code=1)

    def action_switch_user(self) -> None:
        """Demo only: back to the staff picker to try another role."""
        from tui.screens.staff_picker import StaffPickerScreen

        if not self.is_demo:
            self.notify("Switching users is for the demo agency only.", severity="warning")
            return
        self._sign_ins += 1  # a sign-in still being read is not the one wanted any more
        self.keep_unsaved_typing()  # an editor left open is offered back at the next sign-in
        while len(self.screen_stack) > 1:
            self.pop_screen()
        # Signed out (``me`` None). The desk stays until the next sign-in replaces it: a screen just
        # popped may still have a read in flight that asks the app for it.
        self.me = None
        self.supervises, self.writes_notes, self.note_offers, self.outside = False, False, {}, False
        self._sub_title = ""
        self._show_unread(0)
        self.push_screen(StaffPickerScreen(self.store), self._picked)

    def _picked(self, login: str | None) -> None:
        if login is None:
            self.exit()
        else:
            self.sign_in(login)

    def sign_in(self, login: str) -> None:
        """Sign ``login`` in: the store is asked in a worker (who they are, what they may do, their
        caseload); ``_signed_in`` takes it from there."""
        self._sign_ins += 1
        self._read_sign_in(login, self._sign_ins)

    @work(thread=True, exclusive=True, group="sign-in", exit_on_error=False)
    def _read_sign_in(self, login: str, attempt: int) -> None:
        from tui.screens.caseload import read_caseload

        is_demo = self.store.is_demo
        try:
            desk = self.store.as_user(login)
            signed_in = SignedIn(attempt, login, desk, desk.me(), desk.supervises(), desk.writes_notes(), is_demo)
        except StoreError as error:
            self.post_message(SignInRefused(attempt, str(error), is_demo))
            return
        self.post_message(signed_in)
        # The caseload is read before its screen is made, so that the first frame has the rows (read
        # while the screen was being built, the query waited on the interpreter and the screen was
        # laid out twice); one slower than HOME_WAIT gets its screen saying it is loading.
        try:
            caseload = read_caseload(desk)
        except StoreError:  # the screen reads it again and says why it can't
            caseload = None
        self.post_message(HomeRead(desk, caseload))

    @on(SignedIn)
    def _signed_in(self, message: SignedIn) -> None:
        if message.attempt != self._sign_ins:  # the demo user was switched again meanwhile
            return
        self.login, self.desk, self.me = message.login, message.desk, message.me
        self.supervises, self.writes_notes, self.is_demo = message.supervises, message.writes_notes, message.is_demo
        self.outside = self.me.employer == "CASA"
        self.note_offers = {}
        self.prefs = Prefs(self.home, self.login)
        self.recovery = RecoveryBox(self.home, self.login)
        if self.prefs.theme in self.available_themes:
            self.theme = self.prefs.theme
        self._sub_title = " · ".join(
            part for part in (self.me.name, self.me.unit or self.me.agency, formatting.today(self.store.clock.now(), self.zone))
            if part)
        self._show_unread(0)
        self.refresh_inbox()
        if self._inbox_timer is None:
            self._inbox_timer = self.set_interval(INBOX_EVERY, self.refresh_inbox)
        self._home = None
        self.set_timer(HOME_WAIT, partial(self._show_home, desk=self.desk))
        self.index_soon()

    @on(SignInRefused)
    def _sign_in_refused(self, message: SignInRefused) -> None:
        if message.attempt != self._sign_ins:
            return
        self.is_demo = message.is_demo
        if not message.is_demo:  # signed in as one's own login, checked before the app opened: now gone
            self.exit(return_code=2, message=message.sentence)
            return
        from tui.screens.staff_picker import StaffPickerScreen

        self.notify(message.sentence, severity="error", timeout=8)
        self.push_screen(StaffPickerScreen(self.store), self._picked)

    @on(HomeRead)
    def _home_read(self, message: HomeRead) -> None:
        self._show_home(message.caseload, message.desk, coming=message.caseload is not None)

    def _show_home(self, caseload=None, desk=None, coming: bool = True) -> None:
        from tui.screens.caseload import CaseloadScreen

        if self.me is None or (desk is not None and desk is not self.desk):  # read for a worker signed out since
            return
        if self._home is None:
            self._home = (self._outside_home() if self.outside
                          else CaseloadScreen(caseload, coming=coming and caseload is None, desk=self.desk))
            self.push_screen(self._home)
            self.call_after_refresh(self.offer_recovered_drafts)
        elif caseload is not None and self._home.waiting:
            self._home.show(caseload)
        elif not coming and self._home.waiting:  # refused after the screen was shown saying it is loading
            self._home.waiting = False
            self._home.load()

    def _outside_home(self):
        """The advocate programme's people read no caseload: an advocate's home lists their children
        and requests, a representative's the advocates they manage."""
        from tui.screens.advocate_home import AdvocateHomeScreen

        if self.manages_advocates():
            from tui.screens.advocates import AdvocatesScreen

            return AdvocatesScreen(desk=self.desk)
        return AdvocateHomeScreen(desk=self.desk)

    def offer_recovered_drafts(self) -> None:
        """After a crash or a closed terminal: offer the editor's last unsaved contents back."""
        pending = self.recovery.pending() if self.recovery else []
        if not pending:
            return
        from tui.dialogs.confirm import ConfirmDialog

        key, data = pending[-1]
        more = f" (and {len(pending) - 1} more)" if len(pending) > 1 else ""
        question = (f"casenotes closed before this draft was saved: {data.get('title', 'a note')}, last typed "
                    f"{data.get('typed_at', 'recently')}{more}. Open it again?")

        def answered(answer: str | None) -> None:
            if answer == "enter" and "plan_id" in data:  # a plan's sections (tui/screens/plan_keeping.py)
                from tui.screens.plan import PlanScreen

                self.push_screen(PlanScreen(data["plan_id"]))
            elif answer == "enter":
                self.open_editor(data["stage_id"], note_id=data.get("note_id"), amends=data.get("amends"),
                                 recovered=key)
            elif answer == "d":
                self.recovery.discard(key)

        self.push_screen(ConfirmDialog("Recovered draft", question,
                                       {"enter": "Open it", "d": "Throw it away", "escape": "Later"}), answered)

    def open_case(self, case_id: int, stage_id: int | None = None) -> None:
        from tui.screens.case import CaseScreen

        self.push_screen(CaseScreen(case_id, stage_id))

    def new_note(self, stage_id: int) -> None:
        """ctrl+n: the editor for a new note in the stage, or the store's reason why this worker may
        not begin one there (an advocate, a closed investigation…), said before anything is typed."""
        if stage_id in self.note_offers:
            self._offer_new_note(stage_id, self.note_offers[stage_id])
        else:
            self._ask_note_offer(self.desk, stage_id, self.screen)

    def know_note_offer(self, stage_id: int) -> None:
        """Ask ahead (a stage highlighted or opened), so that ctrl+n answers at once and the keys typed
        after it reach the editor."""
        self._ask_note_offer(self.desk, stage_id, None)

    @work(thread=True, group="note-offer", exit_on_error=False)
    def _ask_note_offer(self, desk, stage_id: int, open_on) -> None:
        if desk is None:
            return
        try:
            refusal = desk.may_add_note(stage_id)
        except StoreError as error:
            refusal = str(error)
        self.post_message(NoteOffer(desk, stage_id, refusal, open_on))

    @on(NoteOffer)
    def _note_offered(self, message: NoteOffer) -> None:
        if self.me is None or message.desk is not self.desk:  # asked for a worker signed out since
            return
        self.note_offers[message.stage_id] = message.refusal
        if message.open_on is not None and message.open_on is self.screen:
            self._offer_new_note(message.stage_id, message.refusal)

    def _offer_new_note(self, stage_id: int, refusal: str | None) -> None:
        if refusal:
            self.notify(refusal, title="No new note here", severity="warning", timeout=8)
        else:
            self.open_editor(stage_id)

    def open_editor(self, stage_id: int, *, note_id: int | None = None, amends: int | None = None,
                    recovered: str | None = None) -> None:
        from tui.screens.note_editor import NoteEditorScreen

        self.push_screen(NoteEditorScreen(stage_id, note_id=note_id, amends=amends, recovered=recovered))

    def open_note(self, note_id: int) -> None:
        from tui.screens.note import NoteScreen

        self.push_screen(NoteScreen(note_id))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys for the supervisors' screens are offered only to those who supervise someone, and the
        casework screens not to the advocate programme's people."""
        if action in CASEWORK_ONLY and self.outside:
            return False
        return not (action in SUPERVISORS_ONLY and not self.supervises)

    def offers(self, action: str) -> bool:
        """Whether this app-wide action is offered to the signed-in worker (the palette asks)."""
        return self.check_action(action, ()) is not False

    # -- the inbox: the unread count in every screen's header, the Inbox screen, where Enter goes ------

    def action_inbox(self) -> None:
        """F2: the Inbox screen, from anywhere (every role has one)."""
        from tui.screens.inbox import InboxScreen

        if self.me is not None and not isinstance(self.screen, InboxScreen):
            self.push_screen(InboxScreen())

    def refresh_inbox(self) -> None:
        """Look for what has become due (the store's sweep), count the unread, and e-mail what is new."""
        if self.desk is not None and self.me is not None:
            self._read_inbox(self.desk)

    @work(thread=True, exclusive=True, group="inbox-count", exit_on_error=False)
    def _read_inbox(self, desk) -> None:
        """A convenience beside the record: a failure is written to casenotes.log, not said every minute."""
        try:
            desk.check_notifications()
            self.post_message(InboxCounted(desk, desk.unread_count()))
            desk.deliver_mail()
        except StoreError as error:  # the relay down (MailNotSent), the database busy: next time
            write_down(self.home / LOG_NAME, f"the inbox was not brought up to date: {error}", None)
        except Exception as error:  # never a traceback on screen for a look made in the background
            write_down(self.home / LOG_NAME, "the inbox was not brought up to date", error)

    @on(InboxCounted)
    def _inbox_counted(self, message: InboxCounted) -> None:
        if self.me is not None and message.desk is self.desk:
            self._show_unread(message.unread)

    def _show_unread(self, unread: int) -> None:
        """The count goes beside the app's name, where an 80-column header still shows it."""
        self.unread = unread
        self.title = f"{self.TITLE} · {unread} unread (F2)" if unread and self._sub_title else self.TITLE
        self.sub_title = self._sub_title

    def open_notified(self, notification) -> None:
        """Enter on a notification: the note; a document (its open dialog); an access request (its
        decide dialog; the advocate's own decided request: their home, which lists it); an absence (My
        deadlines); else the case and stage it is about."""
        entity, entity_id = notification.entity, notification.entity_id
        if entity == "note" and entity_id is not None:
            self.open_note(entity_id)
        elif entity == "plan" and entity_id is not None:  # a plan returned or approved
            from tui.screens.plan import PlanScreen

            self.push_screen(PlanScreen(entity_id))
        elif entity == "document" and entity_id is not None:
            self.open_document(entity_id)
        elif entity == "appointment" and self.outside:  # an advocate's request decided: their home lists it
            self.action_caseload()
        elif entity == "appointment" and entity_id is not None:
            self.open_request(entity_id)
        elif entity == "absence":
            self.action_deadlines()
        elif notification.case_id is not None:
            self.open_case(notification.case_id, notification.stage_id)
        else:
            self.notify("This notification has nothing to open.", timeout=4)

    def action_caseload(self) -> None:
        from tui.screens.caseload import CaseloadScreen

        while len(self.screen_stack) > 2 and not isinstance(self.screen, CaseloadScreen):
            self.pop_screen()

    def search_index(self):
        """The store's search engine, opened on first use (from a worker thread: the index follower
        and a search may both be first): the note index beside a SQLite file, or on PostgreSQL the
        database itself, which leaves nothing on this computer and has nothing to catch up."""
        with self._opening_index:
            if self._search_index is None:
                from search import open_search

                self._search_index = open_search(self.store)
            return self._search_index

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def index_soon(self) -> None:
        """Bring the index up to the change log, off the UI thread (after a save, at sign-in)."""
        if not self.indexing:
            return
        try:
            self.search_index().catch_up()
        except Exception as error:  # the index is a convenience; the record is already safe
            self.post_message(IndexNotUpdated(str(error)))

    @on(IndexNotUpdated)
    def _index_not_updated(self, message: IndexNotUpdated) -> None:
        self.notify(f"Search index not updated: {message.reason}", severity="warning")

    # -- the editor's saves come here: they matter after the editor has closed too -----------------

    @on(NoteSaved)
    def _note_saved(self, message: NoteSaved) -> None:
        self.index_soon()  # searchable within a second, without the save waiting for it
        if is_shown(message.editor):  # else closed meanwhile (kept on this computer, or thrown away)
            message.editor.saved(message.note, message.then, message.form)

    @on(NoteNotSaved)
    def _note_not_saved(self, message: NoteNotSaved) -> None:
        if message.keep is not None:
            message.editor.keep_on_this_computer(message.keep)
        if is_shown(message.editor):
            message.editor.problem(message.sentence, message.unsaved)
        else:  # closed while the save was under way: say so where the worker is now
            self.notify(message.sentence, severity="error", timeout=8)

    @on(DraftNotThrownAway)
    def _draft_not_thrown_away(self, message: DraftNotThrownAway) -> None:
        self.notify(f"The draft was not thrown away: {message.sentence}", severity="error", timeout=8)

    def action_search(self, family: int | None = None, family_name: str | None = None) -> None:
        from tui.screens.search import SearchScreen

        self.push_screen(SearchScreen(family, family_name))

    def action_review_queue(self) -> None:
        from tui.screens.review_queue import ReviewQueueScreen

        self.push_screen(ReviewQueueScreen())

    def action_plan_review_queue(self) -> None:
        from tui.screens.plan_review_queue import PlanReviewQueueScreen

        if not isinstance(self.screen, PlanReviewQueueScreen):
            self.push_screen(PlanReviewQueueScreen())

    def action_deadlines(self, plan_absence: bool = False) -> None:
        from tui.screens.deadlines import DeadlinesScreen

        if isinstance(self.screen, DeadlinesScreen):
            if plan_absence:
                self.screen.action_plan_absence()
        else:
            self.push_screen(DeadlinesScreen(plan_absence=plan_absence))

    def action_visits(self) -> None:
        from tui.screens.visits import VisitsScreen

        if not isinstance(self.screen, VisitsScreen):
            self.push_screen(VisitsScreen())

    def action_staff(self) -> None:
        """The Staff screen for those with MAINTAIN STAFF; anyone else is told the store's reason."""
        from tui.screens.staff import StaffScreen

        if not isinstance(self.screen, StaffScreen):
            self._ask_staff_offer(self.desk)

    @work(thread=True, exclusive=True, group="staff-offer", exit_on_error=False)
    def _ask_staff_offer(self, desk) -> None:
        if desk is not None:
            self.post_message(StaffOffered(desk, desk.may_maintain_staff()))

    @on(StaffOffered)
    def _staff_offered(self, message: StaffOffered) -> None:
        from tui.screens.staff import StaffScreen

        if self.me is None or message.desk is not self.desk or isinstance(self.screen, StaffScreen):
            return
        if message.refusal:
            self.notify(message.refusal, title="Staff administration", severity="warning", timeout=8)
        else:
            self.push_screen(StaffScreen())

    def action_unit_coverage(self) -> None:
        from tui.screens.unit_coverage import UnitCoverageScreen

        if not isinstance(self.screen, UnitCoverageScreen):
            self.push_screen(UnitCoverageScreen())

    def action_timeliness(self) -> None:
        from tui.screens.timeliness import TimelinessScreen

        if not isinstance(self.screen, TimelinessScreen):
            self.push_screen(TimelinessScreen())

    def action_intake(self) -> None:
        """A new family: the Intake screen, or the store's reason why this worker may not do intake."""
        from tui.screens.intake import IntakeScreen

        if not isinstance(self.screen, IntakeScreen):
            self._ask_intake_offer(self.desk)

    @work(thread=True, group="intake-offer", exit_on_error=False)
    def _ask_intake_offer(self, desk) -> None:
        if desk is not None:
            self.post_message(IntakeOffer(desk, desk.may_do_intake()))

    @on(IntakeOffer)
    def _intake_offered(self, message: IntakeOffer) -> None:
        from tui.screens.intake import IntakeScreen

        if self.me is None or message.desk is not self.desk or isinstance(self.screen, IntakeScreen):
            return
        if message.refusal:
            self.notify(message.refusal, title="No intake", severity="warning", timeout=8)
        else:
            self.push_screen(IntakeScreen())

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_next_theme(self) -> None:
        from themes import THEME_NAMES

        names = list(THEME_NAMES)
        current = names.index(self.theme) if self.theme in names else -1
        self.set_theme(names[(current + 1) % len(names)])

    def set_theme(self, name: str) -> None:
        self.theme = name
        if self.prefs:
            self.prefs.theme = name
        self.notify(f"Theme: {name.removeprefix('casenotes-').replace('-', ' ')}", timeout=2)
