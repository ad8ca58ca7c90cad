"""Issue 19's "done when", on the demo agency (seed 1) through the store and the command line: the Case
Planner drafts the 14-year-old Leila Halvorsen's plan with the 13+ sections, sends it and her supervisor
approves it; a note with Leila present is tagged with two of its elements; the family's court export
is a PDF that ``casenotes export --verify`` confirms, and a tampered copy it does not."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import date, timedelta

from pypdf import PdfReader, PdfWriter
from sqlalchemy import text

from demo.plans import WALK_AGE, WALK_CHILD, WALK_FAMILY
from store.core.court_results import MANIFEST_FILE
from store.rules.plan_sections import APPLA_SECTION, CHILD_SECTIONS, YOUTH_SECTIONS, age_on
from tui.cli import main as cli

TAGGED = ("life_skills", "education_vocational")


def _walks_family(store):
    """The Halvorsen family's case, Leila's person number, her stage's Case Planner and his supervisor."""
    with store.read_engine.connect() as conn:
        case_id, child_id, born = conn.execute(text(
            "SELECT c.id, p.id, p.birth_date FROM cases c JOIN persons p ON p.case_id = c.id "
            "WHERE c.family_name = :f AND p.first_name = :c"), {"f": WALK_FAMILY, "c": WALK_CHILD}).one()
        planner, supervisor = conn.execute(text(
            "SELECT w.login, s.login FROM role_assignments r JOIN stages st ON st.id = r.stage_id "
            "JOIN workers w ON w.id = r.worker_id JOIN workers s ON s.id = w.supervisor_id "
            "WHERE st.case_id = :c AND r.role = 'Case Planner' AND r.ends_at IS NULL"), {"c": case_id}).one()
    return case_id, child_id, born, planner, supervisor


def test_a_planner_writes_the_14_year_olds_plan_a_note_covers_it_and_the_court_export_verifies(demo_store,
                                                                                                  tmp_path, capsys):
    store = demo_store
    case_id, child_id, born, planner_login, supervisor_login = _walks_family(store)
    today = store.now().date()
    assert age_on(date.fromisoformat(str(born)[:10]), today) == WALK_AGE
    planner, supervisor = store.as_user(planner_login), store.as_user(supervisor_login)
    assert not [p for p in planner.plans(case_id) if p.child_id == child_id]  # the walk starts her plan

    # The planner drafts Leila's plan, every section written, and sends it.
    plan = planner.start_plan(case_id, child_id)
    assert set(plan.section_keys) == {s.key for s in CHILD_SECTIONS + YOUTH_SECTIONS}
    assert "life_skills" in plan.section_keys and APPLA_SECTION.key not in plan.section_keys
    for key in plan.section_keys:
        plan = planner.save_plan_section(plan.id, key, f"What Leila's plan says of {key.replace('_', ' ')}.",
                                         plan.version)
    plan = planner.set_plan_participants(plan.id, [{"person_id": child_id, "role": "child"}], plan.version)
    plan = planner.submit_plan(plan.id, plan.version)
    assert plan.status == "submitted" and plan.id in [p.id for p in supervisor.plan_review_queue()]
    plan = supervisor.approve_plan(plan.id, plan.version)
    assert (plan.status, plan.approved_by) == ("approved", supervisor_login)
    assert all(plan.text_of(key) for key in plan.section_keys)

    # A visit with Leila present discusses two elements of her plan.
    store.clock.advance(hours=20)
    stage_id = store.as_user(planner_login).case(case_id).stages[0].id
    note = planner.add_note(stage_id, event_at=store.now() - timedelta(hours=2), contact_type="Caseworker/Child Contact",
                            method="Face to face", location="Child's residence (foster/kinship home)",
                            purposes=["Safety", "Well-being"], participants=[child_id], others=["foster parent"],
                            narrative="Leila cooked supper with Ms. Bramwell and talked about the technical high "
                                      "school's open day.")
    def covered() -> dict[str, int | None]:  # Leila's plan's elements → the last note that discussed each
        return {e.section_key: e.last_note_id for e in planner.plan_coverage(child_id).elements
                if e.plan_id == plan.id}
    assert set(covered()) == set(plan.section_keys) and not any(covered().values())
    tagged = planner.set_note_plan_elements(note.id, [(plan.id, key) for key in TAGGED])
    assert [(e.plan_id, e.section_key) for e in tagged] == [(plan.id, key) for key in TAGGED]
    assert sorted(e.section_key for e in planner.note_plan_elements(note.id)) == sorted(TAGGED)
    planner.submit(note.id)
    supervisor.approve(note.id)
    assert {key for key, last in covered().items() if last == note.id} == set(TAGGED)  # the two, now covered
    assert not any(last for key, last in covered().items() if key not in TAGGED)

    # The family's court record as a PDF, confirmed by --verify against the database.
    url = store.write_engine.url.render_as_string(hide_password=False)
    out = tmp_path / "halvorsen.pdf"
    assert cli.main(["--db", url, "--user", planner_login, "export", "--family", str(case_id), "--format", "pdf",
                     "--out", str(out)]) == 0
    pages = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(out.read_bytes())).pages)
    flat = " ".join(pages.split())
    assert f"Current approved plan: Leila {WALK_FAMILY}'s plan (child {child_id})" in flat
    assert "Life skills" in flat and "Workforce supports" in flat and "What Leila's plan says of housing." in flat
    assert "technical high school" in flat
    manifest = json.loads(PdfReader(out).attachments[MANIFEST_FILE][0])
    assert [p["plan"] for p in manifest["plans"]] == [plan.id] and [n["note"] for n in manifest["notes"]] == [note.id]
    capsys.readouterr()
    assert cli.main(["--db", url, "--user", planner_login, "export", "--verify", str(out)]) == 0
    assert ": 1 note, 1 approved plan and the manifest match the database" in capsys.readouterr().out

    # A copy whose plan was changed, its hashes made again to look whole, does not verify.
    manifest["plans"][0]["sha256"] = hashlib.sha256(b"another plan").hexdigest()
    fields = {k: v for k, v in manifest.items() if k not in ("format", "manifest_sha256")}
    manifest["manifest_sha256"] = hashlib.sha256(json.dumps(
        fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()
    writer = PdfWriter(clone_from=PdfReader(out))
    writer._root_object["/Names"].get_object().pop("/EmbeddedFiles")
    writer.add_attachment(MANIFEST_FILE, json.dumps(manifest).encode())
    tampered = tmp_path / "tampered.pdf"
    with tampered.open("wb") as file:
        writer.write(file)
    capsys.readouterr()
    assert cli.main(["--db", url, "--user", planner_login, "export", "--verify", str(tampered)]) == 1
    said = capsys.readouterr().out
    assert f"plan {plan.id} version {plan.version}: differs from the database" in said
    assert "the manifest was changed" not in said  # the forger made the manifest's own hash again
