"""Correcting a misspelt word from the index's own words, as a person would expect of a search box:
"Whitfeld" finds nothing, so the notes of "Whitfield" are shown and the answer says so.

Only a bare word that matches nothing in the index is corrected (a word found anywhere is taken as
meant), to the closest word of the unstemmed field within one edit (two for words of six letters
or more), sharing its first letter, the most frequent on a tie. The engine shows the correction
only when it finds notes the reader may see, so a correction never tells of words in notes they
may not read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .schema import PLAIN

if TYPE_CHECKING:
    from .query import ParsedQuery, Word

SHORTEST = 3  # "th" or "jo" would be "corrected" to too many words


def corrected_text(parsed: ParsedQuery, readers: list[Any]) -> str | None:
    """The text with each misspelt bare word replaced by its closest word in the index; None if
    none was misspelt or none could be corrected. ``readers``: the segment readers searched."""
    if PLAIN not in (readers[0].schema if readers else ()):
        return None
    text, changed = parsed.text, False
    for word in sorted(parsed.words, key=lambda w: -w.start):  # from the end: earlier spans stay put
        if not word.terms or _found(word, readers):
            continue
        better = closest(word.raw, readers)
        if better:
            text, changed = text[:word.start] + better + text[word.end:], True
    return text if changed else None


def _found(word: Word, readers: list[Any]) -> bool:
    return any(reader.doc_frequency(field, term) for reader in readers for field, term in word.terms)


def closest(raw: str, readers: list[Any]) -> str | None:
    """The index's word nearest to ``raw``, written with ``raw``'s capitals (Whitfeld → Whitfield)."""
    typed = raw.lower()
    if len(typed) < SHORTEST or not typed.isalpha():
        return None
    reach = 1 if len(typed) < 6 else 2
    # Whoosh counts a swap of two letters as two edits: "Jhon" is one slip from "John", not two.
    swaps = {typed[:i] + typed[i + 1] + typed[i] + typed[i + 2:] for i in range(1, len(typed) - 1)} - {typed}
    candidates: dict[str, int] = {}
    for reader in readers:
        words = set(reader.terms_within(PLAIN, typed, reach, prefix=1)) | {s for s in swaps if (PLAIN, s) in reader}
        for candidate in words - {typed}:
            candidates[candidate] = candidates.get(candidate, 0) + reader.doc_frequency(PLAIN, candidate)
    if not candidates:
        return None
    best = min(candidates, key=lambda c: (_distance(typed, c), -candidates[c], c))
    if raw.isupper() and len(raw) > 1:
        return best.upper()
    return best.capitalize() if raw[0].isupper() else best


def _distance(a: str, b: str) -> int:
    """Edits from ``a`` to ``b``, a swap of neighbours counting as one (optimal string alignment)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]
