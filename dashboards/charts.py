"""Bar charts drawn on the server as inline SVG: no script, no library. Each chart is decorative for
screen readers (``aria-hidden``) because the table beside it carries the same figures."""

from __future__ import annotations

from dataclasses import dataclass

from .suppression import SUPPRESSED
from .tables import Table

WIDTH, HEIGHT, TOP, BOTTOM = 600, 180, 16, 150


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    text: str
    label: str
    suppressed: bool


@dataclass
class Chart:
    title: str
    bars: list[Bar]
    width: int = WIDTH
    height: int = HEIGHT
    baseline: int = BOTTOM


def bar_charts(table: Table, fmt) -> list[Chart]:
    """One chart per column of a time-series table; ``fmt`` formats a shown cell for the bar's label."""
    charts = []
    count = max(len(table.rows), 1)
    slot = WIDTH / count
    for index, title in enumerate(table.columns):
        cells = [row.cells[index] for row in table.rows]
        top = max([c for c in cells if isinstance(c, int | float)] + [1])
        bars = []
        for position, (row, cell) in enumerate(zip(table.rows, cells, strict=True)):
            value = cell if isinstance(cell, int | float) else 0
            height = (BOTTOM - TOP) * value / top
            bars.append(
                Bar(
                    x=round(position * slot + slot * 0.15, 1),
                    y=round(BOTTOM - height, 1),
                    width=round(slot * 0.7, 1),
                    height=round(height, 1),
                    text=fmt(cell),
                    label=row.label,
                    suppressed=cell == SUPPRESSED,
                )
            )
        charts.append(Chart(title=title, bars=bars))
    return charts
