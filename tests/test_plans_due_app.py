"""Case plans due, shown where caseworkers look for what is due (issue 19): the Plans due tab of My
deadlines (the store's rows, soonest first; enter opens the family), the caseload's marker for a family
with an overdue plan, with the demo agency and the clock stopped at its end."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from tests.test_deadlines_app import busy_caseworker, run, supervisor
from tests.test_tui import SIZE, keys_then_settle
from tui.app import CasenotesApp
from tui.screens.case import CaseScreen


def planner_with_plans(store) -> str:
    """The busy caseworker of the deadlines tests, who drafts the plans of the families they manage."""
    login = busy_caseworker(store)
    assert store.as_user(login).plans_due(), "the demo caseworker drafts plans that are due"
    return login


def test_the_plans_due_tab_lists_the_stores_rows_soonest_first(demo_store, tmp_path):
    login = planner_with_plans(demo_store)
    due = demo_store.as_user(login).plans_due()

    def shown(app):
        table = app.screen.query_one("#plans-table", DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        return (app.screen.query_one("TabbedContent").active, rows,
                str(app.screen.query_one("#summary", Static).render()),
                str(app.screen.query_one("#detail", Static).render()))

    active, rows, summary, detail = run(demo_store, login, tmp_path, ["ctrl+l", "t"], shown)
    assert active == "plans"
    assert [(r[2], r[1]) for r in rows] == [(p.family_name, p.what) for p in due]
    assert [r[0].startswith("OVERDUE") for r in rows] == [p.overdue for p in due]
    overdue = sum(p.overdue for p in due)
    assert f"{len(due)} plans due" in summary and (f"{overdue} overdue" in summary.split("plans due")[1]) == bool(overdue)
    assert detail == due[0].sentence


def test_enter_on_a_plan_opens_its_family(demo_store, tmp_path):
    login = planner_with_plans(demo_store)
    first = demo_store.as_user(login).plans_due()[0]
    screen, case_id = run(demo_store, login, tmp_path, ["ctrl+l", "t", "enter"],
                          lambda app: (type(app.screen), getattr(app.screen, "case_id", None)))
    assert (screen, case_id) == (CaseScreen, first.case_id)


def test_a_supervisor_sees_the_plans_due_of_the_team(demo_store, tmp_path):
    login = supervisor(demo_store)
    team = demo_store.as_user(login).team_plans_due()
    assert team

    def shown(app):
        table = app.screen.query_one("#plans-table", DataTable)
        return [str(table.get_row_at(i)[4]) for i in range(table.row_count)]

    drafters = run(demo_store, login, tmp_path, ["ctrl+l"], shown)
    expected = [", ".join(p.drafters) for p in demo_store.as_user(login).plans_due()] + [
        ", ".join(p.drafters) for p in team]
    assert len(drafters) == len(expected)
    assert all(s == e or (s.endswith("…") and e.startswith(s[:-1])) for s, e in zip(drafters, expected, strict=True))


def test_plans_due_snapshot(snap_compare, demo_store, tmp_path):
    app = CasenotesApp(demo_store, planner_with_plans(demo_store), home=tmp_path, indexing=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle("ctrl+l", "t"))


def test_plans_due_at_80x24_snapshot(snap_compare, demo_store, tmp_path):
    app = CasenotesApp(demo_store, planner_with_plans(demo_store), home=tmp_path, indexing=False)
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys_then_settle("ctrl+l", "t"))
