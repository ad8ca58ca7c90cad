"""The clerk who enters notes (ENT PROG NOTE, no role) is told how many notes of a stage they may not
read, instead of "0 notes · No notes in this stage yet" (issue 14, item 12); the count and the
sentence come from the store."""

import asyncio

from textual.widgets import Static

from tests.conftest import visit
from tests.test_flows import open_app, settle

SIZE = (120, 40)


def test_the_clerk_is_told_how_many_notes_they_may_not_read(store, agency, clock):
    cw = store.as_user("cw")
    for _ in range(2):
        cw.submit(cw.add_note(agency.fss, **visit(agency, clock)).id)
    cw.add_note(agency.fss, **visit(agency, clock))  # a draft: private to its author, not counted
    clerk = store.as_user("clerk")
    assert clerk.stage_note_ids(agency.fss) == []
    assert clerk.notes_not_shown(agency.fss) == ("2 notes in this stage are not yours to read; "
                                                 "the notes you entered are listed.")
    clerk.add_note(agency.fss, author="cw", **visit(agency, clock))
    assert len(clerk.stage_note_ids(agency.fss)) == 1
    assert clerk.notes_not_shown(agency.fss).startswith("2 notes in this stage are not yours")
    assert cw.notes_not_shown(agency.fss) is None and store.as_user("supa").notes_not_shown(agency.fss) is None
    store.staffing().appoint_advocate("casa", agency.mia)  # the sent notes are with Jay and Ana only
    assert store.as_user("casa").notes_not_shown(agency.fss) == (
        "2 notes in this stage are not shown: an advocate reads the approved notes in which the child they are "
        "appointed for took part.")


def test_the_clerks_case_screen_says_the_stage_has_notes(demo_store, tmp_path):
    clerk = next(w.login for w in demo_store.staff() if "ENT PROG NOTE" in w.functions)
    worker = next(w.login for w in demo_store.staff() if w.title == "Caseworker")
    row = next(r for r in demo_store.as_user(worker).caseload()  # a stage with none of the clerk's notes
               if not demo_store.as_user(clerk).stage_note_ids(r.stage_id))
    hidden = demo_store.as_user(clerk).notes_not_shown(row.stage_id)
    assert hidden and hidden.split()[0].isdigit()

    async def run():
        app = open_app(demo_store, clerk, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.open_case(row.case_id, row.stage_id)
            await settle(pilot)
            screen = app.screen
            return (str(screen.query_one("#stage-title", Static).render()),
                    str(screen.query_one("#not-shown", Static).render()),
                    str(screen.query_one("#preview-text", Static).render()))

    title, not_shown, preview = asyncio.run(run())
    assert "0 notes you may read" in title
    assert not_shown == hidden and hidden in preview
    assert "No notes" not in title + preview
