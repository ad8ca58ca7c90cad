"""The caseload, case and review queue screens at 80x24 (issue 14, item 15): the next deadline, the
note preview, the columns that tell notes apart, and ^q and F1 in the footer all stay on screen."""

from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from tests.test_tui import app_for, keys_then_settle, settle  # noqa: F401  (app_for is a fixture)

SMALL = (80, 24)


def test_caseworker_caseload_at_80x24_snapshot(snap_compare, app_for):
    assert snap_compare(app_for("Caseworker"), terminal_size=SMALL, run_before=settle)


def test_supervisor_unit_caseload_at_80x24_snapshot(snap_compare, app_for):
    async def unit_tab(pilot):
        await settle(pilot)
        pilot.app.screen.query_one("TabbedContent").active = "unit"
        await settle(pilot)
    assert snap_compare(app_for("Casework Supervisor"), terminal_size=SMALL, run_before=unit_tab)


def test_case_screen_at_80x24_snapshot(snap_compare, app_for):
    assert snap_compare(app_for("Caseworker"), terminal_size=SMALL, run_before=keys_then_settle("enter", "down"))


def test_review_queue_at_80x24_snapshot(snap_compare, app_for):
    assert snap_compare(app_for("Casework Supervisor"), terminal_size=SMALL,
                        run_before=keys_then_settle("ctrl+r", "space"))


def _footer(app) -> list[str]:
    return [key.description for key in app.screen.query_one(Footer).query(FooterKey)
            if key.region.right <= SMALL[0]]


def test_quit_and_help_stay_in_the_footer_at_80_columns(app_for):
    import asyncio

    async def run():
        app = app_for("Casework Supervisor")
        seen = {}
        async with app.run_test(size=SMALL) as pilot:
            await settle(pilot)
            seen["caseload"] = _footer(app)
            await pilot.press("ctrl+r")
            await settle(pilot)
            seen["queue"] = _footer(app)
            await pilot.press("escape")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            seen["case"] = _footer(app)
            seen["preview lines"] = app.screen.query_one("#preview").size.height
        return seen

    seen = asyncio.run(run())
    for screen in ("caseload", "queue", "case"):
        assert {"Quit", "Help"} <= set(seen[screen]), (screen, seen[screen])
    assert seen["preview lines"] >= 5


def test_staff_picker_at_80x24_snapshot(snap_compare, app_for):
    assert snap_compare(app_for(), terminal_size=SMALL, run_before=settle)
