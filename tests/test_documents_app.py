"""Documents in the app (issue 18, items 3 and 6), by keys with the database checked: a caseworker
uploads a school report for a child of a case (f documents, u upload, the file picker, the kind),
opens it (a copy in a chosen folder, no viewer here), withdraws it with a reason and reads the case's
access log; snapshots of each new dialog and screen at 80x24 and 120x40."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text

from tests import document_samples as samples
from tests.keyboard import type_text
from tests.settling import open_case
from tests.test_flows import first_caseworker, press, settle
from tui.app import CasenotesApp
from tui.dialogs.open_document import OpenDocumentDialog
from tui.dialogs.upload_document import UploadDialog
from tui.dialogs.withdraw_document import WithdrawDialog
from tui.screens.access_log import AccessLogScreen

SIZES = {"size": (120, 40), "small": (80, 24)}
SCHOOL = "Education portfolio / school records"


@pytest.fixture
def home(tmp_path, monkeypatch):
    """The home folder the file picker opens in ("~"), holding a school report; no system viewer."""
    folder = tmp_path / "home"
    (folder / "Downloads").mkdir(parents=True)
    (folder / "school report.pdf").write_bytes(samples.pdf())
    (folder / "notes.txt").write_bytes(samples.text())
    monkeypatch.setenv("HOME", str(folder))
    monkeypatch.setenv("CASENOTES_NO_VIEWER", "1")
    return folder


def _managed_case(store):
    """The first caseworker's first open FSS as Case Manager, and the case's children."""
    worker = first_caseworker(store)
    row = next(r for r in store.as_user(worker).caseload()
               if r.role == "Case Manager" and r.stage_label.startswith("FSS") and r.closed_at is None)
    case = store.as_user(worker).case(row.case_id)
    return worker, row.case_id, row.stage_id, [p for p in case.persons if p.is_child]


def _documents(store):
    with store.write_engine.connect() as conn:
        return conn.execute(text("SELECT id, person_id, kind, file_name, withdrawn_at IS NOT NULL, withdrawal_reason "
                                 "FROM documents ORDER BY id")).all()


def test_a_caseworker_uploads_opens_and_withdraws_a_document_by_keys(demo_store, tmp_path, home):
    worker, case_id, stage_id, children = _managed_case(demo_store)
    app = CasenotesApp(demo_store, worker, home=tmp_path / "app", indexing=False)

    async def run():
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            app.open_case(case_id, stage_id)
            await settle(pilot)
            await press(pilot, ["f", "u"])
            if len(children) > 1:  # which child: the first
                await press(pilot, ["1"])
            await press(pilot, ["s", "c", "h", "enter"])  # the file picker: "sch" → school report.pdf
            assert isinstance(app.screen, UploadDialog)
            await type_text(pilot, "school")
            await press(pilot, ["enter"])  # the kind picked: uploaded
            uploaded = _documents(demo_store)
            assert [(r.person_id, r.kind, r.file_name) for r in uploaded] == [(children[0].id, SCHOOL,
                                                                              "school report.pdf")]
            await press(pilot, ["enter"])  # the documents pane: open the highlighted one
            assert isinstance(app.screen, OpenDocumentDialog)
            await press(pilot, ["enter"])  # a copy: the folder picker opens in ~
            await press(pilot, ["D", "o", "w", "enter", "ctrl+s"])
            assert (home / "Downloads" / "school report.pdf").read_bytes() == samples.pdf()
            said = str(app.screen.query_one("#said").render())
            assert "Saved a copy as" in said and "no viewer" in said
            await press(pilot, ["w"])
            assert isinstance(app.screen, WithdrawDialog)
            await type_text(pilot, "Uploaded to the wrong family.")
            await press(pilot, ["enter"])
            assert isinstance(app.screen, OpenDocumentDialog)
            await press(pilot, ["escape", "v"])
            assert isinstance(app.screen, AccessLogScreen)
            table = app.screen.query_one("#log")
            return [str(cell) for row in range(table.row_count) for cell in table.get_row_at(row)]

    said = asyncio.run(run())
    [row] = _documents(demo_store)
    assert (row[4], row[5]) == (True, "Uploaded to the wrong family.")
    with demo_store.write_engine.connect() as conn:
        reads = conn.execute(text("SELECT count(*) FROM audit_log WHERE action = 'read document' AND case_id = :c"),
                             {"c": case_id}).scalar_one()
    assert reads == 1
    assert any("school report.pdf" in cell for cell in said)


def _with_documents(store):
    """Two documents in the first child's record, one withdrawn (at the demo's frozen clock)."""
    worker, case_id, stage_id, children = _managed_case(store)
    desk = store.as_user(worker)
    first = desk.upload_document(children[0].id, SCHOOL, "school report autumn.pdf", samples.pdf())
    second = desk.upload_document(children[0].id, "Immunisation records", "immunisations.png", samples.png())
    desk.withdraw_document(second.id, "A duplicate of the clinic's letter.")
    desk.document_content(first.id)
    return worker, case_id, stage_id, children, first


SCREENS = {
    "documents_pane": lambda app, case_id, child, first: None,  # f over the case screen
    "upload": lambda app, case_id, child, first: app.push_screen(
        UploadDialog(child.id, child.name, Path.home() / "school report.pdf")),
    "open": lambda app, case_id, child, first: app.push_screen(OpenDocumentDialog(first.id)),
    "access_log": lambda app, case_id, child, first: app.push_screen(AccessLogScreen(case_id, "Osei")),
}


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("name", sorted(SCREENS))
def test_documents_snapshot(snap_compare, demo_store, tmp_path, home, name, size):
    worker, case_id, stage_id, children, first = _with_documents(demo_store)
    app = CasenotesApp(demo_store, worker, home=tmp_path / "app", indexing=False)

    async def run_before(pilot):
        await open_case(pilot, case_id, stage_id)
        await pilot.press("f")
        await settle(pilot)
        SCREENS[name](app, case_id, children[0], first)
        await settle(pilot)
        if name == "upload":
            await type_text(pilot, "school")
        await settle(pilot)  # a list that arrived in the last settle has focus and cursor drawn
        await pilot.pause(0.05)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)


def test_a_withdraw_dialog_snapshot(snap_compare, demo_store, tmp_path, home):
    worker, *_, first = _with_documents(demo_store)
    app = CasenotesApp(demo_store, worker, home=tmp_path / "app", indexing=False)

    async def run_before(pilot):
        await settle(pilot)
        app.push_screen(WithdrawDialog(demo_store.as_user(worker).document(first.id)))
        await settle(pilot)
        await type_text(pilot, "Uploaded to the wrong family.")
        await settle(pilot)
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
