"""Keys a role cannot use are not offered, or say why before anything is typed (issue 14, item 14):
the store answers whether a note may be begun in a stage with the rule ``add_note`` applies; an
advocate's ctrl+n and one on a closed FSI say why instead of opening the editor; the review queue and
Timeliness are offered to supervisors only."""

import asyncio

import pytest
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from store import StoreError
from tests.conftest import visit
from tests.settling import open_case
from tests.test_flows import open_app, press, settle
from tui.palette import CasenotesCommands
from tui.screens.case import CaseScreen
from tui.screens.advocate_home import AdvocateHomeScreen
from tui.screens.note_editor import NoteEditorScreen

SIZE = (120, 40)


def _refusal_of_add_note(desk, stage_id, fields, author=None) -> str | None:
    try:
        desk.add_note(stage_id, author=author, **fields)
    except StoreError as refusal:
        return refusal.message
    return None


def test_may_add_note_gives_the_sentence_add_note_refuses_with(store, agency, clock):
    store.staffing().appoint_advocate("casa", agency.jay)
    fields = visit(agency, clock)
    cases = [("casa", agency.fss), ("cw", agency.int_), ("cwb", agency.fss), ("cpsw", agency.fss)]
    for login, stage in cases:
        desk = store.as_user(login)
        said = desk.may_add_note(stage)
        assert said is not None and said == _refusal_of_add_note(desk, stage, fields), (login, stage)
    store.as_user("cw").close_stage(agency.fsi, "Progressed to another stage")
    refusal = store.as_user("cw").may_add_note(agency.fsi)
    assert "closed" in refusal and refusal == _refusal_of_add_note(store.as_user("cw"), agency.fsi,
                                                                    visit(agency, clock, participants=[agency.jay]))
    assert store.as_user("cw").may_add_note(agency.fss) is None
    assert store.as_user("clerk").may_add_note(agency.fss) is None  # enters for an author chosen in the note
    assert store.as_user("clerk").may_add_note(agency.int_) is not None


def test_only_those_who_supervise_someone_supervise(store, agency):
    assert [store.as_user(who).supervises() for who in ("director", "supa", "cw", "clerk", "casa")] == [
        True, True, False, False, False]


def _notes(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def test_an_advocate_writes_no_notes_and_is_told_so(store, agency, clock):
    store.staffing().appoint_advocate("casa", agency.jay)
    assert [store.as_user(who).writes_notes() for who in ("casa", "cw", "clerk", "director")] == [
        False, True, True, True]
    refusal = _refusal_of_add_note(store.as_user("casa"), agency.fss, visit(agency, clock))
    assert refusal == store.as_user("casa").may_add_note(agency.fss)
    assert refusal.startswith("A child's advocate reads the child's notes and writes none")
    assert _refusal_of_add_note(store.as_user("cwb"), agency.fss, visit(agency, clock)) == (
        "You have no role in this stage and supervise nobody who has one.")


def test_an_advocate_is_not_offered_a_new_note(demo_store, tmp_path):
    advocate = next(w.login for w in demo_store.staff() if w.title == "CASA Volunteer Advocate")

    async def run():
        app = open_app(demo_store, advocate, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            seen = [("caseload", _footer_keys(app))]
            await press(pilot, ["ctrl+n"])
            after = [type(app.screen)]
            case_id = demo_store.as_user(advocate).caseload()[0].case_id
            app.open_case(case_id)  # as a search result would
            await settle(pilot)
            seen.append(("case", _footer_keys(app)))
            palette = [name for name, _, _ in CasenotesCommands(app.screen)._fixed()]
            await press(pilot, ["ctrl+n"])
            after.append(type(app.screen))
            return seen, palette, after

    seen, palette, after = asyncio.run(run())
    assert [(where, "New note" in keys) for where, keys in seen] == [("caseload", False), ("case", False)]
    assert "Activity" not in seen[1][1]  # the store refuses an advocate the family's activity
    assert "New note in this stage" not in palette and "Activity of this case" not in palette
    assert after == [AdvocateHomeScreen, CaseScreen]  # no editor opened


def test_a_new_note_in_a_closed_investigation_says_why(store, agency, tmp_path):
    store.as_user("cw").close_stage(agency.fsi, "Progressed to another stage")

    async def run():
        app = open_app(store, "cw", tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.open_case(agency.case, agency.fsi)
            await settle(pilot)
            await press(pilot, ["ctrl+n"])
            in_closed = type(app.screen), _notes(app)
            app.pop_screen()
            await settle(pilot)
            app.open_case(agency.case, agency.fss)
            await settle(pilot)
            await press(pilot, ["ctrl+n"])
            return in_closed, type(app.screen)

    (screen, said), in_open = asyncio.run(run())
    assert screen is CaseScreen
    assert any("closed" in text and "takes no new notes" in text for text in said)
    assert in_open is NoteEditorScreen


def _footer_keys(app) -> list[str]:
    return [key.description for key in app.screen.query_one(Footer).query(FooterKey)]


@pytest.mark.parametrize("title, offered", [("Caseworker", False), ("Casework Supervisor", True)])
def test_the_review_queue_and_timeliness_are_offered_to_supervisors_only(demo_store, tmp_path, title, offered):
    login = next(w.login for w in demo_store.staff() if w.title == title)

    async def run():
        app = open_app(demo_store, login, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            keys = _footer_keys(app)
            palette = [name for name, _, _ in CasenotesCommands(app.screen)._fixed()]
            await press(pilot, ["ctrl+r"])
            return keys, palette, type(app.screen).__name__

    keys, palette, after_ctrl_r = asyncio.run(run())
    assert ("Review queue" in keys, "Timeliness" in keys) == (offered, offered)
    assert ("Review queue" in palette, "Timeliness" in palette) == (offered, offered)
    assert (after_ctrl_r == "ReviewQueueScreen") == offered


def _refusal_of_activity(desk, case_id) -> str | None:
    try:
        desk.case_activity(case_id)
    except StoreError as refusal:
        return refusal.message
    return None


def test_may_read_activity_gives_the_sentence_case_activity_refuses_with(store, agency):
    store.staffing().appoint_advocate("casa", agency.jay)
    for login in ("clerk", "casa", "cwb"):  # enters notes for others, a child's advocate, no role in the case
        desk = store.as_user(login)
        said = desk.may_read_activity(agency.case)
        assert said is not None and said == _refusal_of_activity(desk, agency.case), login
    for login in ("cw", "supa"):  # the Case Manager, their supervisor
        assert store.as_user(login).may_read_activity(agency.case) is None
        assert _refusal_of_activity(store.as_user(login), agency.case) is None


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("login, offered", [("clerk", False), ("cw", True)])
def test_the_clerk_is_not_offered_the_cases_activity(store, agency, tmp_path, login, offered):
    async def run():
        app = open_app(store, login, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await open_case(pilot, agency.case, agency.fss)
            footer = _footer_keys(app)
            palette = [name for name, _, _ in CasenotesCommands(app.screen)._fixed()]
            await press(pilot, ["t"])
            return footer, palette, app.screen.has_class("-activity")

    footer, palette, shown = asyncio.run(run())
    assert ("Activity" in footer, "Activity of this case" in palette, shown) == (offered, offered, offered)
