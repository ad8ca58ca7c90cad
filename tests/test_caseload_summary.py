"""The line above the caseload says what it counts (issue 14, item 16): "1 stage", not "1 stages";
a director, who heads no single unit, reads whose assignments the second tab counts."""

import asyncio

from textual.widgets import Static

from tests.test_flows import open_app, settle

SIZE = (120, 40)


def _summary(store, login, home) -> str:
    async def run():
        app = open_app(store, login, home)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            return str(app.screen.query_one("#summary", Static).render())
    return asyncio.run(run())


def test_one_stage_is_one_stage(store, agency, tmp_path):
    assert _summary(store, "cwb", tmp_path).startswith("1 stage assigned to you")
    assert _summary(store, "cw", tmp_path).startswith("2 stages assigned to you")


def test_the_director_reads_whose_assignments_are_counted(store, agency, tmp_path):
    director = _summary(store, "director", tmp_path)
    below = store.as_user("director").unit_caseload()
    workers = len({row.worker for row in below})
    assert f"{len(below)} assignments held by the {workers} workers below you" in director
    assert "your unit" not in director
    assert f"{len(store.as_user('supa').unit_caseload())} assignments in your unit" in _summary(store, "supa", tmp_path)
