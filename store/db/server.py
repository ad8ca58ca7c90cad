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

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

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
}
# A worker's sign-in (db_role) is set only by the owner's functions: the columns a session may write.
WORKER_COLUMNS = ("login", "name", "title", "employer", "agency", "unit_id", "supervisor_id", "active",
                  "deactivated_at")

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
    schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    conn.execute(text(f'GRANT USAGE, CREATE ON SCHEMA "{schema}" TO {owner}'))
    tables = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = :s"), {"s": schema}).scalars()
    for table in list(tables):
        conn.execute(text(f'ALTER TABLE "{schema}"."{table}" OWNER TO {owner}'))
    for signature in _functions(conn, schema):
        conn.execute(text(f"ALTER FUNCTION {signature} OWNER TO {owner}"))
    grant_worker_privileges(conn, schema, group)


def grant_worker_privileges(conn: Connection, schema: str, group: str = GROUP) -> None:
    conn.execute(text(f'REVOKE ALL ON ALL TABLES IN SCHEMA "{schema}" FROM {group}'))
    conn.execute(text(f'GRANT USAGE ON SCHEMA "{schema}" TO {group}'))
    conn.execute(text(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO {group}'))
    conn.execute(text(f'GRANT USAGE ON ALL SEQUENCES IN SCHEMA "{schema}" TO {group}'))
    for table, privileges in WRITES.items():
        conn.execute(text(f'GRANT {privileges} ON "{schema}"."{table}" TO {group}'))
    columns = ", ".join(WORKER_COLUMNS)
    conn.execute(text(f'GRANT INSERT ({columns}), UPDATE ({columns}) ON "{schema}".workers TO {group}'))


def _functions(conn: Connection, schema: str) -> list[str]:
    rows = conn.execute(text(
        "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = :s"), {"s": schema})
    return list(rows.scalars())


def create_login(conn: Connection, role: str, group: str = GROUP) -> None:
    """A worker's login role, a member of ``group`` (LOGIN given back if it was taken away). How it
    authenticates (password, LDAP, Kerberos) is the server's business, set in pg_hba.conf."""
    ensure_role(conn, role, "LOGIN")
    conn.execute(text(f"ALTER ROLE {role_name(role)} LOGIN"))
    conn.execute(text(f"GRANT {role_name(group)} TO {role}"))


def end_login(conn: Connection, role: str) -> None:
    """A deactivated worker's role can no longer sign in (the role, and what it wrote, are kept)."""
    conn.execute(text(f"ALTER ROLE {role_name(role)} NOLOGIN"))
