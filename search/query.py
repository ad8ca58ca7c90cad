"""What a caseworker typed (read by ``language.py``) as a Whoosh query over the note index.

Words are stemmed and searched in every field a bare word searches, with boosts; a prefix is
matched on the stems and on the words as written; ``person:`` forgives a misspelt name by edit
distance; ``stage:`` and ``status:`` match whole. ``parse_query`` never raises: whatever it cannot
read is left out and said in ``ParsedQuery.problem``.
"""

from __future__ import annotations

from dataclasses import dataclass, field as dataclass_field
from datetime import datetime
from typing import TYPE_CHECKING

import whoosh.query as Q
from whoosh.fields import KEYWORD
from whoosh.qparser import MultifieldParser, PhrasePlugin, WhitespacePlugin

from search.language import (MAX_CHARS, UNREADABLE, Combine, Field, Leaf, Moment, Text, cut, read_query, realise,
                             render, swaps)
from search.schema import DEFAULT_FIELDS, FIELD_FILTERS, PLAIN, note_schema

if TYPE_CHECKING:
    from whoosh.fields import Schema

__all__ = ["BOOSTS", "MAX_CHARS", "UNREADABLE", "ParsedQuery", "Word", "parse_query"]

BOOSTS = {"narrative": 1.0, "type": 2.0, "person": 1.5, "others": 1.5, "family": 1.5}
WHOOSH = Combine[Q.Query](every=Q.And, either=Q.Or, negate=Q.Not)


@dataclass(frozen=True)
class Word:
    """A bare word as typed, where it stands in ``ParsedQuery.text`` and the index terms it looks for
    (none of which present means the word matches nothing: a misspelling to correct)."""

    raw: str
    start: int
    end: int
    terms: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ParsedQuery:
    query: Q.Query        # what to run; NullQuery when nothing searchable was typed
    shown: str            # plain-language reading, e.g. 'visited AND "school nurse" · person ≈ Jhon'
    problem: str | None = None  # what had to be repaired, in sentences
    # How it was read, for spelling correction (search/spelling.py); not part of what it means.
    # the text as read (control characters out, cut to MAX_CHARS)
    text: str = dataclass_field(default="", compare=False)
    words: tuple[Word, ...] = dataclass_field(default=(), compare=False)  # its bare words


def parse_query(text: str, *, now: datetime, zone: str, schema: Schema | None = None) -> ParsedQuery:
    try:
        read = read_query(text, now=now, zone=zone)
        compiler = _Whoosh(schema or note_schema())
        tree = realise(read.tree, compiler.leaf) if read.tree else None
        query, shown = render(tree, WHOOSH) if tree else (Q.NullQuery, "")
    except Exception:  # the search box must keep working whatever input we failed to foresee
        return ParsedQuery(Q.NullQuery, "", UNREADABLE)
    problems = [*read.problems, *compiler.problems]
    return ParsedQuery(query, shown, " ".join(dict.fromkeys(problems)) or None, read.text,
                       tuple(compiler.bare_words))


def _all(queries: list[Q.Query]) -> Q.Query:
    return queries[0] if len(queries) == 1 else Q.And(queries)


def _fuzzy(field: str, word: str) -> Q.Query:
    maxdist = 2 if len(word) >= 6 else 1
    fuzzy = Q.FuzzyTerm(field, word, maxdist=maxdist, prefixlength=1)
    # Whoosh's edit distance has no transposition, so "jhon" is two edits from "john": add the swaps.
    swapped = swaps(word)
    return Q.Or([fuzzy, *(Q.Term(field, s) for s in swapped)]) if swapped and maxdist == 1 else fuzzy


class _Whoosh:
    """Compiles the leaves of one query; gathers the problems and bare words met on the way."""

    def __init__(self, schema: Schema):
        self.schema = schema
        self.problems: list[str] = []
        self.bare_words: list[Word] = []
        self.fields = [f for f in DEFAULT_FIELDS if f in schema]
        self.words = MultifieldParser(self.fields, schema, fieldboosts={f: BOOSTS.get(f, 1.0) for f in self.fields},
                                      plugins=[WhitespacePlugin(), PhrasePlugin()])

    def leaf(self, leaf: Leaf, shown: str) -> Q.Query | None:
        if isinstance(leaf, Text):
            query = self.text(leaf)
        elif isinstance(leaf, Field):
            query = self.filter(leaf)
        else:
            query = self.when(leaf)
        return None if query is None or isinstance(query, type(Q.NullQuery)) else query

    def says_something(self, text: str) -> bool:
        # A stop word ("the") survives only in the name fields, where it would make AND find nothing.
        return "narrative" not in self.schema or any(True for _ in self.schema["narrative"].process_text(text))

    def prefix(self, core: str, fields: list[str], is_filter: bool = False) -> Q.Query:
        # Built by hand: the parser's PrefixPlugin stems the prefix, so "vis*" would become "vi*".
        prefixes = [Q.Prefix(f, core.lower(), boost=BOOSTS.get(f, 1.0)) for f in fields]
        if not is_filter and PLAIN in self.schema:  # the words as written: "medicat*" finds "medication"
            prefixes.append(Q.Prefix(PLAIN, core.lower()))
        return Q.Or(prefixes) if len(prefixes) > 1 else prefixes[0]

    def text(self, leaf: Text) -> Q.Query | None:
        if leaf.kind == "prefix":
            return self.prefix(leaf.text, self.fields)
        if not self.says_something(leaf.text):
            return None
        if leaf.kind == "phrase":
            return self.words.parse(f'"{leaf.text}"')
        query = self.words.parse(leaf.text)
        if leaf.span:
            self.bare_words.append(Word(leaf.text, *leaf.span, tuple(dict.fromkeys(
                (field, text) for field, text in query.iter_all_terms()))))
        return query

    def filter(self, leaf: Field) -> Q.Query | None:
        key, value, field = leaf.key, leaf.value, FIELD_FILTERS[leaf.key]
        if field not in self.schema:
            self.problems.append(f"“{key}:” cannot be searched in this index; it was left out.")
            return None
        if leaf.prefix:
            return self.prefix(value, [field], True)
        fieldobj = self.schema[field]
        words = list(fieldobj.process_text(value, mode="query"))
        if not words:
            shown = f'"{value}"' if leaf.quoted else value
            self.problems.append(f"“{cut(key + ':' + shown)}” has no word to search for; it was left out.")
            return None
        if field == "person":
            return _all([_fuzzy(field, w) for w in words])
        if isinstance(fieldobj, KEYWORD):
            return _all([Q.Term(field, w) for w in words])
        if leaf.quoted and len(words) > 1 and fieldobj.format.supports("positions"):
            return Q.Phrase(field, words)
        return _all([Q.Term(field, w) for w in words])

    @staticmethod
    def when(leaf: Moment) -> Q.Query:
        if leaf.start is not None and leaf.end is not None:
            return Q.DateRange("event", leaf.start, leaf.end, endexcl=True)
        if leaf.end is not None:
            return Q.DateRange("event", None, leaf.end, endexcl=True)
        return Q.DateRange("event", leaf.start, None)
