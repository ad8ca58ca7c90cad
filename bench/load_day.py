"""One simulated worker's day on the agency server, for the load test (bench/load_server.py).

A ``Day`` signs in with its own URL (its own PostgreSQL login role: row-level security and the
triggers apply), then until its time is up repeats what its job does most, with a short pause
between actions as a person reads: a caseworker opens the caseload and stages, starts notes, saves
drafts again as they type, submits them and searches a family; a supervisor also reads the review
queue and approves or returns what was sent, and searches everything the unit reaches; the director
searches the agency. Each action is timed whole (what one keypress waits for) with ``perf_counter``
and every refusal or failure is counted by its type. Nothing here decides pass or fail.

One pair collides on purpose: their caseworker submits a note, recalls it, corrects and submits it
again, then tells the supervisor the version first seen; the supervisor's approval of that version
is refused with ``StaleEdit`` (counted apart as deliberate), and the approval of the note as it now
is goes through. Any other ``StaleEdit`` is an error.
"""

from __future__ import annotations

import queue
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from store import StaleEdit, Store

# (what is searched, typed as a person types it): bench/search_vs_fts5.py's query set
from .search_vs_fts5 import QUERIES

WORDS = [ours for ours, _, _ in QUERIES]
FIRST_PAGE = 60  # tui/screens/case.py: the notes a stage opens with
CONTACT = "Caseworker/Child Contact"
# How often each kind of worker does what (relative weights per action).
MIXES = {
    "caseworker": {"open caseload": 2, "open stage": 4, "new draft": 1, "save draft": 3, "submit": 1,
                   "family search": 2},
    "supervisor": {"open caseload": 2, "open stage": 2, "review queue": 2, "review": 3, "family search": 1,
                   "agency search": 1},
    "director": {"open caseload": 1, "open stage": 2, "family search": 1, "agency search": 2},
}
# A search function: (desk, typed text, family or None for everything the desk reaches) → hits.
Search = Callable[..., int]


@dataclass
class Tally:
    """What one or more days did: seconds per action, errors by type, the deliberate collisions."""

    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    samples: dict[str, str] = field(default_factory=dict)  # one message per error type
    deliberate_stale: int = 0

    def as_dict(self) -> dict:
        return {"times": dict(self.times), "errors": dict(self.errors), "samples": self.samples,
                "deliberate_stale": self.deliberate_stale}


@dataclass
class Day:
    store: Store
    kind: str  # caseworker, supervisor, director
    search: Search | None  # None: this run does not search
    seed: int
    think: float  # mean seconds between actions
    handoff: queue.Queue | None = None  # the colliding pair's (note id, version first seen)
    collider: bool = False  # this caseworker makes the deliberate collision
    tally: Tally = field(default_factory=Tally)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.desk = self.store.signed_in()
        self.stages: list[tuple[int, int]] = []  # (stage, case) of my caseload
        self.writable: list[int] = []  # stages I may add notes to
        self.drafts: list[tuple[int, int, int]] = []  # (note, version, saves) I started
        self.queue: list = []  # the review queue as last read
        self.defaults: dict[int, object] = {}

    def warm(self) -> None:
        """Sign-in: the caseload, as the app shows it first (not timed)."""
        self._caseload()
        if self.kind == "caseworker":  # the others' mixes write no notes (the stale pair's half aside)
            self.writable = [s for s, _ in self.stages[:40] if self.desk.may_add_note(s) is None][:20]

    def run(self, until: float) -> Tally:
        actions, weights = zip(*MIXES[self.kind].items(), strict=True)
        count = 0
        while time.perf_counter() < until:
            action = self.rng.choices(actions, weights)[0]
            if self.collider and count % 10 == 2:  # early: a loaded server gives each worker few actions
                action = "collide"
            elif self.kind == "supervisor" and self.handoff is not None and not self.handoff.empty():
                action = "stale approval"
            self._do(action)
            count += 1
            time.sleep(self.rng.uniform(0, 2 * self.think))
        return self.tally

    def _do(self, action: str) -> None:
        step = getattr(self, "_" + action.replace(" ", "_"))
        began = time.perf_counter()
        try:
            done = step()
        except StaleEdit as error:
            self._error(error, action)
            return
        except Exception as error:  # every failure is a figure of the run
            self._error(error, action)
            return
        if done is not False:  # False: nothing to do (e.g. no draft to submit), not a sample
            self.tally.times[action].append(time.perf_counter() - began)

    def _error(self, error: Exception, action: str) -> None:
        name = f"{type(error).__name__} ({action})"
        self.tally.errors[name] += 1
        self.tally.samples.setdefault(name, str(error)[:300])

    # The actions, as the screens do them (tui/screens/caseload.py, case.py, note_editor.py, review_queue.py).
    def _open_caseload(self) -> None:
        self._caseload()

    def _caseload(self) -> None:
        mine, unit = self.desk.caseload(), self.desk.unit_caseload()
        self.desk.next_absence()
        self.stages = [(r.stage_id, r.case_id) for r in (mine or unit)]
        if not self.stages and self.kind == "director":
            self.stages = [(s, c) for s, c in self._some_stages()]

    def _some_stages(self) -> list[tuple[int, int]]:
        cases = sorted(self.desk.readable_case_ids())[:200]
        return [(self.desk.case(c).stages[0].id, c) for c in self.rng.sample(cases, min(20, len(cases)))]

    def _open_stage(self) -> bool | None:
        if not self.stages:
            return False
        stage_id, case_id = self.rng.choice(self.stages)
        self.desk.case(case_id)
        ids = self.desk.stage_note_ids(stage_id)
        first = ids[:FIRST_PAGE]
        if first:
            self.desk.stage_notes(stage_id, ids=first)
            self.desk.stage_deadlines(stage_id, ids=first)
        self.desk.notes_not_shown(stage_id)
        return None

    def _new_draft(self) -> bool | None:
        if not self.writable:
            return False
        stage_id = self.rng.choice(self.writable)
        start = self.desk.note_defaults(stage_id).for_contact(CONTACT)  # the editor opening
        note = self.desk.add_note(
            stage_id, event_at=self.store.clock.now() - timedelta(hours=self.rng.randint(1, 48)),
            contact_type=CONTACT, method=start.method, location=start.location, purposes=list(start.purposes),
            participants=list(start.participants), narrative=self._text(1))
        self.drafts.append((note.id, note.version, 1))
        return None

    def _save_draft(self) -> bool | None:
        if not self.drafts:
            return self._new_draft()
        n = self.rng.randrange(len(self.drafts))
        note_id, version, saves = self.drafts[n]
        note = self.desk.edit_note(note_id, version, narrative=self._text(saves + 1))
        self.drafts[n] = (note_id, note.version, saves + 1)
        return None

    def _submit(self) -> bool | None:
        ready = [d for d in self.drafts if d[2] > 1]
        if not ready:
            return False
        draft = ready[0]
        self.desk.submit(draft[0], draft[1])
        self.drafts.remove(draft)
        return None

    def _family_search(self) -> bool | None:
        if not self.stages or self.search is None:
            return False
        _, case_id = self.rng.choice(self.stages)
        self.search(self.desk, self.rng.choice(WORDS), case_id)
        return None

    def _agency_search(self) -> bool | None:
        if self.search is None:
            return False
        self.search(self.desk, self.rng.choice(WORDS), None)
        return None

    def _review_queue(self) -> None:
        self.queue = self.desk.review_queue(limit=FIRST_PAGE)

    def _review(self) -> bool | None:
        """Open the first note waiting that may be approved, and approve it (one in five: return it)."""
        while self.queue:
            item = self.queue.pop(0)
            self.desk.note(item.note.id)
            refusals = self.desk.note_actions(item.note.id)
            if self.rng.random() < 0.2 and refusals.get("return") is None:
                self.desk.return_note(item.note.id, "Say who was present and what was agreed.",
                                      version=item.note.version)
                return None
            if refusals.get("approve") is None:
                self.desk.approve(item.note.id, item.note.version)
                return None
        return False

    def _collide(self) -> bool | None:
        """The caseworker's half: submit, recall, correct and submit again; then hand the supervisor
        the version they saw first."""
        if not self.writable:
            return False
        self._new_draft()
        note_id, version, _ = self.drafts.pop()
        seen = self.desk.submit(note_id, version).version
        recalled = self.desk.recall(note_id, seen)
        corrected = self.desk.edit_note(note_id, recalled.version, narrative=self._text(3))
        self.desk.submit(note_id, corrected.version)
        assert self.handoff is not None
        self.handoff.put((note_id, seen))
        return None

    def _stale_approval(self) -> None:
        """The supervisor's half: approving the version first seen is refused; the note as it is now is approved."""
        assert self.handoff is not None
        note_id, seen = self.handoff.get_nowait()
        try:
            self.desk.approve(note_id, seen)
        except StaleEdit:
            self.tally.deliberate_stale += 1
        else:
            raise AssertionError(f"note {note_id}: an approval of version {seen} went through after it changed")
        self.desk.approve(note_id, self.desk.note(note_id).version)

    def _text(self, saves: int) -> str:
        said = self.rng.choice(["the school nurse", "the grandmother", "the therapist", "the foster parent"])
        return " ".join([f"Visited the home and spoke with {said} about the week, school and medication."] * saves)
