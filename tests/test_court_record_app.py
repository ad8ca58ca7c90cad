"""The court record from the case screen (issue 19, item 4): p opens its dialog, c chooses the child,
n takes notes not yet approved too, Enter picks the folder with the file picker and a worker writes
the PDF there; the file is checked against the database as ``--verify`` does. Snapshots of the dialog
at 120x40 and 80x24."""

from __future__ import annotations

import asyncio

import pytest
from pypdf import PdfReader
from sqlalchemy import text

from tests.test_flows import first_caseworker, press, settle
from tui.app import CasenotesApp
from tui.dialogs.court_record import CourtRecordDialog
from tui.export.court_file import read_manifest
from tui.palette import CasenotesCommands

SIZES = {"size": (120, 40), "small": (80, 24)}


@pytest.fixture
def home(tmp_path, monkeypatch):
    folder = tmp_path / "home"
    (folder / "Court").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(folder))
    return folder


def _managed_case(store):
    worker = first_caseworker(store)
    row = next(r for r in store.as_user(worker).caseload()
               if r.role == "Case Manager" and r.stage_label.startswith("FSS") and r.closed_at is None)
    case = store.as_user(worker).case(row.case_id)
    return worker, row.case_id, row.stage_id, case


def test_p_writes_the_familys_court_record_into_a_chosen_folder(demo_store, tmp_path, home):
    worker, case_id, stage_id, case = _managed_case(demo_store)
    children = [p for p in case.persons if p.is_child]
    app = CasenotesApp(demo_store, worker, home=tmp_path / "app", indexing=False)

    async def run():
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            app.open_case(case_id, stage_id)
            await settle(pilot)
            palette = [name for name, _, _ in CasenotesCommands(app.screen)._fixed()]
            await press(pilot, ["p"])
            assert isinstance(app.screen, CourtRecordDialog)
            await press(pilot, ["c", "n"])  # the first child, and notes not yet approved
            choices = str(app.screen.query_one("#choices").render())
            await press(pilot, ["enter"])  # the folder picker, in ~
            await press(pilot, ["C", "o", "u", "enter", "ctrl+s"])
            await settle(pilot)
            assert isinstance(app.screen, CourtRecordDialog)
            return palette, choices, str(app.screen.query_one("#said").render())

    palette, choices, said = asyncio.run(run())
    assert "Court record of this family (PDF)" in palette
    assert children[0].name in choices and "not yet approved" in choices
    [path] = list((home / "Court").glob("court-record-*.pdf"))
    assert "Wrote" in said and path.name in said and "Manifest SHA-256" in said
    manifest = read_manifest(path)
    assert manifest.fields["child"] == children[0].id and manifest.fields["unapproved_included"] is True
    assert demo_store.as_user(worker).verify_court_record(manifest).all_match
    pages = [page.extract_text() for page in PdfReader(path).pages]
    assert all(f"Page {n} of {len(pages)}" in page for n, page in enumerate(pages, 1))
    with demo_store.write_engine.connect() as conn:
        audited = conn.execute(text("SELECT count(*) FROM audit_log WHERE action = 'read court record' "
                                    "AND case_id = :c"), {"c": case_id}).scalar_one()
    assert audited == 1


@pytest.mark.parametrize("size", sorted(SIZES))
def test_court_record_dialog_snapshot(snap_compare, demo_store, tmp_path, home, size):
    worker, case_id, stage_id, _ = _managed_case(demo_store)
    app = CasenotesApp(demo_store, worker, home=tmp_path / "app", indexing=False)

    async def run_before(pilot):
        await settle(pilot)
        app.open_case(case_id, stage_id)
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.pause(0.05)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)


def test_leaving_while_the_record_is_written_loses_nothing(demo_store, tmp_path, home, monkeypatch):
    """Esc while the worker still writes: its answer is dropped with the dialog, and the file is written."""
    import threading

    from store.desks.desk import Desk

    release = threading.Event()
    original = Desk.court_record

    def slowed(self, *args, **kwargs):
        release.wait(5)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Desk, "court_record", slowed)
    worker, case_id, stage_id, _ = _managed_case(demo_store)
    app = CasenotesApp(demo_store, worker, home=tmp_path / "app", indexing=False)

    async def run():
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            app.open_case(case_id, stage_id)
            await settle(pilot)
            await pilot.press("p")
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            for key in ("C", "o", "u", "enter", "ctrl+s"):
                await pilot.press(key)
            await pilot.pause()
            await pilot.press("escape")  # the dialog leaves while the record is read
            await pilot.pause()
            left_to = type(app.screen).__name__
            release.set()
            await settle(pilot)
            return left_to, type(app.screen).__name__

    assert asyncio.run(run()) == ("CaseScreen", "CaseScreen")
    assert len(list((home / "Court").glob("court-record-*.pdf"))) == 1


def test_a_clerk_is_told_at_once_and_no_folder_is_asked(demo_store, tmp_path, home):
    clerk = next(w.login for w in demo_store.staff() if "ENT PROG NOTE" in w.functions)
    _, case_id, stage_id, _ = _managed_case(demo_store)
    app = CasenotesApp(demo_store, clerk, home=tmp_path / "app", indexing=False)

    async def run():
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            app.open_case(case_id, stage_id)
            await settle(pilot)
            await press(pilot, ["p"])
            said = str(app.screen.query_one("#said").render())
            await press(pilot, ["enter"])
            return said, type(app.screen).__name__

    said, after_enter = asyncio.run(run())
    assert "clerk who enters notes" in said and after_enter == "CourtRecordDialog"
