"""Row-level security on PostgreSQL: a worker's own session sees and writes what the store's rules allow.

The same rules as ``store/rules/access.py`` and ``store/rules/maintenance.py``, said to the database so
that a worker signed in with psql reads no more than the app would show them (issue 17):

- a case is read whole (its stages, persons, roles, placements, every note but others' drafts) by whoever
  holds an active role in one of its stages, and by the supervision chain above them; a note waiting for
  review is read by its author's supervisors also when nobody of theirs holds a role in its case any more
  (the review queue lists it, and they approve it);
- a worker with ``ENT PROG NOTE`` finds any family (its stages, persons and roles) and reads back only the
  notes they entered;
- a child's advocate (an active appointment) reads the child, the stages the child is or was in with
  their roles, the sent notes in which the child took part and the people named in them;
- others' drafts are read by nobody but their author and whoever entered them;
- intake (the ``INTAKE`` function or any supervisor) reads the families no stage of which is open (the
  closed ones an intake links to) and the stages that have no Case Manager yet; ``MAINTAIN STAFF`` reads
  every family's name, stages and roles (a worker's open roles are named before they are deactivated),
  and the audit rows about workers and units;
- a worker reads their own audit rows, and the maintenance history of the cases they read whole;
- a transaction reads back the rows it wrote itself until it commits (a family opened for another's
  caseload: its persons, stage and Case Manager go in together).

Whoever the session maps to no worker (``casenotes_worker_id()`` NULL) reads and writes nothing. The
owner of the tables (the store connected as the owner, ``casenotes admin``) is not subject to the
policies. The helper functions run as that owner (SECURITY DEFINER, their ``search_path`` pinned to the
schema), so that a policy can ask about the rows it guards without asking itself again, and so that a
supervisor's chain is worked out once per statement rather than once per row.

Writes mirror who may write: a note's author or enterer changes it, its reviewers move it, only its
author discards an unsent draft; revisions, review actions and audit rows are written under one's own
worker; staff tables only with ``MAINTAIN STAFF``; a stage's people and course by its keepers (Case
Manager or Case Planner and the chain above them) or intake. Where the database is coarser than the
store it says so beside the policy.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

ENTER_PROGRESS_NOTE = "ENT PROG NOTE"
MAINTAIN_STAFF = "MAINTAIN STAFF"
INTAKE = "INTAKE"
ADVOCATE_ACCESS = "ADVOCATE ACCESS"

ME = "(SELECT casenotes_session_worker())"
CLERK = f"(SELECT casenotes_has_function('{ENTER_PROGRESS_NOTE}'))"
# A row this very transaction wrote (its own session alone can see such a row).
WRITTEN_NOW = "{xmin} = xid(pg_current_xact_id_if_assigned())"
ACTIVE = "r.starts_at <= casenotes_now() AND (r.ends_at IS NULL OR r.ends_at > casenotes_now())"

# rules.access.open_appointment as issue 18 first said it (0013); 0014 says it as it is now (row_security_guards).
OPEN_APPOINTMENT = ("a.active AND (a.ends_at IS NULL OR a.ends_at > casenotes_now()) AND EXISTS ("
                    "SELECT 1 FROM stage_persons sp JOIN stages s ON s.id = sp.stage_id "
                    "WHERE sp.person_id = a.person_id AND sp.ended_at IS NULL AND s.closed_at IS NULL)")

# name(arguments) returns: body. Each runs as the schema's owner (see the module's docstring).
FUNCTIONS: dict[str, tuple[str, str]] = {
    "casenotes_session_worker()": ("integer", "SELECT casenotes_worker_id()"),
    "casenotes_has_function(code text)": ("boolean", """
        SELECT EXISTS (SELECT 1 FROM worker_functions f WHERE f.worker_id = casenotes_worker_id() AND f.code = $1)
    """),
    # The session's worker and everyone below them, directly or through others (rules.access.team_ids).
    "casenotes_team()": ("SETOF integer", """
        WITH RECURSIVE team(id) AS (
            SELECT casenotes_worker_id() WHERE casenotes_worker_id() IS NOT NULL
            UNION SELECT w.id FROM workers w JOIN team t ON w.supervisor_id = t.id)
        SELECT id FROM team
    """),
    # Cases read whole: a role in one of its stages now, held by the worker or someone below them.
    "casenotes_readable_cases()": ("SETOF integer", f"""
        SELECT DISTINCT s.case_id FROM role_assignments r JOIN stages s ON s.id = r.stage_id
        WHERE r.worker_id IN (SELECT casenotes_team()) AND {ACTIVE}
    """),
    "casenotes_readable_stages()": ("SETOF integer", """
        SELECT s.id FROM stages s WHERE s.case_id IN (SELECT casenotes_readable_cases())
    """),
    # An advocate's children whose access is open, in the cases not read whole otherwise
    # (rules.access.case_access's order). Their notes: only approved ones, and final FSI entries.
    "casenotes_advocate_children()": ("SETOF integer", f"""
        SELECT a.person_id FROM advocate_appointments a JOIN persons p ON p.id = a.person_id
        WHERE a.worker_id = casenotes_worker_id() AND {OPEN_APPOINTMENT}
          AND p.case_id NOT IN (SELECT casenotes_readable_cases())
    """),
    "casenotes_advocate_cases()": ("SETOF integer", """
        SELECT DISTINCT p.case_id FROM persons p WHERE p.id IN (SELECT casenotes_advocate_children())
    """),
    "casenotes_advocate_case_stages()": ("SETOF integer", """
        SELECT s.id FROM stages s WHERE s.case_id IN (SELECT casenotes_advocate_cases())
    """),
    # The stages a child is or was in (a child taken out of a stage keeps their notes there).
    "casenotes_advocate_stages()": ("SETOF integer", """
        SELECT DISTINCT sp.stage_id FROM stage_persons sp WHERE sp.person_id IN (SELECT casenotes_advocate_children())
    """),
    "casenotes_advocate_notes()": ("SETOF integer", """
        SELECT DISTINCT n.id FROM notes n JOIN note_participants np ON np.note_id = n.id
        WHERE np.person_id IN (SELECT casenotes_advocate_children()) AND n.status IN ('approved', 'final')
    """),
    # Whom an advocate's screens name: the children, those present at the notes they read, the children
    # a Case Worker of the child's stages is associated with.
    "casenotes_advocate_persons()": ("SETOF integer", """
        SELECT casenotes_advocate_children()
        UNION SELECT np.person_id FROM note_participants np WHERE np.note_id IN (SELECT casenotes_advocate_notes())
        UNION SELECT rc.person_id FROM role_children rc JOIN role_assignments r ON r.id = rc.assignment_id
              WHERE r.stage_id IN (SELECT casenotes_advocate_stages())
    """),
    # Notes waiting for review by the session's worker or someone above: the review queue's.
    "casenotes_team_under_review()": ("SETOF integer", """
        SELECT n.id FROM notes n WHERE n.status IN ('submitted', 'resubmitted')
          AND n.author_id IN (SELECT casenotes_team()) AND n.author_id <> casenotes_worker_id()
    """),
    # rules.maintenance.may_do_intake: the INTAKE function or a supervisor of an active worker.
    "casenotes_does_intake()": ("boolean", f"""
        SELECT casenotes_has_function('{INTAKE}')
            OR EXISTS (SELECT 1 FROM workers w WHERE w.supervisor_id = casenotes_worker_id() AND w.active)
    """),
    # Families no stage of which is open: closed ones (intake links to them, desks.intake.earlier_cases),
    # and one being opened.
    "casenotes_cases_at_work()": ("SETOF integer", """
        SELECT DISTINCT s.case_id FROM stages s WHERE s.closed_at IS NULL
    """),
    # Every role assignment is read: the clock once for them all, not twice for each.
    "casenotes_managed_stages()": ("SETOF integer", f"""
        SELECT DISTINCT r.stage_id FROM role_assignments r WHERE r.role = 'Case Manager'
           AND {ACTIVE.replace("casenotes_now()", "(SELECT casenotes_now())")}
    """),
    # The stage's Case Manager or Case Planner, or anyone above them.
    "casenotes_keeper_of(stage integer)": ("boolean", f"""
        SELECT EXISTS (SELECT 1 FROM role_assignments r WHERE r.stage_id = $1
                         AND r.role IN ('Case Manager', 'Case Planner') AND {ACTIVE}
                         AND r.worker_id IN (SELECT casenotes_team()))
    """),
    # rules.maintenance.may_maintain_stage; and a stage this transaction opens, by intake or by the keepers
    # of the stage it is progressed from, until it commits (its persons and its Case Manager go in with it).
    "casenotes_keeps_stage(stage integer)": ("boolean", f"""
        SELECT casenotes_keeper_of($1) OR EXISTS (
            SELECT 1 FROM stages s WHERE s.id = $1 AND {WRITTEN_NOW.format(xmin="s.xmin")}
               AND (casenotes_does_intake() OR casenotes_keeper_of(s.parent_id)))
    """),
    # rules.maintenance.may_keep_family: intake, or the keepers of one of its open stages.
    "casenotes_keeps_family(family integer)": ("boolean", """
        SELECT casenotes_does_intake() OR EXISTS (
            SELECT 1 FROM stages s WHERE s.case_id = $1 AND s.closed_at IS NULL AND casenotes_keeps_stage(s.id))
    """),
    # --- What the store counts or names but the session may not read (store/db/unseen.py) ---
    # The casework clock of the drafts of the session's worker and everyone below them: the unit caseload,
    # the team's deadlines and Timeliness count a worker's drafts, which are private to their author. Dates,
    # status and ids only: no narrative, no participants.
    "casenotes_team_draft_clocks()": (
        "TABLE(note_id integer, note_stage_id integer, note_author_id integer, note_entered_by_id integer, "
        "note_status text, note_contact_type text, note_event_at timestamptz, note_entered_at timestamptz, "
        "note_submitted_at timestamptz, note_reviewed_at timestamptz, note_correction_due_at timestamptz, "
        "note_freezes_at timestamptz)", """
        SELECT n.id, n.stage_id, n.author_id, n.entered_by_id, n.status::text, n.contact_type::text, n.event_at,
               n.entered_at, n.submitted_at, n.reviewed_at, n.correction_due_at, n.freezes_at
        FROM notes n WHERE n.status = 'draft' AND n.author_id IN (SELECT casenotes_team())
    """),
    # Visits recorded in drafts (a visit is a note of any status, store.desks.visits) in the families the
    # session reads whole: the child, when, and whether in the residence; nothing else of the draft.
    "casenotes_draft_visits(method text, residence text)": (
        "TABLE(visit_note_id integer, visit_child_id integer, visit_at timestamptz, visit_in_residence boolean)", """
        SELECT n.id, np.person_id, n.event_at, coalesce(n.location = $2, false)
        FROM notes n JOIN note_participants np ON np.note_id = n.id JOIN stages s ON s.id = n.stage_id
        JOIN persons p ON p.id = np.person_id
        WHERE n.status = 'draft' AND n.method = $1 AND n.amends_note_id IS NULL AND p.case_id = s.case_id
          AND s.case_id IN (SELECT casenotes_readable_cases())
    """),
    # How many sent notes a stage holds, for the clerk and the advocate, who read only some of them
    # ("N notes in this stage are not yours to read"); 0 in a stage the session does not reach.
    "casenotes_sent_notes_in(stage integer)": ("integer", f"""
        SELECT count(*)::integer FROM notes n WHERE n.stage_id = $1 AND n.status <> 'draft'
           AND ((SELECT casenotes_has_function('{ENTER_PROGRESS_NOTE}'))
                OR $1 IN (SELECT casenotes_advocate_case_stages()) OR $1 IN (SELECT casenotes_readable_stages()))
    """),
    # Whether a family the session may not read exists: the store says it is not theirs to read rather
    # than that there is no such case, as it does through the owner's connection.
    "casenotes_case_exists(family integer)": ("boolean", """
        SELECT casenotes_worker_id() IS NOT NULL AND EXISTS (SELECT 1 FROM cases c WHERE c.id = $1)
    """),
    # rules.access.check_may_add_note, as far as the database knows it: not in an INT stage; the author is
    # the session's worker unless they hold ENT PROG NOTE; the author (and, in an investigation, the
    # session's worker too) holds a role in the stage, or supervises someone who does (not in an INV).
    "casenotes_may_add_note(stage integer, author integer)": ("boolean", f"""
        SELECT s.type <> 'INT'
           AND ($2 = casenotes_worker_id() OR casenotes_has_function('{ENTER_PROGRESS_NOTE}'))
           AND CASE WHEN s.type = 'INV' THEN
                    EXISTS (SELECT 1 FROM role_assignments r WHERE r.stage_id = s.id AND {ACTIVE}
                              AND r.worker_id = $2)
                AND EXISTS (SELECT 1 FROM role_assignments r WHERE r.stage_id = s.id AND {ACTIVE}
                              AND r.worker_id = casenotes_worker_id())
               ELSE EXISTS (SELECT 1 FROM role_assignments r WHERE r.stage_id = s.id AND {ACTIVE}
                              AND r.worker_id IN (
                                  WITH RECURSIVE team(id) AS (
                                      SELECT $2 UNION SELECT w.id FROM workers w JOIN team t ON w.supervisor_id = t.id)
                                  SELECT id FROM team))
               END
        FROM stages s WHERE s.id = $1
    """),
}

# How many rows a set-returning function gives, for the planner (its default guess is 1000): a team, an
# advocate's children and what follows from them, the notes waiting for a team's review are a handful; a
# supervisor's readable families are some hundreds. Guessing 1000 made every statement that asks about a
# team hash it against a scan of the whole notes table.
ROWS = {"casenotes_team()": 10, "casenotes_readable_cases()": 100, "casenotes_readable_stages()": 100,
        "casenotes_advocate_children()": 10, "casenotes_advocate_cases()": 10,
        "casenotes_advocate_case_stages()": 10, "casenotes_advocate_stages()": 10, "casenotes_advocate_notes()": 10,
        "casenotes_advocate_persons()": 10, "casenotes_team_under_review()": 10, "casenotes_team_draft_clocks()": 10,
        "casenotes_draft_visits(method text, residence text)": 10}
# The few notes of a status the helper functions look for, by author (the team's drafts, the notes waiting
# for review), without reading the whole notes table in every statement a worker runs.
INDEXES = {"ix_notes_draft_author": "notes (author_id) WHERE status = 'draft'",
           "ix_notes_review_author": "notes (author_id) WHERE status IN ('submitted', 'resubmitted')"}

ALL_COMMANDS = ("SELECT", "INSERT", "UPDATE", "DELETE")


def _stage_of_row(column: str = "stage_id") -> str:
    return f"EXISTS (SELECT 1 FROM stages s WHERE s.id = {column})"


# The people of a stage as its readers see them: an advocate only the children they are appointed for.
PERSON_IN_STAGE = (f"{_stage_of_row()} AND (person_id IN (SELECT casenotes_advocate_children()) "
                   "OR stage_id NOT IN (SELECT casenotes_advocate_case_stages()))")
NOTE_OF_ROW = "EXISTS (SELECT 1 FROM notes n WHERE n.id = note_id)"
OWN_NOTE = f"EXISTS (SELECT 1 FROM notes n WHERE n.id = note_id AND {ME} IN (n.author_id, n.entered_by_id))"
SIGNED_IN = f"{ME} IS NOT NULL"
# What a transaction wrote it reads back until it commits (a family opened for another's caseload).
THIS_TRANSACTIONS = "xmin = (SELECT xid(pg_current_xact_id_if_assigned()))"
# Intake (and any supervisor) reads the families no stage of which is open: the closed ones it may link
# an intake to, and the one it is opening (its new rows are checked before they are in the table).
INTAKE_READS = "((SELECT casenotes_does_intake()) AND {case} NOT IN (SELECT casenotes_cases_at_work()))"
STAFF = f"(SELECT casenotes_has_function('{MAINTAIN_STAFF}'))"

# table: [(policy name, command, USING, WITH CHECK)]; None: not given.
POLICIES: dict[str, list[tuple[str, str, str | None, str | None]]] = {
    "cases": [
        ("read", "SELECT", f"id IN (SELECT casenotes_readable_cases()) OR id IN (SELECT casenotes_advocate_cases()) "
                           f"OR {CLERK} OR {INTAKE_READS.format(case='id')} OR {THIS_TRANSACTIONS} OR {STAFF}", None),
        # Coarser than the store: a new family is opened by intake or a supervisor (the store's rule),
        # its name changed by them or its stages' keepers.
        ("open", "INSERT", None, "(SELECT casenotes_does_intake())"),
        ("keep", "UPDATE", "casenotes_keeps_family(id)", "casenotes_keeps_family(id)"),
    ],
    "stages": [
        ("read", "SELECT", f"case_id IN (SELECT casenotes_readable_cases()) "
                           f"OR id IN (SELECT casenotes_advocate_stages()) "
                           f"OR ({CLERK} AND case_id NOT IN (SELECT casenotes_advocate_cases())) "
                           f"OR {INTAKE_READS.format(case='case_id')} OR {THIS_TRANSACTIONS} OR {STAFF} "
                           "OR ((SELECT casenotes_does_intake()) AND id NOT IN (SELECT casenotes_managed_stages()))",
         None),
        # A family's first stages are opened by intake; a stage progressed from another by its keepers.
        ("open", "INSERT", None, "(SELECT casenotes_does_intake()) OR casenotes_keeper_of(parent_id)"),
        ("keep", "UPDATE", "casenotes_keeps_stage(id)", "casenotes_keeps_stage(id)"),
    ],
    "persons": [
        ("read", "SELECT", f"case_id IN (SELECT casenotes_readable_cases()) "
                           f"OR id IN (SELECT casenotes_advocate_persons()) "
                           f"OR ({CLERK} AND case_id NOT IN (SELECT casenotes_advocate_cases())) "
                           f"OR {INTAKE_READS.format(case='case_id')} OR {THIS_TRANSACTIONS}", None),
        ("add", "INSERT", None, "casenotes_keeps_family(case_id)"),
        ("keep", "UPDATE", "casenotes_keeps_family(case_id)", "casenotes_keeps_family(case_id)"),
    ],
    "stage_persons": [
        ("read", "SELECT", f"{PERSON_IN_STAGE} OR {THIS_TRANSACTIONS}", None),
        ("add", "INSERT", None, "casenotes_keeps_stage(stage_id)"),
        ("keep", "UPDATE", "casenotes_keeps_stage(stage_id)", "casenotes_keeps_stage(stage_id)"),
    ],
    "role_assignments": [
        ("read", "SELECT", f"{_stage_of_row()} OR {THIS_TRANSACTIONS}", None),
        ("assign", "INSERT", None, "casenotes_keeps_stage(stage_id)"),
        ("keep", "UPDATE", "casenotes_keeps_stage(stage_id)", "casenotes_keeps_stage(stage_id)"),
    ],
    "role_children": [
        ("read", "SELECT", "EXISTS (SELECT 1 FROM role_assignments r WHERE r.id = assignment_id)", None),
        ("assign", "INSERT", None, "EXISTS (SELECT 1 FROM role_assignments r WHERE r.id = assignment_id "
                                   "AND casenotes_keeps_stage(r.stage_id))"),
    ],
    "placements": [
        ("read", "SELECT", f"{PERSON_IN_STAGE} OR {THIS_TRANSACTIONS}", None),
        ("place", "INSERT", None, "casenotes_keeps_stage(stage_id)"),
        ("keep", "UPDATE", "casenotes_keeps_stage(stage_id)", "casenotes_keeps_stage(stage_id)"),
    ],
    "advocate_appointments": [
        ("read", "SELECT", f"worker_id = {ME}", None),
        # Appointments are switched on and off by the advocate programme's access manager.
        ("manage", "INSERT", None, f"(SELECT casenotes_has_function('{ADVOCATE_ACCESS}'))"),
        ("switch", "UPDATE", f"(SELECT casenotes_has_function('{ADVOCATE_ACCESS}'))",
         f"(SELECT casenotes_has_function('{ADVOCATE_ACCESS}'))"),
    ],
    "notes": [
        ("read", "SELECT",
         f"(stage_id IN (SELECT casenotes_readable_stages()) "
         f"AND (status <> 'draft' OR {ME} IN (author_id, entered_by_id))) "
         f"OR id IN (SELECT casenotes_advocate_notes()) "
         f"OR id IN (SELECT casenotes_team_under_review()) "
         f"OR (entered_by_id = {ME} AND {CLERK} AND stage_id NOT IN (SELECT casenotes_advocate_case_stages()))",
         None),
        ("add", "INSERT", None, f"entered_by_id = {ME} AND casenotes_may_add_note(stage_id, author_id)"),
        # The author or enterer edits, sends and recalls; a note is approved only by its reviewers. Coarser
        # than the store: the policy cannot see the status a note moves from, so an author could mark
        # their own sent note returned (the triggers still ask for its revision).
        ("change", "UPDATE", f"{ME} IN (author_id, entered_by_id)",
         f"{ME} IN (author_id, entered_by_id) AND status IN ('draft', 'submitted', 'resubmitted', 'returned')"),
        # Approve and return: a supervisor above the author who did not enter the note (check_may_review);
        # what they may change of it, the trigger casenotes_reviewer_changes says.
        ("review", "UPDATE", f"id IN (SELECT casenotes_team_under_review()) AND entered_by_id <> {ME}",
         f"author_id IN (SELECT casenotes_team()) AND author_id <> {ME} AND entered_by_id <> {ME}"),
        ("discard", "DELETE", f"author_id = {ME} AND status = 'draft' AND first_submitted_at IS NULL", None),
    ],
    "note_participants": [
        ("read", "SELECT", NOTE_OF_ROW, None),
        ("add", "INSERT", None, OWN_NOTE),
        ("remove", "DELETE", OWN_NOTE, None),
    ],
    "note_revisions": [
        ("read", "SELECT", NOTE_OF_ROW, None),
        ("save", "INSERT", None, f"saved_by_id = {ME} AND {NOTE_OF_ROW}"),
    ],
    "review_actions": [
        ("read", "SELECT", NOTE_OF_ROW, None),
        ("act", "INSERT", None, f"by_id = {ME} AND {NOTE_OF_ROW}"),
    ],
    "audit_log": [
        # One's own rows (has this read been recorded this hour?), and the maintenance history of the
        # cases one reads whole (desks.activity: not reads, not notes' saves). A row written before rows
        # kept their case is read through its case only if it is about the case itself.
        ("read", "SELECT",
         f"worker_id = {ME} OR (entity IN ('worker', 'unit') AND {STAFF}) "
         "OR (action NOT LIKE 'read %' AND entity <> 'note' AND ("
         "case_id IN (SELECT casenotes_readable_cases()) "
         "OR (case_id IS NULL AND entity = 'case' AND entity_id IN (SELECT casenotes_readable_cases()))))", None),
        ("write", "INSERT", None, f"worker_id = {ME}"),
    ],
    "workers": [
        ("read", "SELECT", SIGNED_IN, None),
        ("add", "INSERT", None, STAFF),
        ("change", "UPDATE", STAFF, STAFF),
    ],
    "units": [
        ("read", "SELECT", SIGNED_IN, None),
        ("add", "INSERT", None, STAFF),
        ("rename", "UPDATE", STAFF, STAFF),
    ],
    "worker_functions": [
        ("read", "SELECT", SIGNED_IN, None),
        ("grant", "INSERT", None, STAFF),
        ("take", "DELETE", STAFF, None),
    ],
    "absences": [
        ("read", "SELECT", SIGNED_IN, None),
        ("plan", "INSERT", None, f"worker_id = {ME} OR {STAFF}"),
        ("change", "UPDATE", f"worker_id = {ME} OR {STAFF}", f"worker_id = {ME} OR {STAFF}"),
        ("cancel", "DELETE", f"worker_id = {ME} OR {STAFF}", None),
    ],
}


# What a reviewer changes in a note (desks.review: approve, return); anyone else but its author and enterer
# changes nothing. A policy sees only the new row, so a trigger compares it with the old one.
REVIEWED = ("status", "reviewed_at", "correction_due_at", "version")
REVIEWER_SENTENCE = ("only the author or the person who entered this note may change it; a supervisor above the "
                     "author approves or returns it")
REVIEWER_TRIGGER = f"""
    CREATE FUNCTION casenotes_reviewer_changes() RETURNS trigger LANGUAGE plpgsql AS $body$
    BEGIN
        IF casenotes_worker_id() IS NOT NULL AND casenotes_worker_id() NOT IN (OLD.author_id, OLD.entered_by_id)
           AND (NEW.status NOT IN ('approved', 'returned')
                OR to_jsonb(NEW) - ARRAY[{", ".join(f"'{c}'" for c in REVIEWED)}]
                   IS DISTINCT FROM to_jsonb(OLD) - ARRAY[{", ".join(f"'{c}'" for c in REVIEWED)}]) THEN
            RAISE EXCEPTION '%', 'casenotes[NotAuthor]: {REVIEWER_SENTENCE}';
        END IF;
        RETURN NEW;
    END $body$"""


def create_function(conn: Connection, signature: str, returns: str, body: str, *, replace: bool = False,
                    volatile: bool = False, rows: int | None = None) -> None:
    """One helper function, run as the schema's owner with its search_path pinned."""
    schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    pinned = f'SET search_path = "{schema}", pg_temp'
    # PL/pgSQL keeps each statement's plan for the session; an SQL function with its own search_path
    # is planned again at every call, several times in every statement a worker runs.
    if body.lstrip().startswith("-- statements"):
        returning = body.strip()
    elif returns.startswith(("SETOF", "TABLE")):
        returning = f"RETURN QUERY {body.strip()};"
    elif returns == "void":
        returning = f"{body.strip()};"
    else:
        returning = f"RETURN ({body.strip()});"
    rows = rows or ROWS.get(signature)
    counted = f"ROWS {rows} " if rows else ""
    kind = "VOLATILE" if volatile else "STABLE"
    conn.execute(text(f"CREATE {'OR REPLACE ' if replace else ''}FUNCTION {signature} RETURNS {returns} "
                      f"LANGUAGE plpgsql {kind} SECURITY DEFINER {counted}{pinned} "
                      f"AS $body$ BEGIN {returning} END $body$"))


def enable(conn: Connection) -> None:
    """Create the helper functions and the policies, and switch row-level security on (PostgreSQL)."""
    schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    pinned = f'SET search_path = "{schema}", pg_temp'
    for signature, (returns, body) in FUNCTIONS.items():
        create_function(conn, signature, returns, body)
    for name, on in INDEXES.items():
        conn.execute(text(f"CREATE INDEX {name} ON {on}"))
    for table, policies in POLICIES.items():
        conn.execute(text(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"))
        for name, command, using, check in policies:
            clauses = (f" USING ({using})" if using else "") + (f" WITH CHECK ({check})" if check else "")
            conn.execute(text(f"CREATE POLICY {table}_{name} ON {table} FOR {command}{clauses}"))
    conn.execute(text(REVIEWER_TRIGGER))
    conn.execute(text("CREATE TRIGGER notes_reviewer_changes BEFORE UPDATE ON notes "
                      "FOR EACH ROW EXECUTE FUNCTION casenotes_reviewer_changes()"))
    # The triggers check the record against rows the session may not read (a note's stage, its
    # revisions): they run as the owner, so that row-level security never hides what they must see.
    for signature in conn.execute(text(
            "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = :s AND p.prorettype = 'trigger'::regtype"), {"s": schema}).scalars().all():
        conn.execute(text(f"ALTER FUNCTION {signature} SECURITY DEFINER {pinned}"))


def disable(conn: Connection) -> None:
    conn.execute(text("DROP TRIGGER notes_reviewer_changes ON notes"))
    conn.execute(text("DROP FUNCTION casenotes_reviewer_changes()"))
    for table, policies in POLICIES.items():
        for name, _command, _using, _check in policies:
            conn.execute(text(f"DROP POLICY {table}_{name} ON {table}"))
        conn.execute(text(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY"))
    for name in INDEXES:
        conn.execute(text(f"DROP INDEX {name}"))
    for signature in reversed(list(FUNCTIONS)):
        conn.execute(text(f"DROP FUNCTION {signature.split('(')[0]}({_types(signature)})"))


def _types(signature: str) -> str:
    """'f(a integer, b text)' → 'integer, text'."""
    inside = signature[signature.index("(") + 1:-1]
    return ", ".join(part.split()[-1] for part in inside.split(",") if part.strip())
