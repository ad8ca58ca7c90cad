"""Reading what a caseworker types into the search box as a Whoosh query.

The language is forgiving: words (stemmed), "phrases", AND/OR/NOT with parentheses, a trailing
prefix*, field filters (type: author: person: stage: status: family: purpose: method: location:)
and local dates on the event (after: before: on: last:). Whatever is malformed is repaired or
left out and described in `ParsedQuery.problem`; `parse_query` never raises.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field as dataclass_field
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import whoosh.query as Q
from dateutil import parser as dateutil_parser
from whoosh.fields import KEYWORD
from whoosh.qparser import MultifieldParser, PhrasePlugin, WhitespacePlugin

from search.schema import DEFAULT_FIELDS, FIELD_FILTERS, PLAIN, note_schema

if TYPE_CHECKING:
    from whoosh.fields import Schema

BOOSTS = {"narrative": 1.0, "type": 2.0, "person": 1.5, "others": 1.5, "family": 1.5}
DATE_FILTERS = ("after", "before", "on", "last")
MAX_CHARS = 500
MAX_DEPTH = 12  # parentheses deeper than this are dropped, keeping recursion and query trees shallow
UNREADABLE = "This search could not be read; please rephrase it."

_QUOTES = str.maketrans({c: '"' for c in "“”„‟″＂"})
_TOKEN = re.compile(r'\s*(?:(?P<paren>[()])|(?P<field>[A-Za-z]+):"(?P<fvalue>[^"]*)(?P<fend>"?)'
                    r'|"(?P<phrase>[^"]*)(?P<end>"?)|(?P<word>[^\s()"]+))')
_LAST = re.compile(r"(\d{1,5}) ?(h|hours?|d|days?|w|weeks?)?", re.I)
_UNITS = {"h": ("hours", "hour"), "d": ("days", "day"), "w": ("weeks", "week")}
_NAME = re.compile(r"[^\W\d_][\w'’-]*")
NAME_FILTERS = ("person", "author")

# A token: ("(",), (")",), ("op", "AND" | "OR" | "NOT"), ("word", text[, span]), ("phrase", text) or
# ("filter", key, value, quoted); (None,) past the last one.
Token = tuple[Any, ...]
# A node of the query as read: ("leaf", whoosh query, shown, is_filter), ("not", node), or
# ("and" | "or", [node, ...]); None where what was typed searches for nothing.
Node = tuple[Any, ...]


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
        reader = _Reader(text, now, zone, schema or note_schema())
        node = reader.either()
        query, shown = _render(node, top=True) if node else (Q.NullQuery, "")
    except Exception:  # the search box must keep working whatever input we failed to foresee
        return ParsedQuery(Q.NullQuery, "", UNREADABLE)
    return ParsedQuery(query, shown, " ".join(dict.fromkeys(reader.problems)) or None, reader.typed,
                       tuple(reader.bare_words))


def _cut(text: str) -> str:
    return text if len(text) <= 30 else text[:29] + "…"


def _leaf(query: Q.Query, shown: str, is_filter: bool = False) -> Node | None:
    return None if isinstance(query, type(Q.NullQuery)) else ("leaf", query, shown, is_filter)


def _join(kind: str, parts: list[Node | None]) -> Node | None:
    flat: list[Node] = []
    for part in filter(None, parts):
        flat += part[1] if part[0] == kind else [part]
    return None if not flat else flat[0] if len(flat) == 1 else (kind, flat)


def _all(queries: list[Q.Query]) -> Q.Query:
    return queries[0] if len(queries) == 1 else Q.And(queries)


def _fuzzy(field: str, word: str) -> Q.Query:
    maxdist = 2 if len(word) >= 6 else 1
    fuzzy = Q.FuzzyTerm(field, word, maxdist=maxdist, prefixlength=1)
    # Whoosh's edit distance has no transposition, so "jhon" is two edits from "john": add the swaps.
    swaps = {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(1, len(word) - 1)} - {word}
    return Q.Or([fuzzy, *(Q.Term(field, s) for s in sorted(swaps))]) if swaps and maxdist == 1 else fuzzy


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def _read_day(text: str, today: date) -> date | None:
    """A day typed as 2026-10-01, 10/01/2026, 10/01/26 or 10/01 (read by dateutil, month first)."""
    parts = re.split(r"[-/.]", text)
    if not re.fullmatch(r"(\d{4}[-/.]\d{1,2}[-/.]\d{1,2})|(\d{1,2}[-/.]\d{1,2}([-/.](\d{2}|\d{4}))?)", text):
        return None
    try:
        day = dateutil_parser.parse(text, default=datetime.combine(today, time())).date()
    except (ValueError, OverflowError):
        return None
    if len(parts) == 2 and day > today:  # without a year the latest such day: "10/01" in March is last October
        try:
            return day.replace(year=today.year - 1)
        except ValueError:  # 02/29 of a leap year
            return None
    return day


class _Reader:
    """Recursive descent over the tokens: OR binds loosest, then AND (also implied), then NOT."""

    def __init__(self, text: str, now: datetime, zone: str, schema: Schema):
        self.schema, self.pos = schema, 0
        self.problems: list[str] = []
        self.bare_words: list[Word] = []
        text = "".join(" " if c.isspace() else c for c in str(text).translate(_QUOTES)
                       if c.isspace() or unicodedata.category(c) not in ("Cc", "Cf", "Cs"))
        if len(text) > MAX_CHARS:
            text = text[:MAX_CHARS]
            self.note(f"Only the first {MAX_CHARS} characters were read.")
        self.tz: tzinfo
        try:
            self.tz = ZoneInfo(zone)
        except (ValueError, KeyError, TypeError):
            self.tz = timezone.utc
            self.note(f"The time zone “{zone}” is unknown; dates were read as UTC.")
        self.now = now if now.tzinfo else now.replace(tzinfo=timezone.utc)
        self.today = self.now.astimezone(self.tz).date()
        self.fields = [f for f in DEFAULT_FIELDS if f in schema]
        self.words = MultifieldParser(self.fields, schema, fieldboosts={f: BOOSTS.get(f, 1.0) for f in self.fields},
                                      plugins=[WhitespacePlugin(), PhrasePlugin()])
        self.typed = text
        self.tokens = self.names_go_on(self.lex(text))

    def note(self, sentence: str) -> None:
        self.problems.append(sentence)

    def unclosed(self, rest: str) -> None:
        self.note(f'The quote after "{rest.split()[0][:20]} was never closed; it was read as ending at the end.'
                  if rest.split() else 'A lone " at the end was ignored.')

    def lex(self, text: str) -> list[Token]:
        tokens: list[Token] = []
        depth = 0
        for m in _TOKEN.finditer(text):
            if m["paren"] == ")" and depth == 0:
                self.note("A “)” had no matching “(” and was ignored.")
            elif m["paren"]:
                depth += m["paren"] == "("
                if depth <= MAX_DEPTH:
                    tokens.append((m["paren"],))
                else:
                    self.note("Parentheses nested too deeply were ignored.")
                depth -= m["paren"] == ")"
            elif m["field"] is not None or m["phrase"] is not None:
                quoted = m["phrase"] if m["field"] is None else m["fvalue"]
                if not (m["end"] or m["fend"]):
                    self.unclosed(quoted)
                tokens += [("phrase", quoted)] if m["field"] is None else self.field_token(m["field"], quoted, True)
            elif m["word"] in ("AND", "OR", "NOT"):
                tokens.append(("op", m["word"]))
            elif field := re.fullmatch(r"([A-Za-z]+):(.*)", m["word"]):
                tokens += self.field_token(field[1], field[2], False)
            else:
                tokens.append(("word", m["word"], m.span("word")))
        return tokens

    @staticmethod
    def names_go_on(tokens: list[Token]) -> list[Token]:
        """``person:Tarik Holbrok`` means the person: capitalised words right after an unquoted
        name filter continue the name, as names are written (``person:tarik school`` does not)."""
        merged: list[Token] = []
        for tok in tokens:
            last = merged[-1] if merged else (None,)
            if (tok[0] == "word" and last[0] == "filter" and last[1] in NAME_FILTERS and not last[3]
                    and not last[2].endswith("*") and _NAME.fullmatch(tok[1]) and tok[1][0].isupper()):
                merged[-1] = (*last[:2], f"{last[2]} {tok[1]}", last[3])
            else:
                merged.append(tok)
        return merged

    def field_token(self, name: str, value: str, quoted: bool) -> list[Token]:
        key = name.lower()
        if (key in FIELD_FILTERS or key in DATE_FILTERS) and value.strip():
            return [("filter", key, value.strip(), quoted)]
        if key in FIELD_FILTERS or key in DATE_FILTERS:
            self.note(f"“{name}:” had nothing after it and was left out.")
            return []
        self.note(f"There is no “{name}:” filter; “{_cut(name + ':' + value)}” was read as plain words.")
        return [("word", name), ("phrase", value)] if quoted else [("word", w) for w in [name, *value.split(":")] if w]

    def peek(self) -> Token:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else (None,)

    def either(self) -> Node | None:
        parts: list[Node | None] = []
        while True:
            start = self.pos
            parts.append(self.every())
            if self.peek() != ("op", "OR"):
                return _join("or", parts)
            self.pos += 1
            if self.pos - 1 == start or self.peek()[0] in (None, ")") or self.peek() in (("op", "OR"), ("op", "AND")):
                self.note("“OR” needs something on both sides; it was ignored.")

    def every(self) -> Node | None:
        parts: list[Node | None] = []
        while self.peek()[0] not in (None, ")") and self.peek() != ("op", "OR"):
            if self.peek() == ("op", "AND"):
                self.pos += 1
                if not parts or self.peek()[0] in (None, ")") or self.peek() in (("op", "OR"), ("op", "AND")):
                    self.note("“AND” needs something on both sides; it was ignored.")
            else:
                parts.append(self.unary())
        return _join("and", parts)

    def unary(self) -> Node | None:
        negate = False
        while self.peek() == ("op", "NOT"):
            self.pos += 1
            negate = not negate
        if self.peek()[0] in (None, ")", "op"):
            self.note("“NOT” needs something after it; it was ignored.")
            return None
        node = self.atom()
        return ("not", node) if negate and node else node

    def atom(self) -> Node | None:
        tok = self.tokens[self.pos]
        self.pos += 1
        if tok[0] == "filter":
            return self.when(*tok[1:3]) if tok[1] in DATE_FILTERS else self.filter(*tok[1:])
        if tok[0] != "(":
            return self.text(*tok)
        node = self.either()
        if self.peek()[0] == ")":
            self.pos += 1
        else:
            self.note("A “(” was never closed; it was read as closing at the end.")
        return node

    def says_something(self, text: str) -> bool:
        # A stop word ("the") survives only in the name fields, where it would make AND find nothing.
        return "narrative" not in self.schema or any(True for _ in self.schema["narrative"].process_text(text))

    def prefix(self, raw: str, fields: list[str], shown: str, is_filter: bool = False) -> Node | None:
        core = raw.rstrip("*")
        if "*" in core:
            core = core.replace("*", "")
            self.note(f"Only a * at the end of a word is understood; “{_cut(raw)}” was read as “{_cut(core)}*”.")
        if len(core) < 2:  # "*" or "a*" would expand to nearly every word in the index
            self.note(f"“{_cut(raw)}” is too short to search by its beginning (two letters at least); it was left out.")
            return None
        # Built by hand: the parser's PrefixPlugin stems the prefix, so "vis*" would become "vi*".
        prefixes = [Q.Prefix(f, core.lower(), boost=BOOSTS.get(f, 1.0)) for f in fields]
        if not is_filter and PLAIN in self.schema:  # the words as written: "medicat*" finds "medication"
            prefixes.append(Q.Prefix(PLAIN, core.lower()))
        return _leaf(Q.Or(prefixes) if len(prefixes) > 1 else prefixes[0], shown.replace(raw, core + "*"), is_filter)

    def text(self, kind: str, raw: str, span: tuple[int, int] | None = None) -> Node | None:
        if kind == "phrase":
            raw = " ".join(raw.split())
            return _leaf(self.words.parse(f'"{raw}"'), f'"{raw}"') if self.says_something(raw) else None
        if raw.endswith("*"):
            return self.prefix(raw, self.fields, raw)
        if "*" in raw:
            fixed = raw.replace("*", " ").strip()
            self.note(f"Only a * at the end of a word is understood; “{_cut(raw)}” was read as “{_cut(fixed)}”.")
            raw = fixed
        if not raw or not self.says_something(raw):
            return None
        query = self.words.parse(raw)
        if span and raw == self.typed[span[0]:span[1]]:
            self.bare_words.append(Word(raw, *span, tuple(dict.fromkeys(
                (field, text) for field, text in query.iter_all_terms()))))
        return _leaf(query, raw)

    def filter(self, key: str, value: str, quoted: bool) -> Node | None:
        field, shown = FIELD_FILTERS[key], f'"{value}"' if quoted else value
        if field not in self.schema:
            self.note(f"“{key}:” cannot be searched in this index; it was left out.")
            return None
        if value.endswith("*") and not quoted:
            return self.prefix(value, [field], f"{key}: {value}", True)
        fieldobj = self.schema[field]
        words = list(fieldobj.process_text(value, mode="query"))
        if not words:
            self.note(f"“{_cut(key + ':' + shown)}” has no word to search for; it was left out.")
            return None
        if field == "person":
            return _leaf(_all([_fuzzy(field, w) for w in words]), f"{key} ≈ {value}", True)
        if isinstance(fieldobj, KEYWORD):
            return _leaf(_all([Q.Term(field, w) for w in words]), f"{key} = {value}", True)
        if quoted and len(words) > 1 and fieldobj.format.supports("positions"):
            return _leaf(Q.Phrase(field, words), f"{key}: {shown}", True)
        return _leaf(_all([Q.Term(field, w) for w in words]), f"{key}: {shown}", True)

    def when(self, key: str, value: str) -> Node | None:
        try:
            if key == "last" and (m := _LAST.fullmatch(value)):
                n, (plural, single) = int(m[1]), _UNITS[(m[2] or "d")[0].lower()]
                start = _naive_utc(self.now - timedelta(**{plural: n}))
                return _leaf(Q.DateRange("event", start, None), f"in the last {n} {single if n == 1 else plural}", True)
            if key != "last" and (day := _read_day(value, self.today)):
                start = _naive_utc(datetime.combine(day, time(), self.tz))
                end = _naive_utc(datetime.combine(day + timedelta(days=1), time(), self.tz))
                query = {"after": Q.DateRange("event", start, None),
                         "before": Q.DateRange("event", None, start, endexcl=True),
                         "on": Q.DateRange("event", start, end, endexcl=True)}[key]
                return _leaf(query, f"{key} {day:%m/%d/%Y}", True)
        except (OverflowError, ValueError):
            pass
        hint = "30d, 2w or 12h" if key == "last" else "2026-10-01, 10/01/2026 or 10/01"
        self.note(f"“{_cut(key + ':' + value)}” is not something I can read as a date (try {hint}); it was left out.")
        return None


def _is_filter(node: Node) -> bool:
    return bool((node[0] == "leaf" and node[3]) or (node[0] == "not" and _is_filter(node[1])))


def _render(node: Node, top: bool = False) -> tuple[Q.Query, str]:
    """The Whoosh query and its plain-language reading; at the top, filters follow the words after " · "."""
    if node[0] == "leaf":
        return node[1], node[2]
    kids = [node[1]] if node[0] == "not" else node[1]
    rendered = [_render(kid) for kid in kids]
    queries = [query for query, _ in rendered]
    texts = [f"({text})" if kid[0] in ("and", "or") else text for kid, (_, text) in zip(kids, rendered, strict=True)]
    if node[0] == "not":
        return Q.Not(queries[0]), "NOT " + texts[0]
    if node[0] == "or" or not top:
        return (Q.Or if node[0] == "or" else Q.And)(queries), f" {node[0].upper()} ".join(texts)
    words = " AND ".join(text for kid, text in zip(kids, texts, strict=True) if not _is_filter(kid))
    filters = [t for kid, t in zip(kids, texts, strict=True) if _is_filter(kid)]
    return Q.And(queries), " · ".join([words] * bool(words) + filters)
