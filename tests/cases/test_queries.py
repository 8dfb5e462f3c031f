"""List pages read a fixed number of queries, however many rows they show (no query per row)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import services
from tests.cases.factories import make_case, make_person

pytestmark = pytest.mark.django_db


def _add_rows(window, staff, pathway, count):
    for i in range(count):
        case = make_case(window, staff, person=make_person(window, staff, given_names=f"Persona{i}"))
        services.start_process(case=case, pathway=pathway, by=staff)
        services.plan_follow_up(case=case, due_on=timezone.localdate(), assigned_to=staff, note="Llamar", by=staff)
        services.log_consultation(window=window, by=staff, data={"date": timezone.localdate(), "topics": ["health"]})


def _queries(client, url, method="get", data=None):
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "name, method, data",
    [
        ("cases:case-list", "get", {"stage": "preparing"}),
        ("cases:consultation-list", "get", None),
        ("cases:tasks", "get", None),
        ("cases:person-search", "post", {"names": "persona"}),
    ],
)
def test_a_list_page_costs_the_same_queries_for_two_rows_as_for_twelve(
    staff_cr_client, window_cr, staff_cr, pathway_cr, name, method, data
):
    _add_rows(window_cr, staff_cr, pathway_cr, 2)
    few = _queries(staff_cr_client, reverse(name), method, data)
    _add_rows(window_cr, staff_cr, pathway_cr, 10)
    many = _queries(staff_cr_client, reverse(name), method, data)
    assert many == few


def test_the_case_list_stays_under_a_fixed_budget(staff_cr_client, window_cr, staff_cr, pathway_cr):
    _add_rows(window_cr, staff_cr, pathway_cr, 25)
    # Session, user, memberships, scope check, filter choices, count, page: 9 today.
    assert _queries(staff_cr_client, reverse("cases:case-list")) <= 10
