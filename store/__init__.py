"""casenotes' storage layer: the record, its rules, and the only API that changes it.

Import nothing from ``search`` or ``tui`` here: they stand on this package, not the other way.
"""

from store.core.clock import Clock, FrozenClock, SystemClock
from store.core.errors import (CannotOpen, DatabaseBusy, DatabaseUnavailable, InvalidAbsence, InvalidDocument,
                               InvalidNote, InvalidPlan, InvalidReport, InvalidRequest, InvalidStage, InvalidTransition,
                               NoAccess, NoteFrozen, NotAuthor, NotFound, StaleEdit, StoreError)
from store.core.policy import Policy, PolicyError
from store.service import Store

__all__ = [
    "Clock", "FrozenClock", "SystemClock", "Policy", "PolicyError", "Store", "StoreError", "NoAccess",
    "NotAuthor", "NoteFrozen", "InvalidTransition", "StaleEdit", "InvalidNote", "InvalidStage", "NotFound",
    "CannotOpen", "DatabaseBusy", "DatabaseUnavailable", "InvalidAbsence", "InvalidReport",
    "InvalidRequest", "InvalidDocument", "InvalidPlan",
]
