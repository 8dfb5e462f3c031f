"""Small-number suppression: every figure that leaves the database passes through here.

Two rules protect the people behind the figures:

1. Primary: a count from 1 to 4 is shown as "<5" (zero is shown: it exposes nobody).
2. Complementary: where a table shows a total beside its cells, one hidden cell could be worked out as
   the total minus the others; so when exactly one cell is hidden, the smallest other non-zero cell is
   hidden too (and when there is none, the total). Where several hidden cells are all ones (or all
   fours), the total would reveal each of them, so the total is hidden.

Processing-time figures (median, 90th percentile) are shown only when at least ten processes back them.
Pages, exports, the API and the monthly reports all call these functions; none formats a count itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

SUPPRESSED = "<5"
MIN_CELL = 5
MIN_PROCESSING_SAMPLE = 10

Cell = int | str | None


def is_small(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < MIN_CELL


def suppress_count(value: Any) -> Cell:
    """Rule 1 for one figure shown on its own."""
    return SUPPRESSED if is_small(value) else value


def suppress_table(cells: Sequence[int], total: int | None = None) -> tuple[list[Cell], Cell]:
    """Both rules for a column of counts and, when the table shows one, its total.

    Returns the cells and the total as they may be shown. ``total=None`` means the table shows no total,
    so only rule 1 applies.
    """
    hidden = [is_small(value) for value in cells]
    total_hidden = is_small(total)
    if total is not None and not total_hidden and sum(hidden) == 1:
        candidates = [(value, index) for index, value in enumerate(cells) if not hidden[index] and value > 0]
        if candidates:
            hidden[min(candidates)[1]] = True
        else:
            total_hidden = True
    if total is not None and not total_hidden:
        # Hidden cells known to lie in 1..4 are each pinned down when together they are all ones or all
        # fours: the total minus the visible cells would then reveal every one of them.
        small = [value for value, hide in zip(cells, hidden, strict=True) if hide]
        if (
            small
            and all(is_small(value) for value in small)
            and sum(small) in (len(small), (MIN_CELL - 1) * len(small))
        ):
            total_hidden = True
    shown: list[Cell] = [SUPPRESSED if hide else value for value, hide in zip(cells, hidden, strict=True)]
    shown_total: Cell = None if total is None else (SUPPRESSED if total_hidden else total)
    return shown, shown_total


def suppress_columns(rows: Sequence[Sequence[int]], totals: Sequence[int] | None = None) -> tuple[list, list | None]:
    """``suppress_table`` applied to each column of a table (rows × columns) with an optional total row."""
    if not rows:
        return [], (list(totals) if totals is not None else None)
    columns = list(zip(*rows, strict=True))
    out_columns = []
    out_totals: list[Cell] = []
    for index, column in enumerate(columns):
        shown, shown_total = suppress_table(list(column), None if totals is None else totals[index])
        out_columns.append(shown)
        out_totals.append(shown_total)
    return [list(row) for row in zip(*out_columns, strict=True)], (out_totals if totals is not None else None)


def processing_figure(value: float | None, sample: int) -> float | None:
    """A median or percentile of processing days, or None when fewer than ten processes back it."""
    if value is None or sample < MIN_PROCESSING_SAMPLE:
        return None
    return value


def is_suppressed(cell: Cell) -> bool:
    return cell == SUPPRESSED
