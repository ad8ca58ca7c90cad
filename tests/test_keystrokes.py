"""A standard contact in at most 12 keys plus the narrative, counted on the real app from the caseload
as it opens after sign-in (the path of ``python -m bench.keystrokes``), and the note saved as asked."""

import asyncio

from bench.keystrokes import BUDGET, NARRATIVE, SIGNED_IN, check, drive, first_caseworker, plan


def test_standard_contact_in_at_most_12_keys_from_the_caseload(demo_store, tmp_path):
    demo_store.clock.set(SIGNED_IN)
    login = first_caseworker(demo_store)
    chosen = plan(demo_store, login)
    keys = [key for _, keys in chosen.steps for key in keys]
    assert chosen.count == len(keys) - 1 <= BUDGET, keys  # every key but the narrative
    found_by = chosen.steps[0][1]
    assert found_by and chosen.family.lower().startswith("".join(found_by)) and NARRATIVE in keys

    ended_on = asyncio.run(drive(demo_store, login, chosen.steps, tmp_path))

    assert check(demo_store, login, chosen, ended_on) == []


def test_the_count_fails_on_a_field_saved_wrong(demo_store, tmp_path):
    """3 PM typed instead of 2 PM: the count's check names the field."""
    demo_store.clock.set(SIGNED_IN)
    login = first_caseworker(demo_store)
    chosen = plan(demo_store, login)
    steps = [(step, ["3", "tab"] if step.startswith("when") else keys) for step, keys in chosen.steps]
    ended_on = asyncio.run(drive(demo_store, login, steps, tmp_path))
    wrong = check(demo_store, login, chosen, ended_on)
    assert len(wrong) == 1 and wrong[0].startswith("event_at: saved datetime.datetime(2026, 11, 20, 20, 0")
