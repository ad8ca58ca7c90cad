"""The court record carries the current approved plans (issue 19, item 4), on both backends: the family's
and each child's (a child's record: that child's; an advocate's: none), with their sections titled by the
plan rules, participants and contest requests; each plan's SHA-256 and the manifest hash recomputed here
with hashlib from the database rows; checking the plan copy; a manifest made before plans (format 1)
still verifying; the plans in the PDF (read back with pypdf) and ``casenotes export --verify``."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import text

from store import FrozenClock, Store
from store.core.court_results import CourtManifest, manifest_sha256
from store.rules.plan_sections import CHILD_SECTIONS, FAMILY_SECTIONS, YOUTH_SECTIONS
from tests.conftest import T0, build_agency, visit
from tui.cli import main as cli, sign_in
from tui.export.court_md import render_markdown
from tui.export.court_pdf import render_pdf

ZONE = "America/New_York"
JAY_BORN = date(2011, 9, 1)  # 14 on the plans' date (03/02/2026): the 13+ sections, not the APPLA one


def _sql(store, sql, **params):
    with store.write_engine.connect() as conn:
        return conn.execute(text(sql), params).all()


def _plans(store, agency):
    """The family plan approved; Jay's plan approved, then a second version approved; Mia's a draft."""
    store.as_user("cw").change_person(agency.jay, birth_date=JAY_BORN)
    planner, sup = store.as_user("vaplanner"), store.as_user("supa")
    family = planner.start_plan(agency.case)
    family = planner.save_plan_section(family.id, "safety", "Grandmother stays nights — “every night”.", family.version)
    family = planner.set_plan_participants(family.id, [{"person_id": agency.ana, "role": "mother"},
                                                       {"name": "Rosa Diaz", "role": "foster parent"}], family.version)
    family = sup.approve_plan(planner.submit_plan(family.id).id)
    jay = planner.start_plan(agency.case, agency.jay)
    jay = planner.save_plan_section(jay.id, "permanency_goal", "Reunification with Ana.", jay.version)
    jay = sup.approve_plan(planner.submit_plan(jay.id).id)
    second = planner.new_plan_version(jay.id)
    second = planner.save_plan_section(second.id, "life_skills", "Cooks twice a week with Rosa.", second.version)
    second = sup.approve_plan(planner.submit_plan(second.id).id)
    planner.record_contest(second.id, "Ana Rivera", store.now().date(), "The visits are too few.", agency.ana)
    mia = planner.start_plan(agency.case, agency.mia)
    planner.save_plan_section(mia.id, "diagnosis", "Not yet sent.", mia.version)
    return family, jay, second


def _recomputed(store, plan_id):
    """A plan's hash made by hand from the database rows, as court_results' docstring says."""
    [row] = _sql(store, "SELECT id, plan_version, version, child_id, plan_date, drafter_id, approved_by_id, "
                        "approved_at FROM plans WHERE id = :p", p=plan_id)
    workers = dict(_sql(store, "SELECT id, name FROM workers"))
    child_name = None
    if row.child_id is not None:
        [(first, last)] = _sql(store, "SELECT first_name, last_name FROM persons WHERE id = :c", c=row.child_id)
        child_name = f"{first} {last}"
    written = dict(_sql(store, "SELECT key, text FROM plan_sections WHERE plan_id = :p", p=plan_id))
    order = [s.key for s in (FAMILY_SECTIONS if row.child_id is None else CHILD_SECTIONS + YOUTH_SECTIONS)]
    assert set(written) <= set(order)
    participants = _sql(store, "SELECT name, role FROM plan_participants WHERE plan_id = :p ORDER BY id", p=plan_id)
    contests = _sql(store, "SELECT requested_by, requested_on, provision FROM plan_contests WHERE plan_id = :p "
                           "ORDER BY id", p=plan_id)

    def utc(value):
        from datetime import datetime, timezone
        at = value if isinstance(value, datetime) else datetime.fromisoformat(value)
        at = at if at.tzinfo else at.replace(tzinfo=timezone.utc)
        return at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    content = {"plan": row.id, "plan_version": row.plan_version, "version": row.version, "child": row.child_id,
               "child_name": child_name, "plan_date": str(row.plan_date)[:10], "status": "approved",
               "drafter": workers[row.drafter_id], "approved_by": workers[row.approved_by_id],
               "approved_at": utc(row.approved_at),
               "participants": [{"name": n, "role": r} for n, r in participants],
               "contests": [{"requested_by": b, "requested_on": str(on)[:10], "provision": p} for b, on, p in contests],
               "sections": [{"key": key, "text": written.get(key, "")} for key in order]}
    data = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def test_the_family_record_carries_the_current_approved_plans_with_titled_sections(store, agency):
    family, _first, second = _plans(store, agency)
    record = store.as_user("cw").court_record(agency.case)
    assert [(p.plan_id, p.child_id, p.plan_version) for p in record.plans] == [
        (family.id, None, 1), (second.id, agency.jay, 2)]  # Jay's first version replaced, Mia's draft left out
    fam, jay = record.plans
    assert fam.title == "Family plan" and jay.title == f"Jay Rivera's plan (child {agency.jay})"
    assert [s.key for s in fam.sections] == [s.key for s in FAMILY_SECTIONS]
    assert [(p.name, p.role) for p in fam.participants] == [("Ana Rivera", "mother"), ("Rosa Diaz", "foster parent")]
    sections = {s.key: s for s in jay.sections}
    assert len(sections) == len(CHILD_SECTIONS) + len(YOUTH_SECTIONS) and "appla_arrangement" not in sections
    assert (sections["life_skills"].title, sections["life_skills"].text) == ("Life skills",
                                                                            "Cooks twice a week with Rosa.")
    assert sections["permanency_goal"].text == "Reunification with Ana." and sections["diagnosis"].text == ""
    assert (jay.approved_by_name, jay.drafter_name, jay.approved_at) == ("Sam Supervisor", "Vic Planner",
                                                                         store.now())
    assert [(c.requested_by, c.provision) for c in jay.contests] == [("Ana Rivera", "The visits are too few.")]
    (audit,) = _sql(store, "SELECT detail FROM audit_log WHERE action = 'read court record'")
    detail = audit[0] if isinstance(audit[0], dict) else json.loads(audit[0])
    assert detail["plans"] == [family.id, second.id]


def test_each_plans_hash_and_the_manifest_hash_recomputed_from_the_rows(store, agency):
    _plans(store, agency)
    record = store.as_user("cw").court_record(agency.case)
    for plan in record.plans:
        assert plan.sha256 == _recomputed(store, plan.plan_id)
    h = record.header
    fields = {"agency": h.agency, "case": agency.case, "family": "Rivera", "child": None, "from": None,
              "until": None, "produced_by": "Cara Worker", "produced_by_login": "cw",
              "produced_at": store.now().strftime("%Y-%m-%dT%H:%M:%SZ"), "unapproved_included": False, "notes": [],
              "plans": [{"plan": p.plan_id, "version": p.version, "sha256": p.sha256} for p in record.plans]}
    data = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    assert record.manifest.manifest_sha256 == hashlib.sha256(data).hexdigest()
    assert CourtManifest.from_json(record.manifest.to_json()) == record.manifest


def test_a_childs_record_carries_the_childs_plan_and_an_advocates_none(store, agency):
    _family, _first, second = _plans(store, agency)
    assert [p.plan_id for p in store.as_user("cw").court_record(agency.case, child_id=agency.jay).plans] == [second.id]
    assert store.as_user("cw").court_record(agency.case, child_id=agency.mia).plans == ()
    store.staffing().appoint_advocate("casa", agency.jay)
    assert store.as_user("casa").court_record(agency.case).plans == ()  # an advocate does not read plans


def test_the_plan_copy_checks_until_the_plan_record_changes(store, agency):
    family, _first, second = _plans(store, agency)
    cw = store.as_user("cw")
    manifest = cw.court_record(agency.case).manifest
    check = cw.verify_court_record(manifest)
    assert check.all_match and [(p.plan_id, p.said) for p in check.plans] == [(family.id, "matches"),
                                                                             (second.id, "matches")]
    # A contest recorded after the copy: the plan no longer reads as the copy does.
    store.as_user("vaplanner").record_contest(family.id, "Ana Rivera", store.now().date(), "The safety plan.")
    check = cw.verify_court_record(manifest)
    assert not check.all_match and check.manifest_matches
    assert [(p.plan_id, p.said) for p in check.plans if not p.matches] == [(family.id, "differs")]
    assert store.as_user("cwb").verify_court_record(manifest).plans[0].said == "not readable"


def test_a_later_approved_version_is_said_and_a_forged_plan_hash_does_not_match(store, agency):
    _family, _first, second = _plans(store, agency)
    cw, planner, sup = store.as_user("cw"), store.as_user("vaplanner"), store.as_user("supa")
    manifest = cw.court_record(agency.case, child_id=agency.jay).manifest
    third = planner.new_plan_version(second.id)
    third = planner.save_plan_section(third.id, "housing", "A room at Rosa's.", third.version)
    third = sup.approve_plan(planner.submit_plan(third.id).id)
    (plan,) = cw.verify_court_record(manifest).plans
    assert plan.matches and plan.newer_plan_id == third.id
    forged_entry = manifest.plans[0].__class__(second.id, manifest.plans[0].version, "0" * 64)
    forged = CourtManifest(manifest.fields, manifest.entries, manifest.manifest_sha256, (forged_entry,))
    check = cw.verify_court_record(forged)
    assert not check.manifest_matches and check.plans[0].said == "differs"


def test_a_manifest_made_before_plans_still_verifies(store, agency, clock):
    cw, sup = store.as_user("cw"), store.as_user("supa")
    note = cw.add_note(agency.fss, **visit(agency, clock))
    sup.approve(cw.submit(note.id).id)
    _plans(store, agency)
    record = cw.court_record(agency.case)
    fields, entries = record.header.manifest_fields(), record.manifest.entries
    old = CourtManifest(fields, entries, manifest_sha256(fields, entries))  # format 1: no plans key at all
    said = json.loads(old.to_json())
    assert said["format"] == "casenotes court record manifest 1" and "plans" not in said
    again = CourtManifest.from_json(old.to_json())
    assert again.plans is None and cw.verify_court_record(again).all_match


@pytest.fixture
def planned_db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'agency.db'}"
    clock = FrozenClock(T0)
    store = Store.open(url, clock=clock)
    agency = build_agency(store)
    clock.advance(hours=2)
    plans = _plans(store, agency)
    store.close()
    monkeypatch.setattr(sign_in, "os_login", lambda: "cw")
    return url, clock, agency, plans


def test_the_pdf_and_markdown_show_each_plan_with_its_sections_and_hash(planned_db):
    url, clock, agency, (_family, _first, second) = planned_db
    store = Store.open(url, clock=clock)
    try:
        record = store.as_user("cw").court_record(agency.case)
    finally:
        store.close()
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(record, ZONE))).pages]
    flat = " ".join(" ".join(pages).split())
    assert "Current approved plan: Family plan" in flat
    assert f"Current approved plan: Jay Rivera's plan (child {agency.jay})" in flat
    for said in ("Safety and risk", "Grandmother stays nights — “every night”.", "Ana Rivera (mother); Rosa Diaz "
                 "(foster parent)", "Life skills", "Cooks twice a week with Rosa.", "Workforce supports",
                 "Reunification with Ana.", "The visits are too few.", "(not written)",
                 f"number {second.id}, version 2"):
        assert said in flat, said
    assert "Another planned permanent living arrangement" not in flat
    for plan in record.plans:
        assert plan.sha256 in flat and f"plan {plan.plan_id} v{plan.version}" in flat
    assert flat.index("Current approved plan: Family plan") < flat.index("Jay Rivera's plan") \
        < flat.index("No notes in this period.")
    markdown = render_markdown(record, ZONE)
    assert "## Current approved plan: Family plan" in markdown and "### Life skills" in markdown
    assert f"| {second.id} | {record.plans[1].version} | `{record.plans[1].sha256}` |" in markdown


def test_export_verify_confirms_the_plans_and_says_which_differs(planned_db, tmp_path, capsys):
    url, clock, agency, (family, *_rest) = planned_db
    out = tmp_path / "record.pdf"
    assert cli.main(["--db", url, "export", "--family", str(agency.case), "--format", "pdf", "--out", str(out)]) == 0
    assert "2 approved plans" in capsys.readouterr().out
    assert cli.main(["--db", url, "export", "--verify", str(out)]) == 0
    assert "0 notes, 2 approved plans and the manifest match the database" in capsys.readouterr().out
    clock.advance(hours=1)
    store = Store.open(url, clock=clock)
    try:
        store.as_user("vaplanner").record_contest(family.id, "Ana Rivera", clock.now().date() - timedelta(days=1),
                                                  "The services.")
    finally:
        store.close()
    assert cli.main(["--db", url, "export", "--verify", str(out)]) == 1
    said = capsys.readouterr().out
    assert f"plan {family.id} version {family.version}: differs from the database" in said
    assert "1 of 2 approved plans match" in said


@pytest.mark.postgres
@pytest.mark.parametrize("login", ["cw", "supa", "vaplanner"])
def test_as_the_workers_own_database_user_the_plans_and_their_hashes_are_the_same(store, agency, clock, role_url,
                                                                                 login):
    """On the agency server each worker reads the plans under row-level security: the same plans, the
    same hashes, and the copy verified by their own session."""
    _plans(store, agency)
    expected = store.as_user(login).court_record(agency.case)
    own = Store.open(role_url(login), clock=clock)
    try:
        desk = own.signed_in()
        record = desk.court_record(agency.case)
        assert record.plans == expected.plans and len(record.plans) == 2
        assert desk.verify_court_record(record.manifest).all_match
    finally:
        own.close()
