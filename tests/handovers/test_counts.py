"""The figures: each country's handovers sent and received (published through the disclosure control), and
the region's people assisted counting a handed-over person once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from dashboards import figures, published, rollups
from handovers import services

pytestmark = pytest.mark.django_db

CODES = ["people_assisted", "handovers_sent", "handovers_received"]


def _period():
    today = timezone.localdate()
    return today - timedelta(days=3), today + timedelta(days=3)


def test_a_handed_over_person_counts_once_in_the_region_and_once_in_each_country(send, staff_gt, hn, gt):
    handover = send()
    case = services.accept(handover=handover, by=staff_gt)
    assert case.person_id != handover.person_id  # a record in each country
    rollups.rebuild()
    start, end = _period()
    assert figures.totals(CODES, [hn.pk], start, end) == {
        "people_assisted": 1,
        "handovers_sent": 1,
        "handovers_received": 0,
    }
    assert figures.totals(CODES, [gt.pk], start, end) == {
        "people_assisted": 1,
        "handovers_sent": 0,
        "handovers_received": 1,
    }
    region = figures.totals(CODES, None, start, end)
    assert region["people_assisted"] == 1  # two records, two countries, one person
    assert region["handovers_sent"] == region["handovers_received"] == 1


def test_without_the_handover_the_same_two_records_count_twice(send, staff_gt, hn, gt, window_gt):
    """The control: the count-once comes from the handover's link, not from the data."""
    from tests.cases.factories import make_case, make_person

    send()  # pending: nothing received, no link
    make_case(
        window_gt,
        staff_gt,
        person=make_person(window_gt, staff_gt, given_names="Ana Lucía", family_names="Reyes Canario"),
    )
    rollups.rebuild()
    start, end = _period()
    assert figures.totals(["people_assisted"], None, start, end)["people_assisted"] == 2


def test_the_refresh_after_an_acceptance_updates_both_countries(send, staff_gt, hn, gt):
    handover = send()
    rollups.rebuild()
    services.accept(handover=handover, by=staff_gt)
    rollups.refresh_changed()
    start, end = _period()
    assert figures.totals(CODES, [gt.pk], start, end)["handovers_received"] == 1
    assert figures.totals(CODES, None, start, end)["people_assisted"] == 1


def test_published_handover_counts_go_through_the_disclosure_control(send, staff_gt, hn, gt):
    services.accept(handover=send(), by=staff_gt)
    rollups.rebuild()
    start = timezone.localdate(timezone=hn.zoneinfo).replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1)
    assert figures.totals(["handovers_sent"], [hn.pk], start, end)["handovers_sent"] == 1
    # one handover is a count below five: published as 0, like every small count
    assert published.totals(["handovers_sent", "handovers_received"], [hn.pk], start, end) == {
        "handovers_sent": 0,
        "handovers_received": 0,
    }
