"""The court record (issue 19, item 4): what ``Desk.court_record`` returns, and how its hashes are made.

Frozen dataclasses like those of ``store/core/results.py``, kept apart with the hashing rules, which a
court (or ``casenotes export --verify``) must be able to follow without casenotes.

How a note's hash is made
-------------------------
Each note is hashed as its *final revision* (the saved version the record shows: its latest) reads in
the court record, as one JSON object with exactly these keys:

``note`` (number), ``version`` (number), ``status`` ("approved", "final", "submitted"…), ``stage``
(e.g. "FSS-CWS"), ``event_at`` and ``entered_at`` (UTC, ISO 8601 to the second, e.g.
"2026-11-20T15:00:00Z"), ``author`` and ``entered_by`` (the workers' names), ``contact_type``,
``method`` and ``location`` (text or null), ``purposes`` and ``others`` (lists of text, in the record's
order), ``participants`` (the persons present, "First Last", in the order of their person numbers),
``narrative`` (the text exactly as saved) and ``amends_note`` (the number of the note an addendum
corrects, or null).

The JSON is written with its keys sorted, no spaces (separators "," and ":"), non-ASCII characters as
themselves (not ``\\u`` escapes), then encoded as UTF-8; the hash is the SHA-256 of those bytes, in
lower-case hexadecimal. In Python: ``hashlib.sha256(json.dumps(content, sort_keys=True,
ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()``. The names are those the record
holds when the hash is made, so a person's or worker's name corrected later makes the note differ
from a copy made before: the copy no longer reads as the record does.

How the manifest hash is made
-----------------------------
The same canonical JSON of an object with the keys ``agency``, ``case`` (number), ``family``,
``child`` (number or null), ``from`` and ``until`` (ISO dates or null), ``produced_by`` (the
worker's name), ``produced_by_login``, ``produced_at`` (UTC, as above), ``unapproved_included``
(true or false) and ``notes``: the list, in the record's order, of ``{"note": n, "version": v,
"sha256": h}``. The manifest printed at the end of a record (and embedded in its PDF as the file
``court-record-manifest.json``) holds those fields and ``manifest_sha256``.

How a plan's hash is made
-------------------------
A family's record carries the current approved plan of the family and of each child (a child's
record: that child's plan only; an advocate's record: none, since an advocate does not read plans).
Each is hashed as the same canonical JSON of an object with exactly these keys:

``plan`` (number), ``plan_version`` (1, 2…: the plan's approved versions), ``version`` (the saves of
that version), ``child`` (the child's person number, or null for the family plan), ``child_name``
("First Last" or null), ``plan_date`` (ISO date), ``status`` ("approved"), ``drafter`` and
``approved_by`` (the workers' names), ``approved_at`` (UTC, as above), ``participants`` (the list, in
the plan's order, of ``{"name": …, "role": …}`` as the plan recorded them), ``contests`` (the
requests for a hearing, in the order recorded, each ``{"requested_by": …, "requested_on": ISO date,
"provision": …}``) and ``sections`` (the list, in the plan's order, of ``{"key": …, "text": …}``:
every section the plan has for the child's age on the plan date, and any other it holds, with the
text exactly as approved, "" for one left empty). The section keys are stable; their titles, printed
beside them, are not hashed. A contest recorded after the copy was made makes the plan differ, since
the copy no longer reads as the record does.

The manifest (format "casenotes court record manifest 2") then also holds ``plans``: the list, in
the record's order, of ``{"plan": n, "version": v, "sha256": h}``, hashed with the rest. A manifest of
format 1 (made before plans entered the record) has no ``plans`` key, and its hash is made without
it: such copies still verify.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

from store.core.errors import InvalidRequest

MANIFEST_FILE = "court-record-manifest.json"
MANIFEST_FORMAT = "casenotes court record manifest 2"
MANIFEST_FORMATS = ("casenotes court record manifest 1", MANIFEST_FORMAT)  # 1: before plans were in it
APPROVED = ("approved", "final")  # a note a court may take as the agency's record; anything else is marked


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sha256_of(value: Any) -> str:
    """The SHA-256 of the value's canonical JSON (see the module's docstring)."""
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def utc_text(at: datetime | str | None) -> str | None:
    """An instant as the hashes write it: UTC, to the second, "2026-11-20T15:00:00Z" (naive = UTC)."""
    if at is None:
        return None
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    return at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class CourtReviewAction:
    action: str  # submit, approve, return, recall…
    at: datetime
    by_name: str
    comment: str | None


@dataclass(frozen=True)
class CourtNote:
    """One note as the court record shows it: its final revision, with its hash."""

    id: int
    version: int
    status: str
    stage_id: int
    stage: str  # "FSS-CWS"
    event_at: datetime
    entered_at: datetime
    author_name: str
    author_login: str
    entered_by_name: str
    entered_by_login: str
    contact_type: str
    method: str | None
    location: str | None
    purposes: tuple[str, ...]
    participants: tuple[str, ...]
    others: tuple[str, ...]
    narrative: str
    amends_note_id: int | None
    addendum_depth: int  # 0: a note; 1: an addendum shown under the note it corrects; 2: an addendum to that…
    review: tuple[CourtReviewAction, ...]
    sha256: str

    @property
    def approved(self) -> bool:
        return self.status in APPROVED


@dataclass(frozen=True)
class CourtDocument:
    """A document of a child's record, listed (its content is not in the court record)."""

    id: int
    child_name: str
    kind: str
    file_name: str
    uploaded_at: datetime
    uploaded_by_name: str
    sha256: str
    withdrawn_at: datetime | None
    withdrawal_reason: str | None


@dataclass(frozen=True)
class CourtPerson:
    id: int
    name: str
    relationship: str
    birth_date: date | None
    is_child: bool


@dataclass(frozen=True)
class CourtPlanSection:
    key: str  # stable (store/rules/plan_sections.py): what the hash holds
    title: str  # as the rules name it now: printed, not hashed
    text: str


@dataclass(frozen=True)
class CourtPlanParticipant:
    name: str
    role: str


@dataclass(frozen=True)
class CourtPlanContest:
    requested_by: str
    requested_on: date
    provision: str


@dataclass(frozen=True)
class PlanSummary:
    """The family's or a child's current approved case plan, as the court record shows it, with its hash."""

    plan_id: int
    child_id: int | None  # None: the family plan
    child_name: str | None
    plan_version: int
    version: int
    plan_date: date
    drafter_name: str
    approved_at: datetime
    approved_by_name: str
    participants: tuple[CourtPlanParticipant, ...]
    contests: tuple[CourtPlanContest, ...]
    sections: tuple[CourtPlanSection, ...]
    sha256: str

    @property
    def title(self) -> str:
        return "Family plan" if self.child_name is None else f"{self.child_name}'s plan (child {self.child_id})"


@dataclass(frozen=True)
class CourtHeader:
    agency: str
    case_id: int
    family_name: str
    child_id: int | None
    child_name: str | None
    since: date | None
    until: date | None
    produced_by_name: str
    produced_by_login: str
    produced_at: datetime
    unapproved_included: bool

    def manifest_fields(self) -> dict[str, Any]:
        return {"agency": self.agency, "case": self.case_id, "family": self.family_name, "child": self.child_id,
                "from": self.since.isoformat() if self.since else None,
                "until": self.until.isoformat() if self.until else None,
                "produced_by": self.produced_by_name, "produced_by_login": self.produced_by_login,
                "produced_at": utc_text(self.produced_at), "unapproved_included": self.unapproved_included}


@dataclass(frozen=True)
class ManifestEntry:
    note_id: int
    version: int
    sha256: str


@dataclass(frozen=True)
class PlanEntry:
    plan_id: int
    version: int
    sha256: str


@dataclass(frozen=True)
class CourtManifest:
    """What a court record says of itself, enough to check it against the database."""

    fields: dict[str, Any]  # CourtHeader.manifest_fields()
    entries: tuple[ManifestEntry, ...]
    manifest_sha256: str
    plans: tuple[PlanEntry, ...] | None = None  # None: a manifest of format 1, made before plans were in it

    def recomputed(self) -> str:
        """The manifest hash of these fields, notes and plans, made afresh."""
        return manifest_sha256(self.fields, self.entries, self.plans)

    def to_json(self) -> str:
        plans = {} if self.plans is None else {"plans": [_plan_entry(p) for p in self.plans]}
        return json.dumps({"format": MANIFEST_FORMAT if self.plans is not None else MANIFEST_FORMATS[0],
                           **self.fields, "notes": [_entry(e) for e in self.entries], **plans,
                           "manifest_sha256": self.manifest_sha256},
                          ensure_ascii=False, indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> CourtManifest:
        """Read a manifest written by ``to_json``; ``InvalidRequest`` with a sentence when it is not one."""
        try:
            data = json.loads(text)
        except (ValueError, TypeError):
            raise InvalidRequest("The court record's manifest is not readable JSON.") from None
        if not isinstance(data, dict) or data.get("format") not in MANIFEST_FORMATS:
            raise InvalidRequest("This is not a casenotes court record manifest.")
        try:
            entries = tuple(ManifestEntry(_whole(e["note"]), _whole(e["version"]), str(e["sha256"]))
                            for e in data["notes"])
            plans = None if data["format"] == MANIFEST_FORMATS[0] else tuple(
                PlanEntry(_whole(p["plan"]), _whole(p["version"]), str(p["sha256"])) for p in data["plans"])
            fields = {key: data[key] for key in MANIFEST_KEYS}
            return cls(fields, entries, str(data["manifest_sha256"]), plans)
        except (KeyError, TypeError, ValueError):
            raise InvalidRequest("The court record's manifest lacks some of its fields, so it cannot be "
                                 "checked.") from None


MANIFEST_KEYS = ("agency", "case", "family", "child", "from", "until", "produced_by", "produced_by_login",
                 "produced_at", "unapproved_included")


def _whole(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(value)
    return value


def _entry(entry: ManifestEntry) -> dict[str, Any]:
    return {"note": entry.note_id, "version": entry.version, "sha256": entry.sha256}


def _plan_entry(entry: PlanEntry) -> dict[str, Any]:
    return {"plan": entry.plan_id, "version": entry.version, "sha256": entry.sha256}


def manifest_sha256(fields: dict[str, Any], entries: tuple[ManifestEntry, ...] | list[ManifestEntry],
                    plans: tuple[PlanEntry, ...] | None = None) -> str:
    """The manifest hash (the module's docstring); ``plans`` None: a manifest of format 1, without them."""
    with_plans = {} if plans is None else {"plans": [_plan_entry(p) for p in plans]}
    return sha256_of({**fields, "notes": [_entry(e) for e in entries], **with_plans})


@dataclass(frozen=True)
class CourtRecord:
    header: CourtHeader
    persons: tuple[CourtPerson, ...]
    notes: tuple[CourtNote, ...]  # in event order, each note followed by its addenda
    documents: tuple[CourtDocument, ...]
    plans: tuple[PlanSummary, ...] = ()  # the current approved plans: the family's first, then each child's
    left_out: int = 0  # unapproved notes of the period left out (shown only as a count)

    @property
    def unapproved(self) -> int:
        return sum(not n.approved for n in self.notes)

    @property
    def manifest(self) -> CourtManifest:
        entries = tuple(ManifestEntry(n.id, n.version, n.sha256) for n in self.notes)
        plans = tuple(PlanEntry(p.plan_id, p.version, p.sha256) for p in self.plans)
        fields = self.header.manifest_fields()
        return CourtManifest(fields, entries, manifest_sha256(fields, entries, plans), plans)


@dataclass(frozen=True)
class NoteCheck:
    """One note of a manifest checked against the database."""

    note_id: int
    version: int
    expected: str
    found: str | None  # the hash the database gives now; None: not found or not readable
    said: str  # "matches", "differs", "missing", "not readable"
    newer_version: int | None = None  # the note has been saved again since (a later version exists)

    @property
    def matches(self) -> bool:
        return self.said == "matches"


@dataclass(frozen=True)
class PlanCheck:
    """One plan of a manifest checked against the database."""

    plan_id: int
    version: int
    expected: str
    found: str | None  # None: not found or not readable
    said: str  # "matches", "differs", "missing", "not readable"
    newer_plan_id: int | None = None  # a later version of the plan has been approved since

    @property
    def matches(self) -> bool:
        return self.said == "matches"


@dataclass(frozen=True)
class CourtRecordCheck:
    manifest_matches: bool  # the manifest hash recomputed from its own fields, note and plan hashes
    notes: tuple[NoteCheck, ...] = field(default_factory=tuple)
    plans: tuple[PlanCheck, ...] = field(default_factory=tuple)

    @property
    def all_match(self) -> bool:
        return self.manifest_matches and all(n.matches for n in self.notes) and all(p.matches for p in self.plans)
