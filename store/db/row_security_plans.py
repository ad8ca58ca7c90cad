"""Case plans as a worker's own PostgreSQL session may read and write them (migration 0015, issue 19).

The store's rules of ``store/rules/plan_checks.py``, said to the database:
- a family's plans, and all of each plan (sections, participants, contest requests, revisions, review
  actions), are read by whoever reads the family whole (a role in one of its stages, or the supervision
  chain above one: ``casenotes_readable_cases()``); an advocate and the clerk who enters notes read none;
- a plan is started, written, sent and given its participants and contest requests by the family's plan
  keepers: the Case Planner of an open Family Services or Child Care stage of the family (its Case
  Manager where the stage has no planner), and anyone above them;
- a plan is approved or returned by a supervisor above its drafter (never the drafter);
- who and when are the database's: a new plan's drafter and start, when it was sent, reviewed, approved
  and by whom, a revision's and a review action's time, a contest request's recorder and time;
- a note's plan elements are read with the note (and the plan), written by the note's author or enterer;
- a plan's drafter hears of its return and approval: ``casenotes_notify`` also writes into another's inbox
  for a plan this very transaction changed, as it does for a note.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from store.db import row_security_guards
from store.db.row_security import ME, create_function

PLAN_STAGES = "('FSS', 'CCR')"
ACTIVE = "r.starts_at <= casenotes_now() AND (r.ends_at IS NULL OR r.ends_at > casenotes_now())"

FUNCTIONS: dict[str, tuple[str, str]] = {
    # rules.plan_checks.plan_keepers: the Case Planner of an open FSS or CCR stage of the family, or its
    # Case Manager where it has none; with everyone above them (casenotes_team of the session's worker).
    "casenotes_keeps_plans(family integer)": ("boolean", f"""
        SELECT EXISTS (SELECT 1 FROM role_assignments r JOIN stages s ON s.id = r.stage_id
            WHERE s.case_id = $1 AND s.closed_at IS NULL AND s.type IN {PLAN_STAGES} AND {ACTIVE}
              AND r.worker_id IN (SELECT casenotes_team())
              AND (r.role = 'Case Planner' OR (r.role = 'Case Manager' AND NOT EXISTS (
                   SELECT 1 FROM role_assignments p WHERE p.stage_id = s.id AND p.role = 'Case Planner'
                      AND p.starts_at <= casenotes_now() AND (p.ends_at IS NULL OR p.ends_at > casenotes_now())))))
    """),
    # rules.plan_checks.check_may_review_plan: above the drafter, not the drafter.
    "casenotes_reviews_plan(drafter integer)": ("boolean", """
        SELECT $1 IN (SELECT casenotes_team()) AND $1 <> casenotes_worker_id()
    """),
}

READS = "case_id IN (SELECT casenotes_readable_cases())"
KEEPS = "casenotes_keeps_plans(case_id)"
REVIEWS = "casenotes_reviews_plan(drafter_id)"
PLAN_OF_ROW = "EXISTS (SELECT 1 FROM plans p WHERE p.id = plan_id)"
KEPT_PLAN = "EXISTS (SELECT 1 FROM plans p WHERE p.id = plan_id AND casenotes_keeps_plans(p.case_id))"
REVIEWED_PLAN = "EXISTS (SELECT 1 FROM plans p WHERE p.id = plan_id AND casenotes_reviews_plan(p.drafter_id))"
OWN_NOTE = f"EXISTS (SELECT 1 FROM notes n WHERE n.id = note_id AND {ME} IN (n.author_id, n.entered_by_id))"

POLICIES: dict[str, list[tuple[str, str, str | None, str | None]]] = {
    "plans": [
        ("read", "SELECT", READS, None),
        ("start", "INSERT", None, f"drafter_id = {ME} AND {KEEPS}"),
        # Which of the two may make which change the trigger plans_a_session says (a policy sees no OLD row).
        ("write", "UPDATE", f"{KEEPS} OR {REVIEWS}", f"{KEEPS} OR {REVIEWS}"),
    ],
    "plan_sections": [
        ("read", "SELECT", PLAN_OF_ROW, None),
        ("write", "INSERT", None, KEPT_PLAN),
        ("rewrite", "UPDATE", KEPT_PLAN, KEPT_PLAN),
    ],
    "plan_participants": [
        ("read", "SELECT", PLAN_OF_ROW, None),
        ("add", "INSERT", None, KEPT_PLAN),
        ("remove", "DELETE", KEPT_PLAN, None),
    ],
    "plan_contests": [
        ("read", "SELECT", PLAN_OF_ROW, None),
        ("record", "INSERT", None, f"recorded_by_id = {ME} AND {KEPT_PLAN}"),
    ],
    "plan_revisions": [
        ("read", "SELECT", PLAN_OF_ROW, None),
        ("save", "INSERT", None, f"saved_by_id = {ME} AND ({KEPT_PLAN} OR {REVIEWED_PLAN})"),
    ],
    "plan_review_actions": [
        ("read", "SELECT", PLAN_OF_ROW, None),
        ("act", "INSERT", None, f"by_id = {ME} AND CASE WHEN action IN ('approve', 'return') THEN {REVIEWED_PLAN} "
                                f"ELSE {KEPT_PLAN} END"),
    ],
    "note_plan_elements": [
        ("read", "SELECT", f"EXISTS (SELECT 1 FROM notes n WHERE n.id = note_id) AND {PLAN_OF_ROW}", None),
        ("tag", "INSERT", None, f"{OWN_NOTE} AND {PLAN_OF_ROW}"),
        ("untag", "DELETE", OWN_NOTE, None),
    ],
}

NOW, WORKER = "casenotes_now()", "casenotes_worker_id()"

NOTIFY = next(signature for signature in row_security_guards.FUNCTIONS if signature.startswith("casenotes_notify("))
_NOTE_CHANGED = "OR (p_entity = 'note' AND"
_PLAN_CHANGED = ("OR (p_entity = 'plan' AND EXISTS (SELECT 1 FROM plans x WHERE x.id = p_entity_id "
                 "AND x.xmin = now_xact))\n                     " + _NOTE_CHANGED)


def _refuse(error: str, sentence: str) -> str:
    said = f"casenotes[{error}]: {sentence}".replace("'", "''")
    return f"RAISE EXCEPTION '%', '{said}'"


# name: (table, events, body): BEFORE ROW triggers run as the owner in a worker's own session only. Named
# "<table>_a_session" so that PostgreSQL (which fires a table's triggers by name) stamps before the rules
# of migration 0015 check the row.
TRIGGERS: dict[str, tuple[str, str, str]] = {
    "plans_a_session": ("plans", "INSERT OR UPDATE", f"""
        IF TG_OP = 'INSERT' THEN
            NEW.created_at := {NOW}; NEW.drafter_id := {WORKER};
            RETURN NEW;
        END IF;
        IF OLD.status = 'approved' THEN
            RETURN NEW;  -- refused by the rules: an approved plan never changes
        END IF;
        IF NEW.status IN ('approved', 'returned') AND NEW.status IS DISTINCT FROM OLD.status THEN
            IF NOT casenotes_reviews_plan(OLD.drafter_id) THEN
                {_refuse("NoAccess", "a plan is approved or returned by a supervisor above its drafter")};
            END IF;
            NEW.reviewed_at := {NOW}; NEW.reviewed_by_id := {WORKER};
            IF NEW.status = 'approved' THEN
                NEW.approved_at := {NOW}; NEW.approved_by_id := {WORKER}; NEW.correction_due_at := NULL;
            END IF;
        ELSIF NOT casenotes_keeps_plans(OLD.case_id) THEN
            {_refuse("NoAccess", "a plan is written and sent by the family's Case Planner (its Case Manager where "
                                 "there is none) or those above them; a supervisor above its drafter only "
                                 "approves or returns it")};
        ELSE
            NEW.reviewed_at := OLD.reviewed_at; NEW.reviewed_by_id := OLD.reviewed_by_id;
            NEW.approved_at := OLD.approved_at; NEW.approved_by_id := OLD.approved_by_id;
            NEW.correction_due_at := OLD.correction_due_at;
            IF NEW.status IN ('submitted', 'resubmitted') AND NEW.status IS DISTINCT FROM OLD.status THEN
                NEW.submitted_at := {NOW};
                NEW.first_submitted_at := COALESCE(OLD.first_submitted_at, {NOW});
            ELSE
                NEW.submitted_at := OLD.submitted_at; NEW.first_submitted_at := OLD.first_submitted_at;
            END IF;
        END IF;
        RETURN NEW;"""),
    "plan_revisions_a_session": ("plan_revisions", "INSERT", f"""
        NEW.saved_at := {NOW};
        RETURN NEW;"""),
    "plan_review_actions_a_session": ("plan_review_actions", "INSERT", f"""
        NEW.at := {NOW};
        RETURN NEW;"""),
    "plan_contests_a_session": ("plan_contests", "INSERT", f"""
        NEW.recorded_at := {NOW}; NEW.recorded_by_id := {WORKER};
        RETURN NEW;"""),
}


def enable(conn: Connection) -> None:
    schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    for signature, (returns, body) in FUNCTIONS.items():
        create_function(conn, signature, returns, body)
    for table, listed in POLICIES.items():
        conn.execute(text(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"))
        for name, command, using, check in listed:
            clauses = (f" USING ({using})" if using else "") + (f" WITH CHECK ({check})" if check else "")
            conn.execute(text(f"CREATE POLICY {table}_{name} ON {table} FOR {command}{clauses}"))
    for name, (table, events, body) in TRIGGERS.items():
        conn.execute(text(f"""
            CREATE FUNCTION casenotes_{name}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
            SET search_path = "{schema}", pg_temp AS $body$
            BEGIN
                IF {WORKER} IS NULL THEN
                    RETURN NEW;
                END IF;
                {body}
            END $body$"""))
        conn.execute(text(f"CREATE TRIGGER {name} BEFORE {events} ON {table} "
                          f"FOR EACH ROW EXECUTE FUNCTION casenotes_{name}()"))
    _replace_notify(conn, with_plans=True)


def _replace_notify(conn: Connection, *, with_plans: bool) -> None:
    returns, body, volatile = row_security_guards.FUNCTIONS[NOTIFY]
    assert _NOTE_CHANGED in body
    body = body.replace(_NOTE_CHANGED, _PLAN_CHANGED, 1) if with_plans else body
    create_function(conn, NOTIFY, returns, body, replace=True, volatile=volatile)


def disable(conn: Connection) -> None:
    _replace_notify(conn, with_plans=False)
    for name, (table, _events, _body) in TRIGGERS.items():
        conn.execute(text(f"DROP TRIGGER {name} ON {table}"))
        conn.execute(text(f"DROP FUNCTION casenotes_{name}()"))
    for table, listed in POLICIES.items():
        for name, *_ in listed:
            conn.execute(text(f"DROP POLICY {table}_{name} ON {table}"))
        conn.execute(text(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY"))
    for signature in FUNCTIONS:
        conn.execute(text(f"DROP FUNCTION {signature.split('(')[0]}(integer)"))
