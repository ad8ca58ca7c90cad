"""What a search answers, whichever engine ran it: the hits as the result list shows them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

ORDERS = ("newest", "relevance")
SNIPPET_CHARS = 160


@dataclass(frozen=True)
class Hit:
    note_id: int
    case_id: int
    family_name: str
    stage_label: str
    event_at: datetime  # aware, UTC
    contact_type: str
    author_name: str
    status: str
    snippet: str  # plain text, matched words as «word»
    score: float  # 0.0 when ordered by time


@dataclass(frozen=True)
class SearchResults:
    hits: tuple[Hit, ...]
    shown: str
    problem: str | None
    estimated: int  # of the notes the user may see; exact when every match was looked at
    corrected: str | None = None  # the text searched instead when a word was misspelt ("Whitfield")
    behind: int = 0  # change-log entries logged before the search that the index does not hold yet


def opening_words(narrative: str) -> str:
    """The snippet of a note whose narrative matched no word of the search (a filter found it)."""
    narrative = " ".join(narrative.split())
    if len(narrative) <= SNIPPET_CHARS:
        return narrative
    return narrative[:SNIPPET_CHARS].rsplit(" ", 1)[0] + "…"
