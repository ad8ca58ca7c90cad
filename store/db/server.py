"""The agency server's roles on PostgreSQL: the schema owner, the workers' group, a login per worker.

``init_server`` (run by the database's owner or a superuser, through ``casenotes admin init``) makes
``casenotes_owner`` own every table, sequence and function of the schema, makes the group role
``casenotes_worker`` with the least privilege the app needs (SELECT, and only the writes listed in
``WRITES``; never TRUNCATE, DDL or ownership), and may be run again after an upgrade. Each worker
signs in as their own login role, a member of the group; ``casenotes_worker_id()`` maps
``session_user`` to the worker through ``workers.db_role``. Row-level security and the triggers then
narrow every statement to what the rules allow.
"""

from __future__ import annotations

import re
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from store.core.errors import NoAccess

OWNER = "casenotes_owner"
GROUP = "casenotes_worker"

# What a worker's session may write, table by table (everything else it may only read). Row-level
# security narrows each to the rows the rules allow, and the triggers to the changes they allow.
WRITES: dict[str, str] = {
    "notes": "INSERT, UPDATE, DELETE",  # DELETE: only one's own unsubmitted draft (trigger and policy)
    "note_participants": "INSERT, DELETE",
    "note_revisions": "INSERT",
    "review_actions": "INSERT",
    "audit_log": "INSERT",
    "change_log": "INSERT",
    "absences": "INSERT, UPDATE, DELETE",
    "cases": "INSERT, UPDATE",
    "persons": "INSERT, UPDATE",
    "stages": "INSERT, UPDATE",
    "stage_persons": "INSERT, UPDATE",
    "role_assignments": "INSERT, UPDATE",
    "role_children": "INSERT",
    "placements": "INSERT, UPDATE",
    "advocate_appointments": "INSERT, UPDATE",
    "units": "INSERT, UPDATE",
    "worker_functions": "INSERT, DELETE",
    "external_keys": "INSERT",
    "advocate_accounts": "INSERT, UPDATE",
    "documents": "INSERT, UPDATE",  # UPDATE: only a withdrawal (triggers)
    "notifications": "INSERT, UPDATE",  # UPDATE: only marked read or e-mailed (triggers)
    # Case plans (0015): nothing of a plan is deleted but a draft's participants and an open note's tags.
    "plans": "INSERT, UPDATE",
    "plan_sections": "INSERT, UPDATE",
    "plan_participants": "INSERT, DELETE",
    "plan_contests": "INSERT",
    "plan_revisions": "INSERT",
    "plan_review_actions": "INSERT",
    "note_plan_elements": "INSERT, DELETE",
}
# A worker's sign-in (db_role) is set only by the owner's functions: the columns a session may write.
WORKER_COLUMNS = ("login", "name", "title", "employer", "agency", "unit_id", "supervisor_id", "active",
                  "deactivated_at", "email")

_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def role_name(name: str) -> str:
    """``name`` as a PostgreSQL role name casenotes creates, or ``ValueError``: lower-case letters,
    digits and underscores, not starting with a digit, at most 63 characters (so never quoted)."""
    if not _ROLE_NAME.match(name):
        raise ValueError(f"{name!r} cannot be a database role: use lower-case letters, digits and underscores "
                         "(at most 63, not starting with a digit).")
    return name


def ensure_role(conn: Connection, name: str, options: str) -> None:
    """Create the role unless it exists (another database on the server may have made it)."""
    exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first()
    if exists is None:
        try:
            with conn.begin_nested():
                conn.execute(text(f"CREATE ROLE {role_name(name)} {options}"))
        except DBAPIError as exc:  # made meanwhile by a concurrent init on the same server
            if "already exists" not in str(exc) and "pg_authid_rolname_index" not in str(exc):
                raise


def init_server(conn: Connection, group: str = GROUP, owner: str = OWNER) -> None:
    """Make ``owner`` own the schema's objects and ``group`` hold the workers' privileges (again
    after an upgrade: idempotent). ``conn``: the database's owner or a superuser, in a transaction."""
    ensure_role(conn, owner, "NOLOGIN CREATEROLE")
    ensure_role(conn, group, "NOLOGIN")
    # Made by someone else before: what the login functions need of them (PostgreSQL 16+ also wants
    # the owner to hold ADMIN on the group to grant its membership).
    # Each only when needed: an init on another database of the server may be changing the same rows of
    # the shared catalogue at this moment ("tuple concurrently updated").
    if not _role_is(conn, owner, "rolcreaterole AND NOT rolcanlogin"):
        conn.execute(text(f"ALTER ROLE {owner} NOLOGIN CREATEROLE"))
    if not _role_is(conn, group, "NOT rolcanlogin"):
        conn.execute(text(f"ALTER ROLE {group} NOLOGIN"))
    if not conn.execute(text("SELECT pg_has_role(:o, :g, 'USAGE WITH ADMIN OPTION')"),
                        {"o": owner, "g": group}).scalar():
        conn.execute(text(f"GRANT {group} TO {owner} WITH ADMIN OPTION"))
    if not conn.execute(text("SELECT rolsuper OR pg_has_role(session_user, :o, 'USAGE') FROM pg_roles "
                             "WHERE rolname = session_user"), {"o": owner}).scalar():
        # The database's owner upgrades the schema later: the tables' owner must be a role it holds.
        conn.execute(text(f"GRANT {owner} TO session_user"))
    schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    database = conn.execute(text("SELECT current_database()")).scalar_one()
    conn.execute(text(f'GRANT USAGE, CREATE ON SCHEMA "{schema}" TO {owner}'))
    # Nobody else creates objects here (PostgreSQL before 15 let everyone create in "public"), nor
    # connects to the agency's database unless they are a worker (or its owner, or a superuser).
    conn.execute(text(f'REVOKE CREATE ON SCHEMA "{schema}" FROM PUBLIC'))
    conn.execute(text(f'REVOKE ALL ON DATABASE "{database}" FROM PUBLIC'))
    conn.execute(text(f'GRANT CONNECT ON DATABASE "{database}" TO {group}'))
    install_login_functions(conn, schema, group, owner)
    tables = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = :s"), {"s": schema}).scalars()
    for table in list(tables):
        conn.execute(text(f'ALTER TABLE "{schema}"."{table}" OWNER TO {owner}'))
    for signature in _functions(conn, schema):
        conn.execute(text(f"ALTER FUNCTION {signature} OWNER TO {owner}"))
    grant_worker_privileges(conn, schema, group)
    for signature in LOGIN_FUNCTIONS:
        conn.execute(text(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC"))
        if signature in WORKERS_CALL:
            conn.execute(text(f"GRANT EXECUTE ON FUNCTION {signature} TO {group}"))


def _role_is(conn: Connection, role: str, condition: str) -> bool:
    return bool(conn.execute(text(f"SELECT {condition} FROM pg_roles WHERE rolname = :r"), {"r": role}).scalar())


def pin_search_path(conn: Connection, schema: str) -> None:
    """The schema's functions so far (migration 0009: the triggers', ``casenotes_worker_id()``,
    ``casenotes_now()``) read the schema's tables, never a session's: a temporary table is found first
    by default, so a worker could otherwise make a ``workers`` or ``meta`` of their own for a trigger to
    read. A later migration pins its own functions (search's need their extensions' schema too)."""
    for signature in _functions(conn, schema):
        if signature.split(".")[-1].startswith("casenotes_"):  # ours, not an extension's
            conn.execute(text(f'ALTER FUNCTION {signature} SET search_path = "{schema}", pg_temp'))


def mark_test_database(conn: Connection) -> None:
    """Let ``casenotes_now()`` follow the store's clock (the ``casenotes.now`` setting) in this database,
    as tests and a generated demo need; anywhere unmarked it is the server's ``now()``. ``conn``: the
    owner or a superuser (workers may not write ``test_clock_allowed``). Not for a real agency: any
    session of a marked database may move its own trigger clock."""
    conn.execute(text("INSERT INTO test_clock_allowed DEFAULT VALUES ON CONFLICT DO NOTHING"))


def grant_worker_privileges(conn: Connection, schema: str, group: str = GROUP) -> None:
    conn.execute(text(f'REVOKE ALL ON ALL TABLES IN SCHEMA "{schema}" FROM {group}'))
    conn.execute(text(f'GRANT USAGE ON SCHEMA "{schema}" TO {group}'))
    conn.execute(text(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO {group}'))
    conn.execute(text(f'GRANT USAGE ON ALL SEQUENCES IN SCHEMA "{schema}" TO {group}'))
    for table, privileges in WRITES.items():
        conn.execute(text(f'GRANT {privileges} ON "{schema}"."{table}" TO {group}'))
    columns = ", ".join(WORKER_COLUMNS)
    conn.execute(text(f'GRANT INSERT ({columns}), UPDATE ({columns}) ON "{schema}".workers TO {group}'))
    # A document's bytes are read only through casenotes_document_content(), which audits the read: a
    # session selects every other column of documents (and writes the bytes of an upload).
    if conn.execute(text("SELECT to_regclass(:t)"), {"t": f'"{schema}".documents'}).scalar() is not None:
        readable = ", ".join(c for c in conn.execute(text(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = :s AND table_name = 'documents' "
            "ORDER BY ordinal_position"), {"s": schema}).scalars() if c != "content")
        conn.execute(text(f'REVOKE SELECT ON "{schema}".documents FROM {group}'))
        conn.execute(text(f'GRANT SELECT ({readable}) ON "{schema}".documents TO {group}'))


def _functions(conn: Connection, schema: str) -> list[str]:
    rows = conn.execute(text(
        "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = :s"), {"s": schema})
    return list(rows.scalars())


# -- a worker's sign-in, given and ended by the database itself ----------------------------------------
#
# A worker's session has no CREATEROLE: a staff administrator (MAINTAIN STAFF) signed in as their own
# role gives and ends sign-ins through these functions, which run as the owner (SECURITY DEFINER, their
# search_path pinned). They refuse anyone else but the owner or a superuser (``casenotes admin``), never
# take over a database user casenotes did not make for that worker, and say so in the store's words.

RESERVED_ROLES = ("public", "none", "current_user", "session_user", "current_role")
# The login → database user rule: lower case, anything but a-z, 0-9 and _ becomes _ (j.smith → j_smith).
LOGIN_ROLE = r"regexp_replace(lower($1), '[^a-z0-9_]', '_', 'g')"

LOGIN_FUNCTIONS: dict[str, str] = {
    "casenotes_login_role(login text)": f"""
        RETURNS text LANGUAGE sql IMMUTABLE AS $fn$ SELECT {LOGIN_ROLE} $fn$""",
    "casenotes_check_gives_logins()": """
        RETURNS void LANGUAGE plpgsql STABLE AS $fn$
        BEGIN
            IF casenotes_worker_id() IS NOT NULL THEN
                IF EXISTS (SELECT 1 FROM worker_functions f
                           WHERE f.worker_id = casenotes_worker_id() AND f.code = 'MAINTAIN STAFF') THEN
                    RETURN;
                END IF;
                RAISE EXCEPTION 'casenotes[NoAccess]: only staff administration (MAINTAIN STAFF) gives or ends '
                    'a worker''s sign-in; nothing was changed';
            END IF;
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = session_user AND rolsuper)
               OR pg_has_role(session_user, '{owner}', 'MEMBER')
               OR session_user = (SELECT pg_get_userbyid(datdba) FROM pg_database
                                  WHERE datname = current_database()) THEN
                RETURN;
            END IF;
            RAISE EXCEPTION 'casenotes[NoAccess]: the database user % is no active casenotes worker''s nor the '
                'database''s owner, so it gives and ends no sign-ins; nothing was changed', session_user;
        END $fn$""",
    # The advocate programme's representatives (ADVOCATE ACCESS) give and end the sign-ins of the advocates
    # whose accounts they keep (a CASA worker with an advocate account), and nobody else's (issue 18).
    "casenotes_manages_advocate(worker integer)": """
        RETURNS boolean LANGUAGE sql STABLE AS $fn$
        SELECT casenotes_worker_id() IS NOT NULL
           AND EXISTS (SELECT 1 FROM worker_functions f
                       WHERE f.worker_id = casenotes_worker_id() AND f.code = 'ADVOCATE ACCESS')
           AND EXISTS (SELECT 1 FROM workers w JOIN advocate_accounts a ON a.worker_id = w.id
                       WHERE w.id = $1 AND w.employer = 'CASA')
        $fn$""",
    # 'created', 'enabled' (LOGIN given back) or 'unchanged'; the role is then workers.db_role.
    "casenotes_grant_login(worker integer)": r"""
        RETURNS text LANGUAGE plpgsql SECURITY DEFINER {pinned} AS $fn$
        DECLARE
            w record;
            existing record;
            role text;
            holder text;
            done text := 'unchanged';
        BEGIN
            IF NOT casenotes_manages_advocate(worker) THEN
                PERFORM casenotes_check_gives_logins();
            END IF;
            SELECT id, login, name, active, db_role INTO w FROM workers WHERE id = worker FOR UPDATE;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'casenotes[NotFound]: there is no worker number %; nothing was changed', worker;
            END IF;
            IF NOT w.active THEN
                RAISE EXCEPTION 'casenotes[InvalidRequest]: % was deactivated, and a deactivated worker is given '
                    'no sign-in; nothing was changed', w.name;
            END IF;
            role := coalesce(w.db_role, casenotes_login_role(w.login));
            IF role !~ '^[a-z_][a-z0-9_]{{0,62}}$' OR role LIKE 'pg\_%' OR role IN ({reserved}) THEN
                RAISE EXCEPTION 'casenotes[InvalidRequest]: the login % cannot be a database user (%): a database '
                    'user''s name is lower-case letters, digits and _, at most 63, not starting with a digit or '
                    'pg_ and not a reserved word; nothing was changed', w.login, role;
            END IF;
            SELECT name INTO holder FROM workers WHERE db_role = role AND id <> w.id;
            IF FOUND THEN
                RAISE EXCEPTION 'casenotes[InvalidRequest]: the database user % is already how % signs in, so % '
                    '(login %) cannot have it; nothing was changed', role, holder, w.name, w.login;
            END IF;
            SELECT rolname, rolcanlogin, rolsuper OR rolcreaterole OR rolcreatedb OR rolreplication OR rolbypassrls
                AS privileged INTO existing FROM pg_roles WHERE rolname = role;
            IF FOUND AND w.db_role IS DISTINCT FROM role THEN
                RAISE EXCEPTION 'casenotes[InvalidRequest]: the database user % exists already and was not made '
                    'by casenotes for % (login %); casenotes takes over no database user: the server''s '
                    'administrator renames or drops it first; nothing was changed', role, w.name, w.login;
            END IF;
            IF NOT FOUND THEN
                EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION '
                               'NOBYPASSRLS IN ROLE %I', role, '{group}');
                UPDATE workers SET db_role = role WHERE id = w.id;
                RETURN 'created';
            END IF;
            IF existing.privileged THEN
                RAISE EXCEPTION 'casenotes[InvalidRequest]: the database user % of % holds server privileges '
                    '(superuser, CREATEROLE, CREATEDB, REPLICATION or BYPASSRLS) that a worker''s sign-in must not '
                    'have; the server''s administrator takes them away first; nothing was changed', role, w.name;
            END IF;
            IF NOT existing.rolcanlogin THEN
                EXECUTE format('ALTER ROLE %I LOGIN', role);
                done := 'enabled';
            END IF;
            IF NOT pg_has_role(role, '{group}', 'MEMBER') THEN
                EXECUTE format('GRANT %I TO %I', '{group}', role);
                done := 'enabled';
            END IF;
            RETURN done;
        END $fn$""",
    # 'ended', 'unchanged' (already NOLOGIN) or 'none' (no database user); the role and its history stay.
    "casenotes_end_login(worker integer)": """
        RETURNS text LANGUAGE plpgsql SECURITY DEFINER {pinned} AS $fn$
        DECLARE
            w record;
            can_login boolean;
        BEGIN
            IF NOT casenotes_manages_advocate(worker) THEN
                PERFORM casenotes_check_gives_logins();
            END IF;
            SELECT id, name, db_role INTO w FROM workers WHERE id = worker;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'casenotes[NotFound]: there is no worker number %; nothing was changed', worker;
            END IF;
            IF w.db_role IS NULL THEN
                RETURN 'none';
            END IF;
            SELECT rolcanlogin INTO can_login FROM pg_roles WHERE rolname = w.db_role;
            IF NOT FOUND THEN
                RETURN 'none';
            END IF;
            IF NOT can_login THEN
                RETURN 'unchanged';
            END IF;
            EXECUTE format('ALTER ROLE %I NOLOGIN', w.db_role);
            RETURN 'ended';
        END $fn$""",
}
WORKERS_CALL = ("casenotes_grant_login(worker integer)", "casenotes_end_login(worker integer)")


def install_login_functions(conn: Connection, schema: str, group: str = GROUP, owner: str = OWNER) -> None:
    """(Re)create the functions that give and end a worker's sign-in, run as ``owner``."""
    pinned = f'SET search_path = pg_catalog, "{schema}", pg_temp'
    reserved = ", ".join(f"'{name}'" for name in RESERVED_ROLES)
    for signature, rest in LOGIN_FUNCTIONS.items():
        body = rest.replace("{pinned}", pinned).replace("{reserved}", reserved).replace("{group}", group)
        body = body.replace("{owner}", owner).replace("{{", "{").replace("}}", "}")
        conn.execute(text(f"CREATE OR REPLACE FUNCTION {signature} {body.strip()}"))


def grant_login(conn: Connection, worker_id: int) -> str:
    """Give the worker their database user (made from their login) with LOGIN: 'created', 'enabled'
    or 'unchanged'. Refused (``casenotes[...]`` from the database) as the functions above say."""
    return str(conn.execute(text("SELECT casenotes_grant_login(:w)"), {"w": worker_id}).scalar_one())


def end_worker_login(conn: Connection, worker_id: int) -> str:
    """Take LOGIN from the worker's database user: 'ended', 'unchanged' or 'none'."""
    return str(conn.execute(text("SELECT casenotes_end_login(:w)"), {"w": worker_id}).scalar_one())


def session_is_worker(conn: Connection) -> bool:
    """Whether this PostgreSQL session signed in as an active worker's own database user."""
    return conn.execute(text("SELECT casenotes_worker_id() IS NOT NULL")).scalar_one() is True


def may_change_schema(conn: Connection) -> bool:
    """Whether this PostgreSQL session may create or upgrade the schema: a superuser, the database's
    owner, or a member of the role owning casenotes' tables."""
    return bool(conn.execute(text(
        "SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) "
        "OR session_user = (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()) "
        "OR EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'alembic_version' "
        "           AND pg_has_role(session_user, tableowner, 'USAGE'))")).scalar())


def check_acts_as_the_system(engine: Engine, what: str) -> None:
    """On the agency server the import and the export are the database owner's (or a superuser's): a
    worker's session would write as the system through row-level security, or export only what it reads."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as conn:
        if may_change_schema(conn):
            return
        user = conn.execute(text("SELECT session_user")).scalar_one()
    raise NoAccess(f"casenotes {what} works on the whole agency as the system, so on the agency server the "
                   f"database's owner runs it (--db postgresql://owner@host/dbname), not the database user {user}. "
                   "Nothing was read or written.")


def create_login(conn: Connection, role: str, group: str = GROUP) -> None:
    """A worker's login role, a member of ``group`` (LOGIN given back if it was taken away). How it
    authenticates (password, LDAP, Kerberos) is the server's business, set in pg_hba.conf."""
    ensure_role(conn, role, "LOGIN")
    conn.execute(text(f"ALTER ROLE {role_name(role)} LOGIN"))
    conn.execute(text(f"GRANT {role_name(group)} TO {role}"))


def end_login(conn: Connection, role: str) -> None:
    """A deactivated worker's role can no longer sign in (the role, and what it wrote, are kept)."""
    conn.execute(text(f"ALTER ROLE {role_name(role)} NOLOGIN"))
