"""The year's table of published counts, chosen together (dashboards/published.py, ``protect_table``): it reads
the counts every page reads, and no cell beside the cells it adds up from or to proves a small count non-zero."""

from __future__ import annotations

import pytest

from dashboards import figures, indicators, published, suppression
from dashboards.suppression import bounds, protect_table
from ventanillas.models import Country

from .conftest import YEAR

pytestmark = pytest.mark.django_db


def _ids(place: str) -> list[int]:
    if place == "all":
        return list(Country.objects.values_list("pk", flat=True))
    return [int(place[1:])]


def test_the_years_table_holds_the_counts_each_page_reads(small_world):
    places = ["all", *(f"c{pk}" for pk in Country.objects.values_list("pk", flat=True))]
    compared = 0
    for indicator in indicators.counted():
        table = published._year_counts(indicator.code, YEAR)
        for start, end in published._grid_of_year(YEAR):
            for place in places:
                for dim in ("", "window", *indicator.dimensions):
                    if indicator.kind == indicators.UNIQUE and (place, dim) == ("all", "window"):
                        continue  # not in the table: people seen at no window are counted in the region only
                    read = figures.grouped([indicator.code], _ids(place), start, end, by=dim)[indicator.code]
                    mine = {g: n for (p, a, b, d, g), n in table.items() if (p, a, b, d) == (place, start, end, dim)}
                    assert {g: n for g, n in read.items() if n} == mine, (indicator.code, place, start, dim)
                    compared += len(mine)
    assert compared > 1000


def test_a_region_beside_its_countries_proves_no_small_count():
    # Region 16 (shown 15 or 20), a country of 12 (10 or 15), another of 4 (always 0): were the region 20 and
    # the first country 10, the second would hold at least 16 - 14 = 2.
    truths = {"all": 16, "a": 12, "b": 4}
    for n in range(200):
        keys = {cell: f"k{n}|{cell}" for cell in truths}
        shown = protect_table(truths, keys, [("all", ["a", "b"])])
        region_low = bounds(shown["all"])[0]
        assert region_low - bounds(shown["a"])[1] < 1, shown
        for cell, value in shown.items():
            assert value in suppression._choices(truths[cell])


def test_a_cell_moved_in_one_relation_is_seen_by_the_others():
    # A year of four quarters and a country's rows: every relation holds at once, whatever the draws.
    truths = {"Y": 33, "Q1": 3, "Q2": 11, "Q3": 12, "Q4": 7, "Q2a": 2, "Q2b": 9}
    relations = [("Y", ["Q1", "Q2", "Q3", "Q4"]), ("Q2", ["Q2a", "Q2b"])]
    for n in range(300):
        keys = {cell: f"k{n}|{cell}" for cell in truths}
        shown = protect_table(truths, keys, relations)
        for whole, parts in relations:
            assert not suppression._exposures(truths, shown, whole, parts, suppression.EXACT), (n, shown)


def test_the_years_table_stays_within_the_rounding_error(small_world):
    """Every figure of the table is one its own count could round to (a count of 10 or more within 4, 5 to 9
    within 9, 1 to 4 always 0); the cells moved to protect others are few and pull the figures little."""
    errors, moved, cells = [], 0, 0
    for indicator in indicators.counted():
        truths = published._year_counts(indicator.code, YEAR)
        changed = published._protect_year(indicator.code, YEAR)
        for cell, count in truths.items():
            key = published._key_of(indicator.code, cell)
            figure = changed[cell][1] if cell in changed else suppression.round_count(count, key)
            assert figure in suppression._choices(count), (indicator.code, cell, count, figure)
            cells += 1
            moved += cell in changed
            if count >= 10:
                errors.append(figure - count)
    mean = sum(abs(e) for e in errors) / len(errors)
    bias = sum(errors) / len(errors)
    print(f"{cells} cells, {moved} moved; counts of 10 or more: {len(errors)}, mean error {mean:.2f}, bias {bias:+.2f}")
    assert moved < cells / 10
    assert max(abs(e) for e in errors) <= 4
