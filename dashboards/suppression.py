"""Disclosure control: every count that leaves the database is rounded here (consistent random rounding to
base 5, a count of 1 to 4 always 0, one of 5 to 9 now and then 0), cells that add up are chosen together
(``protect_rows``, ``protect_table``), and processing times under ten decisions are hidden. The method, its
reasoning and its protection level: docs/disclosure-control.md."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Hashable, Iterable
from typing import Any

from django.conf import settings

BASE = 5
MIN_PROCESSING_SAMPLE = 10
# The share of counts from 5 to 9 shown as 0 (at most 0.1 keeps a count of 9 unbiased).
ZERO_SHARE = 0.1
# The chain guard (``_protect_chains``) propagates bounds over the whole table for every move it weighs: its
# cost grows with the table faster than the table (89 s of processor time for the demo's year of 1,900-cell
# tables). Tables of more cells get the per-relation guard only; the limit depends on the table alone, so
# every page, export and report still computes the same figures.
CHAIN_GUARD_MAX_CELLS = 1000
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


# A relation between published cells: (the whole, its parts). ``protect_table`` works out from the counts
# whether the parts add up to the whole exactly (each person or event in one part) or cover it (the whole is
# at most their sum: people counted once in a quarter and in each of its months).
Relation = tuple[Hashable, list[Hashable]]
EXACT, COVER = "exact", "cover"


def _relation_kind(truths: dict, whole: Hashable, parts: list[Hashable]) -> str:
    total, summed = truths.get(whole, 0), sum(truths.get(p, 0) for p in parts)
    if summed == total:
        return EXACT
    return COVER if total <= summed else ""


def _exposures(truths: dict, shown: dict, whole: Hashable, parts: list[Hashable], kind: str) -> list[tuple]:
    """Each part of 1 to 4 that the whole and the other parts would prove non-zero (+1: a part moved up or the
    whole moved down helps) or leave fewer than three values (-1: the other way), as (part, direction)."""
    small = [p for p in parts if 1 <= truths.get(p, 0) <= BASE - 1]
    if not small:
        return []
    whole_low, whole_high = bounds(shown[whole])
    span = {p: bounds(shown[p]) if truths.get(p, 0) else (0, 0) for p in parts}
    all_low = sum(low for low, _high in span.values())
    all_high = sum(high for _low, high in span.values())
    found = []
    for p in small:
        p_low, p_high = span[p]
        low = max(0, whole_low - (all_high - p_high))
        high = min(p_high, whole_high - (all_low - p_low)) if kind == EXACT else min(p_high, whole_high)
        if low >= 1:
            found.append((p, 1))
        elif high - low < 2:
            found.append((p, -1))
    return found


def protect_table(truths: dict, keys: dict, relations: Iterable[Relation]) -> dict:
    """Published figures of cells that add up to one another, chosen together: {cell: figure} for every cell of
    ``truths`` (its true count; ``keys`` its ``cell_key``).

    Every cell starts at ``round_count``. Where, in one relation, the whole and the other parts would prove a
    part of 1 to 4 non-zero or leave it fewer than three values, a cell of 5 or more of that relation (another
    part, or the whole) is moved to its other rounding, the move that leaves the fewest such exposures in all the
    relations of the moved cell, until none is left (or no move helps). A cell is the part of several relations
    and the whole of others (a country's month is a part of the region's month, of its quarter, and the whole
    of its breakdowns and weeks): the relations are followed across the table. The result depends on the counts
    and keys alone, so the same table gives the same figures wherever it is computed."""
    shown = {cell: round_count(value, keys[cell]) for cell, value in truths.items()}
    table: list[tuple[Hashable, list[Hashable], str]] = []
    touching: dict[Hashable, list[int]] = {}
    for whole, parts in relations:
        parts = [p for p in parts if p in truths]
        if whole not in truths or not parts:
            continue
        kind = _relation_kind(truths, whole, parts)
        if not kind:
            continue
        table.append((whole, parts, kind))
        for cell in (whole, *parts):
            touching.setdefault(cell, []).append(len(table) - 1)

    def exposed_in(index: int) -> list[tuple]:
        whole, parts, kind = table[index]
        return _exposures(truths, shown, whole, parts, kind)

    def around(cell) -> int:
        return sum(len(exposed_in(i)) for i in touching.get(cell, ()))

    pending = list(range(len(table)))
    queued = set(pending)
    moves_left = 4 * len(table) + 16
    while pending and moves_left > 0:
        index = pending.pop()
        queued.discard(index)
        found = exposed_in(index)
        if not found:
            continue
        part, direction = found[0]
        whole, parts, _kind = table[index]
        candidates = []
        for order, cell in enumerate((whole, *parts)):
            if cell == part or truths[cell] < BASE:
                continue
            step = -direction if cell == whole else direction
            options = [c for c in _choices(truths[cell]) if (c - shown[cell]) * step > 0]
            if not options:
                continue
            target = min(options) if step > 0 else max(options)
            before = shown[cell]
            shown[cell] = target
            candidates.append((around(cell), abs(target - truths[cell]), order, cell, target))
            shown[cell] = before
        if not candidates:
            continue
        _left, _error, _order, cell, target = min(candidates, key=lambda c: c[:3])
        shown[cell] = target
        moves_left -= 1
        for i in (*touching[cell], index):
            if i not in queued:
                queued.add(i)
                pending.append(i)
    if len(truths) <= CHAIN_GUARD_MAX_CELLS:
        _protect_chains(truths, shown, table, touching)
    return shown


def _narrowed(truths: dict, shown: dict, table: list, touching: dict) -> dict:
    """What a reader can work out of every cell from all the relations together: the narrowest [low, high] that
    bounds propagation reaches, starting from what each published figure stands for (and 0 for a cell that
    holds nobody, as a reader who knows who is absent would take it)."""
    known = {cell: bounds(shown[cell]) if truths[cell] else (0, 0) for cell in truths}
    pending = list(range(len(table)))
    queued = set(pending)
    while pending:
        index = pending.pop()
        queued.discard(index)
        whole, parts, kind = table[index]
        all_low = sum(known[p][0] for p in parts)
        all_high = sum(known[p][1] for p in parts)
        whole_low, whole_high = known[whole]
        # The whole is the sum of its parts (exact), or at least each of them (cover).
        whole_low = max(whole_low, all_low if kind == EXACT else max(known[p][0] for p in parts))
        whole_high = min(whole_high, all_high)
        changed = []
        if (whole_low, whole_high) != known[whole]:
            known[whole] = (whole_low, whole_high)
            changed.append(whole)
        for p in parts:
            low, high = known[p]
            new_low = max(low, whole_low - (all_high - high))
            new_high = min(high, whole_high - (all_low - low)) if kind == EXACT else min(high, whole_high)
            if (new_low, new_high) != (low, high):
                known[p] = (new_low, new_high)
                changed.append(p)
        for cell in changed:
            for i in touching.get(cell, ()):
                if i not in queued:
                    queued.add(i)
                    pending.append(i)
    return known


def _exposed_cells(truths: dict, known: dict) -> list:
    return [
        cell for cell, (low, high) in known.items() if 1 <= truths[cell] <= BASE - 1 and (low >= 1 or high - low < 2)
    ]


def _proofs(truths: dict, known: dict, table: list, touching: dict, exposed: list) -> int:
    """How many relations, each on its own with what the reader can work out of the other cells, prove an
    exposed cell non-zero or leave it fewer than three values: a move that breaks one of several such proofs
    is progress even before the cell is free."""
    found = 0
    for cell in exposed:
        for index in touching.get(cell, ()):
            whole, parts, kind = table[index]
            if cell == whole:
                found += kind == EXACT and sum(known[p][0] for p in parts) >= 1
                continue
            others_high = sum(known[p][1] for p in parts if p != cell)
            others_low = sum(known[p][0] for p in parts if p != cell)
            low = known[whole][0] - others_high
            high = known[whole][1] - others_low if kind == EXACT else known[whole][1]
            found += low >= 1 or high - max(low, 0) < 2
    return found


def _protect_chains(truths: dict, shown: dict, table: list, touching: dict) -> None:
    """Chains across relations (a country's week beside its month and the region's week, the region's month
    beside the other country's month and its weeks): while bounds propagated over the whole table prove a cell
    of 1 to 4 non-zero or leave it fewer than three values, a cell of 5 or more that shares a relation with it
    is moved to another figure its count may round to: the move that leaves the fewest such cells, then the
    fewest relations proving them. A cell no move helps is left as it is."""

    def state() -> tuple[int, int, list]:
        known = _narrowed(truths, shown, table, touching)
        exposed = _exposed_cells(truths, known)
        return len(exposed), _proofs(truths, known, table, touching, exposed), exposed

    count, proofs, exposed = state()
    given_up: set = set()
    reach: dict = {}  # how far from each exposed cell moves are sought: its relations, then theirs
    for _attempt in range(8 * len(exposed) + 8):
        targets = [c for c in exposed if c not in given_up]
        if not targets:
            return
        target = targets[0]
        hops = reach.setdefault(target, 1)
        near = _around(truths, table, touching, target, hops)
        best = None
        for order, cell in enumerate(near):
            before = shown[cell]
            for option in _choices(truths[cell]):
                if option == before:
                    continue
                shown[cell] = option
                score = (*state()[:2], abs(option - truths[cell]), order)
                if best is None or score < best[0]:
                    best = (score, cell, option)
            shown[cell] = before
        if best is None or best[0][:2] >= (count, proofs):
            if hops == 1:
                reach[target] = 2
            else:
                given_up.add(target)  # no move of a cell near it helps it
            continue
        shown[best[1]] = best[2]
        count, proofs, exposed = state()


def _around(truths: dict, table: list, touching: dict, target, hops: int) -> list:
    """The cells of 5 or more that share a relation with ``target`` (``hops`` 2: or with one of those)."""
    seen, frontier, found = {target}, [target], []
    for _hop in range(hops):
        following = []
        for cell in frontier:
            for index in touching.get(cell, ()):
                whole, parts, _kind = table[index]
                for other in (whole, *parts):
                    if other not in seen:
                        seen.add(other)
                        following.append(other)
                        if truths[other] >= BASE:
                            found.append(other)
        frontier = following
    return found
