"""The Whoosh schema of the note index, one document per note keyed by note id, and a note's
document in it."""

from __future__ import annotations

import re
from datetime import timezone
from typing import TYPE_CHECKING, Any

from whoosh.analysis import StemmingAnalyzer, StandardAnalyzer
from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

if TYPE_CHECKING:
    from store.feed import NoteDocument

# Words are stemmed in free text ("visits" finds "visited"); names are not, so that a misspelt
# name can be matched by edit distance against the name as written.
WORDS = StemmingAnalyzer()
NAMES = StandardAnalyzer(stoplist=None)
PLAIN = "plain"  # the field of unstemmed words (below)
_WORD = re.compile(r"\w+(?:\.?\w+)*")  # as Whoosh's RegexTokenizer reads words (NAMES)


def note_schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),          # note id as text
        case_id=ID(stored=True),                  # family, for family-scoped search
        family=TEXT(analyzer=NAMES, stored=True),
        stage=KEYWORD(lowercase=True, stored=True),  # label, e.g. "fss-cws"
        status=KEYWORD(lowercase=True, stored=True),
        event=DATETIME(stored=True, sortable=True),
        type=TEXT(analyzer=WORDS, stored=True),   # contact type
        purposes=TEXT(analyzer=WORDS, stored=True),  # words, so that "visit" finds "Visitation"
        method=TEXT(analyzer=WORDS),
        location=TEXT(analyzer=WORDS),
        person=TEXT(analyzer=NAMES, stored=True),  # persons present, "First Last" each
        others=TEXT(analyzer=WORDS, stored=True),
        author=TEXT(analyzer=NAMES, stored=True),  # name and login
        narrative=TEXT(analyzer=WORDS, stored=True, chars=True),
        # Every word a bare word searches, as written (not stemmed): a prefix longer than a stem
        # ("medicat*": the stem of "medication" is "medic") and the words a misspelling is
        # corrected to ("Whitfeld" → "Whitfield") come from here.
        # Each word once per note (note_fields), not scored: smaller than a second copy of the
        # text. Indexing it costs about a quarter of the build rate (CPU time, demo agency).
        plain=KEYWORD(analyzer=NAMES, scorable=False),
        amends=STORED(),
        version=NUMERIC(stored=True),
    )


# Fields a bare word searches, most telling first.
DEFAULT_FIELDS = ("narrative", "type", "others", "person", "family", "purposes", "location", "method")
# `type:` `author:` `person:` `stage:` `status:` as typed → schema field.
FIELD_FILTERS = {"type": "type", "author": "author", "person": "person", "stage": "stage", "status": "status",
                 "family": "family", "purpose": "purposes", "method": "method", "location": "location"}


def note_fields(doc: NoteDocument) -> dict[str, Any]:
    """The Whoosh document of a note."""
    event = doc.event_at if doc.event_at.tzinfo else doc.event_at.replace(tzinfo=timezone.utc)
    every = " ".join([doc.narrative, doc.contact_type, *doc.others, *doc.participants, doc.family_name,
                      *doc.purposes, doc.location or "", doc.method or ""]).lower()
    return dict(
        id=str(doc.id), case_id=str(doc.case_id), family=doc.family_name,
        # Kept as written for display; the KEYWORD field indexes it lowercased.
        stage=doc.stage_label, status=doc.status,
        event=event.astimezone(timezone.utc).replace(tzinfo=None), type=doc.contact_type,
        purposes=",".join(doc.purposes), method=doc.method or "", location=doc.location or "",
        person=" ".join(doc.participants), others=" ".join(doc.others),
        author=f"{doc.author_name} {doc.author_login}", narrative=doc.narrative,
        amends=doc.amends_note_id, version=doc.version,
        plain=" ".join(dict.fromkeys(_WORD.findall(every))))  # each word once: see note_schema
