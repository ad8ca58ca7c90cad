"""What workers send back to the UI thread: one small message per answer, named for what it carries.

The worker rule: a worker reads or writes through the desk and posts one of these; an ``@on``
handler on the UI thread owns everything that follows — widgets, screen state, notices, the next
screen. A worker never calls into a screen. Textual drops a message posted
to a screen that has gone, so an answer that comes after the user left (Esc, "Switch demo user") is
simply lost instead of reaching into removed widgets; handlers are also wrapped in ``while_shown``
for an answer already queued as the screen leaves. A worker that fails is said by the one handler in
tui/worker_failures.py, so a refusal that needs nothing but a notice has no message of its own here.

Every message goes to the node it was posted to only (``bubble=False``): the app's to the app, a
screen's to that screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from textual.screen import ModalScreen, Screen
    from textual.worker import Worker

    from store.core.plan_results import PlanView
    from store.desks.desk import Desk
    from store.desks.note_defaults import NoteDefaults
    from store.core.plan_results import CasePlanDue
    from store.core.results import (
        AbsenceView,
        AccessLogEntry,
        CaseActivity,
        CaseView,
        DocumentView,
        NoteHistory,
        NoteView,
        NotificationView,
        Obligation,
        ReturnedNote,
        ReturnPlan,
        ReviewItem,
        StaffMember,
        StageView,
        Timeliness,
        UnitView,
        WorkerView,
    )
    from store.desks.visits import ChildVisits
    from store.core.coverage_results import ChildCoverage, UnitCoverageRow


# -- the app: signing in, the first screen, ctrl+n, the search index, the editor's saves --------------

@dataclass
class SignedIn(Message, bubble=False):
    """Who signed in, as the store knows them (read in a worker: the desk's first reads)."""

    attempt: int  # which sign-in this answers: one overtaken by "Switch demo user" is dropped
    login: str
    desk: Desk
    me: WorkerView
    supervises: bool
    writes_notes: bool
    is_demo: bool


@dataclass
class SignInRefused(Message, bubble=False):
    attempt: int
    sentence: str
    is_demo: bool


@dataclass
class HomeRead(Message, bubble=False):
    """The first caseload of a sign-in (``caseload`` None: the store refused; the screen reads again)."""

    desk: Desk
    caseload: Any | None  # tui.screens.caseload.Caseload (messages sit below the screens)


@dataclass
class NoteOffer(Message, bubble=False):
    """Whether this worker may begin a note in the stage (``refusal`` None) or why not."""

    desk: Desk
    stage_id: int
    refusal: str | None
    open_on: Screen | None = None  # the screen whose ctrl+n asked: open the editor if still on it


@dataclass
class IndexNotUpdated(Message, bubble=False):
    reason: str


@dataclass
class NoteSaved(Message, bubble=False):
    """A save of the editor's form landed (``then``: what was asked after it: submit, close, quit).
    Posted to the app, not the editor: the search index follows even when the editor has closed."""

    editor: Screen
    note: NoteView
    then: str | None
    form: dict


@dataclass
class NoteNotSaved(Message, bubble=False):
    """The store refused a save; said in the editor, or by the app when the editor has closed."""

    editor: Screen
    sentence: str
    unsaved: bool = True  # False: saved as a draft, only the submit after it was refused
    keep: dict | None = None  # the form to keep on this computer (another save came first)


@dataclass
class DraftNotThrownAway(Message, bubble=False):
    sentence: str


# -- the staff picker, the caseload ---------------------------------------------------------------------

@dataclass
class StaffRead(Message, bubble=False):
    staff: list[WorkerView]


@dataclass
class CaseloadRead(Message, bubble=False):
    caseload: Any  # tui.screens.caseload.Caseload


# -- a case ---------------------------------------------------------------------------------------------

@dataclass
class CaseRead(Message, bubble=False):
    case: CaseView
    activity_refusal: str | None = None  # why the family's activity history is not the reader's (t not offered)


@dataclass
class CaseRefused(Message, bubble=False):
    sentence: str


@dataclass
class NotesRead(Message, bubble=False):
    """A stage's note ids and its first page of notes."""

    stage_id: int
    ids: list[int]
    notes: list[NoteView]
    deadlines: dict[int, Obligation]
    not_shown: str | None  # the store's sentence on notes this reader may not see


@dataclass
class PageRead(Message, bubble=False):
    ids: list[int]
    notes: list[NoteView]
    deadlines: dict[int, Obligation]
    generation: int  # of the list that asked: a list shown again since ignores it


@dataclass
class PageFailed(Message, bubble=False):
    ids: list[int]
    generation: int
    sentence: str


@dataclass
class ActionsRead(Message, bubble=False):
    """What this worker may do with the note: each action's refusal, None where allowed."""

    note_id: int
    actions: dict[str, str | None]


@dataclass
class NoteMoved(Message, bubble=False):
    """A note was submitted, recalled or discarded (``done`` says which): the stage's notes are read again."""

    stage_id: int
    done: str


# -- a note, its history ----------------------------------------------------------------------------------

@dataclass
class NoteRead(Message, bubble=False):
    history: NoteHistory
    actions: dict[str, str | None]
    plan_elements: tuple = ()  # the PlanElements the note says were discussed (none for who reads no plans)


@dataclass
class NoteApproved(Message, bubble=False):
    pass


@dataclass
class HistoryRead(Message, bubble=False):
    history: NoteHistory


@dataclass
class HistoryRefused(Message, bubble=False):
    sentence: str


# -- the note editor --------------------------------------------------------------------------------------

@dataclass
class EditorRead(Message, bubble=False):
    """What the editor is filled from: the stage, the note (editing or amending), a new note's
    defaults, the note's deadline, and what was typed and kept on this computer."""

    stage: StageView
    note: NoteView | None
    defaults: NoteDefaults | None
    deadline: Obligation | None
    history: NoteHistory | None
    kept: dict | None
    plan_elements: list = field(default_factory=list)  # the note's [plan id, section key] pairs in the record


@dataclass
class EditorRefused(Message, bubble=False):
    sentence: str


# -- the review queue -------------------------------------------------------------------------------------

@dataclass
class QueueRead(Message, bubble=False):
    items: list[ReviewItem]
    whole: bool  # the whole queue, or its first screenful
    worker: Worker  # the load that read it: one overtaken by a newer load is not shown


@dataclass
class ApproveAsked(Message, bubble=False):
    notes: list[tuple[int, int]]  # (id, version) of each note to approve
    not_opened: int | None  # how many of them the supervisor has not opened
    dialog: ModalScreen  # the question, already shown, that this completes
    refusal: str | None = None  # the store's sentence when it could not say


@dataclass
class NotesApproved(Message, bubble=False):
    text: str
    refused: bool  # some were not approved (the text says which and why)


@dataclass
class ReturnAsked(Message, bubble=False):
    item: ReviewItem
    refusal: str | None


# -- my deadlines, an absence, visits, Timeliness, search ----------------------------------------------

@dataclass
class DeadlinesRead(Message, bubble=False):
    mine: list[Obligation]
    team: list[Obligation]
    away: list[AbsenceView]
    next_away: AbsenceView | None
    boss: bool
    plans: list[CasePlanDue]  # mine, then my team's (a supervisor's), soonest first


@dataclass
class AbsenceCancelled(Message, bubble=False):
    pass


@dataclass
class AbsencePlanned(Message, bubble=False):
    absence: AbsenceView


@dataclass
class AbsenceRefused(Message, bubble=False):
    sentence: str


@dataclass
class VisitsRead(Message, bubble=False):
    children: list[ChildVisits]


@dataclass
class ReportRead(Message, bubble=False):
    report: Timeliness
    days: int


@dataclass
class ReportRefused(Message, bubble=False):
    sentence: str


@dataclass
class ReportExported(Message, bubble=False):
    """Where the CSV was saved, or why not."""

    sentence: str
    severity: str = "information"


@dataclass
class Found(Message, bubble=False):
    text: str
    order: str
    results: Any  # search.SearchResults (tui imports search lazily)


@dataclass
class SearchFailed(Message, bubble=False):
    sentence: str


# -- returning a note -------------------------------------------------------------------------------------

@dataclass
class ReturnPlanned(Message, bubble=False):
    """When the correction would be due, and the store's warning if that falls after the note freezes."""

    plan: ReturnPlan


@dataclass
class ReturnPlanRefused(Message, bubble=False):
    sentence: str


@dataclass
class NoteReturned(Message, bubble=False):
    result: ReturnedNote


@dataclass
class ReturnRefused(Message, bubble=False):
    sentence: str


# -- a case's activity history -------------------------------------------------------------------------

@dataclass
class ActivityRead(Message, bubble=False):
    """A page of a case's activity history; ``older``: the page after those already listed."""

    activity: CaseActivity
    older: bool


@dataclass
class ActivityRefused(Message, bubble=False):
    """The store's sentence for a reader who may not read the case's activity history."""

    case_id: int
    sentence: str


# -- a stage's course: progress, App/Reg, start closing, close (tui/screens/stage_course_keys.py) --------

@dataclass
class StageCourseRead(Message, bubble=False):
    """What the worker may do with the stage's course, asked for the key ``action`` that was pressed."""

    action: str
    course: Any  # store.core.results.StageCourse


@dataclass
class StageChanged(Message, bubble=False):
    """The stage as the change left it (for a progression, the new stage), and what to say."""

    stage: StageView
    done: str


@dataclass
class StageChangeRefused(Message, bubble=False):
    sentence: str


# -- a stage's people: its persons, roles and placements (tui/dialogs/stage_people.py) ----------------

@dataclass
class StagePeopleRead(Message, bubble=False):
    """A stage's persons, roles or placements (``topic``), with the store's answer whether this worker
    may change them (None, or the sentence why not)."""

    topic: str
    stage_id: int
    view: Any
    refusal: str | None


@dataclass
class StagePeopleChoices(Message, bubble=False):
    """Whom a change may name (the workers who may take a role), read for ``purpose``."""

    purpose: Any
    choices: Any


@dataclass
class StagePeopleChanged(Message, bubble=False):
    topic: str
    done: str


# -- intake: a new family and its first stage ------------------------------------------------------

@dataclass
class IntakeOffer(Message, bubble=False):
    """Whether this worker may do intake (``refusal`` None) or the store's sentence why not."""

    desk: Desk
    refusal: str | None


@dataclass
class IntakeChoicesRead(Message, bubble=False):
    choices: Any  # store.core.intake_forms.IntakeChoices


@dataclass
class EarlierCasesRead(Message, bubble=False):
    """Closed families matching what was typed in the Intake screen's link box."""

    typed: str
    cases: list[Any]  # store.core.intake_forms.EarlierCase


@dataclass
class FamilyOpened(Message, bubble=False):
    opened: Any  # store.core.intake_forms.IntakeOpened


@dataclass
class FamilyNotOpened(Message, bubble=False):
    sentence: str


# -- staff administration (MAINTAIN STAFF) ---------------------------------------------------------------

@dataclass
class StaffOffered(Message, bubble=False):
    """Whether this worker may administer staff (``refusal`` None) or the store's reason why not."""

    desk: Desk
    refusal: str | None


@dataclass
class StaffListRead(Message, bubble=False):
    staff: list[StaffMember]
    units: list[UnitView]


@dataclass
class StaffChanged(Message, bubble=False):
    """A staff change landed; ``notice`` says what was done."""

    notice: str


@dataclass
class StaffChangeRefused(Message, bubble=False):
    sentence: str


# -- documents: the file picker, uploads, a child's documents, the access log ----------------------------

@dataclass
class FolderListed(Message, bubble=False):
    """A folder's entries for the file picker: (name, is a folder, size in bytes), sorted."""

    folder: Path
    entries: tuple[tuple[str, bool, int], ...]


@dataclass
class FolderNotListed(Message, bubble=False):
    folder: Path
    sentence: str


# -- a court-appointed advocate's own screens ----------------------------------------------------------

@dataclass
class AdvocateHomeRead(Message, bubble=False):
    """An advocate's children (their open access) and their requests for access."""

    children: list[Any]  # store.core.results.AdvocateChildView
    requests: list[Any]  # store.core.results.AccessRequestView


@dataclass
class ChildRead(Message, bubble=False):
    """What an advocate reads of one child: the ids of the approved notes the child took part in, the
    first page of them, the documents."""

    child_id: int
    ids: list[int]
    notes: list[NoteView]
    documents: list[Any]  # store.core.results.DocumentView


@dataclass
class DocumentsRead(Message, bubble=False):
    """The documents of a case's children that the reader may read (the case screen's documents)."""

    case_id: int
    documents: list[DocumentView]


@dataclass
class DocumentsRefused(Message, bubble=False):
    sentence: str


@dataclass
class DocumentRead(Message, bubble=False):
    """What is known of one document (no content: nothing audited)."""

    document: DocumentView


@dataclass
class UploadChecked(Message, bubble=False):
    """The file chosen for an upload, read and checked before it is sent: ``said`` what it is, or
    ``refusal`` why it cannot be kept."""

    path: Path
    said: str
    refusal: str | None


@dataclass
class DocumentRefused(Message, bubble=False):
    """An upload, a copy or a withdrawal refused: the sentence is said in the dialog."""

    sentence: str


@dataclass
class DocumentUploaded(Message, bubble=False):
    document: Any  # store.core.results.DocumentView
    child_name: str


@dataclass
class DocumentCopied(Message, bubble=False):
    """A document's copy written to the folder chosen; ``opened``: handed to the system's viewer."""

    path: Path
    opened: bool


@dataclass
class DocumentWithdrawn(Message, bubble=False):
    document: DocumentView


@dataclass
class AccessLogRead(Message, bubble=False):
    case_id: int
    entries: list[AccessLogEntry]


@dataclass
class AccessLogRefused(Message, bubble=False):
    sentence: str


# -- the inbox ---------------------------------------------------------------------------------------

@dataclass
class InboxCounted(Message, bubble=False):
    """How many notifications wait unread for the worker of ``desk`` (the header shows it)."""

    desk: Desk
    unread: int


@dataclass
class InboxRead(Message, bubble=False):
    notifications: list[NotificationView]
    unread: int


@dataclass
class InboxMarked(Message, bubble=False):
    """Notifications were marked read; ``then``: the one Enter opens next (None: stay)."""

    marked: int
    then: NotificationView | None = None


# -- advocates' access (issue 18, A): the representatives' screen, requests and their decision -------------

@dataclass
class AdvocatesRead(Message, bubble=False):
    accounts: list[Any]  # AdvocateAccountView


@dataclass
class AdvocateChanged(Message, bubble=False):
    """A representative's change went through: what to say."""

    said: str


@dataclass
class AdvocateRefused(Message, bubble=False):
    sentence: str


@dataclass
class AccessRequestFiled(Message, bubble=False):
    request: Any  # AccessRequestView


@dataclass
class AccessRequestDecided(Message, bubble=False):
    request: Any  # AccessRequestView


@dataclass
class AccessRequestRefused(Message, bubble=False):
    sentence: str


@dataclass
class AccessRequestsRead(Message, bubble=False):
    requests: list[Any]  # AccessRequestView


@dataclass
class AccessRequestsWaiting(Message, bubble=False):
    """How many advocates' requests for a family's children wait for the reader's decision."""

    count: int


@dataclass
class CourtRecordWritten(Message, bubble=False):
    """A family's court record written as a PDF: where, how many notes (and how many not approved),
    and its manifest hash."""

    path: Path
    notes: int
    unapproved: int
    documents: int
    manifest_sha256: str


@dataclass
class CourtRecordRefused(Message, bubble=False):
    """The store's sentence; ``before_choosing``: asked as the dialog opened (the record is not the
    reader's to produce at all), not about one attempt to write it."""

    sentence: str
    before_choosing: bool = False


# -- case plans (issue 19): the plans list, the plan screen and its dialogs, the plan review queue ------------

@dataclass
class PlansRead(Message, bubble=False):
    """A family's plans, the family itself (its children), and whether this worker may start plans."""

    case: CaseView
    plans: list[PlanView]
    drafting_refusal: str | None


@dataclass
class PlanRead(Message, bubble=False):
    """One plan, the family's persons (participants are chosen from them) and what this worker may do."""

    plan: PlanView
    case: CaseView
    actions: dict[str, str | None]
    returned: str | None = None  # a returned plan: its supervisor's comment


@dataclass
class PlanStarted(Message, bubble=False):
    plan: PlanView
    said: str


@dataclass
class PlanSectionSaved(Message, bubble=False):
    """A section's text landed in the record (``number``: which save of the screen's it was)."""

    key: str
    text: str
    plan: PlanView
    number: int


@dataclass
class PlanNotSaved(Message, bubble=False):
    """A save was refused: the sentence; what was typed stays on screen. ``stale``: another window saved
    the plan first."""

    key: str
    sentence: str
    stale: bool = False


@dataclass
class PlanChanged(Message, bubble=False):
    """A change other than a section's text landed (participants, sent, approved, returned, a contest)."""

    plan: PlanView
    said: str
    leave: bool = False  # the screen has done its part (a plan sent or reviewed): back to the list


@dataclass
class PlanQueueRead(Message, bubble=False):
    plans: list[PlanView]


@dataclass
class PlanRefused(Message, bubble=False):
    """A plan dialog's change refused: the store's sentence, said in the dialog, which stays open."""

    sentence: str


# -- plan coverage (issue 19) -----------------------------------------------------------------------------

@dataclass
class FamilyCoverageRead(Message, bubble=False):
    children: list[ChildCoverage]


@dataclass
class UnitCoverageRead(Message, bubble=False):
    rows: list[UnitCoverageRow]
