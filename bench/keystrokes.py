"""Count the keys a caseworker presses, from the caseload as it opens after sign-in, to log a standard
contact: "Caseworker/Child Contact, face to face, at the child's residence, child and foster parent
present, earlier today", with a one-line narrative, sent for review.

It drives the real app headless (Textual Pilot) on the demo agency (seed 1) signed in as its first
caseworker, on the first stage of their caseload with a child in foster care. The keys find the family
in the caseload filter, open a new note, type the time (2 PM, earlier than the default "now"), pick
the contact type by its number, type the narrative and send it; the saved note is then checked field
by field. Every key is printed; more than BUDGET keys besides the narrative is a failure.

Run: .venv/bin/python -m bench.keystrokes
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pendulum

from store import FrozenClock, Store

BUDGET = 12
CONTACT = "Caseworker/Child Contact"
NARRATIVE = "Child seen at home with the foster mother; he showed his new school bag."
STORY_ENDS = datetime(2026, 11, 20, 15, 0, tzinfo=timezone.utc)  # the demo's end: Friday 10 AM in New York
SIGNED_IN = STORY_ENDS + timedelta(hours=6)  # 4 PM: the default time would be 4:00 PM
EVENT_KEYS, EVENT_HOUR = ["2"], 14  # "2" reads as 2 PM today (1-7 without am/pm is afternoon)
EXPECTED = {"contact_type": CONTACT, "method": "Face to face", "location": "Child's residence (foster/kinship home)",
            "purposes": ("Safety", "Well-being", "Permanency planning")}
SIZE = (120, 40)


@dataclass(frozen=True)
class Plan:
    stage_id: int
    family: str
    steps: list[tuple[str, list[str]]]  # what each step does, and its keys; the narrative is one item

    @property
    def count(self) -> int:
        """The keys pressed besides typing the narrative."""
        return sum(len(keys) for _, keys in self.steps if keys != [NARRATIVE])


def first_caseworker(store: Store) -> str:
    return next(w.login for w in store.staff() if w.title == "Caseworker")


def plan(store: Store, login: str) -> Plan:
    """The keys for the first stage of the caseload whose child is placed, with the foster parent on it."""
    desk = store.as_user(login)
    rows = desk.caseload()
    stage = next(r for r in rows if r.closed_at is None and _foster_parent_present(desk, r.stage_id))
    contacts = [c for c in store.policy.contact_types if c != "Addendum"]
    return Plan(stage.stage_id, stage.family_name, [
        ("find the family: type in the caseload filter", list(_filter_text(rows, stage))),
        ("new note on the one row left", ["ctrl+n"]),
        ("when: 2 PM today, over the default (now)", [*EVENT_KEYS, "tab"]),
        ("contact type, by its fixed number", _pick(CONTACT, contacts)),
        ("narrative, one line (method, location, purposes and people present are the type's defaults)",
         [NARRATIVE]),
        ("send for review", ["ctrl+r"]),
    ])


def _foster_parent_present(desk, stage_id: int) -> bool:
    from store.desks.note_defaults import CAREGIVERS_IN_CARE

    present = set(desk.default_participants(stage_id, CONTACT))
    return any(p.id in present and p.relationship in CAREGIVERS_IN_CARE for p in desk.stage(stage_id).persons)


def _filter_text(rows, stage) -> str:
    """The fewest letters of the family name (then of the stage) that leave only this row, as the
    caseload filter matches: every typed word within the row's family, stage, worker and role."""
    def left(text: str) -> list:
        words = text.lower().split()
        return [r for r in rows if all(w in f"{r.family_name} {r.stage_label} {r.worker} {r.role}".lower()
                                       for w in words)]

    name = stage.family_name.lower()
    tries = [name[:n] for n in range(1, len(name) + 1)]
    tries += [f"{name} {stage.stage_label.lower()[:n]}" for n in range(1, len(stage.stage_label) + 1)]
    for text in tries:
        if [r.stage_id for r in left(text)] == [stage.stage_id]:
            return text
    raise ValueError(f"No filter leaves only the {stage.family_name} {stage.stage_label} row.")


def _pick(value: str, choices: list[str]) -> list[str]:
    """The value's fixed number when it has one, else as few typed letters as put it first, and Enter."""
    from tui.widgets.picklist import _words, match_rank

    number = choices.index(value) + 1
    if number <= 9:
        return [str(number)]
    words = _words(value)
    for count in range(1, len(words) + 1):
        typed = " ".join(word[:4] for word in words[:count])
        ranked = sorted((rank, n) for n, option in enumerate(choices)
                        if (rank := match_rank(typed, option)) is not None)
        if choices[ranked[0][1]] == value:
            return [*("space" if char == " " else char for char in typed), "enter"]
    raise ValueError(f"No typed prefix picks {value!r} first")


async def _settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def drive(store: Store, login: str, steps, home: Path, size=SIZE) -> type:
    """Sign in, wait for the caseload, press every key; the screen it ends on."""
    from tui.app import CasenotesApp
    from tui.screens.caseload import CaseloadScreen

    app = CasenotesApp(store, login, home=home, indexing=False)
    async with app.run_test(size=size) as pilot:
        for _ in range(200):  # the caseload as it opens after sign-in, rows and all
            await _settle(pilot)
            if isinstance(app.screen, CaseloadScreen) and app.screen.rows["mine"]:
                break
        else:
            raise AssertionError("The caseload did not open after sign-in.")
        for _, keys in steps:
            for key in keys:
                for press in ([("space" if c == " " else c) for c in key] if key == NARRATIVE else [key]):
                    await pilot.press(press)
            await _settle(pilot)
        return type(app.screen)


def check(store: Store, login: str, chosen: Plan, ended_on: type) -> list[str]:
    """What differs between the saved note and the contact asked for (nothing when all is right)."""
    from tui.screens.caseload import CaseloadScreen

    desk = store.as_user(login)
    notes = [n for n in desk.stage_notes(chosen.stage_id) if n.author == login and n.entered_at >= SIGNED_IN]
    if len(notes) != 1:
        return [f"expected one new note on the stage, found {len(notes)}"]
    note, zone = notes[0], store.policy.time_zone
    persons = desk.stage(chosen.stage_id).persons
    children = {p.name for p in persons if p.is_child}
    foster = {p.name for p in persons if p.relationship == "foster parent"}
    event = pendulum.instance(SIGNED_IN).in_timezone(zone).set(hour=EVENT_HOUR, minute=0, second=0, microsecond=0)
    wanted = {**EXPECTED, "participants": children | foster, "event_at": event.in_timezone("UTC"),
              "narrative": NARRATIVE, "status": "submitted", "back on": CaseloadScreen}
    got = {"contact_type": note.contact_type, "method": note.method, "location": note.location,
           "purposes": tuple(note.purposes), "participants": {p.name for p in note.participants},
           "event_at": note.event_at, "narrative": note.narrative, "status": note.status, "back on": ended_on}
    return [f"{field}: saved {got[field]!r}, wanted {wanted[field]!r}"
            for field in wanted if got[field] != wanted[field]]


def main() -> int:
    from demo.agency import generate

    with tempfile.TemporaryDirectory() as folder:
        clock = FrozenClock(STORY_ENDS)
        store = Store.open(f"sqlite:///{folder}/demo.db", clock=clock)
        print("Making the demo agency (seed 1)…", flush=True)
        generate(store, clock, seed=1)
        clock.set(SIGNED_IN)
        login = first_caseworker(store)
        chosen = plan(store, login)
        print(f"Signed in as {login}; the contact is for the {chosen.family} family (stage {chosen.stage_id}).")
        ended_on = asyncio.run(drive(store, login, chosen.steps, Path(folder)))
        for step, keys in chosen.steps:
            shown = "   (the narrative, not counted)" if keys == [NARRATIVE] else f"{len(keys):<2} {' '.join(keys)}"
            print(f"  {step:<96} {shown}")
        wrong = check(store, login, chosen, ended_on)
        store.close()
    for line in wrong:
        print(f"WRONG {line}", file=sys.stderr)
    print(f"{chosen.count} keys plus the narrative, from the caseload after sign-in to a {CONTACT} "
          f"sent for review and saved as asked; the budget is {BUDGET}.")
    if chosen.count > BUDGET:
        print(f"FAIL: {chosen.count} keys is over the budget of {BUDGET}.", file=sys.stderr)
    return 1 if wrong or chosen.count > BUDGET else 0


if __name__ == "__main__":
    sys.exit(main())
