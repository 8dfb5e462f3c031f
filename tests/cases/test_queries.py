"""List pages read a fixed number of queries, however many rows they show (no query per row)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import RegularizationProcess
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
def test_a_list_page_costs_the_same_queries_for_five_rows_as_for_fifty(
    staff_cr_client, window_cr, staff_cr, pathway_cr, name, method, data
):
    _add_rows(window_cr, staff_cr, pathway_cr, 5)
    # The first request may also record the session's activity (three queries once a minute): not a row's.
    _queries(staff_cr_client, reverse(name), method, data)
    few = _queries(staff_cr_client, reverse(name), method, data)
    _add_rows(window_cr, staff_cr, pathway_cr, 45)
    many = _queries(staff_cr_client, reverse(name), method, data)
    assert many == few


def test_the_officers_case_list_and_its_pathway_choices_cost_the_same_for_one_pathway_as_for_ten(
    officer_cr_client, window_cr, window_cr2, staff_cr, pathway_cr, cr
):
    from tests.cases.factories import PathwayFactory

    _add_rows(window_cr, staff_cr, pathway_cr, 5)
    url = reverse("cases:case-list")
    few = _queries(officer_cr_client, url, "get", {"pathway": pathway_cr.pk})
    for _n in range(9):
        PathwayFactory(country=cr)
    many = _queries(officer_cr_client, url, "get", {"pathway": pathway_cr.pk})
    assert many == few


def test_a_case_with_two_processes_and_two_vulnerabilities_is_listed_once(
    staff_cr_client, window_cr, staff_cr, pathway_cr
):
    person = make_person(window_cr, staff_cr, given_names="Única", vulnerabilities=["disability", "pregnant"])
    case = make_case(window_cr, staff_cr, person=person)
    services.start_process(case=case, pathway=pathway_cr, by=staff_cr)
    # A second application on the same pathway, written directly (the service allows one at a time).
    RegularizationProcess.objects.create(
        case=case, pathway=pathway_cr, stage="preparing", started_at=timezone.localdate()
    )
    for filters in ({"stage": "preparing"}, {"pathway": pathway_cr.pk}, {"vulnerability": "disability"}):
        page = staff_cr_client.get(reverse("cases:case-list"), filters).context["page"]
        assert [c.pk for c in page] == [case.pk], filters
        assert page.paginator.count == 1
    assert (
        list(staff_cr_client.get(reverse("cases:case-list"), {"vulnerability": "older_person"}).context["page"]) == []
    )


def test_the_case_list_stays_under_a_fixed_budget(staff_cr_client, officer_cr_client, window_cr, staff_cr, pathway_cr):
    _add_rows(window_cr, staff_cr, pathway_cr, 25)
    # Session, user, second factor, memberships, scope check (with whether sample content is loaded), count,
    # the page's case numbers, the page's rows, the filter's choices (pathways, staff): 10.
    _queries(staff_cr_client, reverse("cases:case-list"))
    assert _queries(staff_cr_client, reverse("cases:case-list")) <= 10
    # A pathway chosen is checked against the choices the page lists, not read again; an officer also reads
    # the windows of their country.
    assert _queries(officer_cr_client, reverse("cases:case-list"), "get", {"pathway": pathway_cr.pk}) <= 11


def test_the_person_search_by_name_stays_under_a_fixed_budget(staff_cr_client, window_cr, staff_cr, pathway_cr):
    _add_rows(window_cr, staff_cr, pathway_cr, 5)
    url = reverse("cases:person-search")
    _queries(staff_cr_client, url, "post", {"names": "persona"})
    # Session, user, second factor, memberships, scope check (with whether sample content is loaded), the
    # people holding the name's tokens (one round trip with its planner setting on PostgreSQL), the names of
    # those of them in scope, the matches: 8. A search by name alone is not audited and reads no country.
    assert _queries(staff_cr_client, url, "post", {"names": "persona"}) <= 8


def test_a_pathway_of_another_country_is_not_a_choice_of_the_case_list(staff_cr_client, window_cr, staff_cr, pa):
    from tests.cases.factories import PathwayFactory

    make_case(window_cr, staff_cr, person=make_person(window_cr, staff_cr, given_names="Ana"))
    elsewhere = PathwayFactory(country=pa)
    for value in (elsewhere.pk, "abc", 10**9):
        response = staff_cr_client.get(reverse("cases:case-list"), {"pathway": value})
        assert response.context["filter"].errors["pathway"], value


def test_the_last_pages_of_a_long_list_list_the_rows_of_the_plain_order(window_cr, window_cr2, staff_cr):
    from django.core.paginator import Paginator

    from cases.models import Case
    from helpers.pagination import DeferredJoinPaginator

    opened = timezone.now()
    for i in range(23):
        window = window_cr if i % 3 else window_cr2
        case = make_case(window, staff_cr, person=make_person(window, staff_cr, given_names=f"P{i}"))
        # Some cases opened at the same moment: the case number decides between them.
        Case.objects.filter(pk=case.pk).update(opened_at=opened - timezone.timedelta(hours=i // 2))
    cases = Case.objects.filter(window__in=[window_cr, window_cr2])
    for ordering in ((), ("opened_at", "pk"), ("-status", "-opened_at", "id")):
        listed = cases.order_by(*ordering) if ordering else cases
        plain, deferred = Paginator(listed, 4, orphans=1), DeferredJoinPaginator(listed, 4, orphans=1)
        every = [[c.pk for c in deferred.page(n)] for n in deferred.page_range]
        assert every == [[c.pk for c in plain.page(n)] for n in plain.page_range]
        assert sorted(pk for page in every for pk in page) == sorted(c.pk for c in cases)


def test_the_case_page_reads_as_many_queries_with_three_processes_as_with_one(
    staff_cr_client, window_cr, staff_cr, pathway_cr
):
    case = make_case(window_cr, staff_cr, person=make_person(window_cr, staff_cr, given_names="Rosa"))
    services.start_process(case=case, pathway=pathway_cr, by=staff_cr)
    services.plan_follow_up(case=case, due_on=timezone.localdate(), assigned_to=staff_cr, note="Llamar", by=staff_cr)
    url = reverse("cases:case-detail", args=[case.pk])
    _queries(staff_cr_client, url)
    one = _queries(staff_cr_client, url)
    # Session, user, second factor, memberships, the case with its person, window and users (and whether
    # sample content is loaded), the audit row, processes, their documents and appointments, follow-ups,
    # referrals, handovers, timeline: 13.
    assert one <= 13
    for _n in range(2):
        RegularizationProcess.objects.create(
            case=case, pathway=pathway_cr, stage="denied", started_at=timezone.localdate()
        )
        services.plan_follow_up(case=case, due_on=timezone.localdate(), assigned_to=staff_cr, note="Otra", by=staff_cr)
    assert _queries(staff_cr_client, url) == one


def test_the_stage_filter_lists_the_cases_at_that_stage_in_each_country_the_reader_works_in(
    window_cr, window_pa, staff_cr, staff_pa, pathway_cr, officer_cr_client
):
    from tests.cases.factories import pathway_with_documents
    from tests.factories import UserFactory, member
    from ventanillas.models import Role

    pathway_pa = pathway_with_documents(country=window_pa.country, slug="residencia-panama")
    at_stage = {}
    for window, staff, pathway in ((window_cr, staff_cr, pathway_cr), (window_pa, staff_pa, pathway_pa)):
        case = make_case(window, staff, person=make_person(window, staff, given_names="Etapa"))
        services.start_process(case=case, pathway=pathway, by=staff)
        make_case(window, staff, person=make_person(window, staff, given_names="Sin proceso"))
        at_stage[window.country.code] = case.pk
    # Window staff of both countries: the filter finds the process of each country.
    both = UserFactory(username="staff_both")
    member(both, Role.WINDOW_STAFF, window=window_cr)
    member(both, Role.WINDOW_STAFF, window=window_pa)
    client = Client()
    client.force_login(both)
    page = client.get(reverse("cases:case-list"), {"stage": "preparing"}).context["page"]
    assert sorted(c.pk for c in page) == sorted(at_stage.values())
    # A country officer: the cases of that country only.
    page = officer_cr_client.get(reverse("cases:case-list"), {"stage": "preparing"}).context["page"]
    assert [c.pk for c in page] == [at_stage["CR"]]
    assert page.paginator.count == 1
