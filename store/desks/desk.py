"""``Desk``: everything one signed-in worker can do, each call one unit of work with its rules."""

from store.desks.activity import ActivityDesk
from store.desks.advocacy import AdvocacyDesk
from store.desks.child_notes import ChildNotesDesk
from store.desks.court_record import CourtRecordDesk
from store.desks.deadlines import DeadlineDesk
from store.desks.inbox import InboxDesk
from store.desks.documents import DocumentDesk
from store.desks.intake import IntakeDesk
from store.desks.note_defaults import NoteDefaultsDesk
from store.desks.notes import NoteDesk
from store.desks.offers import OfferDesk
from store.desks.placements import PlacementDesk
from store.desks.plan_coverage import PlanCoverageDesk
from store.desks.plan_offers import PlanOfferDesk
from store.desks.plans import PlanDesk
from store.desks.plans_due import PlansDueDesk
from store.desks.record import RecordDesk
from store.desks.review import ReviewDesk
from store.desks.roles import RoleDesk
from store.desks.stage_persons import StagePersonDesk
from store.desks.stages import StageDesk
from store.desks.staff import StaffDesk
from store.desks.timeliness import TimelinessDesk
from store.desks.visits import VisitDesk


class Desk(NoteDesk, ReviewDesk, RecordDesk, StageDesk, VisitDesk, DeadlineDesk, TimelinessDesk, NoteDefaultsDesk,
           OfferDesk, ActivityDesk, IntakeDesk, StagePersonDesk, RoleDesk, PlacementDesk,
           StaffDesk, InboxDesk, DocumentDesk, ChildNotesDesk, AdvocacyDesk, CourtRecordDesk, PlanDesk,
           PlanOfferDesk, PlanCoverageDesk, PlansDueDesk):
    """Acts as one worker: ``store.as_user(login)``."""
