"""The case screen's keys for a stage's course, by keyboard on the test agency: g progress, c App/Reg,
w start closing, x close. A key the worker may not use says the store's sentence and opens nothing;
each dialog's change is checked in the database; Esc leaves without writing. Snapshots of each dialog
at the project's size and at 80x24."""

import asyncio
import io

import pytest

from tests.settling import open_case, screen_shown
from tests.test_flows import open_app, press, settle
from tests.test_stages import CLOSE
from tests.test_triggers import _scalar
from tui.dialogs.app_reg import AppRegDialog
from tui.dialogs.close_stage import CloseStageDialog
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.progress_stage import ProgressStageDialog
from tui.screens.case import CaseScreen

SIZE, SMALL = (120, 40), (80, 24)
sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def _said(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def _stage_row(store, stage_id):
    with store.read_engine.connect() as conn:
        from sqlalchemy import text

        return conn.execute(text("SELECT closed_at, close_reason, closing_reason, primary_caretaker_id, app_reg_at "
                                 "FROM stages WHERE id = :s"), {"s": stage_id}).one()


def run_keys(store, login, home, stage_id, case_id, steps, size=SIZE):
    """Open the case at the stage as ``login``, then press each step's keys and note the screen after it."""

    async def run():
        app = open_app(store, login, home)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            app.open_case(case_id, stage_id)
            await settle(pilot)
            seen = []
            for keys in steps:
                await press(pilot, keys)
                seen.append(app.screen)
                problems = app.screen.query("#problem")
                app.screen.problem_shown = str(problems.first().render()) if problems else None
            return app, seen

    return asyncio.run(run())


@sqlite_only
def test_g_progresses_the_fsi_into_an_fss_chosen_by_keyboard(store, agency, tmp_path):
    before = _scalar(store, "SELECT count(*) FROM stages")
    # g: the dialog; Tab to the FSS types, → → and Space: COI; ctrl+s: asked; y: opened.
    app, seen = run_keys(store, "cw", tmp_path, agency.fsi, agency.case,
                         [["g"], ["tab", "right", "right", "space"], ["ctrl+s"], ["y"]])
    assert isinstance(seen[0], ProgressStageDialog) and isinstance(seen[2], ConfirmDialog)
    assert isinstance(seen[3], CaseScreen)
    assert _scalar(store, "SELECT count(*) FROM stages") == before + 1
    new = _scalar(store, "SELECT max(id) FROM stages")
    view = store.as_user("cw").stage(new)
    assert (view.label, view.parent_id, [p.id for p in view.persons]) == ("FSS-COI", agency.fsi,
                                                                          [agency.jay, agency.ana])
    assert [(r.worker_login, r.role) for r in view.roles] == [("cw", "Case Manager")]
    assert _stage_row(store, agency.fsi).close_reason == "Progressed to another stage"
    assert seen[3].stage_id == new  # the case screen shows the new stage
    assert "FSS-COI stage opened" in _said(app)


@sqlite_only
def test_a_refused_progression_stays_in_the_dialog_with_the_stores_sentence(store, agency, tmp_path):
    before = _scalar(store, "SELECT count(*) FROM stages")
    # Untick Jay (Space on the first person): an adult alone is refused.
    _, seen = run_keys(store, "cw", tmp_path, agency.fsi, agency.case,
                         [["g"], ["tab", "tab", "space"], ["ctrl+s", "y"]])
    dialog = seen[-1]
    assert isinstance(dialog, ProgressStageDialog)
    assert "at least one child" in dialog.problem_shown
    assert _scalar(store, "SELECT count(*) FROM stages") == before


@sqlite_only
def test_keys_the_worker_may_not_use_say_the_stores_sentence(store, agency, tmp_path):
    app, seen = run_keys(store, "cw2", tmp_path, agency.fss, agency.case, [["g"], ["c"], ["w"], ["x"]])
    assert all(isinstance(screen, CaseScreen) for screen in seen)
    said = _said(app)
    for doing in ("may progress it", "may App/Reg it", "may start closing it", "may close it"):
        assert any(doing in sentence for sentence in said), doing
    course = store.as_user("cw2").stage_course(agency.fss)
    assert course.progress in said and course.close in said


@sqlite_only
def test_c_app_regs_with_a_primary_caretaker(store, agency, tmp_path):
    # The persons are Jay, Mia, Ana, then "Child only": Ana is the third.
    _, seen = run_keys(store, "cw", tmp_path, agency.fss, agency.case,
                         [["c"], ["down", "down", "enter"], ["y"]])
    assert isinstance(seen[0], AppRegDialog) and isinstance(seen[1], ConfirmDialog)
    assert isinstance(seen[2], CaseScreen)
    row = _stage_row(store, agency.fss)
    assert row.primary_caretaker_id == agency.ana and row.app_reg_at is not None


@sqlite_only
def test_c_refuses_a_child_as_primary_caretaker_in_the_dialog(store, agency, tmp_path):
    _, seen = run_keys(store, "cw", tmp_path, agency.fss, agency.case, [["c"], ["enter", "y"]])
    assert isinstance(seen[-1], AppRegDialog)
    assert "is a child of the stage" in seen[-1].problem_shown
    assert _stage_row(store, agency.fss).app_reg_at is None


@sqlite_only
def test_the_planner_starts_closing_and_may_not_close(store, agency, tmp_path):
    app, seen = run_keys(store, "vaplanner", tmp_path, agency.fss, agency.case, [["w"], ["enter"], ["x"]])
    assert isinstance(seen[0], CloseStageDialog) and isinstance(seen[1], CaseScreen)
    row = _stage_row(store, agency.fss)
    assert (row.closing_reason, row.closed_at) == (CLOSE, None)
    assert isinstance(seen[2], CaseScreen)
    assert any("the Case Planner may start the closing" in s for s in _said(app))


@sqlite_only
def test_x_closes_after_asking_and_esc_leaves_it_open(store, agency, tmp_path):
    app, seen = run_keys(store, "cw", tmp_path, agency.fss, agency.case,
                         [["x"], ["enter"], ["escape"], ["escape"]])
    assert isinstance(seen[1], ConfirmDialog) and isinstance(seen[2], CloseStageDialog)
    assert isinstance(seen[3], CaseScreen)
    assert _stage_row(store, agency.fss).closed_at is None
    app, seen = run_keys(store, "cw", tmp_path, agency.fss, agency.case, [["x"], ["enter"], ["y"]])
    row = _stage_row(store, agency.fss)
    assert (row.close_reason, row.closed_at is not None) == (CLOSE, True)
    assert isinstance(seen[2], CaseScreen) and "FSS-CWS stage closed" in _said(app)


# --- snapshots ------------------------------------------------------------------------------------

DIALOGS = {  # name: (login, stage, keys, the dialog on top)
    "progress": ("cw", "fsi", ["g"], ProgressStageDialog),
    "progress_from_fss": ("cw", "fss", ["g", "right", "space"], ProgressStageDialog),
    "app_reg": ("cw", "fss", ["c"], AppRegDialog),
    "start_closing": ("vaplanner", "fss", ["w"], CloseStageDialog),
    "close_confirm": ("cw", "fss", ["x", "enter"], ConfirmDialog),
}


@sqlite_only
@pytest.mark.parametrize("size", [SIZE, SMALL], ids=["wide", "80x24"])
@pytest.mark.parametrize("name", sorted(DIALOGS))
def test_stage_course_dialog_snapshot(snap_compare, store, agency, tmp_path, name, size):
    login, stage, keys, dialog = DIALOGS[name]
    app = open_app(store, login, tmp_path)

    async def run_before(pilot):
        await open_case(pilot, agency.case, getattr(agency, stage))
        await press(pilot, keys)
        await screen_shown(pilot, dialog)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@sqlite_only
def test_ctrl_n_in_an_advpo_stage_says_why_and_opens_no_editor(store, agency, tmp_path):
    from store.rules.access import NO_ADVPO_NOTES

    advpo = store.staffing().open_stage(agency.case, "FSS", subtype="ADVPO", case_manager="cw",
                                        person_ids=[agency.jay, agency.ana])
    app, seen = run_keys(store, "cw", tmp_path, advpo, agency.case, [["ctrl+n"]])
    assert isinstance(seen[0], CaseScreen)
    assert NO_ADVPO_NOTES in _said(app)


@sqlite_only
def test_help_and_the_palette_list_the_stage_course_keys(store, agency, tmp_path):
    from tui.palette import CasenotesCommands

    async def run():
        app = open_app(store, "cw", tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.open_case(agency.case, agency.fss)
            await settle(pilot)
            palette = [name for name, _, _ in CasenotesCommands(app.screen)._fixed()]
            await press(pilot, ["f1"])
            from rich.console import Console

            console = Console(width=200, record=True, file=io.StringIO())
            console.print(app.screen._keys())
            shown = console.export_text()
            return palette, shown

    palette, shown = asyncio.run(run())
    assert {"Progress stage", "App/Reg stage", "Start closing stage", "Close stage"} <= set(palette)
    for words in ("Progress stage", "App/Reg", "Start closing", "Close stage"):
        assert words in shown, words


@sqlite_only
def test_the_trees_cursor_is_on_the_stage_shown_even_before_the_tree_is_painted(store, agency, tmp_path):
    # A loaded machine can refresh the screen before the tree numbers its lines: the cursor is put by
    # line, so that it does not land on the first stage (INT) while the notes are the FSS's.
    from textual.widgets import Tree

    async def run():
        app = open_app(store, "cw", tmp_path)
        async with app.run_test(size=SMALL) as pilot:
            await open_case(pilot, agency.case, agency.fss)
            screen = app.screen
            screen._show_case(screen.case)  # the tree filled again, not yet painted
            screen._put_tree_cursor(agency.fss)
            return screen.query_one(Tree).cursor_node.data

    assert asyncio.run(run()) == agency.fss
