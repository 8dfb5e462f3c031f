"""Bar charts drawn on the server as inline SVG: no script, no library. Each chart is decorative for
screen readers (``aria-hidden``) because the table beside it carries the same figures; it has a value
axis with its scale, a label under each bar for its period, and a withheld figure drawn as a hatched,
outlined stub marked "—", so that it never looks like a zero."""

from __future__ import annotations

from dataclasses import dataclass, field

from .tables import Table

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 16, 170  # the plot area; period labels go under BOTTOM
HIDDEN_STUB = 18


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    text: str
    label: str
    short_label: str
    hidden: bool
    zero: bool
    centre: float = 0
    end: float = 0


@dataclass
class Tick:
    y: float
    text: str


@dataclass
class Chart:
    title: str
    bars: list[Bar]
    ticks: list[Tick] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    baseline: int = BOTTOM
    label_y: int = BOTTOM + 16
    show_every: int = 1


def _nice_top(value: float) -> float:
    """The smallest of 1, 2, 2.5 or 5 times a power of ten that is at least ``value``."""
    if value <= 5:
        return 5
    power = 1
    while power * 10 < value:
        power *= 10
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def bar_charts(table: Table, fmt) -> list[Chart]:
    """One chart per column of a time-series table; ``fmt`` formats a shown cell for the bar's label and the
    axis; the table's short labels name each bar's period under it."""
    charts = []
    count = max(len(table.rows), 1)
    plot = WIDTH - RIGHT - LEFT
    slot = plot / count
    names = table.short_labels or [row.label for row in table.rows]
    for index, title in enumerate(table.columns):
        cells = [row.cells[index] for row in table.rows]
        top = _nice_top(max([c for c in cells if isinstance(c, int | float)] + [0]))
        ticks = [Tick(y=round(BOTTOM - (BOTTOM - TOP) * share, 1), text=fmt(type(top)(top * share) if share else 0))
                 for share in (0, 0.5, 1)]  # fmt: skip
        bars = []
        for position, (row, cell, name) in enumerate(zip(table.rows, cells, names, strict=True)):
            hidden = cell is None
            value = cell if isinstance(cell, int | float) else 0
            height = HIDDEN_STUB if hidden else (BOTTOM - TOP) * value / top
            x = LEFT + position * slot + slot * 0.15
            bars.append(
                Bar(
                    x=round(x, 1),
                    y=round(BOTTOM - height, 1),
                    width=round(slot * 0.7, 1),
                    height=round(height, 1),
                    text=fmt(cell),
                    label=row.label,
                    short_label=name,
                    hidden=hidden,
                    zero=not hidden and value == 0,
                    centre=round(x + slot * 0.35, 1),
                    end=round(x + slot * 0.7, 1),
                )
            )
        # Period labels under the bars: every one when they fit, else every second or third.
        every = 1 if slot >= 44 else (2 if slot >= 22 else 3)
        charts.append(Chart(title=title, bars=bars, ticks=ticks, show_every=every))
    return charts
