"""Helpers for the tests of a stage's people (persons, roles, placements): who may keep the test
agency's FSS-CWS (Case Manager cw, Case Planner vaplanner, supa above both, director above supa) and
who may not, and how to read what was written."""

from sqlalchemy import text

KEEPERS = ("cw", "vaplanner", "supa", "director")
NOT_KEEPERS = ("cw2", "cwb", "clerk", "casa")  # a Case Worker, another unit, the entry clerk, an advocate


def rows(store, table: str) -> int:
    with store.write_engine.connect() as conn:
        return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def written(store) -> dict[str, int]:
    """Rows in every table a change to a stage's people writes: a refusal leaves them all as they were."""
    return {t: rows(store, t) for t in ("stage_persons", "role_assignments", "role_children", "placements",
                                        "audit_log", "change_log")}


def activities(store, case_id: int, action: str) -> list[tuple]:
    """The audit rows of ``action`` belonging to the case: (login or None, entity, entity id, detail)."""
    with store.write_engine.connect() as conn:
        found = conn.execute(text(
            "SELECT w.login, a.entity, a.entity_id, a.detail FROM audit_log a LEFT JOIN workers w ON w.id = a.worker_id "
            "WHERE a.case_id = :c AND a.action = :a ORDER BY a.id"), {"c": case_id, "a": action}).all()
    return [tuple(r) for r in found]


def detail_of(value):
    import json
    return value if isinstance(value, dict) else json.loads(value)
