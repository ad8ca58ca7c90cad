"""What a worker's own PostgreSQL session still could do that the store refuses, closed (migration 0014).

A review of issue 18 signed in as each kind of worker with psql and found that row-level security of
0013 was coarser than the store in ways that mattered:

- a representative (``ADVOCATE ACCESS``) could file an appointment already approved, for anyone, and
  write an account for any worker (and then switch that worker's sign-in off);
- anyone signed in could file a "letter of introduction" into any family, of any type, for anyone;
- the children of requests could be named by filing a request already "decided";
- who decided, ended, withdrew or terminated, and when, was whatever the session wrote;
- an account terminated by raw SQL left the advocate signed in; an advocate read withdrawn documents,
  kept reading what they uploaded after their access ended, and read any document's bytes unaudited;
- a child's new stage opened after the decision reopened access nobody had decided.

A second review as each role found more, closed here too: notifications written into anyone's inbox
(or a key taken before its change), audit rows dated at will or about families one does not read,
review actions by anyone who reads a note, a note's sending and review dated at will, an appointment's
last day left open or moved, a refused upload telling whose family a person is in, a representative
writing sign-ins, ``change_log`` and ``external_keys`` open to a session that is no worker.

Here: the policies that replace 0013's, the helper functions they need, and the triggers that stamp
who and when from the session (``casenotes_worker_id()``) and the store's clock (``casenotes_now()``),
so that those columns say what happened whatever a session writes. A document's bytes are read only
through ``casenotes_document_content()``, which checks the reader as the store does and audits the read.
The rules on both backends (how a request moves, what a document's bytes must be) are migration 0014's.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from store.db import row_security, row_security_advocacy
from store.db.row_security import ADVOCATE_ACCESS, MAINTAIN_STAFF, ME, NOTE_OF_ROW, create_function
from store.db.row_security_advocacy import ADVOCATES_CHILD, LETTER_KIND, MANAGES, READS_CASE

# rules.access.open_appointment: switched on, its last day not passed, the advocate's account (if any)
# approved, and the child in an open stage that was open when access was decided.
OPEN_APPOINTMENT = (
    "a.active AND (a.ends_at IS NULL OR a.ends_at > casenotes_now()) "
    "AND NOT EXISTS (SELECT 1 FROM advocate_accounts x WHERE x.worker_id = a.worker_id AND x.status <> 'approved') "
    "AND EXISTS (SELECT 1 FROM stage_persons sp JOIN stages s ON s.id = sp.stage_id "
    "WHERE sp.person_id = a.person_id AND sp.ended_at IS NULL AND s.closed_at IS NULL "
    "AND s.opened_at <= coalesce(a.decided_at, a.appointed_at))")
APPROVED_ADVOCATE = ("EXISTS (SELECT 1 FROM advocate_accounts x WHERE x.worker_id = {worker} "
                     "AND x.status = 'approved')")
THIS_TRANSACTION = "xmin = (SELECT xid(pg_current_xact_id_if_assigned()))"

# signature: (returns, body, volatile)
FUNCTIONS: dict[str, tuple[str, str, bool]] = {
    # The session's worker: active, and (an advocate) with an approved account. An account terminated or
    # rejected by raw SQL signs its advocate out at once, whatever ``workers.active`` says.
    "casenotes_worker_id()": ("integer", """
        SELECT w.id FROM workers w WHERE w.db_role = session_user AND w.active
           AND NOT EXISTS (SELECT 1 FROM advocate_accounts x WHERE x.worker_id = w.id AND x.status <> 'approved')
    """, False),
    "casenotes_advocate_children()": ("SETOF integer", f"""
        SELECT a.person_id FROM advocate_appointments a JOIN persons p ON p.id = a.person_id
        WHERE a.worker_id = casenotes_worker_id() AND {OPEN_APPOINTMENT}
          AND p.case_id NOT IN (SELECT casenotes_readable_cases())
    """, False),
    # Whether an advocate's account is approved: asked of oneself, or by a representative; no to anyone else.
    "casenotes_approved_advocate(worker integer)": ("boolean", f"""
        SELECT ($1 = casenotes_worker_id() OR casenotes_has_function('{ADVOCATE_ACCESS}'))
               AND {APPROVED_ADVOCATE.format(worker='$1')}
    """, False),
    # A worker a representative may open an account for: a CASA worker who cannot sign in, added by this
    # very transaction (desks.advocate_accounts.request_account), never a worker already at work.
    "casenotes_new_advocate(worker integer)": ("boolean", """
        SELECT EXISTS (SELECT 1 FROM workers w WHERE w.id = $1 AND w.employer = 'CASA' AND NOT w.active
                         AND w.xmin = xid(pg_current_xact_id_if_assigned()))
    """, False),
    # A request's child (advocate_facts.request_target), for whoever files requests: an advocate with an
    # approved account, or a representative. Nobody else learns a child's family by number.
    "casenotes_request_child(person integer)": (
        "TABLE(child_case integer, child_is_child boolean, responsible integer, responsible_stage integer)", f"""
        SELECT CASE WHEN p.is_child THEN p.case_id END, p.is_child, CASE WHEN p.is_child THEN rr.worker_id END,
               CASE WHEN p.is_child THEN rr.stage_id END FROM persons p LEFT JOIN LATERAL (
            SELECT r.worker_id, r.stage_id FROM role_assignments r JOIN stages s ON s.id = r.stage_id
              JOIN stage_persons sp ON sp.stage_id = s.id AND sp.person_id = p.id AND sp.ended_at IS NULL
            WHERE s.closed_at IS NULL
              AND r.starts_at <= casenotes_now() AND (r.ends_at IS NULL OR r.ends_at > casenotes_now())
              AND (r.role IN ('Case Planner', 'Case Manager') OR (r.role = 'Case Worker' AND EXISTS (
                   SELECT 1 FROM role_children rc WHERE rc.assignment_id = r.id AND rc.person_id = p.id)))
            ORDER BY s.opened_at DESC, s.id DESC,
                     CASE r.role WHEN 'Case Worker' THEN 0 WHEN 'Case Planner' THEN 1 ELSE 2 END, r.starts_at, r.id
            LIMIT 1) rr ON true
        WHERE p.id = $1 AND (casenotes_has_function('{ADVOCATE_ACCESS}')
                             OR {APPROVED_ADVOCATE.format(worker='casenotes_worker_id()')})
    """, False),
    # advocate_facts.appointed_children: an advocate knows the child of their own request once someone
    # decided it (not declined); a request filed "decided" names nobody.
    "casenotes_appointed_children()": (
        "TABLE(appointment_id integer, child_name text, child_case integer, child_family text, access_open boolean)",
        f"""
        SELECT a.id, (p.first_name || ' ' || p.last_name)::text, p.case_id, c.family_name::text,
               {OPEN_APPOINTMENT}
        FROM advocate_appointments a JOIN persons p ON p.id = a.person_id JOIN cases c ON c.id = p.case_id
        WHERE casenotes_worker_id() IS NOT NULL
          AND (casenotes_has_function('{ADVOCATE_ACCESS}')
               OR (a.worker_id = casenotes_worker_id() AND a.decided_at IS NOT NULL
                   AND a.decided_by_id IS NOT NULL AND a.status <> 'declined')
               OR p.case_id IN (SELECT casenotes_readable_cases()))
    """, False),
    # db.notifications.notify from a worker's own session, at the store's clock whatever it is given.
    "casenotes_notify(p_worker integer, p_at timestamptz, p_kind text, p_key text, p_sentence text, "
    "p_entity text, p_entity_id integer, p_case integer, p_stage integer)": ("boolean", """-- statements
        DECLARE
            added integer;
            me integer := casenotes_worker_id();
            now_xact xid := xid(pg_current_xact_id_if_assigned());
        BEGIN
            IF me IS NULL THEN
                RETURN false;
            END IF;
            -- Another's inbox only for a change this very transaction made (its key names it): nobody writes
            -- into an inbox at will, nor takes a key before the change it belongs to.
            IF p_worker IS DISTINCT FROM me AND NOT (
                   p_entity_id IS NOT NULL AND p_key LIKE '%:' || p_entity_id::text || '%'
                   AND ((p_entity = 'appointment' AND EXISTS (SELECT 1 FROM advocate_appointments x
                                                              WHERE x.id = p_entity_id AND x.xmin = now_xact))
                     OR (p_entity = 'document' AND EXISTS (SELECT 1 FROM documents x
                                                           WHERE x.id = p_entity_id AND x.xmin = now_xact))
                     OR (p_entity = 'note' AND EXISTS (SELECT 1 FROM notes x
                                                       WHERE x.id = p_entity_id AND x.xmin = now_xact)))) THEN
                RETURN false;
            END IF;
            INSERT INTO notifications (worker_id, at, kind, key, sentence, entity, entity_id, case_id, stage_id)
            VALUES (p_worker, casenotes_now(), p_kind, p_key, p_sentence, p_entity, p_entity_id, p_case, p_stage)
            ON CONFLICT (worker_id, key) DO NOTHING;
            GET DIAGNOSTICS added = ROW_COUNT;
            RETURN added > 0;
        END;
    """, True),
    # A document's bytes, to whoever the store lets read them (desks.documents.document_content), with
    # the read audited as the store audits it; NULL for anyone else. The only way a session reads them.
    "casenotes_document_content(document integer)": ("bytea", """-- statements
        DECLARE d record; me integer := casenotes_worker_id(); reach text;
        BEGIN
            SELECT id, case_id, person_id, uploaded_by_id, withdrawn_at, content INTO d
              FROM documents WHERE id = document;
            IF NOT FOUND OR me IS NULL THEN
                RETURN NULL;
            END IF;
            IF EXISTS (SELECT 1 FROM role_assignments r JOIN stages s ON s.id = r.stage_id
                       WHERE s.case_id = d.case_id AND r.worker_id = me
                         AND r.starts_at <= casenotes_now() AND (r.ends_at IS NULL OR r.ends_at > casenotes_now())) THEN
                reach := 'assigned';
            ELSIF d.case_id IN (SELECT casenotes_readable_cases()) THEN
                reach := 'supervision';
            ELSIF d.person_id IN (SELECT casenotes_advocate_children())
                  AND (d.withdrawn_at IS NULL OR d.uploaded_by_id = me) THEN
                reach := 'advocate';
            ELSE
                RETURN NULL;
            END IF;
            INSERT INTO audit_log (at, worker_id, action, entity, entity_id, detail, case_id)
            VALUES (casenotes_now(), me, 'read document', 'document', d.id,
                    json_build_object('reach', reach, 'case', d.case_id, 'child', d.person_id, 'by', 'database'),
                    d.case_id);
            RETURN d.content;
        END;
    """, True),
}

# table: policies of 0013 replaced (dropped by name, then created as below).
REPLACED: dict[str, tuple[str, ...]] = {
    "advocate_accounts": ("add",),
    "advocate_appointments": ("file", "decide"),
    "documents": ("read", "upload", "withdraw"),
    "workers": ("add",),
    "audit_log": ("write",),
    "note_revisions": ("read",),
    "review_actions": ("read", "act"),
}
_NOTHING_DECIDED = ("decided_at IS NULL AND decided_by_id IS NULL AND decision_reason IS NULL "
                    "AND ended_at IS NULL AND ended_by_id IS NULL AND end_reason IS NULL")
_OWN_LETTER = ("EXISTS (SELECT 1 FROM documents d WHERE d.id = advocate_appointments.letter_id "
               f"AND d.person_id = advocate_appointments.person_id AND d.kind = '{LETTER_KIND}')")
_ROLE_IN_CASE = ("EXISTS (SELECT 1 FROM role_assignments r JOIN stages s ON s.id = r.stage_id "
                 f"WHERE s.case_id = documents.case_id AND r.worker_id = {ME} "
                 "AND r.starts_at <= casenotes_now() AND (r.ends_at IS NULL OR r.ends_at > casenotes_now()))")
STAFF = f"(SELECT casenotes_has_function('{MAINTAIN_STAFF}'))"
_WITHDRAWS = f"(uploaded_by_id = {ME} AND ({READS_CASE} OR {ADVOCATES_CHILD})) OR {_ROLE_IN_CASE}"
SIGNED_IN = f"{ME} IS NOT NULL"
# Tables 0010 left without row-level security: now read and written by signed-in workers only.
NEWLY_GUARDED = ("change_log", "external_keys")

_REVIEWS = ("EXISTS (SELECT 1 FROM notes n WHERE n.id = note_id AND n.author_id IN (SELECT casenotes_team()) "
            f"AND n.author_id <> {ME} AND n.entered_by_id <> {ME})")
_SENDS = f"EXISTS (SELECT 1 FROM notes n WHERE n.id = note_id AND {ME} IN (n.author_id, n.entered_by_id))"
# The notes an advocate reads for their children (none for anyone else).
_NOT_ADVOCATES = "note_id NOT IN (SELECT casenotes_advocate_notes())"

POLICIES: dict[str, list[tuple[str, str, str | None, str | None]]] = {
    # An advocate reads of a note what can no longer change under review (desks.record.note_history): its
    # settled versions and its approval, not the versions a supervisor returned nor the comments.
    "note_revisions": [("read", "SELECT", f"{NOTE_OF_ROW} AND (status IN ('approved', 'final') OR {_NOT_ADVOCATES})",
                        None)],
    "review_actions": [
        ("read", "SELECT", f"{NOTE_OF_ROW} AND (action = 'approve' OR {_NOT_ADVOCATES})", None),
        # rules.access.check_may_review and check_may_change: a supervisor above the author (who did not enter
        # it) approves or returns; the author or whoever entered it sends and recalls.
        ("act", "INSERT", None, f"by_id = {ME} AND CASE WHEN action IN ('approve', 'return') THEN {_REVIEWS} "
                                f"ELSE {_SENDS} END"),
    ],
    "advocate_accounts": [
        ("add", "INSERT", None, f"{MANAGES} AND status = 'requested' AND casenotes_new_advocate(worker_id)"),
    ],
    "advocate_appointments": [
        # A request, switched off and undecided, by the advocate for themselves or by a representative,
        # for an advocate whose account is approved, with a letter of introduction for that child.
        ("file", "INSERT", None, f"requested_by_id = {ME} AND status = 'requested' AND NOT active "
                                 f"AND {_NOTHING_DECIDED} AND (worker_id = {ME} OR {MANAGES}) "
                                 f"AND casenotes_approved_advocate(worker_id) AND {_OWN_LETTER}"),
        # Decided by a role holder of an open stage the child is in, or their chain (the trigger checks
        # the decider again and writes who and when).
        ("decide", "UPDATE", "casenotes_may_decide_for(person_id)", "casenotes_may_decide_for(person_id)"),
        # Ended (switched off for good) by a representative: a termination ends every appointment.
        ("end", "UPDATE", MANAGES, f"{MANAGES} AND status = 'ended' AND NOT active"),
    ],
    "documents": [
        # The bytes are not in what a session selects (a column grant): casenotes_document_content().
        # A withdrawn document stays listed to an advocate, its bytes refused them (the function).
        ("read", "SELECT", f"{READS_CASE} OR {ADVOCATES_CHILD} OR (uploaded_by_id = {ME} "
                           f"AND (kind = '{LETTER_KIND}' OR {THIS_TRANSACTION}))", None),
        ("upload", "INSERT", None,
         f"uploaded_by_id = {ME} AND ({READS_CASE} OR {ADVOCATES_CHILD} OR (kind = '{LETTER_KIND}' AND "
         f"({MANAGES} OR casenotes_approved_advocate({ME}))))"),
        # The uploader or a role holder of the child's case (desks.documents.withdraw_document).
        ("withdraw", "UPDATE", _WITHDRAWS, _WITHDRAWS),
    ],
    # One's own rows, about a family one reads (or none): nobody writes reads into another family's log.
    # (An advocate filing a request for a child of a family they do not read yet: about that request.)
    "audit_log": [("write", "INSERT", None, f"worker_id = {ME} AND (case_id IS NULL OR EXISTS "
                                            "(SELECT 1 FROM cases c WHERE c.id = audit_log.case_id) OR "
                                            "(entity = 'appointment' AND EXISTS (SELECT 1 FROM advocate_appointments a "
                                            f"WHERE a.id = audit_log.entity_id AND a.{THIS_TRANSACTION})))")],
    "change_log": [("read", "SELECT", SIGNED_IN, None), ("write", "INSERT", None, SIGNED_IN)],
    "external_keys": [("read", "SELECT", SIGNED_IN, None), ("write", "INSERT", None, SIGNED_IN)],
    "workers": [
        # A representative adds an advocate: a CASA worker who cannot sign in yet, in no unit, under nobody.
        ("add", "INSERT", None, f"{STAFF} OR ({MANAGES} AND employer = 'CASA' AND NOT active "
                                "AND unit_id IS NULL AND supervisor_id IS NULL)"),
    ],
}

NOW, WORKER = "casenotes_now()", "casenotes_worker_id()"
ZONE = "(SELECT value FROM meta WHERE key = 'policy.time_zone')"  # store/db/policy_facts.py


def _refuse(error: str, sentence: str) -> str:
    said = f"casenotes[{error}]: {sentence}".replace("'", "''")
    return f"RAISE EXCEPTION '%', '{said}'"


# name: (table, events, body). Each is a BEFORE ROW trigger run as the owner, acting only in a worker's
# own session (the owner's connection, the store's on SQLite, is held by the rules of 0012-0014 alone).
TRIGGERS: dict[str, tuple[str, str, str]] = {
    "appointment_session": ("advocate_appointments", "INSERT OR UPDATE", f"""
        IF TG_OP = 'INSERT' THEN
            NEW.requested_at := {NOW}; NEW.appointed_at := {NOW};
            -- rules.advocacy.check_request_dates and ends_at_of, on the agency's clock
            IF NEW.appointed_on IS NULL OR NEW.appointed_on > ({NOW} AT TIME ZONE {ZONE})::date
               OR NEW.ends_on < NEW.appointed_on OR NEW.ends_on < ({NOW} AT TIME ZONE {ZONE})::date THEN
                {_refuse("InvalidRequest", "a request is filed once the court has appointed the advocate, for an "
                                           "appointment that has not ended and does not end before it began")};
            END IF;
            NEW.ends_at := CASE WHEN NEW.ends_on IS NOT NULL
                                THEN (NEW.ends_on + 1)::timestamp AT TIME ZONE {ZONE} END;
            RETURN NEW;
        END IF;
        IF NEW.ends_on IS DISTINCT FROM OLD.ends_on OR NEW.ends_at IS DISTINCT FROM OLD.ends_at THEN
            {_refuse("NoAccess", "an appointment's last day is the court's: it is changed by no one's session")};
        END IF;
        IF NEW.status IS DISTINCT FROM OLD.status THEN
            IF NEW.status IN ('approved', 'declined') THEN
                IF NOT casenotes_may_decide_for(NEW.person_id) THEN
                    {_refuse("NoAccess", "only the child's caseworker, Case Planner or Case Manager (a role in an "
                                         "open stage the child is in), or their supervisor, decides an "
                                         "advocate's request")};
                END IF;
                NEW.decided_at := {NOW}; NEW.decided_by_id := {WORKER};
            ELSIF NEW.status = 'ended' THEN
                IF NOT casenotes_has_function('{ADVOCATE_ACCESS}') THEN
                    {_refuse("NoAccess", "an advocate's access ends on the appointment's last day, when the child's "
                                         "stage closes, or when the programme's representative terminates them")};
                END IF;
                IF TRIM(COALESCE(NEW.end_reason, '')) = '' THEN
                    {_refuse("InvalidRequest", "an appointment is ended with a reason")};
                END IF;
                NEW.ended_at := {NOW}; NEW.ended_by_id := {WORKER};
            END IF;
            IF NEW.active IS DISTINCT FROM (NEW.status = 'approved') THEN
                {_refuse("InvalidRequest", "an advocate's access is on while the request is approved, and off "
                                           "once declined or ended")};
            END IF;
        ELSIF NEW.active IS DISTINCT FROM OLD.active
              OR NEW.decided_at IS DISTINCT FROM OLD.decided_at OR NEW.decided_by_id IS DISTINCT FROM OLD.decided_by_id
              OR NEW.decision_reason IS DISTINCT FROM OLD.decision_reason
              OR NEW.ended_at IS DISTINCT FROM OLD.ended_at OR NEW.ended_by_id IS DISTINCT FROM OLD.ended_by_id
              OR NEW.end_reason IS DISTINCT FROM OLD.end_reason THEN
            {_refuse("InvalidRequest", "a request's decision and its end are written once, with the request's "
                                       "move, by whoever makes it")};
        END IF;
        RETURN NEW;"""),
    "account_session": ("advocate_accounts", "INSERT OR UPDATE", f"""
        IF TG_OP = 'INSERT' THEN
            NEW.requested_at := {NOW}; NEW.requested_by_id := {WORKER};
            NEW.decided_at := NULL; NEW.decided_by_id := NULL; NEW.decision_reason := NULL;
            NEW.terminated_at := NULL; NEW.terminated_by_id := NULL; NEW.termination_reason := NULL;
            NEW.last_sign_in_at := NULL;
            RETURN NEW;
        END IF;
        IF NEW.status IS DISTINCT FROM OLD.status THEN
            IF NEW.status IN ('approved', 'rejected') THEN
                NEW.decided_at := {NOW}; NEW.decided_by_id := {WORKER};
            ELSIF NEW.status = 'terminated' THEN
                NEW.terminated_at := {NOW}; NEW.terminated_by_id := {WORKER};
            END IF;
        ELSIF NEW.decided_at IS DISTINCT FROM OLD.decided_at OR NEW.decided_by_id IS DISTINCT FROM OLD.decided_by_id
              OR NEW.decision_reason IS DISTINCT FROM OLD.decision_reason
              OR NEW.terminated_at IS DISTINCT FROM OLD.terminated_at
              OR NEW.terminated_by_id IS DISTINCT FROM OLD.terminated_by_id
              OR NEW.termination_reason IS DISTINCT FROM OLD.termination_reason THEN
            {_refuse("InvalidRequest", "an account's decision and its termination are written once, with its "
                                       "move, by whoever makes it")};
        END IF;
        IF NEW.last_sign_in_at IS DISTINCT FROM OLD.last_sign_in_at THEN  -- one's own sign-in, now
            NEW.last_sign_in_at := CASE WHEN NEW.worker_id = {WORKER} THEN {NOW} ELSE OLD.last_sign_in_at END;
        END IF;
        RETURN NEW;"""),
    # Into a record one may write a document into, asked before anything else of the row: a refusal says
    # nothing of whose family a person is. Plain text is UTF-8.
    "document_session": ("documents", "INSERT", f"""
        IF NOT (NEW.case_id IN (SELECT casenotes_readable_cases())
                OR NEW.person_id IN (SELECT casenotes_advocate_children())
                OR (NEW.kind = '{LETTER_KIND}' AND (casenotes_has_function('{ADVOCATE_ACCESS}')
                                                    OR {APPROVED_ADVOCATE.format(worker=WORKER)}))) THEN
            {_refuse("NoAccess", "a document goes into the record of a child whose record you may read")};
        END IF;
        IF NEW.content_type = 'text/plain' THEN
            BEGIN
                PERFORM convert_from(NEW.content, 'UTF8');
            EXCEPTION WHEN OTHERS THEN
                {_refuse("InvalidDocument", "plain text is kept in UTF-8")};
            END;
        END IF;
        RETURN NEW;"""),
    "document_withdrawal": ("documents", "UPDATE", f"""
        IF OLD.withdrawn_at IS NULL AND NEW.withdrawn_at IS NOT NULL THEN
            NEW.withdrawn_at := {NOW}; NEW.withdrawn_by_id := {WORKER};
        END IF;
        RETURN NEW;"""),
    # When a note was sent and reviewed is the database's clock (the casework clock and the review standards
    # count from it), and a note once sent stays "sent before" (a never-sent draft may be discarded).
    "note_session": ("notes", "UPDATE", f"""
        NEW.first_submitted_at := COALESCE(OLD.first_submitted_at, CASE WHEN NEW.status IN ('submitted', 'resubmitted')
                                                                        AND NEW.status IS DISTINCT FROM OLD.status
                                                                        THEN {NOW} END);
        IF NEW.status IS NOT DISTINCT FROM OLD.status THEN
            NEW.submitted_at := OLD.submitted_at; NEW.reviewed_at := OLD.reviewed_at;
        ELSIF NEW.status IN ('submitted', 'resubmitted') THEN
            NEW.submitted_at := {NOW};
        ELSIF NEW.status IN ('approved', 'returned') THEN
            NEW.reviewed_at := {NOW};
        END IF;
        RETURN NEW;"""),
    # An audit row is written when it happens: a row dated later would hide the reads that follow it.
    "audit_session": ("audit_log", "INSERT", f"""
        NEW.at := {NOW};
        RETURN NEW;"""),
    # A representative switches an advocate's sign-in on and off (approve, terminate) and changes nothing
    # else of a worker: staff administration (MAINTAIN STAFF) changes workers.
    "worker_session": ("workers", "UPDATE", f"""
        IF casenotes_has_function('{MAINTAIN_STAFF}') THEN
            RETURN NEW;
        END IF;
        -- db_role: written only by the owner's sign-in functions (a session has no grant on it).
        IF (to_jsonb(NEW) - ARRAY['active', 'deactivated_at', 'db_role'])
           IS DISTINCT FROM (to_jsonb(OLD) - ARRAY['active', 'deactivated_at', 'db_role']) THEN
            {_refuse("NoAccess", "only staff administration (MAINTAIN STAFF) changes a worker's details; the "
                                 "advocate programme's representatives switch an advocate's sign-in on and off")};
        END IF;
        IF NEW.active IS DISTINCT FROM OLD.active THEN
            NEW.deactivated_at := CASE WHEN NEW.active THEN NULL ELSE {NOW} END;
        END IF;
        RETURN NEW;"""),
}


def enable(conn: Connection) -> None:
    schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    for signature, (returns, body, volatile) in FUNCTIONS.items():
        create_function(conn, signature, returns, body, replace=True, volatile=volatile,
                        rows=10 if returns.startswith(("TABLE", "SETOF")) else None)
    for table, names in REPLACED.items():
        for name in names:
            conn.execute(text(f"DROP POLICY {table}_{name} ON {table}"))
    for table in NEWLY_GUARDED:
        conn.execute(text(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"))
    for table, listed in POLICIES.items():
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


def disable(conn: Connection) -> None:
    """Back to 0013's (an owner testing an upgrade on a copy)."""
    schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    for name, (table, _events, _body) in TRIGGERS.items():
        conn.execute(text(f"DROP TRIGGER {name} ON {table}"))
        conn.execute(text(f"DROP FUNCTION casenotes_{name}()"))
    for table, listed in POLICIES.items():
        for name, *_ in listed:
            conn.execute(text(f"DROP POLICY {table}_{name} ON {table}"))
    for table in NEWLY_GUARDED:
        conn.execute(text(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY"))
    for table, names in REPLACED.items():
        before = row_security_advocacy.ADVOCACY_POLICIES.get(table, []) + row_security.POLICIES.get(table, [])
        for wanted in names:
            name, command, using, check = next(p for p in before if p[0] == wanted)
            clauses = (f" USING ({using})" if using else "") + (f" WITH CHECK ({check})" if check else "")
            conn.execute(text(f"CREATE POLICY {table}_{name} ON {table} FOR {command}{clauses}"))
    conn.execute(text(f"""
        CREATE OR REPLACE FUNCTION casenotes_worker_id() RETURNS integer LANGUAGE sql STABLE
        SET search_path = "{schema}", pg_temp
        AS $$ SELECT id FROM workers WHERE db_role = session_user AND active $$"""))
    returns, body = row_security.FUNCTIONS["casenotes_advocate_children()"]
    create_function(conn, "casenotes_advocate_children()", returns, body, replace=True)
    for signature in FUNCTIONS:
        if signature in row_security_advocacy.ADVOCACY_FUNCTIONS:
            returns, body, volatile = row_security_advocacy.ADVOCACY_FUNCTIONS[signature]
            create_function(conn, signature, returns, body, replace=True, volatile=volatile)
        elif signature not in ("casenotes_worker_id()", "casenotes_advocate_children()"):
            conn.execute(text(f"DROP FUNCTION {signature}"))
