"""Disclosure control: every count that leaves the database is rounded here (consistent random rounding to
base 5, a count of 1 to 4 always 0, one of 5 to 9 now and then 0), and processing times under ten decisions are hidden. The method, its
reasoning and its protection level: docs/disclosure-control.md."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings

BASE = 5
MIN_PROCESSING_SAMPLE = 10
# The share of counts from 5 to 9 shown as 0 (at most 0.1 keeps a count of 9 unbiased).
ZERO_SHARE = 0.1
HIDDEN_MARK = "—"

Cell = int | float | None


def cell_key(code: str, scope: str, dimension: str = "", group: str = "") -> str:
    """What a cell counts, written the same way wherever it is published. ``scope`` is ``scope_key(...)``.

    The period is not part of the key: the draw is fixed by what is counted, where, in which breakdown, and the
    count itself. A period moved or stretched over days on which nothing happened counts the same records, so
    it publishes the same figure; asking for many such periods gives many copies of one rounding, never
    many roundings of one count to average."""
    return f"{code}|{scope}|{dimension}|{group}"


def scope_key(country_ids, *, window_id: int | None = None, all_ids=None) -> str:
    """The place a cell covers: one window, the whole region, or a set of countries."""
    if window_id is not None:
        return f"w{window_id}"
    ids = set(country_ids) if country_ids is not None else None
    if ids is None or (all_ids is not None and ids >= set(all_ids)):
        return "all"
    return "c" + ",".join(str(i) for i in sorted(ids))


def _draw(key: str, value: int) -> float:
    """A number in [0, 1) fixed by the cell and its count, unpredictable without the secret."""
    secret = ("dashboards-rounding:" + settings.SECRET_KEY).encode()
    digest = hmac.new(secret, f"{key}#{value}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def round_count(value: Any, key: str) -> int:
    """A count rounded to base 5, the same way every time for the same cell and count.

    A count below 5 is always 0: no published figure may prove that a small count is not zero. A count from
    5 to 9 is shown as 0 one time in ten (and as 5 or 10 otherwise, unbiased), so that a 0 may stand for up to
    nine people: beside a total of 5 or more, rows that all show 0 no longer prove that each of them holds
    somebody (docs/disclosure-control.md)."""
    value = int(value or 0)
    if value < BASE:
        return 0
    draw = _draw(key, value)
    if value < 2 * BASE:
        # 0 with ZERO_SHARE, 10 with (value - 5 (1 - ZERO_SHARE)) / 5, 5 otherwise: on average the count itself.
        if draw < ZERO_SHARE:
            return 0
        return 2 * BASE if draw < ZERO_SHARE + (value - BASE * (1 - ZERO_SHARE)) / BASE else BASE
    low, remainder = divmod(value, BASE)
    if remainder == 0:
        return value
    return BASE * (low + 1) if draw < remainder / BASE else BASE * low


def processing_figure(value: float | None, sample: int) -> float | None:
    """A median or percentile of processing days, or None (hidden) when fewer than ten processes back it."""
    if value is None or sample < MIN_PROCESSING_SAMPLE:
        return None
    return value


def is_hidden(cell: Cell) -> bool:
    return cell is None


def bounds(published: int) -> tuple[int, int]:
    """The true counts a published count may stand for (what an attacker knows from the method): 0 for 0 to
    9, 5 for 5 to 9 (a small count is never shown as 5), 10 for 5 to 14, any other p for p - 4 to p + 4."""
    if published == 0:
        return 0, 2 * BASE - 1
    if published == BASE:
        return BASE, 2 * BASE - 1
    if published == 2 * BASE:
        return BASE, 3 * BASE - 1
    return published - (BASE - 1), published + BASE - 1


def _choices(value: int) -> list[int]:
    """Every figure ``round_count`` may give for a count, lowest first."""
    if value < BASE:
        return [0]
    if value < 2 * BASE:
        return [0, BASE, 2 * BASE] if value < 2 * BASE - 1 else [0, 2 * BASE]
    low, remainder = divmod(value, BASE)
    return [value] if remainder == 0 else [BASE * low, BASE * (low + 1)]


def _exposed(truths: list[int], shown: list[int], total: int) -> tuple[int, int] | None:
    """The first row of 1 to 4 that the total and the other rows would prove non-zero (+1: a row to move up
    helps) or leave with fewer than three values (-1: a row to move down helps), as (row, direction)."""
    total_low, total_high = bounds(total)
    lows, highs = zip(*(bounds(s) if t else (0, 0) for t, s in zip(truths, shown, strict=True)), strict=True)
    all_low, all_high = sum(lows), sum(highs)
    for i, t in enumerate(truths):
        if not 1 <= t <= BASE - 1:
            continue
        low = max(0, total_low - (all_high - highs[i]))
        high = min(highs[i], total_high - (all_low - lows[i]))
        if low >= 1:
            return i, 1
        if high - low < 2:
            return i, -1
    return None


def protect_rows(truths: list[int], shown: list[int], total: int) -> list[int]:
    """Rows that add up to their total, published beside it: where the total and the most (or the least) the
    other rows can stand for would prove a row of 1 to 4 non-zero, or leave it fewer than three values, other
    rows are moved to their other rounding (always one ``round_count`` could give for their count) until none
    is. Rows of 0 count for 0, as a reader who knows who is absent would take them."""
    shown = list(shown)
    for _ in range(2 * len(shown)):
        found = _exposed(truths, shown, total)
        if found is None:
            break
        row, direction = found
        moves = []
        for j, (t, s) in enumerate(zip(truths, shown, strict=True)):
            if j == row or t < BASE:
                continue
            options = [c for c in _choices(t) if (c - s) * direction > 0]
            if options:
                target = min(options) if direction > 0 else max(options)
                moves.append((abs(target - t), j, target))
        if not moves:
            break
        _error, j, target = min(moves)
        shown[j] = target
    return shown
