"""Raw SQL that writes a note's revision as an honest owner would: its snapshot is the note row's
(migration 0017 refuses a revision that says something the note does not).

``snapshot_of(dialect, "n", narrative="'Changed.'")`` is a SQL expression of the note row aliased ``n``
as the store would snapshot it (store.db.journal.note_snapshot), with columns replaced by SQL
expressions: what a raw edit changing those columns writes as its next version's revision.
"""

from __future__ import annotations

COLUMNS = ("stage_id", "event_at", "entered_at", "author_id", "entered_by_id", "contact_type", "purposes", "method",
           "location", "others", "narrative", "status", "amends_note_id", "correction_due_at")
LISTS = ("purposes", "others")


def snapshot_of(dialect: str, note: str = "n", **override: str) -> str:
    postgresql = dialect == "postgresql"
    pairs = []
    for column in COLUMNS:
        value = override.get(column, f"{note}.{column}")
        if column in LISTS and not postgresql and column not in override:
            value = f"json({value})"
        pairs.append(f"'{column}', {value}")
    people = (f"(SELECT coalesce(json_agg(p.person_id ORDER BY p.person_id), '[]') FROM note_participants p "
              f"WHERE p.note_id = {note}.id)" if postgresql else
              f"(SELECT json_group_array(p.person_id) FROM note_participants p WHERE p.note_id = {note}.id)")
    pairs.append(f"'participants', {people}")
    return f"{'json_build_object' if postgresql else 'json_object'}({', '.join(pairs)})"
