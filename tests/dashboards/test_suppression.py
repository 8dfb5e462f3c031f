"""Disclosure control: consistent random rounding to base 5 (see docs/disclosure-control.md)."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import override_settings

from dashboards.suppression import bounds, cell_key, processing_figure, round_count

KEY = cell_key("consultations", "c1", "sex", "female")


def test_every_count_from_ten_becomes_a_multiple_of_five_next_to_it():
    for value in range(10, 60):
        for n in range(20):
            shown = round_count(value, cell_key("consultations", f"c{n}"))
            assert shown % 5 == 0 and abs(shown - value) < 5


def test_zero_and_multiples_of_five_from_ten_are_shown_as_they_are():
    assert [round_count(v, KEY) for v in (0, 10, 15, 125)] == [0, 10, 15, 125]


def test_a_count_from_five_to_nine_is_now_and_then_shown_as_zero():
    # So that a 0 may stand for up to nine: rows that all show 0 beside a total of 5 or more then prove
    # nothing about any one row (tests/dashboards/test_attacker.py).
    keys = [cell_key("regularized", f"c{n}") for n in range(2000)]
    for value in range(5, 10):
        shown = [round_count(value, k) for k in keys]
        assert set(shown) <= {0, 5, 10}
        assert 0.07 < shown.count(0) / len(shown) < 0.13, value
        assert abs(sum(shown) / len(shown) - value) < 0.4, value


def test_the_same_cell_always_rounds_the_same_way():
    assert len({round_count(13, KEY) for _ in range(50)}) == 1


def test_a_count_from_one_to_four_is_never_shown_as_five():
    # A 5 for a 1 would prove "at least one"; added to other figures of the same people it gave the count
    # back (tests/dashboards/test_attacker.py). Every count below 5 is shown as 0, in every cell.
    keys = [cell_key("regularized", f"c{n}") for n in range(400)]
    for value in range(0, 5):
        assert {round_count(value, k) for k in keys} == {0}


def test_counts_from_six_to_eight_round_every_way():
    keys = [cell_key("regularized", f"c{n}") for n in range(400)]
    for value in range(6, 9):
        assert {round_count(value, k) for k in keys} == {0, 5, 10}


def test_rounding_from_five_on_pushes_neither_up_nor_down_on_average():
    keys = [cell_key("consultations", f"c{n}") for n in range(2000)]
    mean = sum(round_count(13, k) for k in keys) / len(keys)
    assert 12.6 < mean < 13.4


def test_the_direction_depends_on_the_secret_key():
    keys = [cell_key("consultations", f"c{n}") for n in range(64)]
    first = [round_count(12, k) for k in keys]
    with override_settings(SECRET_KEY="another secret entirely"):
        assert [round_count(12, k) for k in keys] != first


def test_what_a_published_count_can_stand_for():
    assert bounds(0) == (0, 9)
    assert bounds(5) == (5, 9)
    assert bounds(10) == (5, 14)
    assert bounds(15) == (11, 19)
    assert bounds(20) == (16, 24)


def test_processing_times_need_ten_decisions():
    assert processing_figure(30.0, 9) is None
    assert processing_figure(30.0, 10) == 30.0


def test_a_period_off_the_month_grid_is_never_rounded_on_its_own(world, cr):
    """Days swept one at a time would move a figure exactly when the count moves: off the grid, published
    figures refuse to be asked at all."""
    from datetime import timedelta

    from dashboards import published

    for k in range(1, 28):
        with pytest.raises(ValueError):
            published.totals(["consultations"], [cr.pk], date(2025, 2, 1) + timedelta(days=k), date(2025, 3, 20))


def test_a_run_of_months_is_the_sum_of_its_grid_pieces(world, cr):
    """A run is cut into the fewest grid periods (whole years, then quarters, then months), and publishes the
    sum of their published figures: January to June is the first two quarters added up."""
    from dashboards import periods, published

    assert periods.pieces(date(2025, 2, 1), date(2025, 6, 1)) == [
        (date(2025, 2, 1), date(2025, 3, 1)), (date(2025, 3, 1), date(2025, 4, 1)),
        (date(2025, 4, 1), date(2025, 5, 1)), (date(2025, 5, 1), date(2025, 6, 1))]  # fmt: skip
    assert periods.pieces(date(2024, 12, 1), date(2026, 2, 1)) == [
        (date(2024, 12, 1), date(2025, 1, 1)), (date(2025, 1, 1), date(2026, 1, 1)),
        (date(2026, 1, 1), date(2026, 2, 1))]  # fmt: skip
    codes = ["consultations", "people_assisted", "beneficiaries", "processing_median", "referral_rate"]
    run = published.totals(codes, [cr.pk], date(2025, 1, 1), date(2025, 7, 1))
    halves = [published.totals(codes, [cr.pk], date(2025, m, 1), date(2025, m + 3, 1)) for m in (1, 4)]
    for code in ("consultations", "people_assisted", "beneficiaries"):
        assert run[code] == sum(h[code] for h in halves)
    assert run["processing_median"] is None  # times are published for a month, a quarter or a year only


def test_months_quarters_and_years_stay_within_the_error_the_doc_states(world, cr, pa):
    """docs/disclosure-control.md: a grid period's count is at most 4 from the truth, or at most 9 for a count
    from 5 to 9 (shown as 0 one time in ten)."""
    from dashboards import figures, indicators, periods, published

    codes = [code for code, i in indicators.INDICATORS.items() if i.kind in (indicators.COUNT, indicators.UNIQUE)]
    spans = [periods.containing(kind, date(2025, m, 1)) for kind in ("month", "quarter", "year") for m in range(1, 13)]
    compared = 0
    for place in ([cr.pk], [pa.pk], None):
        for span in set(spans):
            true = figures.totals(codes, place, span.start, span.end)
            shown = published.totals(codes, place, span.start, span.end)
            for code in codes:
                allowed = 9 if 5 <= true[code] <= 9 else 4
                assert abs(shown[code] - true[code]) <= allowed, (code, place, span, true[code], shown[code])
                compared += 1
    assert compared > 500


def test_rows_beside_their_total_are_moved_until_no_small_row_is_proved_there():
    from dashboards.suppression import protect_rows

    # 4 women and 14 men, 18 in all: the total shown as 20 (16 or more) beside men shown as 10 (14 at most)
    # would prove at least two women. The men's other rounding (15) leaves the women's row open.
    assert protect_rows([4, 14], [0, 10], 20) == [0, 15]
    # Two small rows beside a total of 5: a 0 may stand for up to nine, so nothing is proved and nothing moves.
    assert protect_rows([3, 4], [0, 0], 5) == [0, 0]
    # A row is only ever moved to a figure its own count could round to.
    assert protect_rows([4, 15], [0, 15], 20) == [0, 15]
