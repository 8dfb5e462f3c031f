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


def _approve(process, by, on):
    from cases import services as case_services

    for item in process.checklist.filter(required=True):
        case_services.set_checklist_status(item=item, status="received", by=by)
    for stage in ("documents_complete", "submitted", "approved"):
        case_services.move_process(process=process, to=stage, by=by, on=on, permit_type="Residencia temporal")


def test_a_person_approved_in_two_countries_is_regularized_once_in_the_region(
    send, file_hn, staff_hn, staff_gt, hn, gt
):
    """Approved in Honduras, handed over, approved again in Guatemala: each country counts its approval, the
    region one person."""
    from cases import services as case_services
    from tests.cases.factories import PathwayFactory

    today = timezone.localdate()
    _approve(file_hn["process"], staff_hn, today)
    handover = send()
    case = services.accept(handover=handover, by=staff_gt)
    process = case_services.start_process(case=case, pathway=PathwayFactory(country=gt), by=staff_gt)
    _approve(process, staff_gt, today)
    rollups.rebuild()
    start, end = _period()
    assert figures.totals(["regularized"], [hn.pk], start, end)["regularized"] == 1
    assert figures.totals(["regularized"], [gt.pk], start, end)["regularized"] == 1
    assert figures.grouped(["regularized"], None, start, end, by="country")["regularized"] == {
        str(hn.pk): 1,
        str(gt.pk): 1,
    }
    assert figures.totals(["regularized"], None, start, end)["regularized"] == 1
    # the whole month, read from the per-period table as the regional dashboard reads it
    month = today.replace(day=1)
    after = (month + timedelta(days=32)).replace(day=1)
    assert figures.totals(["regularized"], None, month, after)["regularized"] == 1
    assert figures.totals(["regularized"], [gt.pk], month, after)["regularized"] == 1


def test_the_refresh_after_a_second_approval_equals_a_rebuild(send, file_hn, staff_hn, staff_gt, hn, gt):
    """The region's people regularized kept slice by slice stay exact when a handed-over person is approved
    again in the receiving country."""
    from cases import services as case_services
    from tests.cases.factories import PathwayFactory
    from tests.dashboards.test_rollups import snapshot

    today = timezone.localdate()
    _approve(file_hn["process"], staff_hn, today)
    handover = send()
    rollups.rebuild()
    case = services.accept(handover=handover, by=staff_gt)
    rollups.refresh_changed()
    process = case_services.start_process(case=case, pathway=PathwayFactory(country=gt), by=staff_gt)
    _approve(process, staff_gt, today)
    rollups.refresh_changed()
    start, end = _period()
    assert figures.totals(["regularized"], None, start, end)["regularized"] == 1
    incremental = snapshot()
    rollups.rebuild()
    assert snapshot() == incremental
