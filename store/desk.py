"""``Desk``: everything one signed-in worker can do, each call one unit of work with its rules."""

from .notes import NoteDesk
from .reading import ReadingDesk
from .review import ReviewDesk
from .stages import StageDesk


class Desk(NoteDesk, ReviewDesk, ReadingDesk, StageDesk):
    """Acts as one worker: ``store.as_user(login)``."""
