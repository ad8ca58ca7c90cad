"""Answering a search: the query over the families the user may read, only the notes they may see
(decided by the store's own rules), newest first or by relevance, each with a narrative snippet."""

from __future__ import annotations

from dataclasses import replace
from datetime import timezone
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from whoosh.highlight import ContextFragmenter, Formatter, PinpointFragmenter, get_text
from whoosh.query import And, ConstantScoreQuery, NullQuery, Or, Query, Term
from whoosh.reading import MultiReader
from whoosh.searching import Searcher

from store import StoreError

from .build import heal
from .results import ORDERS, SNIPPET_CHARS, Hit, SearchResults, opening_words
from .schema import PLAIN
from .shards import IndexBusy, ShardedIndex

if TYPE_CHECKING:
    from store.desks.desk import Desk

    from .query import ParsedQuery

SPARSE = 4  # intersect with the families while they are under a quarter of those searched
WIDENINGS = 3  # rounds of fetching more candidates when many of them are hidden from the user


class Marks(Formatter):
    """Plain text with each matched word as «word», for the TUI to style."""

    between = " … "

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return f"«{get_text(text, token, replace)}»"


def search(index: ShardedIndex, desk: Desk, text: str, *, family: int | None = None, limit: int = 50,
           order: str = "newest") -> SearchResults:
    if order not in ORDERS:
        raise ValueError(f"order must be one of {ORDERS}, not {order!r}")
    from .follow import catch_up_for_search
    from .query import parse_query

    left = 0
    try:
        # What was saved before the search began, and no more (saves go on meanwhile); only a few.
        left = catch_up_for_search(index, index.feed.last_seq())
    except StoreError:
        raise
    except Exception:  # the index lags; searching what it holds beats refusing to search
        index.forget_opened()

    def reading(typed: str) -> ParsedQuery:
        parsed = parse_query(typed, now=desk.db.clock.now(), zone=desk.policy.time_zone, schema=index.schema)
        if not left:
            return parsed
        lag = ("The last save is still being added to the search index and is not" if left == 1 else
               f"The last {left:,} saves are still being added to the search index and are not")
        lag += " in these results yet; search again in a moment."
        return replace(parsed, problem=f"{parsed.problem} {lag}" if parsed.problem else lag)

    parsed = reading(text)
    if family is not None:
        desk.may_search_case(family)  # NoAccess or NotFound go to the caller, whatever was typed
        cases = {family}
    if parsed.query is None or parsed.query is NullQuery:  # nothing searchable was typed
        return SearchResults((), parsed.shown, parsed.problem, 0, behind=left)
    if family is None:
        cases = desk.readable_case_ids()
    hits: list[Hit] = []
    estimated, corrected = 0, None
    for attempt in (1, 2):
        try:
            hits, estimated, corrected = _answer(index, desk, parsed, reading, cases, limit, order)
            break
        except StoreError:
            raise
        except Exception:
            if attempt == 2:
                raise
            try:  # missing or corrupt on disk: rebuilt from the record, then once more
                heal(index, wait=False)
            except IndexBusy as busy:  # a search does not wait out someone else's rebuild
                return SearchResults((), parsed.shown, str(busy), 0, behind=left)
    if family is None:  # a family search was audited before it ran (may_search_case); these as it would be
        desk.audit_search_results({hit.case_id for hit in hits})
    if corrected is not None:
        parsed = reading(corrected)
    return SearchResults(tuple(hits), parsed.shown, parsed.problem, estimated, corrected, left)


def _answer(index: ShardedIndex, desk: Desk, parsed: ParsedQuery, reading: Callable[[str], ParsedQuery],
            cases: set[int], limit: int, order: str) -> tuple[list[Hit], int, str | None]:
    """The hits, their estimated number and, when a misspelt word was corrected, the text searched
    instead: tried first, kept only if it finds notes the user may see (see spelling.py)."""
    from .spelling import corrected_text

    if parsed.words and cases and limit > 0:
        fixed = corrected_text(parsed, _segments(index, cases))
        if fixed is not None:
            again = reading(fixed)
            if again.query is not None and again.query is not NullQuery:
                hits, estimated = _run(index, desk, again.query, cases, limit, order)
                if hits:
                    return hits, estimated, fixed
    return (*_run(index, desk, parsed.query, cases, limit, order), None)


def _segments(index: ShardedIndex, cases: set[int]) -> list[Any]:
    """The segment readers of the shards holding these families."""
    shards = sorted({index.shard_of(case) for case in cases})
    return [leaf for n in shards for leaf, _ in index.shard_reader(n)[0].leaf_readers() if leaf.doc_count_all()]


def _run(index: ShardedIndex, desk: Desk, query: Query, cases: set[int], limit: int, order: str
         ) -> tuple[list[Hit], int]:
    if not cases or limit <= 0:
        return [], 0
    by_shard: dict[int, set[str]] = {}
    for case in cases:
        by_shard.setdefault(index.shard_of(case), set()).add(str(case))
    opened = {n: index.shard_reader(n) for n in sorted(by_shard)}
    leaves = [leaf for reader, _ in opened.values() for leaf, _ in reader.leaf_readers() if leaf.doc_count_all()]
    if not leaves:
        return [], 0
    scope = _scope({n: families for n, (_, families) in opened.items()}, by_shard)
    if scope is None:
        return [], 0
    # One searcher over the segments of every shard concerned: one sort, one set of term statistics.
    # The readers stay open for the next search (see ShardedIndex.shard_reader).
    with Searcher(leaves[0] if len(leaves) == 1 else MultiReader(leaves), closereader=False) as searcher:
        # Recording which words matched each note lets highlights come from the positions stored
        # in the index, but costs on every match: worth it over a few families' notes, not over
        # the agency's, where the shown notes are analysed again instead.
        few = "within" in scope
        if few:  # intersect, skipping to the families' notes (see _scope)
            query = And([query, ConstantScoreQuery(scope.pop("within"), 0.0)])
        options: dict[str, Any] = dict(terms=few, **scope)
        if order == "newest":
            options.update(sortedby="event", reverse=True)
        wanted, checked = limit * 3, 0
        shown: list[int] = []
        # In one family, widen until every match has been looked at: a clerk or an advocate may
        # read only a few of its notes, and theirs may lie under many newer ones. Over the agency
        # (only others' drafts are hidden there), a few rounds suffice.
        for _ in range(64 if len(cases) == 1 else WIDENINGS):
            results = searcher.search(query, limit=wanted, **options)
            fetched = results.scored_length()
            # Ask the store about a slice at a time: its check costs about a query per family, and
            # usually the first ``limit`` candidates are all visible.
            while checked < fetched and len(shown) < limit:
                ids = {i: int(results[i]["id"])
                       for i in range(checked, min(fetched, checked + max(limit - len(shown), 10)))}
                visible = desk.visible_note_ids(list(ids.values()))
                shown.extend(i for i, note_id in ids.items() if note_id in visible)
                checked += len(ids)
            if len(shown) >= limit or fetched < wanted:
                break
            wanted *= 4
        # Matches (exact if all were fetched) scaled by the share of those checked the user may see.
        matches = fetched if fetched < wanted else results.estimated_length()
        estimated = max(len(shown), round(matches * len(shown) / max(checked, 1)))
        results.formatter = Marks()
        # Two fragments of about a line each.
        results.fragmenter = (PinpointFragmenter(maxchars=SNIPPET_CHARS // 2, surround=30, autotrim=True) if few
                              else ContextFragmenter(maxchars=SNIPPET_CHARS // 2, surround=30))
        # A prefix matched on the words as written ("medicat*") is marked in them, not in the stems.
        plain = any(getattr(leaf, "fieldname", None) == PLAIN for leaf in query.leaves())
        return [_hit(results[i], order, plain) for i in shown[:limit]], estimated


def _scope(present: dict[int, frozenset[str]], by_shard: dict[int, set[str]]) -> dict[str, Query] | None:
    """Restrict to the allowed families (``by_shard``: the case ids allowed in each shard searched;
    ``present``: those with notes there). While they are a small part of the families searched, by
    intersecting the query with their notes: a rebuild stores a family's notes side by side, so the
    intersection skips straight to them instead of stepping through every match. Otherwise by a
    filter or by masking the others, whichever is shorter; not at all when every family present is
    allowed. None when none has a note here."""
    keep = {case for n, cases in by_shard.items() for case in cases & present[n]}
    everyone = {case for cases in present.values() for case in cases}
    if not keep:
        return None
    if len(keep) * SPARSE <= len(everyone):
        return {"within": _any_of(keep)}
    drop = everyone - keep
    if not drop:
        return {}
    if len(keep) <= len(drop):
        return {"filter": _any_of(keep)}
    return {"mask": _any_of(drop)}


def _any_of(case_ids: set[str]) -> Query:
    terms = [Term("case_id", c) for c in sorted(case_ids)]
    return terms[0] if len(terms) == 1 else Or(terms)


def _hit(found: Any, order: str, plain: bool = False) -> Hit:
    stored = found.fields()
    return Hit(note_id=int(stored["id"]), case_id=int(stored["case_id"]), family_name=stored.get("family", ""),
               stage_label=stored.get("stage", ""), event_at=stored["event"].replace(tzinfo=timezone.utc),
               contact_type=stored.get("type", ""), author_name=stored.get("author", "").rsplit(" ", 1)[0],
               status=stored.get("status", ""), snippet=_snippet(found, plain),
               score=float(found.score or 0.0) if order == "relevance" else 0.0)


def _snippet(found: Any, plain: bool = False) -> str:
    marked = found.highlights("narrative", top=2)
    if not marked and plain:
        marked = found.highlights(PLAIN, text=found.get("narrative", ""), top=2)
    if marked:
        return " ".join(marked.split())
    return opening_words(found.get("narrative", ""))
