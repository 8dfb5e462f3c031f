"""Disclosure control: every count that leaves the database is rounded here (consistent random rounding to
base 5, a count of 1 to 4 always 0), and processing times under ten decisions are hidden. The method, its
reasoning and its protection level: docs/disclosure-control.md."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings

BASE = 5
MIN_PROCESSING_SAMPLE = 10
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
    """A count rounded to base 5, the same way every time for the same cell and count. A count below 5 is
    always 0: no published figure may prove that a small count is not zero."""
    value = int(value or 0)
    if value < BASE:
        return 0
    low, remainder = divmod(value, BASE)
    if remainder == 0:
        return value
    up = _draw(key, value) < remainder / BASE
    return BASE * (low + 1) if up else BASE * low


def processing_figure(value: float | None, sample: int) -> float | None:
    """A median or percentile of processing days, or None (hidden) when fewer than ten processes back it."""
    if value is None or sample < MIN_PROCESSING_SAMPLE:
        return None
    return value


def is_hidden(cell: Cell) -> bool:
    return cell is None


def bounds(published: int) -> tuple[int, int]:
    """The true counts a published count may stand for (what an attacker knows from the method): 0 for 0 to
    4, 5 for 5 to 9 (a small count is never shown as 5), any other p for p - 4 to p + 4."""
    if published == 0:
        return 0, BASE - 1
    if published == BASE:
        return BASE, 2 * BASE - 1
    return published - (BASE - 1), published + BASE - 1
