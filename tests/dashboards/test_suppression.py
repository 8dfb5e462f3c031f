"""Disclosure control: consistent random rounding to base 5 (see docs/disclosure-control.md)."""

from __future__ import annotations

from datetime import date

from django.test import override_settings

from dashboards.suppression import bounds, cell_key, processing_figure, round_count

KEY = cell_key("consultations", "c1", "sex", "female")


def test_every_count_becomes_a_multiple_of_five_next_to_it():
    for value in range(5, 60):
        for n in range(20):
            shown = round_count(value, cell_key("consultations", f"c{n}"))
            assert shown % 5 == 0 and abs(shown - value) < 5


def test_zero_and_multiples_of_five_are_shown_as_they_are():
    assert [round_count(v, KEY) for v in (0, 5, 10, 125)] == [0, 5, 10, 125]


def test_the_same_cell_always_rounds_the_same_way():
    assert len({round_count(13, KEY) for _ in range(50)}) == 1


def test_a_count_from_one_to_four_is_never_shown_as_five():
    # A 5 for a 1 would prove "at least one"; added to other figures of the same people it gave the count
    # back (tests/dashboards/test_attacker.py). Every count below 5 is shown as 0, in every cell.
    keys = [cell_key("regularized", f"c{n}") for n in range(400)]
    for value in range(0, 5):
        assert {round_count(value, k) for k in keys} == {0}


def test_counts_from_six_to_nine_round_both_ways():
    keys = [cell_key("regularized", f"c{n}") for n in range(400)]
    for value in range(6, 10):
        assert {round_count(value, k) for k in keys} == {5, 10}


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
    assert bounds(0) == (0, 4)
    assert bounds(5) == (5, 9)
    assert bounds(10) == (6, 14)
    assert bounds(20) == (16, 24)


def test_processing_times_need_ten_decisions():
    assert processing_figure(30.0, 9) is None
    assert processing_figure(30.0, 10) == 30.0


def test_periods_that_differ_only_by_days_without_events_publish_one_figure(world, cr):
    """Costa Rica's 7 March consultations, asked for through 30 custom periods that start on each day of
    February (when nothing happened): one rounding, the same figure 30 times. Were each period its own draw,
    7 would come out as 5 about 18 times and as 10 about 12 times, and the share would give the 7 back."""
    from datetime import timedelta

    from dashboards import published

    shown = {
        published.totals(["consultations"], [cr.pk], date(2025, 2, 1) + timedelta(days=k), date(2025, 3, 20))[
            "consultations"
        ]
        for k in range(30)
    }
    assert len(shown) == 1 and shown <= {5, 10}
