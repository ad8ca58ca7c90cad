"""The note editor shows what the store says (issue 15, item 2): the store's sentence when a note
cannot be saved, in the editor and in the question on closing it, and its list of contact types."""

import asyncio

from textual.widgets import TextArea

from tests.test_editor_keeps_typing import type_text
from tests.test_flows import AFTERNOON, SIZE, first_caseworker, open_app, settle
from tui.widgets.picklist import Picklist


def test_saving_without_a_contact_type_shows_the_stores_sentence(demo_store, tmp_path):
    demo_store.clock.set(AFTERNOON)
    worker = first_caseworker(demo_store)
    desk = demo_store.as_user(worker)
    expected = desk.check_note_form({"contact_type": None}, new=True).problems["contact_type"]

    async def run():
        app = open_app(demo_store, worker, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+n")
            await settle(pilot)
            editor = app.screen
            offered = editor.query_one("#contact_type", Picklist).choices
            editor.query_one(TextArea).focus()
            await type_text(pilot, "Seen at home")
            await pilot.press("ctrl+s")
            await settle(pilot)
            return offered, str(editor.query_one("#problem").render()), editor.cannot_save()

    offered, problem, cannot_save = asyncio.run(run())
    assert offered == desk.note_contact_types()
    assert problem == expected == cannot_save == "A note needs its contact type."
