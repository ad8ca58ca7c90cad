"""The note editor's defaults, as a caseworker meets them: the time starts at now (rounded), the contact
type fills in its usual method, location, purposes and people present, on show and changeable, and
focus goes on to the first field still empty; what the caseworker chose is never overwritten."""

import asyncio

from textual.widgets import Input, SelectionList, TextArea

from bench.keystrokes import SIGNED_IN, first_caseworker, plan
from tests.test_flows import SIZE, open_app, press, settle
from tui.widgets.picklist import MultiPicklist, Picklist


def run_editor(store, login, stage_id, home, steps):
    async def run():
        app = open_app(store, login, home)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.open_editor(stage_id)
            await settle(pilot)
            return await steps(app.screen, pilot)

    return asyncio.run(run())


def fields(editor) -> dict:
    return {"when": editor.query_one("#when", Input).value,
            **{name: editor.query_one(f"#{name}", Picklist).value for name in ("contact_type", "method", "location")},
            "purposes": editor.query_one("#purposes", MultiPicklist).values,
            "present": sorted(editor.query_one("#participants", SelectionList).selected)}


def test_contact_type_fills_its_usual_fields_and_focus_goes_to_the_narrative(demo_store, tmp_path):
    demo_store.clock.set(SIGNED_IN.replace(minute=7))  # 4:07 PM: the note starts at 4:00 PM
    login = first_caseworker(demo_store)
    stage = plan(demo_store, login).stage_id
    persons = demo_store.as_user(login).stage(stage).persons
    child_and_foster = sorted(p.id for p in persons if p.is_child or p.relationship == "foster parent")

    async def steps(editor, pilot):
        opened = fields(editor)
        await press(pilot, ["tab", "7"])
        return opened, fields(editor), editor.focused

    opened, picked, focused = run_editor(demo_store, login, stage, tmp_path, steps)
    assert opened == {"when": "Fri 11/20/2026 4:00 PM", "contact_type": None, "method": None, "location": None,
                      "purposes": (), "present": []}
    assert picked == {"when": "Fri 11/20/2026 4:00 PM", "contact_type": "Caseworker/Child Contact",
                      "method": "Face to face", "location": "Child's residence (foster/kinship home)",
                      "purposes": ("Safety", "Well-being", "Permanency planning"), "present": child_and_foster}
    assert isinstance(focused, TextArea) and focused.id == "narrative"


def test_what_the_caseworker_chose_stays_and_the_defaults_follow_the_contact_type(demo_store, tmp_path):
    demo_store.clock.set(SIGNED_IN)
    login = first_caseworker(demo_store)
    stage = plan(demo_store, login).stage_id
    children = sorted(p.id for p in demo_store.as_user(login).stage(stage).persons if p.is_child)

    async def steps(editor, pilot):
        editor.query_one("#method Input").focus()
        await press(pilot, ["2"])  # Telephone, chosen before the contact type
        editor.query_one("#contact_type Input").focus()
        await press(pilot, ["7"])
        first = fields(editor), editor.focused.id
        editor.query_one("#contact_type Input").focus()
        await press(pilot, ["s", "c", "h", "enter"])  # School Contact instead
        return first, fields(editor)

    (first, focus), second = run_editor(demo_store, login, stage, tmp_path, steps)
    assert (first["method"], first["location"], focus) == (
        "Telephone", "Child's residence (foster/kinship home)", "narrative")
    assert (second["contact_type"], second["method"], second["location"], second["purposes"], second["present"]) == (
        "School Contact", "Telephone", "School", ("Education",), children)


def test_a_recovered_draft_keeps_what_was_typed(demo_store, tmp_path):
    """Filling the form from a draft kept on this computer is not choosing a contact type: no defaults."""
    demo_store.clock.set(SIGNED_IN)
    login = first_caseworker(demo_store)
    stage = plan(demo_store, login).stage_id

    async def run():
        app = open_app(demo_store, login, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            key = f"stage-{stage}-new"
            app.recovery.save(key, {"stage_id": stage, "note_id": None, "version": None, "amends": None,
                                    "title": "a note", "typed_at": "now", "form": {
                                        "when": "2pm", "contact_type": "Caseworker/Child Contact", "method": None,
                                        "location": None, "purposes": [], "participants": [], "others": "",
                                        "narrative": "Half typed"}})
            app.open_editor(stage, recovered=key)
            await settle(pilot)
            return fields(app.screen)

    assert asyncio.run(run()) == {"when": "2pm", "contact_type": "Caseworker/Child Contact", "method": None,
                                  "location": None, "purposes": (), "present": []}


def test_keys_typed_while_the_editor_reads_the_stage_are_kept(demo_store, tmp_path, monkeypatch):
    """A quick typist (or a slow machine): ctrl+n, 9, Tab, 7 before the stage's read came back. The
    read used to put the default time over the typed one and focus back on When, so the 7 went there."""
    import threading

    from store.desks.note_defaults import NoteDefaultsDesk

    demo_store.clock.set(SIGNED_IN)
    login = first_caseworker(demo_store)
    stage = plan(demo_store, login).stage_id
    slow = NoteDefaultsDesk.note_defaults
    typed = threading.Event()  # the read waits for the keys, however slow the machine is

    def slowly(desk, stage_id):
        typed.wait(timeout=60)
        return slow(desk, stage_id)

    monkeypatch.setattr(NoteDefaultsDesk, "note_defaults", slowly)

    async def run():
        app = open_app(demo_store, login, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.open_editor(stage)
            await pilot.pause()
            editor = app.screen
            await pilot.press("9", "tab", "7")
            typed_before = editor.ready
            typed.set()
            await settle(pilot)
            await pilot.pause(0.5)
            await settle(pilot)
            got = fields(editor)
            focused = editor.focused.id if editor.focused else None
            await pilot.press(*"Seen")
            return typed_before, got, focused, editor.query_one(TextArea).text, editor.dirty

    typed_before, got, focused, narrative, dirty = asyncio.run(run())
    assert typed_before is False  # the keys really came before the read
    assert (got["when"], got["contact_type"], got["method"]) == ("9", "Caseworker/Child Contact", "Face to face")
    assert (focused, narrative, dirty) == ("narrative", "Seen", True)
