"""Writing and approving a case plan by keyboard (issue 19), on the test agency: the Case Planner opens
the family, P lists its plans, n starts Jay's, two sections are typed and autosaved, who took part is
set, ctrl+r sends it; the supervisor finds it in the plan review queue (p in the review queue) and returns
it with a comment; the planner corrects and sends it again; the supervisor approves it, and it is final.
Each step's change is read back from the database. Also: a save refused because another window saved
first keeps what was typed, says so, and ctrl+s then saves it."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from store.core.errors import InvalidTransition
from tests.keyboard import type_text
from tests.settling import open_case, screen_shown, until
from tests.test_flows import open_app, settle
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.pick import PickDialog
from tui.dialogs.plan_participants import PlanParticipantsDialog
from tui.dialogs.return_plan import PlanReturnDialog
from tui.screens.plan import PlanScreen
from tui.screens.plan_review_queue import PlanReviewQueueScreen
from tui.screens.plans import PlansScreen

SIZE = (120, 40)
sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def _one(store, sql: str, **values):
    with store.read_engine.connect() as conn:
        return conn.execute(text(sql), values).all()


def _sections(store, plan_id: int) -> dict[str, str]:
    return dict(_one(store, "SELECT key, text FROM plan_sections WHERE plan_id = :p", p=plan_id))


def _status(store, plan_id: int) -> str:
    return _one(store, "SELECT status FROM plans WHERE id = :p", p=plan_id)[0][0]


async def plan_shown(pilot) -> PlanScreen:
    await until(pilot, lambda: isinstance(pilot.app.screen, PlanScreen) and pilot.app.screen.plan is not None
                and pilot.app.screen.actions, "the plan screen")
    return pilot.app.screen


async def list_shown(pilot, kind) -> None:
    await until(pilot, lambda: isinstance(pilot.app.screen, kind) and pilot.app.screen.desk is not None
                and not pilot.app.workers._workers, kind.__name__)


def planner_drafts(store, agency, home):
    """vaplanner: case → P → n → Jay → two sections typed (autosaved) → who took part → ctrl+r."""

    async def run():
        app = open_app(store, "vaplanner", home)
        async with app.run_test(size=SIZE) as pilot:
            await open_case(pilot, agency.case, agency.fss)
            await pilot.press("P")
            await list_shown(pilot, PlansScreen)
            await pilot.press("n")
            await screen_shown(pilot, PickDialog)
            await pilot.press("2")  # 1 the family, 2 Jay
            screen = await plan_shown(pilot)
            plan_id = screen.plan_id
            first, second = screen.plan.section_keys[:2]
            await pilot.press("enter")  # into the first section's text
            await type_text(pilot, "Jay's asthma is not treated; school reports he is tired.")
            await until(pilot, lambda: _sections(store, plan_id).get(first, "").startswith("Jay's asthma"),
                        "the first section autosaved")
            await pilot.press("ctrl+down")  # the next section, still writing
            await type_text(pilot, "Clinic visits weekly; a foster home near his school.")
            await until(pilot, lambda: _sections(store, plan_id).get(second, "").startswith("Clinic"),
                        "the second section autosaved")
            await pilot.press("escape", "p")  # back to the sections, then who took part
            await screen_shown(pilot, PlanParticipantsDialog)
            await pilot.press("space", "down", "down", "space", "tab")  # Jay and Ana; then the others
            await type_text(pilot, "Rosa Diaz, foster parent")
            await pilot.press("ctrl+s")
            await until(pilot, lambda: isinstance(app.screen, PlanScreen) and app.screen.plan.participants,
                        "who took part, saved")
            await pilot.press("ctrl+r")
            await list_shown(pilot, PlansScreen)
            return plan_id, first, second

    return asyncio.run(run())


def supervisor_reviews(store, home, keys: list[str], comment: str | None = None):
    """supa: the review queue → p → Enter on the plan → the keys (r with a comment, or y and Enter)."""

    async def run():
        app = open_app(store, "supa", home)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.action_review_queue()
            await settle(pilot)
            await pilot.press("p")
            await list_shown(pilot, PlanReviewQueueScreen)
            rows = len(app.screen.plans)
            await pilot.press("enter")
            await plan_shown(pilot)
            await pilot.press(keys[0])
            if comment is not None:
                await screen_shown(pilot, PlanReturnDialog)
                await type_text(pilot, comment)
            else:
                await screen_shown(pilot, ConfirmDialog)
            await pilot.press(*keys[1:])
            await list_shown(pilot, PlanReviewQueueScreen)
            return rows, len(app.screen.plans)

    return asyncio.run(run())


def planner_corrects(store, agency, home, plan_id: int):
    async def run():
        app = open_app(store, "vaplanner", home)
        async with app.run_test(size=SIZE) as pilot:
            await open_case(pilot, agency.case, agency.fss)
            await pilot.press("P")
            await list_shown(pilot, PlansScreen)
            await pilot.press("enter")
            screen = await plan_shown(pilot)
            assert screen.plan_id == plan_id
            returned = str(screen.query_one("#returned").render())
            await pilot.press("enter", "ctrl+e")  # into the first section, at its end
            await type_text(pilot, " Inhaler prescribed 03/01.")
            await pilot.press("ctrl+r")  # saves what was typed, then sends it again
            await list_shown(pilot, PlansScreen)
            return returned

    return asyncio.run(run())


@sqlite_only
def test_a_planner_drafts_a_childs_plan_and_a_supervisor_returns_then_approves_it(store, agency, tmp_path,
                                                                                   monkeypatch):
    monkeypatch.setattr("tui.screens.plan.AUTOSAVE_SECONDS", 0.2)
    plan_id, first, second = planner_drafts(store, agency, tmp_path)
    assert _sections(store, plan_id) == {first: "Jay's asthma is not treated; school reports he is tired.",
                                         second: "Clinic visits weekly; a foster home near his school."}
    assert _one(store, "SELECT person_id, name, role FROM plan_participants WHERE plan_id = :p ORDER BY id",
                p=plan_id) == [(agency.jay, "Jay Rivera", "child"), (agency.ana, "Ana Rivera", "mother"),
                               (None, "Rosa Diaz", "foster parent")]
    assert _one(store, "SELECT child_id, status FROM plans WHERE id = :p", p=plan_id) == [(agency.jay, "submitted")]

    before, after = supervisor_reviews(store, tmp_path, ["r", "ctrl+s"], "Say who takes Jay to the clinic.")
    assert (before, after) == (1, 0)
    assert _status(store, plan_id) == "returned"
    assert _one(store, "SELECT action, comment FROM plan_review_actions WHERE plan_id = :p ORDER BY id",
                p=plan_id) == [("submit", None), ("return", "Say who takes Jay to the clinic.")]

    returned = planner_corrects(store, agency, tmp_path, plan_id)
    assert "Say who takes Jay to the clinic." in returned
    assert _sections(store, plan_id)[first].endswith("tired. Inhaler prescribed 03/01.")
    assert _status(store, plan_id) == "resubmitted"

    supervisor_reviews(store, tmp_path, ["y", "enter"])
    assert _one(store, "SELECT status, approved_by_id IS NOT NULL FROM plans WHERE id = :p", p=plan_id) == [
        ("approved", True)]
    planner = store.as_user("vaplanner")
    with pytest.raises(InvalidTransition, match="approved and final"):  # frozen
        planner.save_plan_section(plan_id, first, "Rewritten.", planner.plan(plan_id).version)
    assert planner.plan_actions(plan_id)["edit"] == "This plan is approved and final; start a new version of it to change it."


@sqlite_only
def test_a_save_refused_because_another_window_saved_first_keeps_the_typing(store, agency, tmp_path, monkeypatch):
    monkeypatch.setattr("tui.screens.plan.AUTOSAVE_SECONDS", 0.2)
    planner = store.as_user("vaplanner")
    plan = planner.start_plan(agency.case, agency.mia)
    key = plan.section_keys[0]

    async def run():
        app = open_app(store, "vaplanner", tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.push_screen(PlanScreen(plan.id))
            screen = await plan_shown(pilot)
            planner.save_plan_section(plan.id, plan.section_keys[1], "Written in another window.", plan.version)
            await pilot.press("enter")
            await type_text(pilot, "Mia needs glasses.")
            await until(pilot, lambda: screen.stale, "the stale save said")
            said = str(screen.query_one("#saved").render())
            kept = screen.query_one("#text").text
            await pilot.press("ctrl+s")
            await until(pilot, lambda: not screen.typed, "saved over the other window's version")
            return said, kept

    said, kept = asyncio.run(run())
    assert "Someone saved this plan after you opened it" in said and "ctrl+s saves it over" in said
    assert kept == "Mia needs glasses."
    assert _sections(store, plan.id) == {key: "Mia needs glasses.", plan.section_keys[1]: "Written in another window."}


@sqlite_only
def test_a_worker_who_does_not_draft_the_familys_plans_is_told_why(store, agency, tmp_path):
    async def run():
        app = open_app(store, "cw2", tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await open_case(pilot, agency.case, agency.fss)
            await pilot.press("P")
            await list_shown(pilot, PlansScreen)
            summary = str(app.screen.query_one("#summary").render())
            await pilot.press("n")
            await settle(pilot)
            return summary, type(app.screen), [str(n.message) for n in app._notifications]

    summary, screen, said = asyncio.run(run())
    sentence = ("A family's plans are written by its Case Planner (its Case Manager where there is none) and "
                "those above them, and you are neither.")
    assert screen is PlansScreen and sentence in said and "no plans yet" in summary
    assert _one(store, "SELECT count(*) FROM plans") == [(0,)]


@sqlite_only
def test_quitting_with_a_section_typed_and_not_yet_saved_saves_it_first(store, agency, tmp_path):
    plan = store.as_user("vaplanner").start_plan(agency.case)
    key = plan.section_keys[0]

    async def run():
        app = open_app(store, "vaplanner", tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.push_screen(PlanScreen(plan.id))
            await plan_shown(pilot)
            await pilot.press("enter")
            await type_text(pilot, "Neglect reported by the school nurse.")
            await pilot.press("ctrl+q")  # before the autosave's pause is over
            await screen_shown(pilot, ConfirmDialog)
            await pilot.press("s")
            await until(pilot, lambda: bool(_sections(store, plan.id)), "saved before quitting")
            await settle(pilot)
            return app.return_code

    assert asyncio.run(run()) == 0  # quit once saved
    assert _sections(store, plan.id) == {key: "Neglect reported by the school nurse."}


@sqlite_only
def test_the_palette_offers_the_plans_and_a_returned_plans_notice_opens_it(store, agency, tmp_path):
    from tui.palette import CasenotesCommands

    planner = store.as_user("vaplanner")
    plan = planner.start_plan(agency.case)
    plan = planner.submit_plan(planner.save_plan_section(plan.id, "safety", "A safety plan.", plan.version).id)
    store.as_user("supa").return_plan(plan.id, "Name who watches the children at night.")
    (notice,) = [n for n in planner.inbox() if n.entity == "plan"]

    async def run():
        app = open_app(store, "vaplanner", tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await open_case(pilot, agency.case, agency.fss)
            offered = [name for name, _, _ in CasenotesCommands(app.screen)._fixed()]
            app.open_notified(notice)
            screen = await plan_shown(pilot)
            return offered, screen.plan_id, str(screen.query_one("#returned").render())

    offered, opened, returned = asyncio.run(run())
    assert "Case plans of this family" in offered and "Plan review queue" not in offered  # nobody reports to a planner
    assert opened == plan.id and "Name who watches the children at night." in returned


@sqlite_only
def test_esc_after_another_window_saved_first_asks_and_leaves_without_writing(store, agency, tmp_path, monkeypatch):
    monkeypatch.setattr("tui.screens.plan.AUTOSAVE_SECONDS", 0.2)
    planner = store.as_user("vaplanner")
    plan = planner.start_plan(agency.case, agency.mia)

    async def run():
        app = open_app(store, "vaplanner", tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.push_screen(PlanScreen(plan.id))
            screen = await plan_shown(pilot)
            planner.save_plan_section(plan.id, plan.section_keys[0], "From the other window.", plan.version)
            await pilot.press("enter")
            await type_text(pilot, "Mine.")
            await until(pilot, lambda: screen.stale, "the stale save said")
            await pilot.press("escape", "escape")  # to the sections, then leave
            await screen_shown(pilot, ConfirmDialog)
            await pilot.press("d")
            await settle(pilot)
            return type(app.screen)

    assert asyncio.run(run()) is not PlanScreen
    assert _sections(store, plan.id) == {plan.section_keys[0]: "From the other window."}


@sqlite_only
def test_typing_kept_on_this_computer_comes_back_when_the_plan_is_opened_again(store, agency, tmp_path, monkeypatch):
    """A crash before the autosave's pause: the sections typed are on disk a second after typing stops,
    offered back at the next sign-in, put back when the plan opens and saved; then the copy goes."""
    monkeypatch.setattr("tui.screens.plan.AUTOSAVE_SECONDS", 600)
    monkeypatch.setattr("tui.screens.plan_keeping.KEEP_SECONDS", 0.1)
    plan = store.as_user("vaplanner").start_plan(agency.case, agency.jay)
    key = plan.section_keys[0]
    kept = tmp_path / "recovery" / "vaplanner" / f"plan-{plan.id}.json"

    async def crash():
        app = open_app(store, "vaplanner", tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.push_screen(PlanScreen(plan.id))
            await plan_shown(pilot)
            await pilot.press("enter")
            await type_text(pilot, "Jay sleeps badly since the move.")
            await until(pilot, kept.exists, "the typing kept on this computer")

    async def again():
        app = open_app(store, "vaplanner", tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await screen_shown(pilot, ConfirmDialog)  # the recovered draft, offered at sign-in
            question = str(app.screen.query_one("#question").render())
            await pilot.press("enter")
            await plan_shown(pilot)
            await until(pilot, lambda: bool(_sections(store, plan.id)) and not kept.exists(), "saved, copy gone")
            return question

    asyncio.run(crash())
    assert _sections(store, plan.id) == {}
    question = asyncio.run(again())
    assert "Jay Rivera's plan" in question
    assert _sections(store, plan.id) == {key: "Jay sleeps badly since the move."}
