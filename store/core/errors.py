"""Typed refusals of the store: each carries a sentence a caseworker understands."""


class StoreError(Exception):
    """Base of every refusal. ``str(error)`` is the sentence to show the user."""

    default = "That could not be done."

    def __init__(self, message: str | None = None):
        super().__init__(message or self.default)

    @property
    def message(self) -> str:
        return str(self.args[0])


class NoAccess(StoreError):
    default = "You do not have access to this case."


class NotAuthor(StoreError):
    default = "Only the note's author or the person who entered it may change it."


class NoteFrozen(StoreError):
    default = "This note can no longer be changed; correct it with an addendum."


class InvalidTransition(StoreError):
    default = "The note is not in a state that allows this."


class StaleEdit(StoreError):
    default = (
        "Someone saved this note after you opened it. Your changes were not saved; "
        "reopen the note to see the latest version."
    )


class InvalidNote(StoreError):
    default = "The note is not valid."


class InvalidStage(StoreError):
    """A stage or role assignment rule was broken (closing, roles, FSI person list)."""

    default = "That change to the stage is not allowed."


class InvalidAbsence(StoreError):
    """A planned absence that cannot be recorded as given."""


class InvalidReport(StoreError):
    """A report asked for with settings it cannot take (e.g. a period of no days)."""


class InvalidRequest(StoreError):
    """A call made with arguments casenotes cannot use (a count that is not a whole number, …)."""

    default = "casenotes could not make sense of what was asked. Nothing was saved."


class InvalidDocument(StoreError):
    """A file that cannot go into a child's record as given: missing, a folder, empty, too large,
    not one of the kinds of file casenotes keeps, or a kind of document the policy does not list."""

    default = "That file cannot be kept in the record. Nothing was saved."


class InvalidPlan(StoreError):
    """A case plan's content the case-planning policy does not allow (a permanency goal not open to
    the child's age, a section the plan does not have)."""

    default = "The case plan is not valid."


class NotFound(StoreError):
    default = "That record does not exist."


class DatabaseBusy(StoreError):
    default = (
        "The database is busy with another save. Nothing was lost and nothing was saved yet; "
        "try again in a moment."
    )


class DatabaseUnavailable(StoreError):
    default = ("The database could not be reached or stopped the save. Nothing was saved; what you typed "
               "is still on your screen. Try again, and tell your administrator if it keeps happening.")


class CannotOpen(StoreError):
    """The database could not be opened; the sentence names it and says what to do."""

    default = "The database could not be opened; check the address given with --db."


class MailNotSent(StoreError):
    """The relay could not be reached; ``partly``: the addresses sent to before it failed."""

    default = ("casenotes could not reach the agency's mail relay; the notifications are in the inbox and "
               "their e-mail will be tried again.")

    def __init__(self, message: str | None = None, *, partly: list[str] | None = None):
        super().__init__(message)
        self.partly = tuple(partly or ())
