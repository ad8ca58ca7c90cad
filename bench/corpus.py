"""An agency's years of notes, written straight into a casenotes database for the benchmarks.

The demo generator (demo/agency.py) tells its story through the service API, which is right for 40
families and far too slow for 20,000: this loader writes the same kind of record (units, workers
with supervisors, families, persons, stages with their Case Managers, notes with participants,
narratives from demo/text.py stretched to 60–400 words) with bulk INSERTs, as a migration
from a legacy system would. The notes' review history, revisions and audit rows are not written.

    python -m bench.corpus --size small|medium|large     # prints the path of the cached database

A corpus is generated once per size and seed and kept in bench/cache/.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import insert, text

from store import FrozenClock, Store
from demo import text as words
from demo.family import CONTACTS, PLACES, TYPE_OTHERS, TYPE_PLACE
from store.db.models import Case, Meta, Note, NoteParticipant, Person, RoleAssignment, Stage, StagePerson, Unit, Worker

CACHE = Path(__file__).parent / "cache"
AS_OF = datetime(2026, 11, 20, 15, 0, tzinfo=timezone.utc)
YEARS = 5
VERSION = "2"  # raise when the corpus changes shape, so caches are regenerated (2: no inflated family)


@dataclass(frozen=True)
class Size:
    families: int
    notes: int
    workers: int


SIZES = {"tiny": Size(60, 2_000, 12), "small": Size(400, 20_000, 40), "medium": Size(2_000, 100_000, 120),
         "large": Size(20_000, 1_000_000, 600),
         "agency50": Size(500, 20_000, 50)}  # the load test's agency: a director, 5 supervisors, 45 caseworkers
STAGE_KINDS = [("FSS", "CWS"), ("INV", None), ("FSS", "COI"), ("CCR", None), ("FSS", "OTI"), ("FAD", None)]
# Lifted by a load (see generate), with 0009's checks of a new note: a legacy system's arrive reviewed, long ago.
LIFTED_TRIGGERS = ("note_participants_insert", "notes_insert_awaits_revision", "notes_insert_entered",
                   "notes_insert_status", "notes_insert_version", "notes_insert_unreviewed", "notes_insert_freeze")
STATUSES = (["approved"] * 92) + (["submitted"] * 3) + (["returned"] * 2) + (["draft"] * 3)


def corpus_path(size: str, seed: int = 1) -> Path:
    return CACHE / f"corpus-{size}-s{seed}-v{VERSION}.db"


def ensure(size: str, seed: int = 1, log=print) -> Path:
    """The cached corpus of this size, generated first if it is not there (or was left half-made)."""
    path = corpus_path(size, seed)
    if path.exists():
        store = Store.open(f"sqlite:///{path}", clock=FrozenClock(AS_OF))
        try:
            with store.write_engine.connect() as conn:
                if conn.execute(text("SELECT value FROM meta WHERE key = 'bench_corpus'")).scalar() == "complete":
                    return path
        finally:
            store.close()
    for stale in CACHE.glob(f"{path.stem}.*"):  # the database and what was built from it
        shutil.rmtree(stale) if stale.is_dir() and not stale.is_symlink() else stale.unlink()
    CACHE.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    generate(path, SIZES[size], seed, log)
    log(f"corpus {size}: generated in {time.perf_counter() - started:.0f} s at {path}")
    return path


def generate(path: Path, size: Size, seed: int, log) -> None:
    store = Store.open(f"sqlite:///{path}", clock=FrozenClock(AS_OF))
    rng = random.Random(seed)
    try:
        with store.write_engine.begin() as conn:
            # Participants of approved notes are refused by a trigger once the note exists, and a new
            # note without its first revision at COMMIT (migration 0006); a load writes participants
            # with their notes and no revisions, so those triggers are lifted for it and put back.
            lifted = [conn.execute(text("SELECT sql FROM sqlite_master WHERE name = :n"), {"n": name}).scalar_one()
                      for name in LIFTED_TRIGGERS]
            for name in LIFTED_TRIGGERS:
                conn.execute(text(f"DROP TRIGGER {name}"))
            units = _staff(conn, rng, size)
            families = _families(conn, rng, size, units)
            _notes(conn, rng, size, families, store.policy.purposes[:-1], log)
            for sql in lifted:
                conn.execute(text(sql))
            conn.execute(insert(Meta), [{"key": "bench_corpus", "value": "complete"},
                                        {"key": "bench_size", "value": f"{size.families}/{size.notes}/{size.workers}"}])
    finally:
        store.close()


def _staff(conn, rng: random.Random, size: Size) -> list[list[int]]:
    """A director, then units of a supervisor and nine caseworkers; returns each unit's caseworker ids."""
    conn.execute(insert(Worker), [{"id": 1, "login": "director", "name": "Dana Director",
                                   "title": "Director of Services", "employer": "LDSS", "agency": "", "unit_id": None,
                                   "supervisor_id": None, "active": True}])
    units, next_id = [], 2
    for u in range(max(1, size.workers // 10)):
        conn.execute(insert(Unit), [{"id": u + 1, "name": f"Unit {u + 1}"}])
        boss = next_id
        rows = [{"id": boss, "login": f"sup{u + 1}", "name": _person_name(rng), "title": "Casework Supervisor",
                 "employer": "LDSS", "agency": "", "unit_id": u + 1, "supervisor_id": 1, "active": True}]
        team = list(range(boss + 1, boss + 10))
        rows += [{"id": w, "login": f"cw{w}", "name": _person_name(rng), "title": "Caseworker", "employer": "LDSS",
                  "agency": "", "unit_id": u + 1, "supervisor_id": boss, "active": True} for w in team]
        conn.execute(insert(Worker), rows)
        units.append(team)
        next_id = boss + 10
    return units


def _person_name(rng: random.Random) -> str:
    return f"{rng.choice(words.FIRST_NAMES_ADULT)} {rng.choice(words.FAMILY_NAMES)}"


@dataclass
class Family:
    case_id: int
    children: list[tuple[int, str]]
    adults: list[tuple[int, str]]
    stages: list[tuple[int, str, datetime, list[int]]]  # id, kind, opened, writers


def _families(conn, rng: random.Random, size: Size, units: list[list[int]]) -> list[Family]:
    families, cases, persons, stages, stage_persons, roles = [], [], [], [], [], []
    person_id = stage_id = 0
    start = AS_OF - timedelta(days=365 * YEARS)
    for case_id in range(1, size.families + 1):
        surname = rng.choice(words.FAMILY_NAMES)
        opened = start + timedelta(days=rng.uniform(0, 365 * YEARS - 30))
        cases.append({"id": case_id, "family_name": surname, "opened_at": opened})
        family = Family(case_id, [], [], [])
        for _ in range(rng.choice((1, 2, 2, 3, 4))):
            person_id += 1
            first = rng.choice(words.FIRST_NAMES_CHILD)
            family.children.append((person_id, f"{first} {surname}"))
            persons.append({"id": person_id, "case_id": case_id, "first_name": first, "last_name": surname,
                            "birth_date": (opened - timedelta(days=rng.randint(300, 5800))).date(),
                            "relationship": "child", "is_child": True})
        for relation in rng.sample(("mother", "father", "grandmother", "aunt", "foster parent"), rng.randint(1, 3)):
            person_id += 1
            first = rng.choice(words.FIRST_NAMES_ADULT)
            family.adults.append((person_id, f"{first} {surname}"))
            persons.append({"id": person_id, "case_id": case_id, "first_name": first, "last_name": surname,
                            "birth_date": None, "relationship": relation, "is_child": False})
        team = units[case_id % len(units)]
        when = opened
        for kind, subtype in rng.sample(STAGE_KINDS, rng.choice((1, 1, 2, 3))):
            stage_id += 1
            writers = rng.sample(team, rng.choice((1, 2, 2, 3)))
            members = [p for p, _ in family.children + family.adults] if kind != "CCR" else [family.children[0][0]]
            stages.append({"id": stage_id, "case_id": case_id, "type": kind, "subtype": subtype, "parent_id": None,
                           "opened_at": when})
            stage_persons += [{"stage_id": stage_id, "person_id": p} for p in members]
            roles += [{"stage_id": stage_id, "worker_id": w, "role": "Case Manager" if i == 0 else "Case Worker",
                       "starts_at": when, "ends_at": None} for i, w in enumerate(writers)]
            family.stages.append((stage_id, kind, when, writers))
            when = when + (AS_OF - when) * rng.uniform(0.0, 0.5)
        families.append(family)
    for model, rows in ((Case, cases), (Person, persons), (Stage, stages), (StagePerson, stage_persons),
                        (RoleAssignment, roles)):
        for start_at in range(0, len(rows), 20_000):
            conn.execute(insert(model), rows[start_at:start_at + 20_000])
    return families


def _notes_per_family(rng: random.Random, size: Size) -> list[int]:
    """Skewed like a real caseload: most families have a few dozen notes, some have thousands."""
    weights = [rng.lognormvariate(0, 1.2) for _ in range(size.families)]
    scale = size.notes / sum(weights)
    counts = [max(1, int(w * scale)) for w in weights]
    # Exact total: what rounding left goes one note each to the largest fractional parts.
    by_fraction = sorted(range(size.families), key=lambda i: int(weights[i] * scale) - weights[i] * scale)
    for i in by_fraction[:max(0, size.notes - sum(counts))]:
        counts[i] += 1
    while sum(counts) > size.notes:  # the one-note minimum overshot: trim the biggest
        counts[counts.index(max(counts))] -= 1
    return counts


def _narrative(rng: random.Random, target: int, **parts) -> str:
    """demo_text narratives joined into paragraphs until about ``target`` words."""
    paragraphs, count = [], 0
    while count < target:
        paragraph = words.narrative(rng, **parts)
        paragraphs.append(paragraph)
        count += len(paragraph.split())
    return "\n\n".join(paragraphs)


def _notes(conn, rng: random.Random, size: Size, families: list[Family], purposes: list[str], log) -> None:
    counts = _notes_per_family(rng, size)
    notes, participants, note_id, done = [], [], 0, 0
    started = time.perf_counter()
    for family, count in zip(families, counts, strict=True):
        for _ in range(count):
            note_id += 1
            stage_id, kind, opened, writers = rng.choice(family.stages)
            event = opened + (AS_OF - opened) * rng.random()
            entered = min(event + timedelta(hours=rng.choice((0.5, 2, 6, 20, 50, 100))), AS_OF)
            contact = rng.choice(CONTACTS[kind])
            method = rng.choices(["Face to face", "Telephone", "Video", "Email/text"], [60, 25, 8, 7])[0]
            location = (TYPE_PLACE.get(contact) if method == "Face to face" else None) or rng.choice(PLACES[method])
            present = family.children[:rng.randint(1, len(family.children))] if method == "Face to face" else []
            adults = family.adults[:rng.randint(1, len(family.adults))]
            others = rng.sample(TYPE_OTHERS[contact], 1) if contact in TYPE_OTHERS else []
            narrative = _narrative(rng, int(rng.triangular(60, 400, 140)), contact_type=contact, method=method,
                                   location=location, children=[n for _, n in present],
                                   adults=[n for _, n in adults], others=others)
            status = rng.choice(STATUSES) if entered > AS_OF - timedelta(days=21) else "approved"
            author = rng.choice(writers)
            sent = entered + timedelta(hours=rng.uniform(0.1, 30)) if status != "draft" else None
            notes.append({
                "id": note_id, "stage_id": stage_id, "event_at": event, "entered_at": entered, "author_id": author,
                "entered_by_id": author, "contact_type": contact, "purposes": rng.sample(purposes, rng.randint(1, 3)),
                "method": method, "location": location, "others": others, "narrative": narrative, "status": status,
                "version": 1 if status in ("draft", "submitted") else 2, "amends_note_id": None,
                "freezes_at": entered + timedelta(days=21), "first_submitted_at": sent, "submitted_at": sent,
                "reviewed_at": (sent + timedelta(days=rng.uniform(0.5, 6)) if status in ("approved", "returned")
                                else None),
                "correction_due_at": sent + timedelta(days=3) if status == "returned" else None})
            if method == "Face to face":
                participants += [{"note_id": note_id, "person_id": p} for p, _ in present + adults]
            if len(notes) == 10_000:
                done += _flush(conn, notes, participants)
                log(f"  notes {done:,}/{size.notes:,} ({done / (time.perf_counter() - started):,.0f}/s)")
    _flush(conn, notes, participants)


def _flush(conn, notes: list[dict], participants: list[dict]) -> int:
    count = len(notes)
    if notes:
        conn.execute(insert(Note), notes)
    if participants:
        conn.execute(insert(NoteParticipant), participants)
    notes.clear()
    participants.clear()
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=SIZES, default="small")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    print(ensure(args.size, args.seed, log=lambda line: print(line, file=sys.stderr)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
