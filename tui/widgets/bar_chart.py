"""Horizontal bars in the terminal, to the nearest eighth of a cell (▏▎▍▌▋▊▉█).

``bar`` and ``chart_lines`` are plain functions (tested on their own); ``BarChart`` shows their lines
with the bars in the theme's accent colour.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.markup import escape
from textual.widgets import Static

FULL = "█"
EIGHTHS = ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")  # 0/8 … 7/8 of a cell
NONE = "—"


def bar(value: float | None, maximum: float, width: int) -> str:
    """``value`` out of ``maximum`` as a bar at most ``width`` cells long; '' for nothing, zero or no
    scale. A value above zero always shows at least an eighth, so a small number is not read as none."""
    if value is None or value <= 0 or maximum <= 0 or width <= 0:
        return ""
    eighths = max(1, round(min(value, maximum) / maximum * width * 8))
    full, part = divmod(eighths, 8)
    return FULL * full + EIGHTHS[part]


def chart_lines(items: Sequence[tuple[str, float | None]], maximum: float, width: int,
                shown: Callable[[float], str] = str) -> list[tuple[str, str, str]]:
    """(label, bar, value) for each item, the labels and bars padded to line up; a missing value
    reads as "—" with no bar."""
    label_width = max((len(label) for label, _ in items), default=0)
    return [(label.ljust(label_width), bar(value, maximum, width).ljust(width),
             NONE if value is None else shown(value)) for label, value in items]


def scale(values: Sequence[float | None], ceiling: float | None = None) -> float:
    """The value a full bar stands for: ``ceiling`` (100 for a percentage), else the largest value."""
    if ceiling is not None:
        return ceiling
    return max((v for v in values if v is not None), default=0.0)


class BarChart(Static):
    """The bars are at most ``width`` cells long, and shorter when the labels and values would not
    otherwise fit on one line (80 columns); redrawn when the widget is resized."""

    DEFAULT_CSS = "BarChart { height: auto; padding: 0 1; }"
    _shown: tuple | None = None

    def on_resize(self) -> None:
        if self._shown is not None:
            self.show(*self._shown[0], **self._shown[1])

    def show(self, title: str, items: Sequence[tuple[str, float | None]], *, ceiling: float | None = None,
             shown: Callable[[float], str] = str, width: int = 50) -> None:
        self._shown = ((title, items), {"ceiling": ceiling, "shown": shown, "width": width})
        room = self.content_size.width
        if room > 0:  # before the first layout there is no width to fit
            labels = max((len(label) for label, _ in items), default=0)
            values = max((len(NONE if v is None else shown(v)) for _, v in items), default=0)
            width = max(8, min(width, room - labels - values - 4))
        maximum = scale([value for _, value in items], ceiling)
        lines = [f"[b]{escape(title)}[/b]"]
        lines += [f"{escape(label)}  [$accent]{bars}[/]  {escape(value)}"
                  for label, bars, value in chart_lines(items, maximum, width, shown)]
        if not items:
            lines.append("[$text-muted]Nobody to chart.[/]")
        self.update("\n".join(lines))
