"""``Desk``: everything one signed-in worker can do, each call one unit of work with its rules."""

from .deadlines import DeadlineDesk
from .note_defaults import NoteDefaultsDesk
from .notes import NoteDesk
from .offers import OfferDesk
from .reading import ReadingDesk
from .review import ReviewDesk
from .stages import StageDesk
from .timeliness import TimelinessDesk
from .visits import VisitDesk


class Desk(NoteDesk, ReviewDesk, ReadingDesk, StageDesk, VisitDesk, DeadlineDesk, TimelinessDesk, NoteDefaultsDesk,
           OfferDesk):
    """Acts as one worker: ``store.as_user(login)``."""
