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
    of its breakdowns and weeks): the relations are followed across the table, then chains across relations are
    guarded over the whole table (``_protect_chains``). Cells that count the same people by construction publish
    one figure (``_twins``). The result depends on the counts and keys alone, so the same table gives the same
    figures wherever it is computed."""
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

    twins = _twins(truths, table)
    shown = {cell: round_count(value, keys[min(twins.get(cell, (cell,)))]) for cell, value in truths.items()}

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
            for twin in twins.get(cell, (cell,)):
                shown[twin] = target
            candidates.append((around(cell), abs(target - truths[cell]), order, cell, target))
            for twin in twins.get(cell, (cell,)):
                shown[twin] = before
        if not candidates:
            continue
        _left, _error, _order, cell, target = min(candidates, key=lambda c: c[:3])
        for twin in twins.get(cell, (cell,)):
            shown[twin] = target
        moves_left -= 1
        for i in {*(i for twin in twins.get(cell, (cell,)) for i in touching[twin]), index}:
            if i not in queued:
                queued.add(i)
                pending.append(i)
    _protect_chains(truths, shown, table, twins)
    return shown


def _twins(truths: dict, table: list) -> dict:
    """Cells that count the same people by construction: a whole with one part that holds anybody (the region
    and the one country where a window or a nationality is seen, a quarter and its one busy month). A reader
    knows they are equal, so they publish one figure and move together: two roundings of one count would
    narrow it, and moving one without the other would prove nothing new. {cell: sorted tuple of its twins}
    for the cells that have any."""
    parent: dict = {}

    def root(cell):
        while parent.get(cell, cell) != cell:
            cell = parent[cell]
        return cell

    for whole, parts, _kind in table:
        busy = [p for p in parts if truths.get(p, 0)]
        if len(busy) == 1 and truths[whole]:
            a, b = root(whole), root(busy[0])
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict = {}
    for cell in parent:
        groups.setdefault(root(cell), []).append(cell)
    found = {}
    for top, members in groups.items():
        together = tuple(sorted({top, *members}))
        for cell in together:
            found[cell] = together
    return found


class _Chains:
    """The table of ``protect_table`` in numbers (cells by position, relations as (whole, parts, exact)), with
    what a reader can work out of every cell from all the relations together: the narrowest [low, high] that
    bounds propagation reaches, starting from what each published figure stands for (and 0 for a cell that
    holds nobody, as a reader who knows who is absent would take it)."""

    def __init__(self, truths: dict, shown: dict, table: list, twins: dict) -> None:
        self.cells = sorted(truths)
        position = {cell: i for i, cell in enumerate(self.cells)}
        self.twins = {position[cell]: [position[t] for t in together] for cell, together in twins.items()}
        self.truth = [truths[cell] for cell in self.cells]
        self.figure = [shown[cell] for cell in self.cells]
        self.relations = [(position[w], [position[p] for p in parts], kind == EXACT) for w, parts, kind in table]
        self.touching: list[list[int]] = [[] for _cell in self.cells]
        for r, (whole, parts, _exact) in enumerate(self.relations):
            for cell in (whole, *parts):
                self.touching[cell].append(r)
        self.small = [i for i, t in enumerate(self.truth) if 1 <= t <= BASE - 1]
        self.low: list[int] = []
        self.high: list[int] = []
        self.settle()

    def start(self, cell: int, figure: int) -> tuple[int, int]:
        return bounds(figure) if self.truth[cell] else (0, 0)

    def settle(self) -> None:
        """Propagate over the whole table from the published figures."""
        starts = [self.start(i, f) for i, f in enumerate(self.figure)]
        self.low = [low for low, _high in starts]
        self.high = [high for _low, high in starts]
        _propagate(self.low, self.high, self.relations, self.touching, list(range(len(self.relations))))

    def exposed(self, low=None, high=None) -> list[int]:
        low = self.low if low is None else low
        high = self.high if high is None else high
        return [i for i in self.small if low[i] >= 1 or high[i] - low[i] < 2]

    def proofs(self, exposed: list[int], low=None, high=None, within=None) -> int:
        """How many relations, each on its own with what the reader can work out of the other cells, prove an
        exposed cell non-zero or leave it fewer than three values: a move that breaks one of several such
        proofs is progress even before the cell is free."""
        low = self.low if low is None else low
        high = self.high if high is None else high
        found = 0
        for cell in exposed:
            for r in self.touching[cell]:
                if within is not None and r not in within:
                    continue
                whole, parts, exact = self.relations[r]
                if cell == whole:
                    found += exact and sum(low[p] for p in parts) >= 1
                    continue
                others_high = sum(high[p] for p in parts if p != cell)
                others_low = sum(low[p] for p in parts if p != cell)
                least = low[whole] - others_high
                most = high[whole] - others_low if exact else high[whole]
                found += least >= 1 or most - max(least, 0) < 2
        return found

    def state(self) -> tuple[int, int]:
        exposed = self.exposed()
        return len(exposed), self.proofs(exposed)

    def around(self, target: int, hops: int) -> list[int]:
        """The cells of 5 or more that share a relation with ``target`` (``hops`` 2: or with one of those)."""
        seen, frontier, found = {target}, [target], []
        for _hop in range(hops):
            following = []
            for cell in frontier:
                for r in self.touching[cell]:
                    whole, parts, _exact = self.relations[r]
                    for other in (whole, *parts):
                        if other not in seen:
                            seen.add(other)
                            following.append(other)
                            if self.truth[other] >= BASE:
                                found.append(other)
            frontier = following
        return found

    def together(self, cell: int) -> list[int]:
        return self.twins.get(cell, [cell])

    def move(self, cell: int, figure: int) -> None:
        for twin in self.together(cell):
            self.figure[twin] = figure

    def local_score(self, moved: int, figure: int, target: int) -> tuple[int, int]:
        """An estimate of a move's effect, from the relations near it and near the target alone: the cells
        there that the reader worked out from others start again from their own figures, the cells on the
        edge keep what the whole table gives them, and bounds are propagated over those relations only."""
        within = set(self.touching[target])
        group = self.together(moved)
        for r in {r for twin in group for r in self.touching[twin]}:
            within.add(r)
            whole, parts, _exact = self.relations[r]
            for cell in (whole, *parts):
                within.update(self.touching[cell])
        inside = set()
        for r in within:
            whole, parts, _exact = self.relations[r]
            inside.add(whole)
            inside.update(parts)
        low, high = _Overlay(self.low), _Overlay(self.high)
        for cell in inside:
            if cell in group or all(r in within for r in self.touching[cell]):
                low[cell], high[cell] = self.start(cell, figure if cell in group else self.figure[cell])
        _propagate(low, high, self.relations, self.touching, sorted(within), within)
        exposed = [i for i in inside if 1 <= self.truth[i] <= BASE - 1 and (low[i] >= 1 or high[i] - low[i] < 2)]
        return len(exposed), self.proofs(exposed, low, high, within)


class _Overlay(dict):
    """Changes to a list of bounds, kept apart from it (a move weighed, not made)."""

    def __init__(self, base: list[int]) -> None:
        super().__init__()
        self.base = base

    def __missing__(self, cell: int) -> int:
        return self.base[cell]


def _propagate(low, high, relations: list, touching: list, pending: list, within: set | None = None) -> None:
    """Narrow ``low`` and ``high`` in place until no relation narrows them further: a whole is the sum of its
    parts (exact), or at least each of them and at most their sum (cover); a part is what the whole leaves
    after the others. ``within``: follow only those relations."""
    queued = set(pending)
    while pending:
        r = pending.pop()
        queued.discard(r)
        whole, parts, exact = relations[r]
        all_low = all_high = most_low = 0
        for p in parts:
            all_low += low[p]
            all_high += high[p]
            if low[p] > most_low:
                most_low = low[p]
        whole_low = max(low[whole], all_low if exact else most_low)
        whole_high = min(high[whole], all_high)
        changed = []
        if whole_low != low[whole] or whole_high != high[whole]:
            low[whole], high[whole] = whole_low, whole_high
            changed.append(whole)
        for p in parts:
            p_low, p_high = low[p], high[p]
            new_low = max(p_low, whole_low - (all_high - p_high))
            new_high = min(p_high, whole_high - (all_low - p_low)) if exact else min(p_high, whole_high)
            if new_low != p_low or new_high != p_high:
                low[p], high[p] = new_low, new_high
                changed.append(p)
        for cell in changed:
            for following in touching[cell]:
                if following not in queued and (within is None or following in within):
                    queued.add(following)
                    pending.append(following)


# How many of the moves a local estimate ranks best are weighed over the whole table.
CHAIN_GUARD_WEIGHED = 4


def _protect_chains(truths: dict, shown: dict, table: list, twins: dict) -> None:
    """Chains across relations (a country's week beside its month and the region's week, the region's month
    beside the other country's month and its weeks): while bounds propagated over the whole table prove a cell
    of 1 to 4 non-zero or leave it fewer than three values, a cell of 5 or more that shares a relation with it
    is moved to another figure its count may round to: the move that leaves the fewest such cells, then the
    fewest relations proving them. Moves are first ranked by their effect near them (``local_score``); the
    best few are weighed over the whole table, and one is made only if the whole table is better for it, or
    as good while it frees the cell sought (a sideways step out of a dead end, never back to figures the
    table already had). A cell no move helps is left as it is."""
    chains = _Chains(truths, shown, table, twins)
    count, proofs = chains.state()
    exposed = chains.exposed()
    given_up: set = set()
    reach: dict = {}  # how far from each exposed cell moves are sought: its relations, then theirs
    visited = {tuple(chains.figure)}
    for _attempt in range(8 * len(exposed) + 8):
        targets = [c for c in exposed if c not in given_up]
        if not targets:
            break
        target = targets[0]
        hops = reach.setdefault(target, 1)
        ranked = []
        seen = set()
        for order, cell in enumerate(chains.around(target, hops)):
            if chains.together(cell)[0] in seen:
                continue
            seen.add(chains.together(cell)[0])
            before = chains.figure[cell]
            for option in _choices(chains.truth[cell]):
                if option != before:
                    score = chains.local_score(cell, option, target)
                    ranked.append((score, abs(option - chains.truth[cell]), order, cell, option))
        ranked.sort()
        settled = chains.low, chains.high
        best = None
        # The few best ranked first; a cell still exposed two relations away has every move near it weighed.
        stages = [ranked[:CHAIN_GUARD_WEIGHED]] if hops == 1 else [ranked[: CHAIN_GUARD_WEIGHED * 2]]
        stages += [ranked[CHAIN_GUARD_WEIGHED * 2 :]] if hops == 2 else []
        for stage in stages:
            best = _weigh(chains, stage, target, (count, proofs), visited)
            if best is not None:
                break
        if best is None:
            if hops == 1:
                reach[target] = 2
            else:
                given_up.add(target)  # no move of a cell near it helps it
            chains.low, chains.high = settled
            continue
        chains.move(best[1], best[2])
        visited.add(tuple(chains.figure))
        chains.settle()
        count, proofs = chains.state()
        exposed = chains.exposed()
    for cell, figure in zip(chains.cells, chains.figure, strict=True):
        shown[cell] = figure


def _weigh(chains: _Chains, moves: list, target: int, now: tuple[int, int], visited: set):
    """The best of ``moves`` over the whole table: one that leaves fewer exposed cells (or as many, fewer
    proofs), else one that frees ``target`` without leaving more and reaches figures not had before; None
    when no move does either. The chains' bounds are left as the last move weighed made them."""
    best = sideways = None
    for _score, error, order, cell, option in moves:
        before = chains.figure[cell]
        chains.move(cell, option)
        chains.settle()
        score = (*chains.state(), error, order)
        frees = score[:2] <= now and target not in chains.exposed()
        if frees and tuple(chains.figure) not in visited and (sideways is None or score < sideways[0]):
            sideways = (score, cell, option)
        chains.move(cell, before)
        if score[:2] < now and (best is None or score < best[0]):
            best = (score, cell, option)
    return best or sideways
