"""Search inside PostgreSQL: a trigger-kept tsvector with a GIN index, pg_trgm for names (issue 17).

On PostgreSQL only (SQLite searches with the Whoosh index beside its file; nothing changes there):

- ``note_search``: one row per note, written by triggers in the transaction that saves the note (a
  note is searchable at its commit, no follower, no lag) and whenever what it shows changes: its
  participants (``note_participants``), a participant's name, the family's name, the author's name
  or login, the stage's kind. Two vectors, as measured in shared/SEARCH_ENGINES.md: ``words``, what a
  bare word finds (narrative, contact type, purposes, method, location, others present, participants'
  names, family name; English stems plus the words as written, unpositioned, for ``prefix*`` longer
  than a stem), and the small ``fields`` (contact type A, purposes B, method C, location D, and the
  exact tokens ``status=…``, ``stage=…``, ``author=…``). '/' is read as a space ("Health/medical" is
  two words, not a file path). ``person_ids``: the participants, for ``person:``.
- A composite GIN index on (case_id, words, fields) (``btree_gin``), a GIN on person_ids, btrees on
  (case_id, event_at) and event_at; trigram indexes (``pg_trgm``) on persons' first and last names and
  cases' family names, which ``casenotes_persons_like`` / ``casenotes_cases_like`` use to forgive a
  misspelt name ("Riviera" finds Rivera; ``fuzzystrmatch`` adds Whoosh's edit distance).
- Row-level security on ``note_search``: a row is visible where its note is (the notes' own policies
  decide), so a worker's psql session reads no words of notes it may not read. The triggers write it
  as the owner (SECURITY DEFINER); workers only read it.

The extensions are trusted (PostgreSQL 13+): the database owner creates them, in the schema
``casenotes_ext`` unless the database has them already.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

EXTENSIONS = ("pg_trgm", "btree_gin", "fuzzystrmatch")
EXTENSION_SCHEMA = "casenotes_ext"

# The words and fields of the notes listed (all when NULL), as note_search holds them.
SEARCH_ROWS = """
CREATE FUNCTION casenotes_search_text(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT translate(coalesce(t, ''), '/', ' ')
$$;

CREATE FUNCTION casenotes_search_rows(wanted integer[])
RETURNS TABLE (note_id integer, case_id integer, event_at timestamptz, person_ids integer[], words tsvector,
               fields tsvector)
LANGUAGE sql STABLE AS $$
    SELECT n.id, s.case_id, n.event_at, p.ids,
           to_tsvector('english', d.doc) || strip(to_tsvector('simple', d.doc)),
           setweight(to_tsvector('english', casenotes_search_text(n.contact_type)), 'A')
           || setweight(to_tsvector('english', casenotes_search_text(u.purposes)), 'B')
           || setweight(to_tsvector('english', casenotes_search_text(n.method)), 'C')
           || setweight(to_tsvector('english', casenotes_search_text(n.location)), 'D')
           || array_to_tsvector(ARRAY['status=' || lower(n.status),
                                      'stage=' || lower(s.type || coalesce('-' || s.subtype, ''))]
                                || ARRAY(SELECT 'author=' || w
                                         FROM regexp_split_to_table(lower(a.name || ' ' || a.login),
                                                                    '\\W+') AS w
                                         WHERE w <> ''))
    FROM notes n
    JOIN stages s ON s.id = n.stage_id
    JOIN cases c ON c.id = s.case_id
    JOIN workers a ON a.id = n.author_id
    CROSS JOIN LATERAL (SELECT coalesce(string_agg(value, ' '), '') AS purposes
                        FROM json_array_elements_text(coalesce(n.purposes::json, '[]'::json))) u
    CROSS JOIN LATERAL (SELECT coalesce(string_agg(value, ' '), '') AS others
                        FROM json_array_elements_text(coalesce(n.others::json, '[]'::json))) o
    CROSS JOIN LATERAL (SELECT coalesce(array_agg(pp.id ORDER BY pp.id), '{}') AS ids,
                               coalesce(string_agg(pp.first_name || ' ' || pp.last_name, ' '), '') AS names
                        FROM note_participants np JOIN persons pp ON pp.id = np.person_id
                        WHERE np.note_id = n.id) p
    CROSS JOIN LATERAL (SELECT casenotes_search_text(concat_ws(' ', n.narrative, n.contact_type, u.purposes,
                                                               n.method, n.location, o.others, p.names,
                                                               c.family_name)) AS doc) d
    WHERE wanted IS NULL OR n.id = ANY(wanted)
$$;
"""

# Run by the triggers as the owner: workers read note_search and never write it.
REFRESH = """
CREATE FUNCTION casenotes_search_refresh(wanted integer[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
BEGIN
    IF wanted IS NULL OR cardinality(wanted) = 0 THEN
        RETURN;
    END IF;
    INSERT INTO note_search (note_id, case_id, event_at, person_ids, words, fields)
    SELECT * FROM casenotes_search_rows(wanted)
    ON CONFLICT (note_id) DO UPDATE SET case_id = EXCLUDED.case_id, event_at = EXCLUDED.event_at,
        person_ids = EXCLUDED.person_ids, words = EXCLUDED.words, fields = EXCLUDED.fields;
END $$;
"""

# (trigger function, table, when, the notes it touches)
TRIGGERS = [
    ("casenotes_search_note", "notes", "AFTER INSERT OR UPDATE", "ARRAY[NEW.id]"),
    ("casenotes_search_participant", "note_participants", "AFTER INSERT OR UPDATE OR DELETE",
     "CASE WHEN TG_OP = 'DELETE' THEN ARRAY[OLD.note_id] ELSE ARRAY[NEW.note_id, OLD.note_id] END"),
    ("casenotes_search_person", "persons", "AFTER UPDATE OF first_name, last_name",
     "ARRAY(SELECT note_id FROM note_participants WHERE person_id = NEW.id)"),
    ("casenotes_search_family", "cases", "AFTER UPDATE OF family_name",
     "ARRAY(SELECT n.id FROM notes n JOIN stages s ON s.id = n.stage_id WHERE s.case_id = NEW.id)"),
    ("casenotes_search_author", "workers", "AFTER UPDATE OF name, login",
     "ARRAY(SELECT id FROM notes WHERE author_id = NEW.id)"),
    ("casenotes_search_stage", "stages", "AFTER UPDATE OF type, subtype, case_id",
     "ARRAY(SELECT id FROM notes WHERE stage_id = NEW.id)"),
]

# A name as a person would forgive it: similar by trigrams (pg_trgm's threshold, 0.3), or within
# Whoosh's edit distance sharing the first letter (1, or 2 from six letters), or one of ``swaps``
# (the word with two neighbouring letters swapped, which the search passes), or beginning so
# (``prefix``). Invoker's rights: row-level security keeps to the persons and cases one may read.
NAMES = """
CREATE FUNCTION casenotes_name_like(name text, word text, swaps text[], prefix boolean) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN prefix THEN starts_with(lower(name), word)
           ELSE lower(name) OPERATOR({ext}.%) word
                OR lower(name) = ANY(swaps)
                OR (left(lower(name), 1) = left(word, 1)
                    AND {fuzzy}.levenshtein_less_equal(lower(name), word, CASE WHEN length(word) >= 6 THEN 2 ELSE 1 END)
                        <= CASE WHEN length(word) >= 6 THEN 2 ELSE 1 END)
           END
$$;

CREATE FUNCTION casenotes_persons_like(word text, swaps text[], prefix boolean) RETURNS SETOF integer
LANGUAGE sql STABLE AS $$
    SELECT id FROM persons WHERE lower(first_name) OPERATOR({ext}.%) word AND NOT prefix
    UNION SELECT id FROM persons WHERE lower(last_name) OPERATOR({ext}.%) word AND NOT prefix
    UNION SELECT id FROM persons WHERE casenotes_name_like(first_name, word, swaps, prefix)
                                    OR casenotes_name_like(last_name, word, swaps, prefix)
$$;

CREATE FUNCTION casenotes_cases_like(word text, swaps text[], prefix boolean) RETURNS SETOF integer
LANGUAGE sql STABLE AS $$
    SELECT id FROM cases WHERE lower(family_name) OPERATOR({ext}.%) word AND NOT prefix
    UNION SELECT id FROM cases c WHERE EXISTS (
        SELECT 1 FROM regexp_split_to_table(c.family_name, '[^\\w'']+') AS part
        WHERE part <> '' AND casenotes_name_like(part, word, swaps, prefix))
$$;
"""


def _extension_schema(name: str) -> str:
    """Where the extension lives, creating it in ``casenotes_ext`` if the database lacks it."""
    bind = op.get_bind()
    query = sa.text("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = :n")
    schema = bind.execute(query, {"n": name}).scalar()
    if schema is None:
        op.execute(f"CREATE SCHEMA IF NOT EXISTS {EXTENSION_SCHEMA}")
        op.execute(f"GRANT USAGE ON SCHEMA {EXTENSION_SCHEMA} TO PUBLIC")
        op.execute(f"CREATE EXTENSION {name} SCHEMA {EXTENSION_SCHEMA}")
        schema = EXTENSION_SCHEMA
    return str(schema)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    schemas = {name: _extension_schema(name) for name in EXTENSIONS}
    here = op.get_bind().execute(sa.text("SELECT quote_ident(current_schema())")).scalar_one()
    op.execute("""
        CREATE TABLE note_search (
            note_id integer PRIMARY KEY REFERENCES notes (id) ON DELETE CASCADE,
            case_id integer NOT NULL,
            event_at timestamptz NOT NULL,
            person_ids integer[] NOT NULL,
            words tsvector NOT NULL,
            fields tsvector NOT NULL
        )""")
    op.execute(SEARCH_ROWS)
    op.execute(REFRESH.format(schema=here))
    for function, table, when, touched in TRIGGERS:
        op.execute(f"""
            CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql SET search_path = {here}, pg_temp AS $$
            BEGIN
                PERFORM casenotes_search_refresh({touched});
                RETURN NULL;
            END $$""")
        op.execute(f"CREATE TRIGGER {function} {when} ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()")
    op.execute("INSERT INTO note_search SELECT * FROM casenotes_search_rows(NULL)")
    op.execute("CREATE INDEX ix_note_search_words ON note_search USING gin (case_id, words, fields)")
    op.execute("CREATE INDEX ix_note_search_persons ON note_search USING gin (person_ids)")
    op.execute("CREATE INDEX ix_note_search_case_event ON note_search (case_id, event_at)")
    op.execute("CREATE INDEX ix_note_search_event ON note_search (event_at)")
    trgm = schemas["pg_trgm"]
    op.execute(f"CREATE INDEX ix_persons_first_trgm ON persons USING gin (lower(first_name) {trgm}.gin_trgm_ops)")
    op.execute(f"CREATE INDEX ix_persons_last_trgm ON persons USING gin (lower(last_name) {trgm}.gin_trgm_ops)")
    op.execute(f"CREATE INDEX ix_cases_family_trgm ON cases USING gin (lower(family_name) {trgm}.gin_trgm_ops)")
    op.execute(NAMES.replace("{ext}", trgm).replace("{fuzzy}", schemas["fuzzystrmatch"]))
    op.execute("ALTER TABLE note_search ENABLE ROW LEVEL SECURITY")
    op.execute("CREATE POLICY note_search_as_notes ON note_search FOR SELECT "
               "USING (EXISTS (SELECT 1 FROM notes WHERE notes.id = note_search.note_id))")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for function, table, _, _ in TRIGGERS:
        op.execute(f"DROP TRIGGER {function} ON {table}")
        op.execute(f"DROP FUNCTION {function}()")
    op.execute("DROP TABLE note_search")
    for index in ("ix_persons_first_trgm", "ix_persons_last_trgm", "ix_cases_family_trgm"):
        op.execute(f"DROP INDEX {index}")
    for signature in ("casenotes_search_refresh(integer[])", "casenotes_search_rows(integer[])",
                      "casenotes_search_text(text)", "casenotes_persons_like(text, text[], boolean)",
                      "casenotes_cases_like(text, text[], boolean)",
                      "casenotes_name_like(text, text, text[], boolean)"):
        op.execute(f"DROP FUNCTION {signature}")
