"""Snapshots of the stage's people dialogs over the case screen (the demo agency, its first
caseworker's first Family Services Stage as its Case Manager), at the project's size and at 80x24:
persons, roles, placements, the worker picker narrowed by typing, the day asked for a handover."""

from __future__ import annotations

import pytest

from tests.keyboard import type_text
from tests.settling import open_case
from tests.test_flows import first_caseworker, settle
from tui.app import CasenotesApp

SIZES = {"size": (120, 40), "small": (80, 24)}
KEYS = {
    "persons": ["o"],
    "roles": ["r"],
    "placements": ["l"],
    "worker_picker": ["r", "a", "2"],  # assign a Case Planner: the workers who may be one, narrowed below
    "handover_day": ["r", "n"],  # hand the Case Manager role over: whom (typed below), then the day
}


def _managed_stage(store):
    worker = first_caseworker(store)
    row = next(r for r in store.as_user(worker).caseload()
               if r.role == "Case Manager" and r.stage_label.startswith("FSS") and r.closed_at is None)
    return worker, row.case_id, row.stage_id


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("name", sorted(KEYS))
def test_stage_people_dialog(snap_compare, demo_store, tmp_path, name, size):
    worker, case_id, stage_id = _managed_stage(demo_store)
    app = CasenotesApp(demo_store, worker, home=tmp_path, indexing=False)

    async def run_before(pilot):
        await open_case(pilot, case_id, stage_id)
        for key in KEYS[name]:
            await pilot.press(key)
            await settle(pilot)
        if name == "worker_picker":
            await type_text(pilot, "sup")
        if name == "handover_day":
            await type_text(pilot, "sup")
            await pilot.press("enter")
            await settle(pilot)
            await pilot.press(*["backspace"] * 5)
            await type_text(pilot, "+7d")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)
