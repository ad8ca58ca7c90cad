"""Tab moves between a screen's panes (the case screen: notes, preview, stages; an advocate's child:
notes, documents). A screen's own "focus_next" binding did nothing: screens have no such action, and
it hid the app's own Tab."""

import asyncio

from tests.test_flows import first_caseworker, open_app, press, settle


def _focus_after_tabs(store, login, home, opening, tabs=2) -> list[str]:
    async def run():
        app = open_app(store, login, home)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await press(pilot, opening)
            seen = [app.focused.id]
            for _ in range(tabs):
                await press(pilot, ["tab"])
                seen.append(app.focused.id)
            return seen
    return asyncio.run(run())


def test_tab_moves_between_the_case_screens_panes(demo_store, tmp_path):
    assert _focus_after_tabs(demo_store, first_caseworker(demo_store), tmp_path, ["enter"]) == [
        "notes", "preview", "stages"]


def test_tab_moves_between_a_childs_notes_and_documents(demo_store, tmp_path):
    advocate = next(w.login for w in demo_store.staff() if w.title == "CASA Volunteer Advocate")
    assert _focus_after_tabs(demo_store, advocate, tmp_path, ["enter"]) == ["notes", "documents", "notes"]
