"""A keyboard list of one-line rows that formats a row only when it is about to be painted.

Built on the Line API (as Textualize/toolong does): a `ScrollView` whose virtual height is the number
of rows, so a list of thousands costs no more to show than one of twenty. Subclasses say how many
rows there are (`row_count`), what a row shows (`row_cells`) and what the cursor's moves mean
(`row_highlighted`, `row_selected`).
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

Cells = tuple[tuple[str, str | None], ...]  # (text, component class) pairs of one row


def fit(text: str, width: int) -> str:
    """Pad or cut `text` to exactly `width` cells, marking a cut with an ellipsis."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"


class RowList(ScrollView, can_focus=True):
    """Rows under a cursor, rendered on demand."""

    COMPONENT_CLASSES = {"row-list--cursor", "row-list--empty"}
    DEFAULT_CSS = """
    RowList {
        width: 1fr;
        height: 1fr;
        overflow-x: hidden;
        & > .row-list--cursor { background: $block-cursor-blurred-background; }
        &:focus > .row-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .row-list--empty { color: $text-muted; text-style: italic; }
    }
    """
    BINDINGS = [
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("pageup", "cursor_page_up", "Page up", show=False),
        Binding("pagedown", "cursor_page_down", "Page down", show=False),
        Binding("home", "cursor_first", "First", show=False),
        Binding("end", "cursor_last", "Last", show=False),
        Binding("enter", "select", "Open"),
    ]
    EMPTY = "Nothing here."

    cursor: reactive[int] = reactive(0, init=False)

    @property
    def row_count(self) -> int:
        raise NotImplementedError

    def row_cells(self, row: int, width: int) -> Cells:
        """What row ``row`` shows at this width."""
        raise NotImplementedError

    def row_highlighted(self) -> None:
        """The cursor moved to another row, or the rows were replaced."""

    def row_selected(self) -> None:
        """The user chose the row under the cursor (Enter, or a click on the cursor line)."""

    def rows_changed(self, cursor: int) -> None:
        """Call after replacing the rows, with the row the cursor belongs on now."""
        self.set_reactive(RowList.cursor, max(0, min(cursor, self.row_count - 1)))
        self.virtual_size = Size(0, self.row_count)
        self.refresh()
        # The scrollbar gutter is only known after the next layout.
        self.call_after_refresh(self._scroll_to_cursor)
        self.row_highlighted()

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, self.row_count - 1))

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_line(old)
        self.refresh_line(new)
        self._scroll_to_cursor()
        self.row_highlighted()

    def _scroll_to_cursor(self) -> None:
        if self.row_count and self.is_mounted:
            width = max(1, self.scrollable_content_region.width)
            self.scroll_to_region(Region(0, self.cursor, width, 1), animate=False, force=True, immediate=True)

    def on_mount(self) -> None:
        self.call_after_refresh(self._scroll_to_cursor)

    def _on_focus(self, event: events.Focus | events.Blur) -> None:
        self.refresh_line(self.cursor)

    _on_blur = _on_focus

    def _on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self._scroll_to_cursor)

    def _on_click(self, event: events.Click) -> None:
        row = event.style.meta.get("list_row")
        if row is not None and row == self.cursor:
            self.action_select()
        elif row is not None:
            self.cursor = row

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_page_up(self) -> None:
        self.cursor -= max(1, self.scrollable_content_region.height - 1)

    def action_cursor_page_down(self) -> None:
        self.cursor += max(1, self.scrollable_content_region.height - 1)

    def action_cursor_first(self) -> None:
        self.cursor = 0

    def action_cursor_last(self) -> None:
        self.cursor = self.row_count - 1

    def action_select(self) -> None:
        if self.row_count:
            self.row_selected()

    def visible_rows(self, margin: int = 0) -> range:
        """The rows on screen, and ``margin`` screens more above and below."""
        height = max(1, self.scrollable_content_region.height)
        top = self.scroll_offset.y
        return range(max(0, top - margin * height), min(self.row_count, top + (1 + margin) * height))

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        row = self.scroll_offset.y + y
        if not self.row_count:
            if row != 0:
                return Strip.blank(width, base)
            return Strip([Segment(fit(" " + self.EMPTY, width), base + self.part_style("row-list--empty"))], width)
        if row >= self.row_count:
            return Strip.blank(width, base)
        cursor = self.part_style("row-list--cursor") if row == self.cursor else None
        segments = []
        for text, role in self.row_cells(row, width):
            style = base + self.part_style(role) if role else base
            segments.append(Segment(text, style + cursor if cursor else style))
        pad = base + cursor if cursor else base
        return Strip(segments).crop_extend(0, width, pad).apply_meta({"list_row": row})

    def part_style(self, role: str) -> Style:
        """Only what the component sets, so a row keeps its own colours under a blurred cursor."""
        # The partial style drops alpha (e.g. $text-muted), so take the blended colours from the full one.
        full, part = self.get_component_rich_style(role), self.get_component_rich_style(role, partial=True)
        return part + Style.from_color(full.color if part.color else None, full.bgcolor if part.bgcolor else None)
