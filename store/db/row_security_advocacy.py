"""Row-level security for advocates, documents and the inbox (issue 18, migration 0013).

What ``row_security`` (issue 17) says for the record, said for the new tables and the advocates' rules:

- ``advocate_accounts``: the programme's representatives (``ADVOCATE ACCESS``) read and write them; an
  advocate reads their own, and marks their own sign-in only through ``casenotes_note_sign_in()``;
- ``advocate_appointments``: read by the advocate, the representatives and whoever reads the child's
  family whole; filed by the advocate for themselves (a request, switched off) or by a representative;
  decided by a role holder of an open stage the child is in or their supervision chain
  (``casenotes_may_decide_for``), or changed by a representative (termination ends them);
- ``documents``: read by whoever reads the child's family whole, by the child's advocate while access is
  open, and by their uploader; uploaded under one's own worker (the trigger of 0012 sets it) into a family
  one reads or for a child one is the advocate of; withdrawn by the uploader or a reader of the family;
- ``notifications``: one's own only; a notification for someone else is written by whoever's change
  causes it;
- ``workers``: a representative adds an advocate (a CASA worker who cannot sign in yet) and switches an
  advocate's account on and off;
- ``audit_log``: readers of a family whole also read who read its records (the access log).

Where the database is coarser than the store it says so beside the policy. The owner's narrow functions
answer what the store needs of rows the session may not read (``store/desks/advocate_facts.py``).
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from store.db.row_security import (ACTIVE, ADVOCATE_ACCESS, FUNCTIONS, ME, POLICIES, STAFF,
                                   create_function)

LETTER_KIND = "Letter of introduction"  # rules.advocacy.LETTER_KIND
MANAGES = f"(SELECT casenotes_has_function('{ADVOCATE_ACCESS}'))"
READS_CASE = "case_id IN (SELECT casenotes_readable_cases())"
ADVOCATES_CHILD = "person_id IN (SELECT casenotes_advocate_children())"
OPEN_STAGE_OF = ("EXISTS (SELECT 1 FROM stage_persons sp JOIN stages s ON s.id = sp.stage_id "
                 "WHERE sp.person_id = {person} AND sp.ended_at IS NULL AND s.closed_at IS NULL)")

# The functions of issue 17 whose rules issue 18 changed (created again, as they are now).
CHANGED = ("casenotes_advocate_children()", "casenotes_advocate_notes()")

# signature: (returns, body, volatile)
ADVOCACY_FUNCTIONS: dict[str, tuple[str, str, bool]] = {
    # rules.advocacy.may_decide: a role now in an open stage the child is in, held by the session's worker
    # or someone below them.
    "casenotes_may_decide_for(child integer)": ("boolean", f"""
        SELECT EXISTS (SELECT 1 FROM role_assignments r JOIN stages s ON s.id = r.stage_id
                         JOIN stage_persons sp ON sp.stage_id = s.id
                       WHERE sp.person_id = $1 AND sp.ended_at IS NULL AND s.closed_at IS NULL AND {ACTIVE}
                         AND r.worker_id IN (SELECT casenotes_team()))
    """, False),
    # A request's child (advocate_facts.request_target): the family, and who answers for the child now as
    # desks.visits.child_responsible_worker says (the newest open stage with one: a Case Worker associated
    # with the child, else the Case Planner, else the Case Manager). Nothing else of the record.
    "casenotes_request_child(person integer)": (
        "TABLE(child_case integer, child_is_child boolean, responsible integer, responsible_stage integer)", f"""
        SELECT p.case_id, p.is_child, rr.worker_id, rr.stage_id FROM persons p LEFT JOIN LATERAL (
            SELECT r.worker_id, r.stage_id FROM role_assignments r JOIN stages s ON s.id = r.stage_id
              JOIN stage_persons sp ON sp.stage_id = s.id AND sp.person_id = p.id AND sp.ended_at IS NULL
            WHERE s.closed_at IS NULL AND {ACTIVE}
              AND (r.role IN ('Case Planner', 'Case Manager') OR (r.role = 'Case Worker' AND EXISTS (
                   SELECT 1 FROM role_children rc WHERE rc.assignment_id = r.id AND rc.person_id = p.id)))
            ORDER BY s.opened_at DESC, s.id DESC,
                     CASE r.role WHEN 'Case Worker' THEN 0 WHEN 'Case Planner' THEN 1 ELSE 2 END, r.starts_at, r.id
            LIMIT 1) rr ON true
        WHERE p.id = $1 AND casenotes_worker_id() IS NOT NULL
    """, False),
    # The children of the appointments the session may know them of (advocate_facts.appointed_children):
    # every one for a representative, an advocate's own once decided and not declined, any child of a
    # family read whole; with whether the appointment's access is open now.
    "casenotes_appointed_children()": (
        "TABLE(appointment_id integer, child_name text, child_case integer, child_family text, access_open boolean)",
        f"""
        SELECT a.id, (p.first_name || ' ' || p.last_name)::text, p.case_id, c.family_name::text,
               a.active AND (a.ends_at IS NULL OR a.ends_at > casenotes_now())
               AND {OPEN_STAGE_OF.format(person="a.person_id")}
        FROM advocate_appointments a JOIN persons p ON p.id = a.person_id JOIN cases c ON c.id = p.case_id
        WHERE casenotes_worker_id() IS NOT NULL
          AND (casenotes_has_function('{ADVOCATE_ACCESS}')
               OR (a.worker_id = casenotes_worker_id() AND a.decided_at IS NOT NULL AND a.status <> 'declined')
               OR p.case_id IN (SELECT casenotes_readable_cases()))
    """, False),
    # db.notifications.notify from a worker's own session: a notification for anyone, once per key. The
    # inbox is read by its worker alone, and PostgreSQL reads back (for ON CONFLICT) the row it inserts.
    "casenotes_notify(p_worker integer, p_at timestamptz, p_kind text, p_key text, p_sentence text, "
    "p_entity text, p_entity_id integer, p_case integer, p_stage integer)": ("boolean", """-- statements
        DECLARE added integer;
        BEGIN
            IF casenotes_worker_id() IS NULL THEN
                RETURN false;
            END IF;
            INSERT INTO notifications (worker_id, at, kind, key, sentence, entity, entity_id, case_id, stage_id)
            VALUES (p_worker, p_at, p_kind, p_key, p_sentence, p_entity, p_entity_id, p_case, p_stage)
            ON CONFLICT (worker_id, key) DO NOTHING;
            GET DIAGNOSTICS added = ROW_COUNT;
            RETURN added > 0;
        END;
    """, True),
    # An advocate signed in: their own account's last sign-in, and nothing else of it.
    "casenotes_note_sign_in()": ("void", """
        UPDATE advocate_accounts SET last_sign_in_at = casenotes_now() WHERE worker_id = casenotes_worker_id()
    """, True),
}

# table: policies of issue 17 that issue 18 replaces (dropped by name, then created as below).
REPLACED: dict[str, tuple[str, ...]] = {
    "advocate_appointments": ("read", "manage", "switch"),
    "audit_log": ("read",),
    "workers": ("add", "change"),
}

_AUDIT_READ = next(using for name, _c, using, _k in POLICIES["audit_log"] if name == "read")

ADVOCACY_POLICIES: dict[str, list[tuple[str, str, str | None, str | None]]] = {
    "advocate_accounts": [
        ("read", "SELECT", f"worker_id = {ME} OR {MANAGES}", None),
        ("add", "INSERT", None, MANAGES),
        ("decide", "UPDATE", MANAGES, MANAGES),
    ],
    "advocate_appointments": [
        ("read", "SELECT", f"worker_id = {ME} OR {MANAGES} OR EXISTS (SELECT 1 FROM persons p "
                           f"WHERE p.id = person_id AND p.case_id IN (SELECT casenotes_readable_cases()))", None),
        # An advocate files their own request, switched off until decided; a representative files for them
        # (or switches an appointment on, as the access manager always could).
        ("file", "INSERT", None, f"{MANAGES} OR (worker_id = {ME} AND requested_by_id = {ME} "
                                 "AND status = 'requested' AND NOT active)"),
        # Coarser than the store: a decider may write any column of the request; the triggers keep its
        # advocate, child and letter, and a decided request decided.
        ("decide", "UPDATE", f"{MANAGES} OR casenotes_may_decide_for(person_id)",
         f"{MANAGES} OR casenotes_may_decide_for(person_id)"),
    ],
    "documents": [
        ("read", "SELECT", f"{READS_CASE} OR {ADVOCATES_CHILD} OR uploaded_by_id = {ME}", None),
        # Coarser than the store: a letter of introduction may be filed by anyone signed in (the store:
        # an advocate with an approved account, or a representative), since access is what it asks for.
        ("upload", "INSERT", None, f"uploaded_by_id = {ME} AND ({READS_CASE} OR {ADVOCATES_CHILD} "
                                   f"OR kind = '{LETTER_KIND}')"),
        # Coarser than the store: anyone who reads the family whole withdraws (the store: the uploader or
        # a role holder of the case); the triggers allow only the withdrawal, once, with a reason.
        ("withdraw", "UPDATE", f"uploaded_by_id = {ME} OR {READS_CASE}", f"uploaded_by_id = {ME} OR {READS_CASE}"),
    ],
    "notifications": [
        ("read", "SELECT", f"worker_id = {ME}", None),
        # One's own directly; anyone's through casenotes_notify(), which any signed-in worker may call:
        # coarser than the store, where the change that causes a notification decides whose inbox it is.
        ("add", "INSERT", None, f"worker_id = {ME}"),
        ("mark", "UPDATE", f"worker_id = {ME}", f"worker_id = {ME}"),
    ],
    "audit_log": [
        ("read", "SELECT", f"{_AUDIT_READ} OR (action LIKE 'read %' AND {READS_CASE})", None),
    ],
    "workers": [
        ("add", "INSERT", None, f"{STAFF} OR ({MANAGES} AND employer = 'CASA' AND NOT active)"),
        ("change", "UPDATE", f"{STAFF} OR ({MANAGES} AND id IN (SELECT a.worker_id FROM advocate_accounts a))",
         f"{STAFF} OR ({MANAGES} AND employer = 'CASA' AND id IN (SELECT a.worker_id FROM advocate_accounts a))"),
    ],
}
NEW_TABLES = ("advocate_accounts", "documents", "notifications")


def enable(conn: Connection) -> None:
    for signature in CHANGED:
        returns, body = FUNCTIONS[signature]
        create_function(conn, signature, returns, body, replace=True)
    for signature, (returns, body, volatile) in ADVOCACY_FUNCTIONS.items():
        create_function(conn, signature, returns, body, replace=True, volatile=volatile, rows=10 if
                        returns.startswith("TABLE") else None)
    for table, names in REPLACED.items():
        for name in names:
            conn.execute(text(f"DROP POLICY {table}_{name} ON {table}"))
    for table in NEW_TABLES:
        conn.execute(text(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"))
    _create(conn, ADVOCACY_POLICIES)


def disable(conn: Connection) -> None:
    for table, policies in ADVOCACY_POLICIES.items():
        for name, *_ in policies:
            conn.execute(text(f"DROP POLICY {table}_{name} ON {table}"))
    for table in NEW_TABLES:
        conn.execute(text(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY"))
    _create(conn, {table: [p for p in POLICIES[table] if p[0] in names] for table, names in REPLACED.items()})
    for signature in ADVOCACY_FUNCTIONS:
        conn.execute(text(f"DROP FUNCTION {signature}"))


def _create(conn: Connection, policies: dict[str, list[tuple[str, str, str | None, str | None]]]) -> None:
    for table, listed in policies.items():
        for name, command, using, check in listed:
            clauses = (f" USING ({using})" if using else "") + (f" WITH CHECK ({check})" if check else "")
            conn.execute(text(f"CREATE POLICY {table}_{name} ON {table} FOR {command}{clauses}"))
