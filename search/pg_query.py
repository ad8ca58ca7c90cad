"""What a caseworker typed (read by ``language.py``) as PostgreSQL full-text search over ``note_search``.

``note_search`` (migration 0011) holds a row per note kept by triggers: ``words``, what a bare word
finds (English stems, and the words as written for a prefix), and ``fields`` (contact type A,
purposes B, method C, location D, and the whole tokens ``status=…``, ``stage=…``, ``author=…``).

Words and phrases are stemmed by the database itself (``plainto_tsquery``/``phraseto_tsquery`` of
the English configuration, asked once per search for every leaf), so a leaf of stop words alone
("the", and also "after" or "about", which PostgreSQL's list holds and Whoosh's does not) searches
nothing and is left out of the reading, as on Whoosh. Leaves on one vector joined by AND/OR/NOT
become one tsquery; the others (``person:``, ``family:``, dates, a mix) SQL conditions around them.
``person:`` and ``family:`` forgive a misspelt name through the store's ``casenotes_persons_like``
and ``casenotes_cases_like`` (trigrams, edit distance, swapped letters).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from sqlalchemy import (Boolean, Column, ColumnElement, DateTime, FromClause, Integer, MetaData, String, Table, and_,
                        bindparam, cast, column, func, literal, not_, or_, select, text, true)
from sqlalchemy.dialects.postgresql import ARRAY, TSQUERY, TSVECTOR
from sqlalchemy.orm import Session

from .language import UNREADABLE, Combine, Field, Leaf, Moment, Node, Text, read_query, realise, render, swaps

NOTE_SEARCH = Table(
    "note_search", MetaData(),
    Column("note_id", Integer, primary_key=True),
    Column("case_id", Integer),
    Column("event_at", DateTime(timezone=True)),
    Column("person_ids", ARRAY(Integer)),
    Column("words", TSVECTOR),
    Column("fields", TSVECTOR),
)
CONFIG = "english"
WEIGHTS = {"type": "A", "purpose": "B", "method": "C", "location": "D"}  # in ``fields``
TOKENS = {"stage": "stage=", "status": "status=", "author": "author="}  # whole tokens in ``fields``
_WORDS = re.compile(r"\w+(?:\.?\w+)*")  # a name's words, as Whoosh's name analyzer reads them
_LEXEME = re.compile(r"'((?:[^']|'')*)'(:\*)?")  # a lexeme in tsquery text, with its prefix mark

Where = Callable[[FromClause], ColumnElement[bool]]


@dataclass(frozen=True)
class Match:
    """A compiled leaf or branch: a tsquery on one vector (``vector``, ``tsquery``), or a condition
    on ``note_search`` (``vector`` None), applied to whichever selection of it the search reads."""

    vector: str | None
    tsquery: str
    condition: Where

    @classmethod
    def on(cls, vector: str, tsquery: str) -> Match:
        return cls(vector, tsquery, lambda t: t.c[vector].op("@@")(cast(literal(tsquery), TSQUERY)))

    @classmethod
    def where(cls, condition: Where) -> Match:
        return cls(None, "", condition)


def _every(matches: list[Match]) -> Match:
    return _joined(matches, "&", and_)


def _either(matches: list[Match]) -> Match:
    return _joined(matches, "|", or_)


def _joined(matches: list[Match], op: str, sql: Callable[..., ColumnElement[bool]]) -> Match:
    vectors = {m.vector for m in matches}
    if len(vectors) == 1 and None not in vectors:  # one tsquery: one index scan, one rank
        return Match.on(matches[0].vector or "", f" {op} ".join(f"( {m.tsquery} )" for m in matches))
    return Match.where(lambda t: sql(*(m.condition(t) for m in matches)))


def _negate(match: Match) -> Match:
    if match.vector is not None:
        return Match.on(match.vector, f"!( {match.tsquery} )")
    return Match.where(lambda t: not_(match.condition(t)))


POSTGRES = Combine[Match](every=_every, either=_either, negate=_negate)


@dataclass(frozen=True)
class ServerQuery:
    match: Match | None  # None: nothing searchable was typed
    shown: str
    problem: str | None
    words: str  # the tsquery of the words searched (not negated), for ranking and marking; "" if none
    prefixes: bool  # whether a prefix* is among them (marked on the words as written)
    text: str  # the text as read
    bare_words: tuple[tuple[str, int, int], ...] = ()  # (word, start, end) of each bare word kept


def compile_query(session: Session, text: str, *, now: datetime, zone: str) -> ServerQuery:
    """Read ``text`` and compile it for ``note_search``; the database stems the words (one query)."""
    try:
        read = read_query(text, now=now, zone=zone)
        compiler = _Postgres(session, read.tree)
        tree = realise(read.tree, compiler.leaf) if read.tree else None
        match, shown = render(tree, POSTGRES) if tree else (None, "")
    except Exception:  # the search box must keep working whatever input we failed to foresee
        return ServerQuery(None, "", UNREADABLE, "", False, "")
    positive = [m for m in _positive(tree) if m.vector == "words"] if tree else []
    problems = [*read.problems, *compiler.problems]
    return ServerQuery(match, shown, " ".join(dict.fromkeys(problems)) or None,
                       " | ".join(f"( {m.tsquery} )" for m in positive), compiler.prefixes, read.text,
                       tuple(compiler.bare_words))


def _positive(node: Node) -> list[Match]:
    """The leaves not under a NOT."""
    if node[0] == "leaf":
        return [node[1]]
    if node[0] == "not":
        return []
    return [m for kid in node[1] for m in _positive(kid)]


def _leaves(node: Node | None) -> list[Leaf]:
    if node is None:
        return []
    if node[0] == "leaf":
        return [node[1]]
    return [leaf for kid in ([node[1]] if node[0] == "not" else node[1]) for leaf in _leaves(kid)]


def _quoted(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _weighted(tsquery: str, weight: str) -> str:
    """Each lexeme of a tsquery's text restricted to a weight: 'home' & 'visit' → 'home':A & 'visit':A."""
    return _LEXEME.sub(lambda m: f"'{m[1]}':{'*' if m[2] else ''}{weight}", tsquery)


def _plain(text: str) -> str:
    return text.replace("/", " ")  # as the vectors read it: "Health/medical" is two words


class _Postgres:
    """Compiles the leaves of one query; asks the database once for the stems of all of them."""

    def __init__(self, session: Session, tree: Node | None):
        self.problems: list[str] = []
        self.bare_words: list[tuple[str, int, int]] = []
        self.prefixes = False
        wanted: dict[tuple[str, str], str] = {}
        for leaf in _leaves(tree):
            if isinstance(leaf, Text) and leaf.kind != "prefix":
                wanted[(leaf.kind, leaf.text)] = ""
            elif isinstance(leaf, Field) and leaf.key in WEIGHTS and not leaf.prefix:
                wanted[("phrase" if leaf.quoted else "word", leaf.value)] = ""
        self.stems = self._stems(session, list(wanted))

    @staticmethod
    def _stems(session: Session, wanted: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
        if not wanted:
            return {}
        columns = ", ".join(f"{'phraseto' if kind == 'phrase' else 'plainto'}_tsquery('{CONFIG}', :t{n})::text"
                            for n, (kind, _) in enumerate(wanted))
        row = session.execute(text(f"SELECT {columns}"), {f"t{n}": _plain(value) for n, (_, value) in enumerate(wanted)}
                              ).one()
        return dict(zip(wanted, row, strict=True))

    def leaf(self, leaf: Leaf, shown: str) -> Match | None:
        if isinstance(leaf, Text):
            return self.words(leaf)
        if isinstance(leaf, Field):
            return self.filter(leaf)
        return self.when(leaf)

    def words(self, leaf: Text) -> Match | None:
        if leaf.kind == "prefix":
            prefix = _prefix(leaf.text)
            self.prefixes = self.prefixes or prefix is not None
            return None if prefix is None else Match.on("words", prefix)
        stems = self.stems.get((leaf.kind, leaf.text), "")
        if not stems:  # stop words alone
            return None
        if leaf.span:
            self.bare_words.append((leaf.text, *leaf.span))
        return Match.on("words", stems)

    def filter(self, leaf: Field) -> Match | None:
        key, value = leaf.key, leaf.value
        if key in WEIGHTS:
            if leaf.prefix:
                prefix = _prefix(value)
                return None if prefix is None else Match.on("fields", _weighted(prefix, WEIGHTS[key]))
            stems = self.stems.get(("phrase" if leaf.quoted else "word", value), "")
            if not stems:
                self.nothing(leaf)
                return None
            return Match.on("fields", _weighted(stems, WEIGHTS[key]))
        words = value.lower().split() if key in ("stage", "status") else _WORDS.findall(value.lower())
        if not words:
            self.nothing(leaf)
            return None
        if key in TOKENS:
            mark = ":*" if leaf.prefix else ""
            return Match.on("fields", " & ".join(_quoted(TOKENS[key] + w) + mark for w in words))
        finder = "casenotes_persons_like" if key == "person" else "casenotes_cases_like"
        column = "person_ids" if key == "person" else "case_id"
        conditions = [_named(finder, column, word, leaf.prefix) for word in words]
        return Match.where(lambda t: and_(*(condition(t) for condition in conditions)))

    def nothing(self, leaf: Field) -> None:
        shown = f'"{leaf.value}"' if leaf.quoted else leaf.value
        self.problems.append(f"“{leaf.key}:{shown}” has no word to search for; it was left out.")
        return None

    @staticmethod
    def when(leaf: Moment) -> Match:
        start = leaf.start.replace(tzinfo=timezone.utc) if leaf.start else None
        end = leaf.end.replace(tzinfo=timezone.utc) if leaf.end else None

        def condition(t: FromClause) -> ColumnElement[bool]:
            parts = ([t.c.event_at >= start] if start else []) + ([t.c.event_at < end] if end else [])
            return and_(*parts) if parts else true()

        return Match.where(condition)


def _prefix(core: str) -> str | None:
    """A prefix tsquery on the words as written: earlier words of ``o'bri*`` whole, the last one begun."""
    tokens = re.findall(r"[^\W_]+", _plain(core).lower())
    if not tokens:
        return None
    return " & ".join([_quoted(t) for t in tokens[:-1]] + [_quoted(tokens[-1]) + ":*"])


def _named(finder: str, column_name: str, word: str, prefix: bool) -> Where:
    """The notes whose participants (``person_ids``) or family (``case_id``) have a name like ``word``."""
    near = [] if prefix or len(word) >= 6 else swaps(word)  # as Whoosh: swaps only within one edit

    def condition(t: FromClause) -> ColumnElement[bool]:
        named = getattr(func, finder)(bindparam(None, word, type_=String),
                                      cast(bindparam(None, near, type_=ARRAY(String)), ARRAY(String)),
                                      bindparam(None, prefix, type_=Boolean)).alias("named")
        if column_name == "person_ids":
            return t.c.person_ids.op("&&")(select(func.array_agg(column("named"))).select_from(named)
                                           .scalar_subquery())
        return t.c.case_id.in_(select(column("named")).select_from(named))

    return condition
