"""A table's columns fitted to its width: the short ones (dates, names) keep a fixed width and one
text column takes what they leave, so that at 80x24 no column falls off the right edge. Its rows are
added with ``height=None``: a long text wraps onto a second line instead of being cut."""

from __future__ import annotations

from collections.abc import Sequence

from textual.widgets import DataTable

SCROLLBAR = 2  # kept free for the vertical scrollbar a long list shows
MINIMUM = 12  # the text column's width when even the fixed ones do not fit


def fit_columns(table: DataTable[object], columns: Sequence[tuple[str, int | None]], width: int) -> int:
    """Replace ``table``'s columns by ``columns`` (heading, width) within ``width`` cells; the one
    column whose width is None takes the rest. Returns that column's width."""
    padding = 2 * table.cell_padding * len(columns)
    rest = max(MINIMUM, width - SCROLLBAR - padding - sum(w for _, w in columns if w is not None))
    table.clear(columns=True)
    for heading, fixed in columns:
        table.add_column(heading, width=rest if fixed is None else fixed)
    return rest
