"""A screen around one list of fixed-width columns (the inbox, visits, staff, the advocates): fewer
and narrower columns below ``NARROW`` terminal columns, made again when the terminal crosses it, and
the rows filled again keeping the cursor's row.

Fixed widths, not measured ones: Textual measures auto widths on idle, after a first paint, and a
list was seen drawn at its headings' widths until something repainted it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from tui.while_shown import while_shown
from tui.widgets.key_footer import KeyFooter

Columns = Sequence[tuple[str, int]]  # (heading, width)


class TableScreen(Screen):
    NARROW = 110
    COLUMNS: Columns = ()
    NARROW_COLUMNS: Columns = ()
    SPACED = True  # no cell padding: a space before each heading and cell (eight columns fit in 120)
    COMPACT_FOOTER = False  # below NARROW the footer is compact too, with no palette hint

    narrow: bool | None = None

    @while_shown
    def on_resize(self) -> None:
        if (self.size.width < self.NARROW) != self.narrow:
            self._columns()
            self._fill()

    def _columns(self) -> None:
        self.narrow = self.size.width < self.NARROW
        if self.COMPACT_FOOTER:
            footer = self.query_one(KeyFooter)
            footer.compact, footer.show_command_palette = self.narrow, not self.narrow
        table = self.query_one(DataTable)
        table.clear(columns=True)
        if self.SPACED:
            table.cell_padding = 0
        for heading, width in self.NARROW_COLUMNS if self.narrow else self.COLUMNS:
            table.add_column(" " + heading if self.SPACED and heading else heading, width=width + self.SPACED)

    def _fill(self) -> None:
        """Fill the table again from what the screen last read (``_refill``)."""
        raise NotImplementedError

    def _refill(self, rows: Iterable[tuple[Sequence[object], str]]) -> None:
        """The table's rows as (cells, key), the cursor kept on the same row number (or the last)."""
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        for cells, key in rows:
            table.add_row(*cells, key=key)
        table.move_cursor(row=min(keep, max(table.row_count - 1, 0)))


class ReadTableScreen(TableScreen):
    """A table with a summary line above it, read again in a worker (``load``) whenever the screen is
    shown or comes back (a plan approved on a screen above leaves the queue), by the worker who was
    signed in when it opened (``desk``). ``LOADING``: the summary until the first answer."""

    LOADING = "Loading…"
    DEFAULT_CSS = """
    ReadTableScreen #summary { padding: 0 1; height: auto; }
    ReadTableScreen DataTable { height: 1fr; }
    """

    desk = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self.LOADING, id="summary")
        yield DataTable(cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    @while_shown
    def on_mount(self) -> None:
        self.desk = self.app.desk
        self._columns()

    @while_shown
    def on_screen_resume(self) -> None:
        self.load()

    def load(self) -> None:
        raise NotImplementedError
