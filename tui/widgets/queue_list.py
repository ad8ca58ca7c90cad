"""A supervisor's review queue as a list that formats only the rows on screen: a queue of 2,000
notes is on screen as soon as it is read, the same as one of 50."""

from __future__ import annotations

from textual.cache import LRUCache
from textual.message import Message

from store.core.results import ReviewItem
from tui import formatting
from tui.widgets.row_list import Cells, RowList, fit

# (heading, width) of each column; the contact type takes what is left.
COLUMNS = (("", 1), ("Review by", 26), ("Worker", 18), ("Family", 11), ("Stage", 9), ("Event", 17),
           ("Contact type", 0), ("Round", 9))
# Below NARROW columns (80): the review-by day without its hour (always the end of the day), the
# worker's surname, the event's date, and the round as "2nd" for a corrected note.
NARROW = 100
COLUMNS_NARROW = (("", 1), ("Review by", 13), ("Worker", 11), ("Family", 10), ("Stage", 9), ("Event", 8),
                  ("Contact type", 0), ("Round", 5))
_GAP = 1


def _columns(width: int) -> tuple:
    return COLUMNS_NARROW if width < NARROW else COLUMNS


def heading(width: int) -> str:
    """The column headings, aligned with the rows."""
    columns = _columns(width)
    return " " + "".join(text for text, _ in _line([label for label, _ in columns], width - 1, [None] * len(columns)))


def _line(texts: list[str], width: int, roles: list[str | None]) -> Cells:
    columns = _columns(width + 1)
    fixed = sum(w for _, w in columns) + _GAP * len(columns)
    cells = []
    for (_, column), text, role in zip(columns, texts, roles, strict=True):
        cells.append((fit(text, column or max(8, width - fixed)) + " " * _GAP, role))
    return tuple(cells)


class QueueList(RowList):
    """Review items, one line each: selection mark, due date (OVERDUE / FROZEN marked), worker, family,
    stage, event, contact type, first review or corrected."""

    COMPONENT_CLASSES = {"queue-list--overdue", "queue-list--frozen", "queue-list--mark"}
    DEFAULT_CSS = """
    QueueList {
        scrollbar-gutter: stable;  /* the same content width, so the headings above stay aligned */
        & > .queue-list--overdue { color: $text-error; text-style: bold; }
        & > .queue-list--frozen { color: $text-muted; text-style: italic; }
        & > .queue-list--mark { color: $text-accent; text-style: bold; }
    }
    """
    EMPTY = "Nothing waiting for your review."

    class Highlighted(Message):
        """The cursor moved to another item, or the items were replaced (None: the queue is empty)."""

        def __init__(self, queue_list: QueueList, item: ReviewItem | None) -> None:
            super().__init__()
            self.queue_list = queue_list
            self.item = item

        @property
        def control(self) -> QueueList:
            return self.queue_list

    class Selected(Highlighted):
        """The user chose the item under the cursor (Enter, or a click on the cursor line)."""

    def __init__(self, *, zone: str, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.zone = zone
        self.items: list[ReviewItem] = []
        self.selected: set[int] = set()  # note ids
        self._cells_cache: LRUCache[tuple, Cells] = LRUCache(1024)

    @property
    def row_count(self) -> int:
        return len(self.items)

    @property
    def cursor_item(self) -> ReviewItem | None:
        return self.items[self.cursor] if self.items else None

    def set_items(self, items: list[ReviewItem]) -> None:
        """Replace the rows, keeping the cursor on the same note when it is still listed, else on the
        same row; notes no longer listed are no longer selected."""
        current = self.cursor_item
        keep = current.note.id if current else None
        self.items = list(items)
        self.selected &= {item.note.id for item in self.items}
        self.rows_changed(next((i for i, item in enumerate(self.items) if item.note.id == keep), self.cursor))

    def toggle(self) -> None:
        """Select the note under the cursor, or unselect it, and move to the next."""
        if (item := self.cursor_item) is not None:
            self.selected ^= {item.note.id}
            self.refresh_line(self.cursor)
            self.cursor += 1

    def row_highlighted(self) -> None:
        self.post_message(self.Highlighted(self, self.cursor_item))

    def row_selected(self) -> None:
        self.post_message(self.Selected(self, self.cursor_item))

    def row_cells(self, row: int, width: int) -> Cells:
        item = self.items[row]
        key = (item.note.id, item.note.version, item.overdue, item.note.frozen, item.note.id in self.selected, width)
        cells = self._cells_cache.get(key)
        if cells is None:
            cells = self._cells_cache[key] = self._format(item, width)
        return cells

    def _format(self, item: ReviewItem, width: int) -> Cells:
        note, zone = item.note, self.zone
        narrow = width < NARROW
        due = formatting.when_due(item.review_due_at, zone)
        due = " ".join(due.split()[:2]) if narrow else due  # "Fri 11/20"
        late = formatting.short_day(item.review_due_at, zone) if narrow else due
        when = ("FROZEN" if narrow else "FROZEN unreviewed") if note.frozen else f"OVERDUE {late}" if item.overdue else due
        when_role = "queue-list--frozen" if note.frozen else "queue-list--overdue" if item.overdue else None
        worker = (note.author_name.split() or [""])[-1] if narrow else note.author_name
        event = formatting.short_date(note.event_at, zone) if narrow else formatting.short_moment(note.event_at, zone)
        round_ = ("2nd" if narrow else "corrected") if item.resubmitted else ("1st" if narrow else "first")
        texts = ["●" if note.id in self.selected else "", when, worker, item.family_name, item.stage_label,
                 event, note.contact_type, round_]
        roles = ["queue-list--mark", when_role] + [None] * (len(texts) - 2)
        return ((" ", None),) + _line(texts, width - 1, roles)
