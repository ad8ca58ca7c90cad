"""``ServerSearch``: search on a PostgreSQL store, run inside the database (issue 17).

Nothing is kept on the workstation: migration 0011's triggers keep ``note_search`` in the
transaction that saves a note, so a note is found from its commit on, by every window and process.
It answers as ``SearchIndex`` does (the same query language, ``SearchResults`` with «marked»
snippets, newest first or by relevance, one family or the agency), with the reader's access rules
(``Desk.search_scope``) in the same SQL statement, and row-level security under it when the
store is signed in as the worker. Following the change log, rebuilding and healing an index have
nothing to do here; ``rebuild`` recomputes every note's vectors, ``check`` compares them with the
record.

The statement, after shared/SEARCH_ENGINES.md: the two vectors through a composite GIN index
(case_id, words, fields); newest first, down the event index when the planner expects many matches
(it stops at ``limit``), through the GIN index and a sort when it expects few (``FEW``: a walk of
the event index would read every note in scope for them); snippets (``ts_headline``) only for the
notes shown; ``jit`` off.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timezone
from typing import TYPE_CHECKING, Any

from sqlalchemy import (ColumnElement, FromClause, Integer, Select, any_, bindparam, cast, func, literal, select,
                        text as sql)
from sqlalchemy.dialects.postgresql import ARRAY, INTERVAL, TSQUERY
from sqlalchemy.orm import Session

from .language import swaps
from .pg_query import NOTE_SEARCH, ServerQuery, compile_query
from .results import ORDERS, Hit, SearchResults, opening_words

if TYPE_CHECKING:
    from store import Store
    from store.desks.desk import Desk
    from store.desks.record import SearchScope
    from store.feed import NoteLine

    Progress = Callable[[int, int], None]

FEW = 200  # matches the planner expects under which a search goes through the GIN index, then sorts
REFRESH_CHUNK = 2000  # notes whose vectors a rebuild recomputes per statement
HEADLINE = 'StartSel=«, StopSel=», MaxFragments=2, MaxWords=14, MinWords=6, ShortWord=2, FragmentDelimiter=" … "'


class ServerSearch:
    """Search of a PostgreSQL store's notes, inside the database."""

    def __init__(self, store: Store):
        self.store = store

    @classmethod
    def for_store(cls, store: Store) -> ServerSearch:
        return cls(store)

    # -- what SearchIndex does that has nothing to do here ---------------------------------------
    def catch_up(self, *, wait: bool = False, progress: Progress | None = None, once: bool = False) -> int:
        """Nothing to follow: the database indexes a note as it saves it."""
        return 0

    def heal(self, wait: bool = True) -> None:
        """Nothing on disk to repair."""

    # -- searching ------------------------------------------------------------------------------
    def search(self, desk: Desk, text: str, *, family: int | None = None, limit: int = 50,
               order: str = "newest") -> SearchResults:
        if order not in ORDERS:
            raise ValueError(f"order must be one of {ORDERS}, not {order!r}")
        # One family: NoAccess or NotFound go to the caller whatever was typed, and a search from
        # outside the assignment is audited (as Desk.may_search_case does for the Whoosh engine).
        scope = desk.search_scope(family)
        now, zone = desk.db.clock.now(), desk.policy.time_zone
        corrected = None
        with desk.db.reading() as session:
            session.execute(sql("SET LOCAL jit = off"))
            parsed = compile_query(session, text, now=now, zone=zone)
            if parsed.match is None:  # nothing searchable was typed
                return SearchResults((), parsed.shown, parsed.problem, 0)
            found, estimated = _run(session, parsed, scope, family, limit, order)
            if not found and parsed.bare_words and limit > 0 and scope.case_ids:
                fixed = _corrected(session, parsed, scope)
                if fixed is not None:
                    again = compile_query(session, fixed, now=now, zone=zone)
                    if again.match is not None:
                        found, estimated = _run(session, again, scope, family, limit, order)
                        if found:
                            parsed, corrected = again, fixed
            hits = self._hits(session, found, parsed, order)
        if family is None:  # a family search was audited before it ran (may_search_case); these as it would be
            desk.audit_search_results({hit.case_id for hit in hits})
        return SearchResults(tuple(hits), parsed.shown, parsed.problem, estimated, corrected)

    def _hits(self, session: Session, found: list[tuple[int, float]], parsed: ServerQuery, order: str) -> list[Hit]:
        documents = {doc.id: doc for doc in self.store.feed().note_lines([note_id for note_id, _ in found])}
        shown = [(documents[note_id], score) for note_id, score in found if note_id in documents]
        snippets = _snippets(session, [doc.narrative for doc, _ in shown], parsed)
        return [_hit(doc, snippet, score if order == "relevance" else 0.0)
                for (doc, score), snippet in zip(shown, snippets, strict=True)]

    # -- the vectors ----------------------------------------------------------------------------
    def rebuild(self, progress: Progress | None = None, workers: int | None = None) -> int:
        """Recompute every note's vectors (after a change of the text search configuration, say);
        returns the number of notes. The database keeps them by itself otherwise."""
        ids = self.every_note_id()
        with self.store.write_engine.begin() as conn:
            for start in range(0, len(ids), REFRESH_CHUNK):
                conn.execute(sql("SELECT casenotes_search_refresh(:ids)"),
                             {"ids": ids[start:start + REFRESH_CHUNK]})
                if progress:
                    progress(min(start + REFRESH_CHUNK, len(ids)), len(ids))
        return len(ids)

    def check(self, repair: bool = False) -> list[str]:
        """Differences between ``note_search`` and the record, as sentences; ``repair`` recomputes them."""
        with self.store.write_engine.begin() as conn:
            rows = conn.execute(sql("""
                SELECT coalesce(n.id, s.note_id), n.id IS NULL, s.note_id IS NULL
                FROM notes n FULL JOIN note_search s ON s.note_id = n.id
                LEFT JOIN casenotes_search_rows(NULL) r ON r.note_id = n.id
                WHERE n.id IS NULL OR s.note_id IS NULL OR r.words IS DISTINCT FROM s.words
                   OR r.fields IS DISTINCT FROM s.fields OR r.person_ids IS DISTINCT FROM s.person_ids
                   OR r.case_id IS DISTINCT FROM s.case_id OR r.event_at IS DISTINCT FROM s.event_at
                ORDER BY 1""")).all()
            problems = [f"note {note_id} is in the search table but not in the record" if gone else
                        f"note {note_id} is missing from the search table" if missing else
                        f"note {note_id} is searched by words it no longer has"
                        for note_id, gone, missing in rows]
            if repair and rows:
                conn.execute(sql("DELETE FROM note_search WHERE note_id NOT IN (SELECT id FROM notes)"))
                conn.execute(sql("SELECT casenotes_search_refresh(:ids)"),
                             {"ids": [note_id for note_id, gone, _ in rows if not gone]})
        return problems

    def every_note_id(self) -> list[int]:
        with self.store.write_engine.connect() as conn:
            return list(conn.execute(sql("SELECT id FROM notes ORDER BY id")).scalars())


def _run(session: Session, parsed: ServerQuery, scope: SearchScope, family: int | None, limit: int,
         order: str) -> tuple[list[tuple[int, float]], int]:
    """(note id, rank) of the notes shown, and about how many match: all of them when fewer than
    ``limit``, else the planner's estimate (counting every match of a common word across the agency
    would cost more than the search)."""
    if not scope.case_ids or limit <= 0 or parsed.match is None:
        return [], 0
    ranked = order == "relevance" and bool(parsed.words)
    if family is not None:  # a family's notes are few: all its matches counted, the newest of them shown
        rows = session.execute(_statement(parsed, scope, limit, ranked, family, by_index=True, counted=True)).all()
        return [(int(note_id), float(rank)) for note_id, rank, _ in rows], int(rows[0][2]) if rows else 0
    expected = _planned_rows(session, _statement(parsed, scope, None, False, family))
    # Many matches: newest first straight down the event index, stopping at ``limit``. Few: through
    # the GIN index, then sorted; walking the event index would read every note in scope for them
    # (1.4 s for the director at 100k notes when the planner chose so, SEARCH_ENGINES.md).
    found = _fetch(session, _statement(parsed, scope, limit, ranked, family, by_index=expected >= FEW))
    if len(found) < limit:
        return found, len(found)
    return found, max(expected, len(found))


def _planned_rows(session: Session, statement: Select[Any]) -> int:
    compiled = statement.compile(dialect=session.get_bind().dialect, compile_kwargs={"render_postcompile": True})
    answer = session.connection().exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params).scalar()
    plan = json.loads(answer) if isinstance(answer, str) else answer
    return int(plan[0]["Plan"]["Plan Rows"]) if plan else 0


def _in_cases(table: FromClause, case_ids: frozenset[int]) -> ColumnElement[bool]:
    if len(case_ids) == 1:
        return table.c.case_id == next(iter(case_ids))
    return table.c.case_id == any_(cast(bindparam(None, sorted(case_ids), type_=ARRAY(Integer)), ARRAY(Integer)))


def _statement(parsed: ServerQuery, scope: SearchScope, limit: int | None, ranked: bool,
               family: int | None = None, by_index: bool | None = None, counted: bool = False) -> Select[Any]:
    """The notes matching in scope that the reader may read; ordered (``by_index`` None: not) newest
    first, by rank first if ``ranked``; ``by_index`` False keeps the planner off the event index;
    ``counted``: each row also says how many match in all."""
    assert parsed.match is not None
    table = NOTE_SEARCH
    rank = func.ts_rank(table.c.words, cast(literal(parsed.words), TSQUERY)) if ranked else literal(0.0)
    columns = [table.c.note_id, rank] + ([func.count().over()] if counted else [])
    statement = select(*columns).where(
        _in_cases(table, frozenset({family}) if family is not None else scope.case_ids),
        parsed.match.condition(table), scope.readable(table.c.note_id))
    if by_index is not None:
        newest = table.c.event_at if by_index else table.c.event_at + cast(literal("0 s"), INTERVAL)
        statement = statement.order_by(*([rank.desc()] if ranked else []), newest.desc(), table.c.note_id.desc())
    return statement if limit is None else statement.limit(limit)


def _fetch(session: Session, statement: Select[Any]) -> list[tuple[int, float]]:
    return [(int(note_id), float(rank)) for note_id, rank in session.execute(statement)]


def _snippets(session: Session, narratives: list[str], parsed: ServerQuery) -> list[str]:
    """Each narrative with the words searched «marked», in two fragments of about a line (the
    words as written when a prefix found the note: "medicat*" marks "medication"), or its
    opening words when none is in it (a filter found the note)."""
    if not narratives:
        return []
    marked: list[str | None] = [None] * len(narratives)
    if parsed.words:
        configs = ["english", "simple"] if parsed.prefixes else ["english"]
        for config in configs:
            missing = [i for i, m in enumerate(marked) if m is None or "«" not in m]
            if not missing:
                break
            rows = session.execute(sql(
                f"SELECT ts_headline('{config}', t, CAST(:q AS tsquery), :options) "
                "FROM unnest(CAST(:texts AS text[])) WITH ORDINALITY AS u(t, i) ORDER BY i"),
                {"q": parsed.words, "options": HEADLINE, "texts": [narratives[i] for i in missing]}).scalars()
            for i, headline in zip(missing, rows, strict=True):
                marked[i] = headline
    return [" ".join(m.split()) if m and "«" in m else opening_words(narrative)
            for m, narrative in zip(marked, narratives, strict=True)]


def _hit(doc: NoteLine, snippet: str, score: float) -> Hit:
    return Hit(note_id=doc.id, case_id=doc.case_id, family_name=doc.family_name, stage_label=doc.stage_label,
               event_at=doc.event_at.astimezone(timezone.utc), contact_type=doc.contact_type,
               author_name=doc.author_name, status=doc.status, snippet=snippet, score=score)


def _corrected(session: Session, parsed: ServerQuery, scope: SearchScope) -> str | None:
    """The text with each bare word that matches nothing replaced by the closest name (a family's,
    or a person's of the families in scope: "Whitfeld" → Whitfield), or None. Shown only if it
    finds notes the reader may see, so a correction never tells of names they may not read."""
    typed, changed = parsed.text, False
    for word, start, end in sorted(parsed.bare_words, key=lambda w: -w[1]):
        lowered = word.lower()
        if len(lowered) < 3 or not lowered.isalpha():
            continue
        if session.scalar(select(func.count()).select_from(
                select(NOTE_SEARCH.c.note_id).where(
                    _in_cases(NOTE_SEARCH, scope.case_ids),
                    NOTE_SEARCH.c.words.op("@@")(func.plainto_tsquery("english", word))).limit(1).subquery())):
            continue
        best = session.scalar(sql("""
            SELECT name FROM (
                SELECT lower(family_name) AS name FROM cases
                WHERE id IN (SELECT casenotes_cases_like(:w, :near, false)) AND id = ANY(:cases)
                UNION
                SELECT lower(n) FROM persons p, LATERAL (VALUES (p.first_name), (p.last_name)) AS v(n)
                WHERE p.id IN (SELECT casenotes_persons_like(:w, :near, false)) AND p.case_id = ANY(:cases)
            ) names WHERE name <> :w ORDER BY levenshtein_distance(name, :w), name LIMIT 1
            """.replace("levenshtein_distance", _levenshtein(session))),
            {"w": lowered, "near": swaps(lowered) if len(lowered) < 6 else [], "cases": sorted(scope.case_ids)})
        if best:
            fixed = (best.upper() if word.isupper() and len(word) > 1 else best.capitalize() if word[0].isupper()
                     else best)
            typed, changed = typed[:start] + fixed + typed[end:], True
    return typed if changed else None


def _levenshtein(session: Session) -> str:
    schema = session.scalar(sql("SELECT extnamespace::regnamespace::text FROM pg_extension "
                                 "WHERE extname = 'fuzzystrmatch'"))
    return f"{schema}.levenshtein"


__all__ = ["ServerSearch"]
