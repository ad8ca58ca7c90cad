"""The search box's query language, read once for every engine.

A caseworker types words (stemmed by the engine), "phrases", AND/OR/NOT with parentheses, a trailing
prefix*, field filters (type: author: person: stage: status: family: purpose: method: location:) and
local dates on the event (after: before: on: last:). ``read_query`` turns that into a tree of
``Text``, ``Field`` and ``Moment`` leaves under and/or/not, repairing what is malformed and saying
so in sentences; it never raises. Each engine compiles the tree with ``realise`` and ``render``:
``query.py`` to Whoosh (SQLite), ``pg_query.py`` to PostgreSQL full-text search. A leaf an engine
finds nothing to search for in (a stop word alone) is left out, and the reading shown says so by
leaving it out too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from dateutil import parser as dateutil_parser

DATE_FILTERS = ("after", "before", "on", "last")
# `type:` `author:` ... as typed; each engine says what it searches for each.
FILTER_KEYS = ("type", "author", "person", "stage", "status", "family", "purpose", "method", "location")
NAME_FILTERS = ("person", "author")
KEYWORD_FILTERS = ("stage", "status")  # matched whole, not word by word
MAX_CHARS = 500
MAX_DEPTH = 12  # parentheses deeper than this are dropped, keeping recursion and query trees shallow
UNREADABLE = "This search could not be read; please rephrase it."

_QUOTES = str.maketrans({c: '"' for c in "“”„‟″＂"})
_TOKEN = re.compile(r'\s*(?:(?P<paren>[()])|(?P<field>[A-Za-z]+):"(?P<fvalue>[^"]*)(?P<fend>"?)'
                    r'|"(?P<phrase>[^"]*)(?P<end>"?)|(?P<word>[^\s()"]+))')
_LAST = re.compile(r"(\d{1,5}) ?(h|hours?|d|days?|w|weeks?)?", re.I)
_UNITS = {"h": ("hours", "hour"), "d": ("days", "day"), "w": ("weeks", "week")}
_NAME = re.compile(r"[^\W\d_][\w'’-]*")

# A token: ("(",), (")",), ("op", "AND" | "OR" | "NOT"), ("word", text[, span]), ("phrase", text) or
# ("filter", key, value, quoted); (None,) past the last one.
Token = tuple[Any, ...]


@dataclass(frozen=True)
class Text:
    """Bare words ("word": one word as typed, or the words left of one with a stray *), a "phrase",
    or the beginning of a word ("prefix", without its *). ``span``: where a bare word stands in the
    text read, for spelling correction."""

    kind: str
    text: str
    span: tuple[int, int] | None = None


@dataclass(frozen=True)
class Field:
    """``key:value``: ``key`` one of ``FILTER_KEYS``; ``prefix``: the value is a word's beginning."""

    key: str
    value: str
    quoted: bool = False
    prefix: bool = False


@dataclass(frozen=True)
class Moment:
    """The event on or after ``start`` and before ``end`` (naive UTC; None: open)."""

    start: datetime | None
    end: datetime | None


Leaf = Text | Field | Moment
# A node of the query as read: ("leaf", Leaf, shown, is_filter), ("not", node) or ("and" | "or", [node, ...]).
Node = tuple[Any, ...]


@dataclass(frozen=True)
class ReadQuery:
    tree: Node | None  # None: nothing searchable was typed
    problems: tuple[str, ...]
    text: str  # the text as read (control characters out, cut to MAX_CHARS)


def read_query(text: str, *, now: datetime, zone: str) -> ReadQuery:
    reader = _Reader(text, now, zone)
    return ReadQuery(reader.either(), tuple(reader.problems), reader.typed)


def cut(text: str) -> str:
    return text if len(text) <= 30 else text[:29] + "…"


def join(kind: str, parts: list[Node | None]) -> Node | None:
    flat: list[Node] = []
    for part in filter(None, parts):
        flat += part[1] if part[0] == kind else [part]
    return None if not flat else flat[0] if len(flat) == 1 else (kind, flat)


Q = TypeVar("Q")


def realise(node: Node, compile_leaf: Callable[[Leaf, str], Q | None]) -> Node | None:
    """The tree with each leaf compiled by the engine (``("leaf", engine query, shown, is_filter)``),
    leaves the engine finds nothing to search for left out, as if never typed."""
    if node[0] == "leaf":
        query = compile_leaf(node[1], node[2])
        return None if query is None else ("leaf", query, node[2], node[3])
    if node[0] == "not":
        inner = realise(node[1], compile_leaf)
        return None if inner is None else ("not", inner)
    return join(node[0], [realise(kid, compile_leaf) for kid in node[1]])


@dataclass(frozen=True)
class Combine(Generic[Q]):
    """How an engine joins its queries."""

    every: Callable[[list[Q]], Q]
    either: Callable[[list[Q]], Q]
    negate: Callable[[Q], Q]


def is_filter(node: Node) -> bool:
    return bool((node[0] == "leaf" and node[3]) or (node[0] == "not" and is_filter(node[1])))


def render(node: Node, combine: Combine[Q], top: bool = True) -> tuple[Q, str]:
    """A realised tree as the engine's query and its plain-language reading; at the top, filters
    follow the words after " · " ('visited AND "school nurse" · person ≈ Jhon')."""
    if node[0] == "leaf":
        return node[1], node[2]
    kids = [node[1]] if node[0] == "not" else node[1]
    rendered = [render(kid, combine, False) for kid in kids]
    queries = [query for query, _ in rendered]
    texts = [f"({text})" if kid[0] in ("and", "or") else text for kid, (_, text) in zip(kids, rendered, strict=True)]
    if node[0] == "not":
        return combine.negate(queries[0]), "NOT " + texts[0]
    if node[0] == "or" or not top:
        return (combine.either if node[0] == "or" else combine.every)(queries), f" {node[0].upper()} ".join(texts)
    words = " AND ".join(text for kid, text in zip(kids, texts, strict=True) if not is_filter(kid))
    filters = [t for kid, t in zip(kids, texts, strict=True) if is_filter(kid)]
    return combine.every(queries), " · ".join([words] * bool(words) + filters)


def swaps(word: str) -> list[str]:
    """The word with two neighbouring letters (after the first) swapped: "jhon" → "john", ...
    Both engines forgive this slip in a name as one edit."""
    return sorted({word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(1, len(word) - 1)} - {word})


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

    def __init__(self, text: str, now: datetime, zone: str):
        self.pos = 0
        self.problems: list[str] = []
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
        if (key in FILTER_KEYS or key in DATE_FILTERS) and value.strip():
            return [("filter", key, value.strip(), quoted)]
        if key in FILTER_KEYS or key in DATE_FILTERS:
            self.note(f"“{name}:” had nothing after it and was left out.")
            return []
        self.note(f"There is no “{name}:” filter; “{cut(name + ':' + value)}” was read as plain words.")
        return [("word", name), ("phrase", value)] if quoted else [("word", w) for w in [name, *value.split(":")] if w]

    def peek(self) -> Token:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else (None,)

    def either(self) -> Node | None:
        parts: list[Node | None] = []
        while True:
            start = self.pos
            parts.append(self.every())
            if self.peek() != ("op", "OR"):
                return join("or", parts)
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
        return join("and", parts)

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

    def prefix_core(self, raw: str) -> str | None:
        """The beginning of a word typed as ``raw*``, or None (said why) if it is too short."""
        core = raw.rstrip("*")
        if "*" in core:
            core = core.replace("*", "")
            self.note(f"Only a * at the end of a word is understood; “{cut(raw)}” was read as “{cut(core)}*”.")
        if len(core) < 2:  # "*" or "a*" would expand to nearly every word
            self.note(f"“{cut(raw)}” is too short to search by its beginning (two letters at least); it was left out.")
            return None
        return core

    def text(self, kind: str, raw: str, span: tuple[int, int] | None = None) -> Node | None:
        if kind == "phrase":
            raw = " ".join(raw.split())
            return ("leaf", Text("phrase", raw), f'"{raw}"', False) if raw else None
        if raw.endswith("*"):
            core = self.prefix_core(raw)
            return None if core is None else ("leaf", Text("prefix", core), core + "*", False)
        if "*" in raw:
            fixed = raw.replace("*", " ").strip()
            self.note(f"Only a * at the end of a word is understood; “{cut(raw)}” was read as “{cut(fixed)}”.")
            raw, span = fixed, None
        if not raw:
            return None
        return ("leaf", Text("word", raw, span if span and raw == self.typed[span[0]:span[1]] else None), raw, False)

    def filter(self, key: str, value: str, quoted: bool) -> Node | None:
        if value.endswith("*") and not quoted:
            core = self.prefix_core(value)
            return None if core is None else ("leaf", Field(key, core, False, True), f"{key}: {core}*", True)
        shown = f'"{value}"' if quoted else value
        if key == "person":
            return ("leaf", Field(key, value, quoted), f"{key} ≈ {value}", True)
        if key in KEYWORD_FILTERS:
            return ("leaf", Field(key, value, quoted), f"{key} = {value}", True)
        return ("leaf", Field(key, value, quoted), f"{key}: {shown}", True)

    def when(self, key: str, value: str) -> Node | None:
        try:
            if key == "last" and (m := _LAST.fullmatch(value)):
                n, (plural, single) = int(m[1]), _UNITS[(m[2] or "d")[0].lower()]
                start = _naive_utc(self.now - timedelta(**{plural: n}))
                return ("leaf", Moment(start, None), f"in the last {n} {single if n == 1 else plural}", True)
            if key != "last" and (day := _read_day(value, self.today)):
                start = _naive_utc(datetime.combine(day, time(), self.tz))
                end = _naive_utc(datetime.combine(day + timedelta(days=1), time(), self.tz))
                moment = {"after": Moment(start, None), "before": Moment(None, start), "on": Moment(start, end)}[key]
                return ("leaf", moment, f"{key} {day:%m/%d/%Y}", True)
        except (OverflowError, ValueError):
            pass
        hint = "30d, 2w or 12h" if key == "last" else "2026-10-01, 10/01/2026 or 10/01"
        self.note(f"“{cut(key + ':' + value)}” is not something I can read as a date (try {hint}); it was left out.")
        return None
